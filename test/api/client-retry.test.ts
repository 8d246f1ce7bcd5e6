import { describe, expect, test } from 'vitest';
import { ApiError, SlugConflictError } from '../../src/errors.js';
import {
  captureLogs,
  client,
  listRequests,
  recordingClock,
  rejection,
  sandbox,
  seeds,
} from './helpers.js';
import { hostileServer, sendJson } from './hostile-server.js';

type Entry = Record<string, unknown>;
const retries = (entries: Entry[]) => entries.filter((e) => e.msg === 'retrying request');

describe('retries', () => {
  test('429 with Retry-After in seconds: waits that long, once, and logs why at info', async () => {
    const api = await sandbox({ seed: seeds(3) });
    api.faults.add({ method: 'GET', path: '/workspaces', status: 429, retryAfter: 1 });
    const logs = captureLogs('info');
    const clock = recordingClock();
    const remote = client(api, { logger: logs.logger, clock });
    expect(await remote.listWorkspaces()).toHaveLength(3);

    expect(clock.sleeps).toEqual([1000]);
    expect(listRequests(api).map((r) => r.status)).toEqual([429, 200]);
    expect(remote.stats).toEqual({ requests: 2, retries: 1 });
    expect(retries(logs.entries())).toEqual([
      expect.objectContaining({
        level: 30,
        method: 'GET',
        path: '/api/v1/workspaces?offset=0&limit=100',
        attempt: 2,
        maxAttempts: 3,
        reason: '429',
        delayMs: 1000,
        delaySource: 'server',
      }),
    ]);
  });

  test('429 with Retry-After as an HTTP date waits until that date', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const clock = recordingClock(Date.UTC(2026, 10, 29, 12, 0, 0, 250));
    api.faults.add({
      method: 'GET',
      status: 429,
      retryAfter: new Date(Date.UTC(2026, 10, 29, 12, 0, 2)).toUTCString(),
    });
    await client(api, { clock }).listWorkspaces();
    expect(clock.sleeps).toEqual([1750]);
  });

  test('429 with X-RateLimit-Reset in epoch milliseconds (OpenRouter)', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const clock = recordingClock();
    api.faults.add({ method: 'GET', status: 429, rateLimitReset: clock.now() + 400 });
    await client(api, { clock }).listWorkspaces();
    expect(clock.sleeps).toEqual([400]);
  });

  test('503 with a Retry-After is obeyed too', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', status: 503, retryAfter: '0.3' });
    const clock = recordingClock();
    await client(api, { clock }).listWorkspaces();
    expect(clock.sleeps).toEqual([300]);
  });

  test('the default clock really waits the time asked for', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', status: 503, retryAfter: '0.3' });
    const started = performance.now();
    await client(api).listWorkspaces();
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  test.each([408, 500, 502, 503, 504])(
    '%i without Retry-After is retried after a full-jitter backoff that doubles per retry',
    async (status) => {
      const api = await sandbox({ seed: seeds(1) });
      api.faults.add({ method: 'GET', status, times: 2 });
      const clock = recordingClock(Date.now(), 0.5);
      const logs = captureLogs('info');
      const remote = client(api, { logger: logs.logger, clock });
      expect(await remote.listWorkspaces()).toHaveLength(1);
      expect(listRequests(api).map((r) => r.status)).toEqual([status, status, 200]);
      // random() · 300 ms, then random() · 600 ms.
      expect(clock.sleeps).toEqual([150, 300]);
      expect(retries(logs.entries())[0]).toMatchObject({
        reason: String(status),
        delaySource: 'backoff',
      });
    },
  );

  test('a dropped connection is retried, and the reason is the socket error code', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', drop: true });
    const logs = captureLogs('info');
    expect(await client(api, { logger: logs.logger }).listWorkspaces()).toHaveLength(1);
    expect(listRequests(api).map((r) => r.status)).toEqual([0, 200]);
    expect(String(retries(logs.entries())[0]?.reason)).toMatch(
      /^(UND_ERR_SOCKET|ECONNRESET|EPIPE)$/,
    );
  });

  test('a timeout is retried (ky does not by itself); the wait for a limiter slot does not count', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', delayMs: 1000 });
    const logs = captureLogs('info');
    const remote = client(api, { timeoutSeconds: 0.2, logger: logs.logger });
    const started = performance.now();
    expect(await remote.listWorkspaces()).toHaveLength(1);
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(listRequests(api)).toHaveLength(2);
    expect(retries(logs.entries())).toEqual([
      expect.objectContaining({ reason: 'timeout', attempt: 2 }),
    ]);
  });

  test('PATCH and POST are retried too, with the same body', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const [target] = api.workspaces();
    api.faults.add({ method: 'PATCH', status: 503 });
    api.faults.add({ method: 'POST', status: 502 });
    const remote = client(api);
    const updated = await remote.updateWorkspace(target?.id ?? '', { description: 'retried' });
    const created = await remote.createWorkspace({ slug: 'fresh', name: 'Fresh' });

    expect(updated.description).toBe('retried');
    expect(created.slug).toBe('fresh');
    const writes = api.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => [r.method, r.status, r.body])).toEqual([
      ['PATCH', 503, { description: 'retried' }],
      ['PATCH', 200, { description: 'retried' }],
      ['POST', 502, { slug: 'fresh', name: 'Fresh' }],
      ['POST', 201, { slug: 'fresh', name: 'Fresh' }],
    ]);
    expect(remote.stats).toEqual({ requests: 4, retries: 2 });
  });

  test('a create whose answer was lost, retried into a slug conflict, is reported as a conflict that was sent: the caller decides', async () => {
    const api = await sandbox();
    api.faults.add({ method: 'POST', delayMs: 600 }); // created at once, answered too late
    const error = await rejection(
      client(api, { timeoutSeconds: 0.2 }).createWorkspace({ slug: 'once', name: 'Once' }),
    );

    expect(error).toBeInstanceOf(SlugConflictError);
    expect(error).toMatchObject({ status: 409, sent: true, method: 'POST' });
    expect(api.workspaces()).toHaveLength(1);
    expect(api.requests.map((r) => `${r.method} ${r.path} ${String(r.status)}`)).toEqual([
      'POST /workspaces 0',
      'POST /workspaces 409',
    ]);
  });

  test('gives up after maxRetries, saying how many attempts were made', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', status: 503, times: 0 });
    const remote = client(api, { maxRetries: 2 });
    const error = await rejection(remote.listWorkspaces());

    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      'GET /api/v1/workspaces?offset=0&limit=100: 503 Service Unavailable: Service Unavailable (after 3 attempts)',
    );
    expect(error).toHaveProperty('status', 503);
    expect(listRequests(api)).toHaveLength(3);
    expect(remote.stats).toEqual({ requests: 3, retries: 2 });
  });

  test('maxRetries 0 makes one attempt', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', status: 500, times: 0 });
    const error = await rejection(client(api, { maxRetries: 0 }).listWorkspaces());
    expect(error.message).toMatch(
      /: 500 Internal Server Error: Internal Server Error \(after 1 attempt\)$/,
    );
    expect(listRequests(api)).toHaveLength(1);
  });

  test('a Retry-After beyond the wait budget gives up at once, and says so', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', status: 429, retryAfter: 120 });
    const clock = recordingClock();
    const error = await rejection(client(api, { maxRetryWaitSeconds: 10, clock }).listWorkspaces());

    expect(clock.sleeps).toEqual([]); // not the 120 s asked for, nor the 10 s left
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      'GET /api/v1/workspaces?offset=0&limit=100: 429 Too Many Requests: the server asks to wait 120 s before retrying, ' +
        'more than the 10 s retry wait budget allows (10 s left); gave up after 1 attempt',
    );
    expect(error).toHaveProperty('status', 429);
    expect(listRequests(api)).toHaveLength(1);
  });

  test('giving up over the budget keeps what the API said', async () => {
    const server = await hostileServer((_req, res) => {
      res.setHeader('retry-after', '120');
      sendJson(res, 429, { error: { code: 429, message: 'slow down' } });
    });
    const clock = recordingClock();
    const error = await rejection(client(server.baseUrl, { clock }).getWorkspace('w'));
    expect(clock.sleeps).toEqual([]);
    expect(error).toMatchObject({ status: 429, apiMessage: 'slow down' });
    expect(error.message).toMatch(/: the server asks to wait 120 s before retrying, /);
  });

  test('the budget counts the waits already made', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', status: 429, retryAfter: '0.4' });
    api.faults.add({ method: 'GET', status: 429, retryAfter: '0.4' });
    const clock = recordingClock();
    const error = await rejection(
      client(api, { maxRetries: 4, maxRetryWaitSeconds: 0.5, clock }).listWorkspaces(),
    );
    expect(clock.sleeps).toEqual([400]);
    expect(error.message).toMatch(
      /wait 0\.4 s before retrying, more than the 0\.5 s retry wait budget allows \(0\.1 s left\); gave up after 2 attempts$/,
    );
    expect(listRequests(api)).toHaveLength(2);
  });

  test('once the wait budget is spent it gives up, however many retries are left', async () => {
    // A server that always fails: backoff waits 150 ms, 300 ms, then the 550 ms left of the
    // 1 s budget. A retry after that could not wait at all, so there is none.
    const server = await hostileServer((_req, res) => {
      sendJson(res, 500, { error: { code: 500, message: 'down for good' } });
    });
    const clock = recordingClock(Date.now(), 0.5);
    const remote = client(server.baseUrl, { maxRetries: 100, maxRetryWaitSeconds: 1, clock });
    const error = await rejection(remote.getWorkspace('w'));

    expect(server.seen).toHaveLength(4);
    expect(clock.sleeps).toEqual([150, 300, 550]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 500, apiMessage: 'down for good' });
    expect(error.message).toBe(
      'GET /api/v1/workspaces/w: 500 Internal Server Error: down for good (after 4 attempts; the 1 s retry wait budget is spent)',
    );
  });

  test.each([400, 401, 403, 404, 409, 422])('%i is not retried', async (status) => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', path: '/workspaces', status });
    await rejection(client(api).listWorkspaces());
    expect(api.requests).toHaveLength(1);
  });
});

