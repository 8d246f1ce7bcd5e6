import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { FIELDS_EXAMPLE, exampleState, TEST_KEY, runOrws, sandboxEnv } from '../helpers/cli.js';

const { seed, resources } = exampleState();

let sandbox: Sandbox;
let dir: string;
let planFile: string;

beforeEach(async () => {
  sandbox = await startSandbox({ seed, resources });
  dir = mkdtempSync(join(tmpdir(), 'orws-saved-'));
  planFile = join(dir, 'plan.json');
});

afterEach(async () => {
  await sandbox.close();
});

const env = () => sandboxEnv(sandbox.baseUrl);
const writes = () => sandbox.requests.filter((r) => r.method !== 'GET');

async function savePlan(): Promise<void> {
  const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--out', planFile], { env: env() });
  expect(result.exitCode).toBe(0);
  sandbox.clearRequests();
}

describe('plan --out', () => {
  it('writes the same document --format json prints, without the key', async () => {
    const result = await runOrws(
      ['plan', '-f', FIELDS_EXAMPLE, '--out', planFile, '--format', 'json'],
      {
        env: env(),
      },
    );
    const saved = readFileSync(planFile, 'utf8');
    expect(saved).toBe(result.stdout);
    expect(saved).not.toContain(TEST_KEY);
    expect(JSON.parse(saved)).toMatchObject({ format_version: 2, base_url: sandbox.baseUrl });
  });
});

