import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/schema/fields.js';
import {
  parseFaults,
  startSandbox,
  type FaultRule,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox/index.js';
import { call, errorBody, seeds } from './helpers.js';

interface ListBody {
  data: Workspace[];
  total_count: number;
}
interface OneBody {
  data: Workspace;
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ seed: seeds(3), ...options });
  return sandbox;
}

describe('status faults', () => {
  it('answers 429 with Retry-After and X-RateLimit-Reset once, then normally', async () => {
    const sb = await start({
      faults: [
        {
          method: 'GET',
          path: '/workspaces',
          status: 429,
          retryAfter: 2,
          rateLimitReset: '1767225600000',
        },
      ],
    });
    const faulted = await call(sb, 'GET', '/workspaces?limit=100');
    expect(faulted.status).toBe(429);
    expect(faulted.body).toEqual(errorBody(429, 'Rate limit exceeded'));
    expect(faulted.headers.get('retry-after')).toBe('2');
    expect(faulted.headers.get('x-ratelimit-reset')).toBe('1767225600000');
    const next = await call(sb, 'GET', '/workspaces?limit=100');
    expect(next.status).toBe(200);
    expect(next.headers.get('retry-after')).toBeNull();
    expect(sb.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('replaces the handling: a faulted PATCH changes nothing, and a custom body is sent as is', async () => {
    const sb = await start({
      faults: [
        {
          method: 'PATCH',
          path: '/workspaces/*',
          status: 503,
          body: '{"error":{"code":503,"message":"down"}}',
        },
      ],
    });
    const faulted = await call(sb, 'PATCH', '/workspaces/ws-0', { json: { name: 'New' } });
    expect(faulted.status).toBe(503);
    expect(faulted.body).toEqual(errorBody(503, 'down'));
    expect(sb.workspaces()[0]?.name).toBe('Workspace 0');
    const retried = await call(sb, 'PATCH', '/workspaces/ws-0', { json: { name: 'New' } });
    expect(retried.status).toBe(200);
    expect(sb.workspaces()[0]?.name).toBe('New');
    expect(sb.requests.map((r) => [r.method, r.path, r.status, r.body])).toEqual([
      ['PATCH', '/workspaces/ws-0', 503, { name: 'New' }],
      ['PATCH', '/workspaces/ws-0', 200, { name: 'New' }],
    ]);
  });

  it('sends a text body with a text content type', async () => {
    const sb = await start({ faults: [{ status: 502, body: 'Bad Gateway' }] });
    const faulted = await call(sb, 'GET', '/workspaces');
    expect(faulted.status).toBe(502);
    expect(faulted.text).toBe('Bad Gateway');
    expect(faulted.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('fires `times` times, or every time with times 0', async () => {
    const sb = await start({ faults: [{ path: '/workspaces/ws-0', status: 500, times: 2 }] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(sb, 'GET', '/workspaces/ws-0')).status);
    expect(statuses).toEqual([500, 500, 200]);

    sb.faults.add({ path: '/workspaces/ws-1', status: 504, times: 0 });
    for (let i = 0; i < 4; i++)
      expect((await call(sb, 'GET', '/workspaces/ws-1')).status).toBe(504);
    sb.faults.clear();
    expect((await call(sb, 'GET', '/workspaces/ws-1')).status).toBe(200);
  });

  it('matches method, path prefix and query; the first live match wins', async () => {
    const sb = await start({
      faults: [
        { method: 'GET', path: '/workspaces', query: { offset: '100' }, status: 502 },
        { method: 'DELETE', path: '/workspaces/*', status: 500 },
        { path: '/workspaces/*', status: 503 },
        { path: '/workspaces/*', status: 504 },
      ],
    });
    expect((await call(sb, 'GET', '/workspaces?offset=0')).status).toBe(200);
    expect((await call(sb, 'GET', '/workspaces?limit=100&offset=100')).status).toBe(502);
    expect((await call(sb, 'GET', '/workspaces?offset=100')).status).toBe(200);
    expect((await call(sb, 'GET', '/workspaces/ws-0')).status).toBe(503);
    expect((await call(sb, 'GET', '/workspaces/ws-0')).status).toBe(504);
    expect((await call(sb, 'DELETE', '/workspaces/ws-0')).status).toBe(500);
    expect((await call(sb, 'GET', '/workspaces/ws-0')).status).toBe(200);
  });
});

describe('dropped connections', () => {
  it('destroys the socket without a response, records status 0, and creates nothing', async () => {
    const sb = await start({ faults: [{ method: 'POST', path: '/workspaces', drop: true }] });
    await expect(
      call(sb, 'POST', '/workspaces', { json: { name: 'N', slug: 'n' } }),
    ).rejects.toThrow();
    expect(sb.workspaces()).toHaveLength(3);
    expect(sb.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/workspaces',
        status: 0,
        body: { name: 'N', slug: 'n' },
      }),
    ]);
    const retried = await call(sb, 'POST', '/workspaces', { json: { name: 'N', slug: 'n' } });
    expect(retried.status).toBe(201);
  });
});

describe('latency and slow responses', () => {
  it('adds latencyMs to every response', async () => {
    const sb = await start({ latencyMs: 60 });
    for (const path of ['/workspaces', '/workspaces/nope']) {
      const began = performance.now();
      await call(sb, 'GET', path);
      expect(performance.now() - began).toBeGreaterThanOrEqual(55);
    }
  });

  it('delays a reply by delayMs, after acting on the request', async () => {
    const sb = await start({ faults: [{ method: 'PATCH', delayMs: 400 }] });
    await expect(
      call(sb, 'PATCH', '/workspaces/ws-0', {
        json: { name: 'Late' },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    // the change was made; only the reply was late (a client that timed out must re-read)
    expect(sb.workspaces()[0]?.name).toBe('Late');
  });

  it('a slow reply arrives after delayMs', async () => {
    const slow = await start({ faults: [{ path: '/workspaces', delayMs: 150 }] });
    const started = performance.now();
    expect((await call(slow, 'GET', '/workspaces')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('close() does not wait for a pending slow reply', async () => {
    const sb = await startSandbox({ faults: [{ delayMs: 60_000 }] });
    const pending = call(sb, 'GET', '/workspaces').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const began = performance.now();
    await sb.close();
    expect(performance.now() - began).toBeLessThan(5_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('malformed bodies', () => {
  it('not-json: a 200 with an HTML page', async () => {
    const sb = await start({ faults: [{ path: '/workspaces', malformed: 'not-json' }] });
    const { status, text, body, headers } = await call(sb, 'GET', '/workspaces');
    expect(status).toBe(200);
    expect(body).toBeUndefined();
    expect(text).toMatch(/^<!DOCTYPE html>/);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('wrong-shape: the envelope is lost', async () => {
    const sb = await start({
      faults: [
        { path: '/workspaces', method: 'GET', malformed: 'wrong-shape' },
        { path: '/workspaces/ws-0', malformed: 'wrong-shape' },
      ],
    });
    const list = await call(sb, 'GET', '/workspaces');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    expect((list.body as Workspace[]).map((w) => w.slug)).toEqual(['ws-0', 'ws-1', 'ws-2']);
    const one = await call(sb, 'GET', '/workspaces/ws-0');
    expect(one.body).not.toHaveProperty('data');
    expect(one.body).toHaveProperty('slug', 'ws-0');
  });

  it('missing-fields: workspaces lack required fields', async () => {
    const sb = await start({ faults: [{ path: '/workspaces', malformed: 'missing-fields' }] });
    const { status, body } = await call(sb, 'GET', '/workspaces');
    expect(status).toBe(200);
    const list = body as ListBody;
    expect(list.total_count).toBe(3);
    for (const workspace of list.data) {
      expect(workspace).toHaveProperty('id');
      expect(workspace).not.toHaveProperty('name');
      expect(workspace).not.toHaveProperty('io_logging_sampling_rate');
      expect(workspace).not.toHaveProperty('updated_at');
    }
  });

  it('truncated: half the JSON text; a create still happens and keeps its 201', async () => {
    const sb = await start({ faults: [{ method: 'POST', malformed: 'truncated' }] });
    const { status, text, body } = await call(sb, 'POST', '/workspaces', {
      json: { name: 'N', slug: 'n' },
    });
    expect(status).toBe(201);
    expect(body).toBeUndefined();
    expect(text.startsWith('{"data":{')).toBe(true);
    expect(sb.workspaces().map((w) => w.slug)).toContain('n');
  });
});

describe('out-of-band edit faults', () => {
  it('edits the target just before handling the request, which then proceeds', async () => {
    const sb = await start({
      faults: [
        {
          method: 'PATCH',
          path: '/workspaces/ws-0',
          edit: { target: 'ws-0', fields: { description: 'someone else' } },
        },
      ],
    });
    const { status, body } = await call(sb, 'PATCH', '/workspaces/ws-0', {
      json: { name: 'Mine' },
    });
    expect(status).toBe(200);
    expect((body as OneBody).data).toMatchObject({ name: 'Mine', description: 'someone else' });
    expect((body as OneBody).data.updated_at).not.toBeNull();
  });

  it('lets a rename by someone else make the request miss', async () => {
    const sb = await start({
      faults: [
        {
          method: 'GET',
          path: '/workspaces/ws-1',
          edit: { target: 'ws-1', fields: { slug: 'moved' } },
        },
      ],
    });
    const { status } = await call(sb, 'GET', '/workspaces/ws-1');
    expect(status).toBe(404);
    expect(sb.workspaces().map((w) => w.slug)).toEqual(['ws-0', 'moved', 'ws-2']);
  });

  it('answers 500 naming the target when it does not exist', async () => {
    const sb = await start({ faults: [{ edit: { target: 'ghost', fields: { name: 'x' } } }] });
    const { status, body } = await call(sb, 'GET', '/workspaces');
    expect(status).toBe(500);
    expect((body as { error: { message: string } }).error.message).toContain('"ghost"');
  });
});

describe('checking rules given in code', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'an unknown key',
      { path: '/workspaces', stauts: 500 },
      /unknown key "stauts" \(did you mean "status"\?\)/,
    ],
    ['a rule that does nothing', { path: '/workspaces' }, /does nothing/],
    ['drop with a status', { drop: true, status: 500 }, /"drop" cannot be combined/],
    ['a bad malformed kind', { malformed: 'garbled' }, /rule\.malformed/],
    [
      'status with malformed',
      { status: 500, malformed: 'truncated' },
      /"status" cannot be combined with "malformed"/,
    ],
    [
      'a method with a space',
      { method: 'GE T', status: 500 },
      /rule\.method: must be an HTTP method/,
    ],
    [
      'a star inside the path',
      { path: '/work*spaces', status: 500 },
      /rule\.path: .*"\*" only at its end/,
    ],
    ['times below 0', { times: -1, status: 500 }, /rule\.times: must be an integer of at least 0/],
    [
      'an edit without fields',
      { edit: { target: 'a' } },
      /rule\.edit\.fields: must be an object of workspace fields/,
    ],
    [
      'an edit with an unknown key',
      { edit: { target: 'a', fields: {}, feilds: {} } },
      /rule\.edit: unknown key "feilds"/,
    ],
    [
      'an edit of an invalid slug',
      { edit: { target: 'a', fields: { slug: 'Bad Slug' } } },
      /rule\.edit\.fields: "slug" must match pattern/,
    ],
    [
      'a negative Retry-After',
      { retryAfter: -1 },
      /rule\.retryAfter: must be a number of seconds or an HTTP date/,
    ],
  ])('refuses %s', async (_case, rule, expected) => {
    const sb = await start();
    expect(() => {
      sb.faults.add(rule as FaultRule);
    }).toThrow(expected);
    await expect(startSandbox({ faults: [rule as FaultRule] })).rejects.toThrow(expected);
  });
});

describe('parseFaults', () => {
  it('accepts examples/sandbox-faults.json: a 429 on the first list page, a 503 on a PATCH, a drop, 50 ms', async () => {
    const source = 'examples/sandbox-faults.json';
    const parsed = parseFaults(JSON.parse(await readFile(source, 'utf8')) as unknown, source);
    expect(parsed.latencyMs).toBe(50);
    expect(parsed.rules).toEqual([
      { method: 'GET', path: '/workspaces', status: 429, retryAfter: 1, times: 1 },
      { method: 'PATCH', path: '/workspaces/*', status: 503, times: 1 },
      { method: 'POST', path: '/workspaces', drop: true, times: 1 },
    ]);
  });

  it('runs the example against a sandbox', async () => {
    const source = 'examples/sandbox-faults.json';
    const parsed = parseFaults(JSON.parse(await readFile(source, 'utf8')) as unknown, source);
    const sb = await start({ latencyMs: parsed.latencyMs, faults: parsed.rules });
    const first = await call(sb, 'GET', '/workspaces?limit=100');
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await call(sb, 'GET', '/workspaces?limit=100')).status).toBe(200);
    expect((await call(sb, 'PATCH', '/workspaces/ws-0', { json: { name: 'x' } })).status).toBe(503);
    expect((await call(sb, 'PATCH', '/workspaces/ws-0', { json: { name: 'x' } })).status).toBe(200);
    await expect(
      call(sb, 'POST', '/workspaces', { json: { name: 'N', slug: 'n' } }),
    ).rejects.toThrow();
    expect((await call(sb, 'POST', '/workspaces', { json: { name: 'N', slug: 'n' } })).status).toBe(
      201,
    );
    expect(sb.requests.map((r) => r.status)).toEqual([429, 200, 503, 200, 0, 201]);
  });

  it('accepts a bare array of rules and normalizes the method', () => {
    expect(parseFaults([{ method: 'get', status: 500 }], 'f.json')).toEqual({
      rules: [{ method: 'GET', status: 500 }],
    });
  });

  it('names the source and every bad entry', () => {
    const bad = {
      latencyMs: -1,
      rulez: [],
      rules: [
        { status: 429 },
        { status: 'often' },
        { path: 'workspaces', drop: true },
        { query: { offset: 0 }, status: 500 },
        { edit: { target: 'a', fields: { sampling: 1 } } },
        { body: 'x' },
      ],
    };
    let message = '';
    try {
      parseFaults(bad, 'faults.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'faults.json: invalid faults:',
      '  unknown key "rulez" (did you mean "rules"?)',
      '  latencyMs: must be a number of milliseconds, at least 0',
      '  rules[1].status: must be an HTTP status from 100 to 599',
      '  rules[2].path: must be a path after /api/v1 starting with "/" (e.g. "/workspaces"), with "*" only at its end',
      '  rules[3].query: must be an object of strings (write "0", not 0)',
      '  rules[4].edit.fields: "sampling" is not a field of Workspace',
      '  rules[5]: "body" needs a "status"',
      '  rules[5]: does nothing; give one of "status", "drop", "delayMs", "malformed", "edit", "retryAfter", "rateLimitReset"',
    ]);
  });

  it('refuses a file that is neither an object nor an array', () => {
    expect(() => parseFaults('nope', 'x.json')).toThrow(/^x\.json: invalid faults:/);
    expect(() => parseFaults({ rules: {} }, 'x.json')).toThrow(/rules: must be an array/);
  });
});
