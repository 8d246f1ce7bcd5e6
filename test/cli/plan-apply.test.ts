import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { FIELDS_EXAMPLE, exampleState, TEST_KEY, runOrws, sandboxEnv } from '../helpers/cli.js';

const { seed, resources } = exampleState();

/** The POST body the example's new workspace gets: every field its entry and the defaults set. */
const CREATE_DATA_SCIENCE = {
  name: 'Data Science',
  slug: 'data-science',
  description: 'Notebooks and batch jobs',
  default_text_model: 'openai/gpt-4o',
  default_provider_sort: 'price',
  is_observability_broadcast_enabled: false,
  is_data_discount_logging_enabled: false,
};

let sandbox: Sandbox;
let dir: string;

beforeEach(async () => {
  sandbox = await startSandbox({ seed, resources });
  dir = mkdtempSync(join(tmpdir(), 'orws-cli-'));
});

afterEach(async () => {
  await sandbox.close();
});

const writes = () => sandbox.requests.filter((r) => r.method !== 'GET');

function config(text: string): string {
  const file = join(dir, 'workspaces.yaml');
  writeFileSync(file, text);
  return file;
}

describe('orws plan', () => {
  it('shows the drift of the example, sends no write, and exits 0', async () => {
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE], {
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      '~ default_text_model: "openai/gpt-4o" → "anthropic/claude-sonnet-4"',
    );
    expect(result.stdout).toContain('~ slug: "staging" → "staging-eu"');
    expect(result.stdout).toContain('+ workspace "data-science"');
    expect(result.stdout).toContain('Plan: 1 to create, 2 to update, 1 unchanged, 1 unmanaged.');
    expect(writes()).toEqual([]);
    expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /workspaces']);
    expect(sandbox.requests[0]?.query).toEqual({ offset: '0', limit: '100' });
  });

  it('--format json prints the plan document with exact bodies', async () => {
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--format', 'json'], {
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      changes: { slug: string; body: unknown; action: string }[];
      base_url: string;
    };
    expect(plan.base_url).toBe(sandbox.baseUrl);
    expect(plan.changes.map((c) => [c.action, c.slug, c.body])).toEqual([
      ['create', 'data-science', CREATE_DATA_SCIENCE],
      ['update', 'production', { default_text_model: 'anthropic/claude-sonnet-4' }],
      ['update', 'staging-eu', { name: 'Staging (EU)', slug: 'staging-eu', description: null }],
    ]);
  });

  it('--detailed-exitcode exits 2 on changes and 0 without', async () => {
    const env = sandboxEnv(sandbox.baseUrl);
    expect(
      (await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--detailed-exitcode'], { env })).exitCode,
    ).toBe(2);
    const clean = config('version: 1\nworkspaces:\n  - slug: research\n    name: Research\n');
    expect((await runOrws(['plan', '-f', clean, '--detailed-exitcode'], { env })).exitCode).toBe(0);
    expect((await runOrws(['plan', '-f', clean], { env })).exitCode).toBe(0);
  });

  it('an invalid config sends no request at all and names the place', async () => {
    const file = config('version: 1\nworkspaces:\n  - slug: research\n    descripton: x\n');
    const result = await runOrws(['plan', '-f', file], { env: sandboxEnv(sandbox.baseUrl) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${file}:4:5:`);
    expect(result.stderr).toContain('did you mean "description"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(sandbox.requests).toEqual([]);
  });

  it('a missing key sends no request and says which variable to set', async () => {
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE], {
      env: { OPENROUTER_BASE_URL: sandbox.baseUrl },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('OPENROUTER_MANAGEMENT_KEY');
    expect(sandbox.requests).toEqual([]);
  });

  it('refuses http:// to a host that is not loopback, before any request', async () => {
    const result = await runOrws(
      ['plan', '-f', FIELDS_EXAMPLE, '--base-url', 'http://example.com/api/v1'],
      {
        env: { OPENROUTER_MANAGEMENT_KEY: TEST_KEY },
      },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/clear text/);
  });

  it('--target limits the plan', async () => {
    const result = await runOrws(
      ['plan', '-f', FIELDS_EXAMPLE, '--target', 'production', '--format', 'json'],
      {
        env: sandboxEnv(sandbox.baseUrl),
      },
    );
    const plan = JSON.parse(result.stdout) as { changes: { slug: string }[] };
    expect(plan.changes.map((c) => c.slug)).toEqual(['production']);
    // The config has four workspaces: three are left out, and stderr says so.
    expect(result.stderr).toBe(
      "orws: warning: this plan is partial: --target left out 3 of the config's 4 workspaces.\n",
    );
  });
});

describe('orws apply', () => {
  it('sends exactly the planned bodies, then plan shows no changes (convergence)', async () => {
    const env = sandboxEnv(sandbox.baseUrl);
    const result = await runOrws(['apply', '-f', FIELDS_EXAMPLE, '--auto-approve'], { env });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const production = sandbox.workspaces().find((w) => w.slug === 'production');
    const staging = sandbox.workspaces().find((w) => w.slug === 'staging-eu');
    expect(writes().map((r) => [r.method, r.path, r.body])).toEqual(
      expect.arrayContaining([
        [
          'PATCH',
          `/workspaces/${production?.id ?? ''}`,
          { default_text_model: 'anthropic/claude-sonnet-4' },
        ],
        [
          'PATCH',
          `/workspaces/${staging?.id ?? ''}`,
          { name: 'Staging (EU)', slug: 'staging-eu', description: null },
        ],
        ['POST', '/workspaces', CREATE_DATA_SCIENCE],
      ]),
    );
    expect(writes()).toHaveLength(3);
    expect(sandbox.requests.filter((r) => r.method === 'DELETE')).toEqual([]); // never deletes
    expect(result.stdout).toContain('Apply complete: 3 applied');

    sandbox.clearRequests();
    const again = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--detailed-exitcode'], { env });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('No changes.');
    expect(writes()).toEqual([]);
  });

  it('off a terminal, without --auto-approve, refuses and sends nothing', async () => {
    const result = await runOrws(['apply', '-f', FIELDS_EXAMPLE], {
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('--auto-approve');
    expect(sandbox.requests).toEqual([]);
  });

  it('never touches an unmanaged workspace', async () => {
    const before = sandbox.workspaces().find((w) => w.slug === 'sandbox');
    await runOrws(['apply', '-f', FIELDS_EXAMPLE, '--auto-approve'], {
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(sandbox.workspaces().find((w) => w.slug === 'sandbox')).toEqual(before);
    expect(sandbox.requests.filter((r) => r.path.endsWith(before?.id ?? '-'))).toEqual([]);
  });

  it('goes on past a failed workspace, says which were changed and which not, exits 1, and a re-run converges', async () => {
    sandbox.faults.add({
      method: 'PATCH',
      path: '/workspaces/*',
      status: 400,
      times: 1,
      body: '{"error":{"code":400,"message":"Invalid request parameters"}}',
    });
    const env = { ...sandboxEnv(sandbox.baseUrl) };
    const result = await runOrws(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve', '--concurrency', '1', '--max-retries', '0'],
      { env },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/failed: .*400/);
    expect(result.stdout).toContain(
      'Apply incomplete: 2 applied, 0 already applied, 1 failed, 0 not attempted.',
    );
    const rerun = await runOrws(['apply', '-f', FIELDS_EXAMPLE, '--auto-approve'], { env });
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout).toContain('Apply complete: 1 applied');
    const final = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--detailed-exitcode'], { env });
    expect(final.exitCode).toBe(0);
  });

  it('--target limits apply to the named workspaces', async () => {
    const result = await runOrws(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve', '--target', 'production'],
      {
        env: sandboxEnv(sandbox.baseUrl),
      },
    );
    expect(result.exitCode).toBe(0);
    const production = sandbox.workspaces().find((w) => w.slug === 'production');
    expect(writes().map((r) => [r.method, r.path])).toEqual([
      ['PATCH', `/workspaces/${production?.id ?? ''}`],
    ]);
  });

  it('apply --format json writes one result document', async () => {
    const result = await runOrws(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve', '--format', 'json'],
      {
        env: sandboxEnv(sandbox.baseUrl),
      },
    );
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as {
      results: { slug: string; status: string; body: unknown }[];
      summary: unknown;
    };
    expect(report.results.map((r) => [r.slug, r.status])).toEqual([
      ['data-science', 'applied'],
      ['production', 'applied'],
      ['staging-eu', 'applied'],
    ]);
    expect(report.summary).toEqual({
      applied: 3,
      already_applied: 0,
      failed: 0,
      unknown: 0,
      missing: 0,
      not_attempted: 0,
    });
  });
});

describe('the management key', () => {
  it('never appears in stdout, stderr or logs at --log-level trace, in success or failure', async () => {
    const env = sandboxEnv(sandbox.baseUrl);
    sandbox.faults.add({ method: 'PATCH', path: '/workspaces/*', status: 500, times: 0 });
    const runs = await Promise.all([
      runOrws(['plan', '-f', FIELDS_EXAMPLE, '--log-level', 'trace'], { env }),
      runOrws(
        [
          'apply',
          '-f',
          FIELDS_EXAMPLE,
          '--auto-approve',
          '--log-level',
          'trace',
          '--max-retries',
          '1',
        ],
        { env },
      ),
      runOrws(['export', '--log-level', 'trace'], { env }),
      runOrws(
        [
          'plan',
          '-f',
          FIELDS_EXAMPLE,
          '--log-level',
          'trace',
          '--base-url',
          'http://127.0.0.1:1/api/v1',
        ],
        {
          env: { OPENROUTER_MANAGEMENT_KEY: TEST_KEY },
        },
      ),
    ]);
    for (const run of runs) {
      expect(run.stdout + run.stderr).not.toContain(TEST_KEY);
      expect(run.stdout + run.stderr).not.toContain('TESTKEY');
    }
    // The logs did run at trace level: the test would pass vacuously otherwise.
    expect(runs[0].stderr).toContain('"msg":"http request"');
    expect(sandbox.requests.every((r) => r.authorization === `Bearer ${TEST_KEY}`)).toBe(true);
  });
});
