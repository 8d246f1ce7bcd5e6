import { createServer, type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import {
  createTransport,
  getWorkspace,
  listWorkspaces,
  MAX_TIMER_SECONDS,
  updateWorkspace,
  type TransportOptions,
} from '../../src/api/index.js';
import { SERVER_DELAY_STATUSES, RETRY_STATUSES } from '../../src/api/retry.js';
import { ApiError, InterruptedError, UsageError } from '../../src/errors.js';
import { validateWorkspaceEnvelope } from '../../src/schema/generated/validate-response.js';
import { captureLogs, KEY, rejection } from './helpers.js';
import { fakeWorkspaces, hostileServer, sendJson } from './hostile-server.js';

/** A key with a quote and a backslash, as a header may carry them. */
const ODD_KEY = 'sk-or-v1-"odd\\key-7c3e9a1f0b2d4e6a';

function transport(baseUrl: string, options: Partial<TransportOptions> = {}) {
  return createTransport({ baseUrl, apiKey: KEY, timeoutSeconds: 2, maxRetries: 0, ...options });
}

/** Every run of 8 characters of `key` that `text` holds. */
function fragmentsOf(key: string, text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= key.length; i++) {
    const piece = key.slice(i, i + 8);
    if (text.includes(piece)) found.push(piece);
  }
  return found;
}