describe('apply PLANFILE', () => {
  it('applies exactly the plan without asking (off a terminal, no --auto-approve)', async () => {
    await savePlan();
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { changes: { body: unknown }[] };
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(
      writes()
        .map((r) => r.body)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      plan.changes
        .map((c) => c.body)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    const after = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--detailed-exitcode'], {
      env: env(),
    });
    expect(after.exitCode).toBe(0);
  });

  it('applied twice, succeeds the second time with every workspace "already applied" and no write', async () => {
    await savePlan();
    expect((await runOrws(['apply', planFile], { env: env() })).exitCode).toBe(0);
    sandbox.clearRequests();
    const again = await runOrws(['apply', planFile, '--format', 'json'], { env: env() });
    expect(again.exitCode).toBe(0);
    const report = JSON.parse(again.stdout) as { results: { status: string }[] };
    expect(report.results.map((r) => r.status)).toEqual([
      'already-applied',
      'already-applied',
      'already-applied',
    ]);
    expect(writes()).toEqual([]);
  });

  it('refuses when a planned field moved since the plan, naming workspace, field, planned and current value; sends nothing', async () => {
    await savePlan();
    sandbox.edit('production', { default_text_model: 'mistral/large' });
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'workspace "production" (550e8400-e29b-41d4-a716-446655440000): default_text_model was "openai/gpt-4o" when planned, now "mistral/large"',
    );
    expect(writes()).toEqual([]);
  });

  it('is not stale when only a field the plan does not touch moved', async () => {
    await savePlan();
    sandbox.edit('production', { default_image_model: 'other/model' });
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(sandbox.workspaces().find((w) => w.slug === 'production')?.default_image_model).toBe(
      'other/model',
    );
  });

  it('refuses when a workspace to create appeared since the plan; sends nothing', async () => {
    await savePlan();
    sandbox.add({ slug: 'data-science', name: 'Someone else' });
    sandbox.clearRequests();
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /workspace "data-science" was to be created, but a workspace with that slug appeared since the plan/,
    );
    expect(writes()).toEqual([]);
  });

  it('refuses a plan made against another base URL, before any request', async () => {
    await savePlan();
    const other = await startSandbox({ seed, resources });
    try {
      const result = await runOrws(['apply', planFile], { env: sandboxEnv(other.baseUrl) });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`was made against ${sandbox.baseUrl}`);
      expect(other.requests).toEqual([]);
      expect(sandbox.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('refuses an unknown format_version, before any request', async () => {
    await savePlan();
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(planFile, JSON.stringify({ ...plan, format_version: 3 }));
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('format_version 3');
    expect(sandbox.requests).toEqual([]);
  });

  it('refuses a version-1 plan, saying to run plan again, before any request', async () => {
    await savePlan();
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(planFile, JSON.stringify({ ...plan, format_version: 1 }));
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Run `orws plan` again');
    expect(sandbox.requests).toEqual([]);
  });

  it('refuses a plan whose body gained a field its operations do not test, before any request', async () => {
    await savePlan();
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as {
      changes: { kind: string; action: string; body: Record<string, unknown> }[];
    };
    const update = plan.changes.find((c) => c.kind === 'workspace' && c.action === 'update');
    if (update === undefined) throw new Error('the example plan has no workspace update');
    update.body.description = 'INJECTED';
    writeFileSync(planFile, JSON.stringify(plan));
    const result = await runOrws(['apply', planFile], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('its body does not match its fields');
    expect(sandbox.requests).toEqual([]);
  });

  it('takes no --target (the plan is applied exactly as saved): exit 1, before any request', async () => {
    await savePlan();
    const result = await runOrws(['apply', planFile, '--target', 'production'], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'orws: error: --target cannot be combined with a plan file: the plan file is applied exactly as saved.\n',
    );
    expect(result.stdout).toBe('');
    expect(sandbox.requests).toEqual([]);
  });

  it('refuses a file that is not a plan', async () => {
    writeFileSync(planFile, '{"hello": 1}');
    const notPlan = await runOrws(['apply', planFile], { env: env() });
    expect(notPlan.exitCode).toBe(1);
    expect(notPlan.stderr).toContain('not an orws plan');
    const missing = await runOrws(['apply', join(dir, 'nope.json')], { env: env() });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('cannot read plan file');
    expect(sandbox.requests).toEqual([]);
  });
});

describe('plan --format markdown', () => {
  it('prints a summary table and details without escape codes', async () => {
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--format', 'markdown'], {
      env: env(),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('| ➕ create | 1 |');
    expect(result.stdout).toContain('<details>');
    expect(result.stdout).not.toContain('\u001b');
  });
});

describe('export', () => {
  it('writes every workspace as a valid config that validates and plans clean (the round trip)', async () => {
    const exported = join(dir, 'exported.yaml');
    const result = await runOrws(['export', '--out', exported], { env: env() });
    expect(result.exitCode).toBe(0);
    const text = readFileSync(exported, 'utf8');
    expect(text.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=.*schema\/workspaces\.schema\.json$/,
    );
    const slugs = [...text.matchAll(/^ {4}slug: (.+)$/gm)].map((m) => m[1]);
    expect(slugs).toEqual(['production', 'research', 'sandbox', 'staging']);
    expect((await runOrws(['validate', '-f', exported])).exitCode).toBe(0);
    const plan = await runOrws(['plan', '-f', exported, '--detailed-exitcode'], { env: env() });
    expect(plan.stdout).toContain('Plan: 0 to create, 0 to update, 4 unchanged, 0 unmanaged.');
    expect(plan.exitCode).toBe(0);
  });

  it('prints to stdout without --out', async () => {
    const result = await runOrws(['export'], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('version: 1');
    expect(result.stdout).toContain('io_logging_api_key_ids: [ 102, 101 ]');
  });
});

describe('drift check (plan --detailed-exitcode)', () => {
  it('exits 1 on an error, distinct from 2 (drift) and 0 (clean)', async () => {
    const result = await runOrws(
      ['plan', '-f', FIELDS_EXAMPLE, '--detailed-exitcode', '--max-retries', '0'],
      {
        env: { ...env(), OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1' },
      },
    );
    expect(result.exitCode).toBe(1);
  });
});

describe('output files', () => {
  it('a plan file that cannot be written is a clear error, exit 1', async () => {
    const result = await runOrws(
      ['plan', '-f', FIELDS_EXAMPLE, '--out', join(dir, 'missing-dir', 'plan.json')],
      {
        env: env(),
      },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `orws: error: cannot write ${join(dir, 'missing-dir', 'plan.json')}: ENOENT`,
    );
    expect(result.stderr).not.toContain('internal error');
  });
});
