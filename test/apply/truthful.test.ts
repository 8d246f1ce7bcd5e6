import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/index.js';
import type { Plan } from '../../src/plan/index.js';
import { createClient, type Client } from '../../src/api/index.js';
import { renderApplySummary } from '../../src/render/apply.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { entry, planOf } from '../helpers/factories.js';

let sandbox: Sandbox;
let client: Client;
let id: string;

beforeEach(async () => {
  sandbox = await startSandbox({ seed: [{ slug: 'a', name: 'A' }] });
  id = sandbox.workspaces()[0]?.id ?? '';
  client = createClient({ baseUrl: sandbox.baseUrl, apiKey: 'test-key', maxRetries: 0 });
});

afterEach(async () => {
  await sandbox.close();
});

async function renamePlan(): Promise<Plan> {
  return planOf([entry({ slug: 'a', name: 'A2' })], await client.listWorkspaces(), {
    baseUrl: sandbox.baseUrl,
  });
}

async function applyOnce(plan: Plan) {
  sandbox.clearRequests();
  return applyPlan(plan, client, { concurrency: 2, verify: false });
}

describe('apply never reports what it did not see', () => {
  for (const malformed of ['not-json', 'truncated'] as const) {
    it(`a PATCH that landed but whose answer is lost (${malformed}) is read again and reported applied`, async () => {
      const plan = await renamePlan();
      sandbox.faults.add({ method: 'PATCH', path: `/workspaces/${id}`, malformed });
      const report = await applyOnce(plan);
      expect(report.results[0]).toMatchObject({
        status: 'applied',
        error: expect.stringMatching(
          /the answer was lost .*read again, it shows the change applied/,
        ) as string,
      });
      expect(sandbox.requests.map((r) => r.method)).toEqual(['PATCH', 'GET']);
      expect(sandbox.workspaces()[0]?.name).toBe('A2');
    });
  }

  it('a PATCH that failed with a 5xx and did not land is read again and reported not changed', async () => {
    const plan = await renamePlan();
    sandbox.faults.add({ method: 'PATCH', path: `/workspaces/${id}`, status: 503 });
    const report = await applyOnce(plan);
    expect(report.results[0]).toMatchObject({
      status: 'failed',
      retryable: true,
      error: expect.stringContaining('read again, it shows no change') as string,
    });
    expect(sandbox.requests.map((r) => r.method)).toEqual(['PATCH', 'GET']);
  });

  it('when the re-read fails too, the outcome is unknown, not "not changed"', async () => {
    const plan = await renamePlan();
    sandbox.faults.add({ method: 'PATCH', path: `/workspaces/${id}`, malformed: 'not-json' });
    sandbox.faults.add({ method: 'GET', path: `/workspaces/${id}`, status: 503 });
    const report = await applyOnce(plan);
    expect(report.results[0]).toMatchObject({
      status: 'unknown',
      error: expect.stringMatching(
        /^outcome unknown: .*reading it again failed too .*run plan$/,
      ) as string,
    });
    expect(report.summary.unknown).toBe(1);
    const text = renderApplySummary(report, false);
    expect(text).toContain('Outcome unknown (run plan to see what is true):');
    expect(text).not.toContain('Failed');
  });

  it('a PATCH refused before it connected (ECONNREFUSED) changed nothing: failed, retryable, not "outcome unknown"', async () => {
    const gone = await startSandbox({ seed: [{ slug: 'a', name: 'A' }] });
    const remote = createClient({ baseUrl: gone.baseUrl, apiKey: 'test-key', maxRetries: 0 });
    const plan = planOf([entry({ slug: 'a', name: 'A2' })], await remote.listWorkspaces(), {
      baseUrl: gone.baseUrl,
    });
    await gone.close();
    const report = await applyPlan(plan, remote, { concurrency: 1, verify: false });
    expect(report.results[0]).toMatchObject({
      status: 'failed',
      retryable: true,
      error: expect.stringMatching(
        /^PATCH \/api\/v1\/workspaces\/\S+: cannot reach .*: ECONNREFUSED/,
      ) as string,
    });
    expect(report.results[0]?.error).not.toMatch(/unknown|read again|reading it again/);
    expect(report.summary).toMatchObject({ failed: 1, unknown: 0 });
  });

  it('a PATCH answered with another workspace is not counted a success', async () => {
    const plan = await renamePlan();
    const other = sandbox.add({ slug: 'other', name: 'Other' });
    sandbox.faults.add({
      method: 'PATCH',
      path: `/workspaces/${id}`,
      status: 200,
      body: JSON.stringify({ data: other }),
    });
    const report = await applyOnce(plan);
    expect(report.results[0]).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(
        /answered with another workspace .*read again, it shows no change/,
      ) as string,
    });
  });

  it('a value the API refuses (400) fails without a re-read, and the account does not say "run apply again"', async () => {
    const plan = await renamePlan();
    sandbox.faults.add({ method: 'PATCH', path: `/workspaces/${id}`, status: 400 });
    const report = await applyOnce(plan);
    expect(report.results[0]).toMatchObject({
      status: 'failed',
      retryable: false,
      error: expect.stringContaining('the API refused the values sent') as string,
    });
    expect(sandbox.requests.map((r) => r.method)).toEqual(['PATCH']);
    const text = renderApplySummary(report, false);
    expect(text).toContain('Some changes cannot succeed as the config stands');
    expect(text).not.toContain('Run apply again');
  });

  it('a workspace deleted outside orws is reported missing, never recreated, and nothing is sent', async () => {
    const gone = '11111111-1111-4111-8111-111111111111';
    const plan = planOf([entry({ slug: 'gone', name: 'G' }, { id: gone })], [], {
      baseUrl: sandbox.baseUrl,
    });
    const report = await applyOnce(plan);
    expect(report.results[0]).toMatchObject({
      status: 'missing',
      error: expect.stringContaining('Remove the entry, or remove its id') as string,
    });
    expect(sandbox.requests).toEqual([]);
    expect(renderApplySummary(report, false)).toMatch(/Apply incomplete: .*1 missing/);
  });
});

describe('a write checked against an API that answers sets in another order', () => {
  it('key ids answered in another order than sent are applied, not "did not converge"', async () => {
    const reordering = await startSandbox({
      seed: [{ slug: 'k', name: 'K' }],
      reorderArrays: true,
    });
    try {
      const api = createClient({ baseUrl: reordering.baseUrl, apiKey: 'test-key', maxRetries: 0 });
      const plan = planOf(
        [entry({ slug: 'k', io_logging_api_key_ids: [1, 2, 3] })],
        await api.listWorkspaces(),
        { baseUrl: reordering.baseUrl },
      );
      const report = await applyPlan(plan, api, { concurrency: 1, verify: false });
      expect(report.results.map((r) => [r.status, r.error])).toEqual([['applied', undefined]]);
      // The API holds them in another order than sent: a set compared as a list would differ.
      expect((await api.getWorkspace('k'))?.io_logging_api_key_ids).not.toEqual([1, 2, 3]);
    } finally {
      await reordering.close();
    }
  });
});
