import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { captureLogs, client, KEY, rejection, sandbox, seeds } from './helpers.js';

describe('logs', () => {
  test('debug: one JSON line per attempt with method, path, status, duration and attempt', async () => {
    const api = await sandbox({ seed: seeds(150) });
    api.faults.add({ method: 'GET', query: { offset: '100' }, status: 503 });
    const logs = captureLogs('debug');
    const remote = client(api, { logger: logs.logger });
    await remote.listWorkspaces();
    await remote.getWorkspace('missing');

    const lines = logs.text().trimEnd().split('\n');
    const requests = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((e) => e.msg === 'http request');
    expect(requests).toHaveLength(remote.stats.requests);
    expect(
      requests.map(({ method, path, status, attempt }) => ({ method, path, status, attempt })),
    ).toEqual([
      { method: 'GET', path: '/api/v1/workspaces?offset=0&limit=100', status: 200, attempt: 1 },
      { method: 'GET', path: '/api/v1/workspaces?offset=100&limit=100', status: 503, attempt: 1 },
      { method: 'GET', path: '/api/v1/workspaces?offset=100&limit=100', status: 200, attempt: 2 },
      { method: 'GET', path: '/api/v1/workspaces/missing', status: 404, attempt: 1 },
    ]);
    for (const entry of requests) {
      expect(entry.level).toBe(20);
      expect(typeof entry.durationMs).toBe('number');
    }
  });

  test('a failed attempt without a response logs its error code instead of a status', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ drop: true });
    const logs = captureLogs('debug');
    await client(api, { logger: logs.logger }).listWorkspaces();
    const [first] = logs.entries().filter((e) => e.msg === 'http request');
    expect(first).toMatchObject({ status: null, attempt: 1 });
    expect(String(first?.error)).toMatch(/^(UND_ERR_SOCKET|ECONNRESET|EPIPE)$/);
  });

  test('a clean run logs nothing at warn', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const logs = captureLogs('warn');
    await client(api, { logger: logs.logger }).listWorkspaces();
    expect(logs.text()).toBe('');
  });
});

describe('the key', () => {
  test('is sent as a bearer token, and appears in no log line, error message or error object, at trace', async () => {
    const api = await sandbox({ seed: seeds(120) });
    const logs = captureLogs('trace');
    const remote = client(api, { logger: logs.logger, timeoutSeconds: 0.2, maxRetries: 1 });
    const [first] = api.workspaces();
    const id = first?.id ?? '';
    const errors: Error[] = [];
    const collect = async (promise: Promise<unknown>) => errors.push(await rejection(promise));

    // Successes, retries of every kind, and failures of every kind.
    api.faults.add({ method: 'GET', query: { offset: '100' }, status: 429, retryAfter: 0 });
    api.faults.add({ method: 'GET', path: '/workspaces/*', drop: true });
    await remote.listWorkspaces();
    await remote.getWorkspace('w-001');
    await remote.getWorkspace('missing');
    await remote.updateWorkspace(id, { description: 'fine' });
    await remote.createWorkspace({ slug: 'made', name: 'Made' });
    api.faults.add({ status: 401 });
    await collect(remote.listWorkspaces());
    api.faults.add({ status: 403 });
    await collect(remote.getWorkspace('w-001'));
    await collect(remote.updateWorkspace(id, { slug: 'NOT OK' }));
    await collect(remote.createWorkspace({ slug: 'made', name: 'Made again' }));
    api.faults.add({ method: 'GET', delayMs: 1000, times: 2 });
    await collect(remote.getWorkspace('w-002'));
    api.faults.add({ status: 503, times: 2 });
    await collect(remote.listWorkspaces());
    api.faults.add({ status: 429, retryAfter: 3600 });
    await collect(remote.listWorkspaces());
    api.faults.add({ malformed: 'not-json' });
    await collect(remote.getWorkspace('w-003'));
    api.faults.add({ drop: true, times: 2 });
    await collect(remote.updateWorkspace(id, { name: 'x' }));
    const closed = client(api.baseUrl, { logger: logs.logger, maxRetries: 0 });
    await api.close();
    await collect(closed.listWorkspaces());
    for (const error of errors) logs.logger.error({ err: error }, 'request failed');

    // The key did go out, in the header and nowhere else…
    expect(api.requests.length).toBeGreaterThanOrEqual(15);
    expect(new Set(api.requests.map((r) => r.authorization))).toEqual(new Set([`Bearer ${KEY}`]));
    expect(
      JSON.stringify(api.requests.map((r) => ({ ...r, authorization: undefined }))),
    ).not.toContain(KEY);
    // …and it is in none of what orws could print.
    expect(errors).toHaveLength(10);
    expect(logs.entries().length).toBeGreaterThan(30);
    expect(logs.text()).not.toContain(KEY);
    for (const error of errors) {
      expect(error.message).not.toContain(KEY);
      expect(String(error)).not.toContain(KEY);
      expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(KEY);
      expect(error.message).not.toMatch(/undefined/);
    }
  });
});