describe('concurrency', () => {
  test('every request, not only the listing, goes through the client’s one limiter', async () => {
    const api = await sandbox({ seed: seeds(6), latencyMs: 100 });
    const remote = client(api, { concurrency: 2 });
    await Promise.all(api.workspaces().map((w) => remote.getWorkspace(w.slug)));
    expect(api.requests).toHaveLength(6);
    expect(Math.max(...api.requests.map((r) => r.inFlight))).toBe(2);
  });

  test('a burst of 429s halves the requests in flight once; successes raise it back (AIMD)', async () => {
    // 8 GETs are all answered 429 "retry at once": the limit halves to 4 (once for the burst,
    // not once per response), so the 8 retries go at most 4 at a time.
    const api = await sandbox({ seed: seeds(8), latencyMs: 150 });
    api.faults.add({ method: 'GET', status: 429, retryAfter: 0, times: 8 });
    const remote = client(api, { concurrency: 8 });
    await Promise.all(api.workspaces().map((w) => remote.getWorkspace(w.id)));
    expect(remote.stats).toEqual({ requests: 16, retries: 8 });
    const [burst, retries] = [api.requests.slice(0, 8), api.requests.slice(8)];
    expect(Math.max(...burst.map((r) => r.inFlight))).toBe(8);
    // The first four retries fill the halved limit (halved once: per response it would be 1;
    // not at all, 8). Each success then adds one slot, so how far the later retries overlap
    // depends on the scheduler and is not asserted.
    expect(Math.max(...retries.slice(0, 4).map((r) => r.inFlight))).toBe(4);

    // Back at 8 after the successes: 8 more GETs all go at once.
    api.clearRequests();
    await Promise.all(api.workspaces().map((w) => remote.getWorkspace(w.id)));
    expect(Math.max(...api.requests.map((r) => r.inFlight))).toBe(8);
  });

  test('thirty requests queued and waiting to retry on one signal print no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    try {
      const api = await sandbox({ seed: seeds(30), latencyMs: 2 });
      // Each first attempt fails, so requests wait for a slot and, on the real clock, between
      // their attempts, all on the same signal.
      api.faults.add({ method: 'GET', status: 503, times: 30 });
      const controller = new AbortController();
      const remote = client(api, { concurrency: 1, signal: controller.signal });
      const found = await Promise.all(api.workspaces().map((w) => remote.getWorkspace(w.id)));
      expect(found.filter((w) => w !== undefined)).toHaveLength(30);
      expect(remote.stats).toEqual({ requests: 60, retries: 30 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('the per-attempt timeout starts when the request is sent, not while it waits for a slot', async () => {
    // Each answer takes a quarter of the timeout (room for a loaded machine); the sixth request
    // waits five answers, longer than the timeout, for its slot.
    const api = await sandbox({ seed: seeds(6), latencyMs: 250 });
    const remote = client(api, { concurrency: 1, timeoutSeconds: 1 });
    await Promise.all(api.workspaces().map((w) => remote.getWorkspace(w.id)));
    expect(remote.stats).toEqual({ requests: 6, retries: 0 });
  });
});