describe('redirects are errors', () => {
  test('a 307 is reported with its target, and nothing is sent there', async () => {
    const elsewhere = await hostileServer((_req, res) => {
      sendJson(res, 200, { data: [], total_count: 0 });
    });
    const api = await hostileServer((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.origin}/steal?token=${KEY}\u0085` });
      res.end();
    });
    const error = await rejection(listWorkspaces(transport(api.baseUrl, { maxRetries: 3 })));

    expect(elsewhere.seen).toHaveLength(0);
    expect(api.seen).toHaveLength(1);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      `GET /api/v1/workspaces?offset=0&limit=100: 307 Temporary Redirect to "${elsewhere.origin}/steal?token=[REDACTED]\\u0085": ` +
        'orws does not follow redirects (the key would go along); check the base URL',
    );
    expect(fragmentsOf(KEY, error.message)).toEqual([]);
  });
});

describe('the response size is capped', () => {
  const cap = 10_000;

  test('a plain body over the cap is refused while it streams', async () => {
    const api = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length to trust
      res.end(`{"data":[],"pad":"${'x'.repeat(cap * 3)}"}`);
    });
    const error = await rejection(
      getWorkspace(transport(api.baseUrl, { maxResponseBytes: cap }), 'w-0'),
    );
    expect(error.message).toBe(
      'GET /api/v1/workspaces/w-0: the response is larger than 10000 bytes; refused',
    );
  });

  test('a gzip body that inflates past the cap is counted after decompression', async () => {
    const inflated = Buffer.from(`{"pad":"${'0'.repeat(cap * 50)}"}`);
    const packed = gzipSync(inflated);
    expect(packed.length).toBeLessThan(cap); // small on the wire
    const api = await hostileServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': packed.length,
      });
      res.end(packed);
    });
    const error = await rejection(
      getWorkspace(transport(api.baseUrl, { maxResponseBytes: cap }), 'w-0'),
    );
    expect(error.message).toMatch(/: the response is larger than 10000 bytes; refused$/);
  });

  test('a gzip body under the cap is read as usual', async () => {
    const [one] = fakeWorkspaces(1);
    const packed = gzipSync(JSON.stringify({ data: one }));
    const api = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(packed);
    });
    const got = await getWorkspace(transport(api.baseUrl, { maxResponseBytes: cap }), 'w-0');
    expect(got?.slug).toBe('w-0');
  });
});

describe('server text is scrubbed, escaped and cut', () => {
  test('a 400 text/plain body echoing the request headers shows no fragment of the key', async () => {
    const api = await hostileServer((req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`${'.'.repeat(150)}\nauthorization: ${req.headers.authorization ?? ''}\n`);
    });
    const error = await rejection(getWorkspace(transport(api.baseUrl, { apiKey: ODD_KEY }), 'w-0'));
    expect(error.message).toMatch(
      /^GET \/api\/v1\/workspaces\/w-0: 400 Bad Request: "\.+\\nauthorization: Bearer \[REDACTED\]/,
    );
    expect(fragmentsOf(ODD_KEY, error.message)).toEqual([]);
  });

  test('the API’s error.message and the status text are scrubbed and escaped too', async () => {
    const api = await hostileServer((_req, res) => {
      const text = JSON.stringify({ error: { code: 422, message: `bad key ${ODD_KEY}\u202e!` } });
      res.writeHead(422, `Nope ${ODD_KEY}`, { 'content-type': 'application/json' });
      res.end(text);
    });
    const error = await rejection(getWorkspace(transport(api.baseUrl, { apiKey: ODD_KEY }), 'w-0'));
    expect(error.message).toBe(
      'GET /api/v1/workspaces/w-0: 422 Nope [REDACTED]: bad key [REDACTED]\\u202e!',
    );
    expect(error).toHaveProperty('apiMessage', 'bad key [REDACTED]\\u202e!');
  });

  test('a 5 MB error message is cut to a few hundred characters', async () => {
    const api = await hostileServer((_req, res) => {
      sendJson(res, 400, { error: { code: 400, message: 'spam '.repeat(1_000_000) } });
    });
    const error = await rejection(getWorkspace(transport(api.baseUrl), 'w-0'));
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toMatch(/spam …$/);
  });
});

describe('a body cut mid-stream', () => {
  test('is reported as cut short, not as unreachable, and as sent', async () => {
    const api = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"data":{"id":"');
      setTimeout(() => res.destroy(), 20);
    });
    const error = await rejection(updateWorkspace(transport(api.baseUrl), 'w-0', { name: 'x' }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(
      /^PATCH \/api\/v1\/workspaces\/w-0: the response was cut short: \S+ \(after 1 attempt\)$/,
    );
    expect(error).toHaveProperty('sent', true);
  });

  test('a refused connection is not sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const baseUrl = `http://127.0.0.1:${String(port)}/api/v1`;
    const error = await rejection(updateWorkspace(transport(baseUrl), 'w-0', { name: 'x' }));
    expect(error.message).toMatch(/cannot reach .*: ECONNREFUSED \(after 1 attempt\)$/);
    expect(error).toHaveProperty('sent', false);
  });
});

describe('the abort signal', () => {
  test('aborts the PATCH in flight and starts no retry: the server sees exactly 1', async () => {
    const api = await hostileServer(() => undefined); // never answers
    const controller = new AbortController();
    const remote = transport(api.baseUrl, {
      maxRetries: 3,
      timeoutSeconds: 60,
      signal: controller.signal,
    });
    const started = performance.now();
    const pending = rejection(updateWorkspace(remote, 'w-0', { name: 'x' }));
    while (api.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const error = await pending;

    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error.message).toBe(
      'PATCH /api/v1/workspaces/w-0: interrupted after it was sent (it may have taken effect)',
    );
    expect(error).toHaveProperty('sent', true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.seen.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  test('a request queued behind the limiter never leaves it', async () => {
    const api = await hostileServer(() => undefined);
    const controller = new AbortController();
    const remote = transport(api.baseUrl, { concurrency: 1, signal: controller.signal });
    const first = rejection(getWorkspace(remote, 'a'));
    const queued = rejection(getWorkspace(remote, 'b'));
    while (api.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const [one, two] = await Promise.all([first, queued]);
    expect(one).toBeInstanceOf(InterruptedError);
    expect(two).toBeInstanceOf(InterruptedError);
    expect(two.message).toBe('GET /api/v1/workspaces/b: interrupted before it was sent');
    expect(two).toHaveProperty('sent', false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.seen.map((r) => r.path)).toEqual(['/api/v1/workspaces/a']);
  });

  test('a retry wait is cut short and no retry follows', async () => {
    const api = await hostileServer((_req, res) => {
      res.writeHead(503, { 'retry-after': '30' });
      res.end();
    });
    const controller = new AbortController();
    const remote = transport(api.baseUrl, {
      maxRetries: 3,
      signal: controller.signal,
      clock: {
        now: () => Date.now(),
        random: () => 0.5,
        sleep: () => {
          controller.abort();
          return Promise.resolve();
        },
      },
    });
    const error = await rejection(getWorkspace(remote, 'a'));
    expect(error).toBeInstanceOf(InterruptedError);
    expect(api.seen).toHaveLength(1);
  });
});

describe('options', () => {
  test('timeoutSeconds above what Node’s timer holds is refused, naming the option', () => {
    expect(() =>
      transport('http://127.0.0.1:1', { timeoutSeconds: MAX_TIMER_SECONDS + 1 }),
    ).toThrow(UsageError);
    expect(() => transport('http://127.0.0.1:1', { timeoutSeconds: 3e9 })).toThrow(
      /^timeoutSeconds must be a number > 0 and ≤ 2147483 \(got 3000000000\)$/,
    );
    expect(() =>
      transport('http://127.0.0.1:1', { timeoutSeconds: MAX_TIMER_SECONDS }),
    ).not.toThrow();
  });

  test('a 204 resolves with no body; any other empty 2xx is an error', async () => {
    const api = await hostileServer((req, res) => {
      res.writeHead(req.method === 'DELETE' ? 204 : 200);
      res.end();
    });
    const remote = transport(api.baseUrl);
    await expect(
      remote.request({
        method: 'DELETE',
        path: '/workspaces/a',
        validate: validateWorkspaceEnvelope,
      }),
    ).resolves.toBeUndefined();
    await expect(remote.request({ method: 'GET', path: '/workspaces/a' })).rejects.toThrow(
      'GET /api/v1/workspaces/a: 200 OK, but the response body is empty',
    );
  });

  test('a server delay is obeyed only on statuses that are retried', () => {
    for (const status of SERVER_DELAY_STATUSES) expect(RETRY_STATUSES.has(status)).toBe(true);
  });
});

describe('the key in hostile answers', () => {
  test('appears in no error, cause or log line, at trace, whatever the server sends back', async () => {
    const logs = captureLogs('trace');
    const api = await hostileServer((req, res, query) => {
      const auth = req.headers.authorization ?? '';
      const kind = query.get('kind');
      if (kind === 'redirect') {
        res.writeHead(302, {
          location: `http://127.0.0.1:9/${auth.replace(/[^\x21-\x7e]/g, '_')}`,
        });
        res.end();
      } else if (kind === 'cut') {
        res.writeHead(200, { 'content-length': 5000 });
        res.write(`{"echo":"${auth}`);
        setTimeout(() => res.destroy(), 10);
      } else if (kind === 'big') {
        res.writeHead(200);
        res.end(auth.repeat(1000));
      } else if (kind === 'notjson') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(auth.replace('Bearer ', ''));
      } else if (kind === 'never') {
        // no answer: interrupted
      } else {
        res.writeHead(503, `Echo ${auth}`, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: auth, detail: auth } }));
      }
    });
    const controller = new AbortController();
    const remote = transport(api.baseUrl, {
      apiKey: ODD_KEY,
      logger: logs.logger,
      maxResponseBytes: 2000,
      maxRetries: 1,
      signal: controller.signal,
      clock: { now: () => Date.now(), random: () => 0, sleep: () => Promise.resolve() },
    });
    const errors: Error[] = [];
    for (const kind of ['redirect', 'cut', 'big', 'notjson', 'status']) {
      errors.push(await rejection(remote.request({ method: 'GET', path: '/x', query: { kind } })));
    }
    const pending = rejection(
      remote.request({ method: 'POST', path: '/x', query: { kind: 'never' }, json: {} }),
    );
    while (!api.seen.some((r) => r.query.get('kind') === 'never'))
      await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    errors.push(await pending);
    for (const error of errors) logs.logger.error({ err: error }, 'request failed');

    expect(errors.map((e) => e.name)).toEqual([
      'ApiError',
      'ApiError',
      'ApiError',
      'ApiError',
      'ApiError',
      'InterruptedError',
    ]);
    for (const error of errors) {
      const shown = `${error.message}\n${inspect(error, { depth: 20, showHidden: true })}`;
      expect(fragmentsOf(ODD_KEY, shown)).toEqual([]);
    }
    expect(fragmentsOf(ODD_KEY, logs.text())).toEqual([]);
  });
});
