import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runOrws, sandboxEnv } from '../helpers/cli.js';

// Renames between the workspaces of one config: the API keeps slugs unique, so the order of
// the PATCHes matters.

const ALPHA = '11111111-1111-4111-8111-111111111111';
const BETA = '22222222-2222-4222-8222-222222222222';

let sandbox: Sandbox;

afterEach(async () => {
  await sandbox.close();
});

async function start(): Promise<Sandbox> {
  sandbox = await startSandbox({
    seed: [
      { id: ALPHA, slug: 'alpha', name: 'Alpha' },
      { id: BETA, slug: 'beta', name: 'Beta' },
    ],
  });
  return sandbox;
}

/** A config whose entries pin ALPHA and BETA and give them these slugs. */
function renames(alpha: string, beta: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'orws-renames-')), 'workspaces.yaml');
  writeFileSync(
    file,
    `version: 1\nworkspaces:\n  - id: ${ALPHA}\n    slug: ${alpha}\n  - id: ${BETA}\n    slug: ${beta}\n`,
  );
  return file;
}

describe('renames between the workspaces of one config', () => {
  it('a chain (alpha → beta, beta → gamma) is applied in one run, the rename that frees a slug first', async () => {
    const s = await start();
    const env = sandboxEnv(s.baseUrl);
    const file = renames('beta', 'gamma');
    const apply = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
    expect(apply.stdout).toContain('Apply complete: 2 applied');
    expect(apply.exitCode).toBe(0);
    expect(s.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/workspaces/${BETA}`,
      `/workspaces/${ALPHA}`,
    ]);
    const again = await runOrws(['plan', '-f', file, '--detailed-exitcode'], { env });
    expect(again.exitCode).toBe(0);
  });

  it('a swap is named at plan time, and apply sends none of it: exit 1, with what to do', async () => {
    const s = await start();
    const env = sandboxEnv(s.baseUrl);
    const file = renames('beta', 'alpha');
    const plan = await runOrws(['plan', '-f', file], { env });
    expect(plan.exitCode).toBe(0);
    expect(plan.stderr).toContain(
      'orws: warning: these renames swap slugs (beta → alpha, alpha → beta); the API keeps slugs unique',
    );
    const apply = await runOrws(['apply', '-f', file, '--auto-approve'], { env });
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain(
      'not sent: these renames swap slugs (beta → alpha, alpha → beta); the API keeps slugs unique',
    );
    expect(apply.stdout).toContain('applying again cannot help');
    expect(apply.stdout).not.toContain('Run apply again');
    expect(s.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
