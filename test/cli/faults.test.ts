import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliSignal } from '../../src/cli/run.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import {
  EXAMPLE,
  FIELDS_EXAMPLE,
  exampleState,
  TEST_KEY,
  runOrws,
  sandboxEnv,
  type CliResult,
} from '../helpers/cli.js';

const { seed, resources } = exampleState();

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ seed, resources });
});

afterEach(async () => {
  await sandbox.close();
});

const env = () => sandboxEnv(sandbox.baseUrl);
const writes = () => sandbox.requests.filter((r) => r.method !== 'GET');

function expectNoLeak(result: CliResult): void {
  expect(result.stdout + result.stderr).not.toContain(TEST_KEY);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(result.stdout + result.stderr).not.toContain('undefined');
}

async function converges(): Promise<void> {
  const plan = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--detailed-exitcode'], { env: env() });
  expect(plan.exitCode).toBe(0);
}

describe('under faults, apply converges or says exactly what was and was not applied', () => {
  it('429 with Retry-After on the first list page: waits, retries, logs the retry at info', async () => {
    sandbox.faults.add({
      method: 'GET',
      path: '/workspaces',
      status: 429,
      retryAfter: 1,
      times: 1,
    });
    const result = await runOrws(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve', '--log-level', 'info'],
      {
        env: env(),
      },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/"level":30.*retry|retry.*"level":30/i);
    expectNoLeak(result);
    await converges();
  });

  it('503 on a PATCH and a dropped connection on the POST are retried; nothing lost', async () => {
    sandbox.faults.add({ method: 'PATCH', path: '/workspaces/*', status: 503, times: 1 });
    sandbox.faults.add({ method: 'POST', path: '/workspaces', drop: true, times: 1 });
    const result = await runOrws(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve', '--log-level', 'trace'],
      { env: env() },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Apply complete: 3 applied');
    expectNoLeak(result);
    await converges();
  });

  it('a timeout is retried', async () => {
    sandbox.faults.add({ method: 'PATCH', path: '/workspaces/*', delayMs: 3000, times: 1 });
    const result = await runOrws(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve', '--timeout', '0.5'],
      {
        env: env(),
      },
    );
    expect(result.exitCode).toBe(0);
    await converges();
  });

  it('a body that is not JSON: an error naming the request with an excerpt, no stack trace, nothing written', async () => {
    sandbox.faults.add({ method: 'GET', path: '/workspaces', malformed: 'not-json', times: 0 });
    const result = await runOrws(['apply', '-f', FIELDS_EXAMPLE, '--auto-approve'], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/GET \S*\/workspaces/);
    expectNoLeak(result);
    expect(writes()).toEqual([]);
  });

  for (const kind of ['wrong-shape', 'missing-fields', 'truncated'] as const) {
    it(`a ${kind} list response is refused with a clear error`, async () => {
      sandbox.faults.add({ method: 'GET', path: '/workspaces', malformed: kind, times: 0 });
      const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE], { env: env() });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/GET \S*\/workspaces/);
      expectNoLeak(result);
    });
  }

  it('a persistent 500 on one workspace: the others are applied, the summary names the failure, exit 1, a re-run converges', async () => {
    const production = sandbox.workspaces().find((w) => w.slug === 'production');
    sandbox.faults.add({
      method: 'PATCH',
      path: `/workspaces/${production?.id ?? ''}`,
      status: 500,
      times: 0,
    });
    const result = await runOrws(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve', '--max-retries', '1', '--format', 'json'],
      {
        env: env(),
      },
    );
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as {
      results: { slug: string; status: string; error?: string }[];
      summary: Record<string, number>;
    };
    expect(report.summary).toEqual({
      applied: 2,
      already_applied: 0,
      failed: 1,
      unknown: 0,
      missing: 0,
      not_attempted: 0,
    });
    const failed = report.results.find((r) => r.status === 'failed');
    expect(failed?.slug).toBe('production');
    expect(failed?.error).toMatch(/500/);
    expect(failed?.error).toMatch(/2 attempts/);
    sandbox.faults.clear();
    const rerun = await runOrws(['apply', '-f', FIELDS_EXAMPLE, '--auto-approve'], { env: env() });
    expect(rerun.exitCode).toBe(0);
    await converges();
  });

  it('a workspace whose create is refused: its budgets and members are not attempted, nothing is sent for them, exit 1', async () => {
    sandbox.faults.add({
      method: 'POST',
      path: '/workspaces',
      status: 400,
      times: 0,
      body: '{"error":{"code":400,"message":"Invalid request parameters"}}',
    });
    const result = await runOrws(['apply', '-f', EXAMPLE, '--auto-approve', '--format', 'json'], {
      env: env(),
    });
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as {
      results: { kind: string; slug: string; status: string; error?: string }[];
    };
    expect(
      report.results
        .filter((r) => r.slug === 'data-science')
        .map((r) => [r.kind, r.status, r.status === 'failed' ? 'refused' : r.error]),
    ).toEqual([
      ['workspace', 'failed', 'refused'],
      ['budgets', 'not-attempted', 'its workspace was not created'],
      ['members', 'not-attempted', 'its workspace was not created'],
    ]);
    // Every request but the listing, the catalog, the organization's members and the refused
    // create names a workspace that exists (or production's guardrail): no PUT of
    // data-science's budgets and no members call for it, by slug or by any id.
    const existing = sandbox.workspaces().map((w) => `/workspaces/${w.id}`);
    const elsewhere = sandbox.requests.filter(
      (r) => !r.path.startsWith('/guardrails/') && !existing.some((p) => r.path.startsWith(p)),
    );
    expect(elsewhere.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /models',
      'GET /organization/members',
      'GET /workspaces',
      'POST /workspaces',
    ]);
    // The other workspaces' changes are still made.
    expect(report.results.filter((r) => r.slug !== 'data-science').map((r) => r.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
    ]);
  });

  it('a write the server did not take is reported as "did not converge"', async () => {
    const production = sandbox.workspaces().find((w) => w.slug === 'production');
    if (production === undefined) throw new Error('seed has production');
    sandbox.faults.add({
      method: 'PATCH',
      path: `/workspaces/${production.id}`,
      status: 200,
      body: JSON.stringify({ data: production }),
      times: 0,
    });
    const result = await runOrws(['apply', '-f', FIELDS_EXAMPLE, '--auto-approve'], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'did not converge: default_text_model is "openai/gpt-4o", wanted "anthropic/claude-sonnet-4"',
    );
  });

  /**
   * Applies a rename of `count` workspaces at 150 ms latency and sends `signal` to orws as soon
   * as the first workspace is reported updated.
   */
  async function interruptedApply(
    count: number,
    signal: CliSignal,
    concurrency: number,
  ): Promise<CliResult> {
    const many = Array.from({ length: count }, (_, i) => ({ slug: `ws-${i}`, name: `old ${i}` }));
    await sandbox.close();
    sandbox = await startSandbox({ seed: many, latencyMs: 150 });
    const file = join(mkdtempSync(join(tmpdir(), 'orws-sig-')), 'workspaces.yaml');
    writeFileSync(
      file,
      `version: 1\nworkspaces:\n${many.map((w) => `  - slug: ${w.slug}\n    name: new ${w.slug}\n`).join('')}`,
    );
    let sent = false;
    return runOrws(
      ['apply', '-f', file, '--auto-approve', '--force', '--concurrency', String(concurrency)],
      {
        env: env(),
        onStdout: (text, send) => {
          if (!sent && text.includes('): updated')) {
            sent = true;
            send(signal);
          }
        },
      },
    );
  }

  it('SIGINT during apply: no new request, those in flight finish, an account of what was not applied, exit 130', async () => {
    const result = await interruptedApply(30, 'SIGINT', 2);
    expect(result.exitCode).toBe(130);
    expect(result.stdout).toContain('Interrupted');
    expect(result.stdout).toMatch(/Not attempted \(not changed\):/);
    // A PATCH in flight when the signal came is aborted: its outcome is reported unknown, never
    // applied or "not changed" unseen.
    const patches = writes().length;
    const applied = Number(/Apply incomplete: (\d+) applied/.exec(result.stdout)?.[1]);
    const unknown = Number(/(\d+) unknown/.exec(result.stdout)?.[1] ?? 0);
    expect(patches).toBe(applied + unknown);
    expect(patches).toBeLessThan(30);
    const notAttempted = Number(/(\d+) not attempted\./.exec(result.stdout)?.[1]);
    expect(applied + unknown + notAttempted).toBe(30);
  });

  it('SIGTERM during apply exits 143', async () => {
    const result = await interruptedApply(20, 'SIGTERM', 1);
    expect(result.exitCode).toBe(143);
    expect(result.stdout).toContain('Interrupted');
  });
});
