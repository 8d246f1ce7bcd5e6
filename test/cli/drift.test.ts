import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runOrws, sandboxEnv } from '../helpers/cli.js';

// Drift as a cron job sees it: a pinned workspace deleted outside orws, and workspaces created
// outside orws where the config forbids them.

let sandbox: Sandbox;
let dir: string;

beforeEach(async () => {
  sandbox = await startSandbox({
    seed: [
      { slug: 'kept', name: 'Kept' },
      { slug: 'stray', name: 'Stray' },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'orws-drift-'));
});

afterEach(async () => {
  await sandbox.close();
});

const GONE = '11111111-1111-4111-8111-111111111111';

function config(text: string): string {
  const file = join(dir, 'workspaces.yaml');
  writeFileSync(file, text);
  return file;
}

describe('drift a cron job must see', () => {
  it('a pinned workspace deleted outside orws is drift (exit 2), in text, JSON and markdown; apply reports it and exits 1', async () => {
    const file = config(
      `version: 1\nworkspaces:\n  - slug: kept\n    name: Kept\n  - id: ${GONE}\n    slug: gone\n    name: Gone\n`,
    );
    const env = sandboxEnv(sandbox.baseUrl);
    const valid = await runOrws(['validate', '-f', file]);
    expect(valid.exitCode).toBe(0);

    const plan = await runOrws(['plan', '-f', file, '--detailed-exitcode'], { env });
    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toContain(
      `! workspace "gone" (${GONE}) is missing: it was deleted outside orws`,
    );
    expect(plan.stdout).toContain(
      'Plan: 0 to create, 0 to update, 1 unchanged, 1 unmanaged, 1 missing.',
    );

    const json = await runOrws(['plan', '-f', file, '--format', 'json'], { env });
    const document = JSON.parse(json.stdout) as {
      changes: { action: string; id: string }[];
      summary: { missing: number };
    };
    expect(document.changes).toEqual([expect.objectContaining({ action: 'missing', id: GONE })]);
    expect(document.summary.missing).toBe(1);
    const markdown = await runOrws(['plan', '-f', file, '--format', 'markdown'], { env });
    expect(markdown.stdout).toContain('| ❗ missing (deleted outside orws) | 1 |');

    sandbox.clearRequests();
    const apply = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain('remove the entry, or remove its id');
    expect(sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('with unmanaged: forbid, a workspace no entry names is drift (exit 2); with allow it is not', async () => {
    const env = sandboxEnv(sandbox.baseUrl);
    const allowed = config('version: 1\nworkspaces:\n  - slug: kept\n    name: Kept\n');
    const clean = await runOrws(['plan', '-f', allowed, '--detailed-exitcode'], { env });
    expect(clean.exitCode).toBe(0);

    const forbidden = config(
      'version: 1\nunmanaged: forbid\nworkspaces:\n  - slug: kept\n    name: Kept\n',
    );
    const drift = await runOrws(['plan', '-f', forbidden, '--detailed-exitcode'], { env });
    expect(drift.exitCode).toBe(2);
    expect(drift.stdout).toContain('the config forbids them');
    expect(drift.stdout).toContain('stray (');
    expect(drift.stdout).toContain('1 unmanaged (forbidden)');

    sandbox.clearRequests();
    const apply = await runOrws(['apply', '-f', forbidden, '--auto-approve'], { env });
    expect(apply.stdout).toContain('orws never deletes a workspace');
    expect(sandbox.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('export of the whole account writes unmanaged: forbid; an export of some workspaces does not', async () => {
    const env = sandboxEnv(sandbox.baseUrl);
    const whole = await runOrws(['export'], { env });
    expect(whole.exitCode).toBe(0);
    expect(whole.stdout).toMatch(/^unmanaged: forbid$/m);
    const some = await runOrws(['export', '--target', 'kept'], { env });
    expect(some.exitCode).toBe(0);
    expect(some.stdout).not.toContain('unmanaged:');
    expect(some.stdout).not.toContain('stray');
  });
});
