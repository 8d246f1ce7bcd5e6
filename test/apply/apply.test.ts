import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/index.js';
import type { Plan } from '../../src/plan/index.js';
import { createClient, type Client } from '../../src/api/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { StalePlanError } from '../../src/errors.js';
import { entry, planOf } from '../helpers/factories.js';

let sandbox: Sandbox;
let client: Client;

beforeEach(async () => {
  sandbox = await startSandbox({
    seed: [
      { slug: 'a', name: 'A' },
      { slug: 'b', name: 'B' },
      { slug: 'c', name: 'C' },
    ],
  });
  client = createClient({ baseUrl: sandbox.baseUrl, apiKey: 'test-key', maxRetries: 0 });
});

afterEach(async () => {
  await sandbox.close();
});

async function planFor(entries: ReturnType<typeof entry>[]): Promise<Plan> {
  return planOf(entries, await client.listWorkspaces(), { baseUrl: sandbox.baseUrl });
}

describe('applyPlan against the sandbox', () => {
  it('a create whose slug appeared since the plan is reported as such, never sent as an update', async () => {
    const plan = await planFor([entry({ slug: 'new', name: 'Mine' })]);
    sandbox.add({ slug: 'new', name: 'Someone else' });
    sandbox.clearRequests();
    const report = await applyPlan(plan, client, { concurrency: 4, verify: false });
    expect(report.results).toEqual([
      expect.objectContaining({
        slug: 'new',
        status: 'failed',
        error: expect.stringMatching(
          /^appeared since the plan: a workspace with slug "new" now exists/,
        ) as string,
      }),
    ]);
    expect(sandbox.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(sandbox.workspaces().find((w) => w.slug === 'new')?.name).toBe('Someone else');
  });

  it('a create whose slug appeared with exactly the planned values counts as already applied', async () => {
    const plan = await planFor([entry({ slug: 'new', name: 'Mine' })]);
    sandbox.add({ slug: 'new', name: 'Mine' });
    const report = await applyPlan(plan, client, { concurrency: 4, verify: false });
    expect(report.results.map((r) => r.status)).toEqual(['already-applied']);
  });

  it('goes on past a failed workspace and accounts for every change', async () => {
    const plan = await planFor([
      entry({ slug: 'a', name: 'A2' }),
      entry({ slug: 'b', name: 'B2' }),
      entry({ slug: 'c', name: 'C2' }),
    ]);
    const b = sandbox.workspaces().find((w) => w.slug === 'b');
    sandbox.faults.add({
      method: 'PATCH',
      path: `/workspaces/${b?.id ?? ''}`,
      status: 400,
      times: 0,
    });
    const seen: string[] = [];
    const report = await applyPlan(plan, client, {
      concurrency: 1,
      verify: false,
      onResult: (result) => seen.push(`${result.slug}:${result.status}`),
    });
    expect(report.results.map((r) => r.status)).toEqual(['applied', 'failed', 'applied']);
    expect(report.summary).toEqual({
      applied: 2,
      already_applied: 0,
      failed: 1,
      unknown: 0,
      missing: 0,
      not_attempted: 0,
    });
    expect(seen).toEqual(['a:applied', 'b:failed', 'c:applied']);
  });

  it('after an abort sends no new request and marks the rest not attempted', async () => {
    const plan = await planFor([
      entry({ slug: 'a', name: 'A2' }),
      entry({ slug: 'b', name: 'B2' }),
      entry({ slug: 'c', name: 'C2' }),
    ]);
    const controller = new AbortController();
    sandbox.clearRequests();
    const report = await applyPlan(plan, client, {
      concurrency: 1,
      verify: false,
      signal: controller.signal,
      onResult: () => {
        controller.abort();
      },
    });
    expect(report.interrupted).toBe(true);
    expect(report.results.map((r) => r.status)).toEqual([
      'applied',
      'not-attempted',
      'not-attempted',
    ]);
    expect(sandbox.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('with verify, a stale plan throws before any write', async () => {
    const plan = await planFor([
      entry({ slug: 'a', name: 'A2' }),
      entry({ slug: 'b', name: 'B2' }),
    ]);
    sandbox.edit('b', { name: 'moved' });
    sandbox.clearRequests();
    await expect(applyPlan(plan, client, { concurrency: 4, verify: true })).rejects.toThrow(
      StalePlanError,
    );
    expect(sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('with verify and many changes, re-reads with one listing rather than a GET each', async () => {
    await sandbox.close();
    sandbox = await startSandbox({
      seed: Array.from({ length: 150 }, (_, i) => ({ slug: `w-${i}`, name: 'old' })),
    });
    client = createClient({ baseUrl: sandbox.baseUrl, apiKey: 'test-key' });
    const plan = await planFor(
      Array.from({ length: 150 }, (_, i) => entry({ slug: `w-${i}`, name: 'new' })),
    );
    sandbox.clearRequests();
    const report = await applyPlan(plan, client, { concurrency: 8, verify: true });
    expect(report.summary.applied).toBe(150);
    const reads = sandbox.requests.filter((r) => r.method === 'GET');
    expect(reads.map((r) => r.path)).toEqual(['/workspaces', '/workspaces']);
  });
});
