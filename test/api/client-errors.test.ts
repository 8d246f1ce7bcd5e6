import { describe, expect, test } from 'vitest';
import { ApiError, SlugConflictError } from '../../src/errors.js';
import type { MalformedKind } from '../../src/sandbox/index.js';
import { client, rejection, sandbox, seeds } from './helpers.js';

const LIST = 'GET /api/v1/workspaces?offset=0&limit=100';

/** Every error of src/api is an ApiError (or a subclass), and never says "undefined". */
function expectApiError(error: Error): ApiError {
  expect(error).toBeInstanceOf(ApiError);
  expect(error.name).toBe(error.constructor.name);
  expect(error.message).not.toMatch(/undefined/);
  if (!(error instanceof ApiError)) throw error;
  return error;
}

describe('HTTP errors become ApiError with method, path, status and OpenRouter’s message', () => {
  test('401 says to check the key variable', async () => {
    const api = await sandbox();
    api.faults.add({ status: 401 });
    const error = expectApiError(await rejection(client(api).listWorkspaces()));
    expect(error.message).toBe(
      `${LIST}: 401 Unauthorized: Missing Authentication header; check OPENROUTER_MANAGEMENT_KEY`,
    );
    expect(error).toMatchObject({
      method: 'GET',
      path: '/api/v1/workspaces?offset=0&limit=100',
      status: 401,
    });
    expect(error.apiMessage).toBe('Missing Authentication header');
    expect(error.sent).toBe(true);
  });

  test('403 says a management key is needed', async () => {
    const api = await sandbox();
    api.faults.add({ status: 403 });
    const error = expectApiError(await rejection(client(api).listWorkspaces()));
    expect(error.message).toBe(
      `${LIST}: 403 Forbidden: Only management keys can perform this operation; a management key is needed (a regular API key cannot manage workspaces)`,
    );
  });

  test('404 from the API on a get is "absent", not an error', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const remote = client(api);
    expect(await remote.getWorkspace('no-such-workspace')).toBeUndefined();
    expect(await remote.getWorkspace('w-000')).toMatchObject({ slug: 'w-000' });
    expect(api.requests.map((r) => [r.path, r.status])).toEqual([
      ['/workspaces/no-such-workspace', 404],
      ['/workspaces/w-000', 200],
    ]);
  });

  test('a 404 that is not the API’s (a proxy page, a wrong base URL) is an error, not "absent"', async () => {
    const api = await sandbox();
    api.faults.add({ status: 404, body: '<html><body>Not Found</body></html>' });
    const error = expectApiError(await rejection(client(api).getWorkspace('production')));
    expect(error.message).toBe(
      'GET /api/v1/workspaces/production: 404 Not Found: "<html><body>Not Found</body></html>"',
    );
  });

  test('ids and slugs are escaped in the path', async () => {
    const api = await sandbox();
    expect(await client(api).getWorkspace('a/b?c')).toBeUndefined();
    expect(api.requests[0]?.path).toBe('/workspaces/a%2Fb%3Fc');
  });

  test('400 carries the API’s validation message', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const [target] = api.workspaces();
    const id = target?.id ?? '';
    const error = expectApiError(
      await rejection(client(api).updateWorkspace(id, { slug: 'Not A Slug' })),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^PATCH /api/v1/workspaces/${id}: 400 Bad Request: Invalid request parameters: .*slug`,
      ),
    );
    expect(error).toMatchObject({ method: 'PATCH', status: 400 });
    expect(error.message).not.toMatch(/after \d+ attempts?/);
  });

  test('a 5xx with an HTML body shows an excerpt of it', async () => {
    const api = await sandbox();
    const body = `<html>${'gateway '.repeat(60)}</html>`;
    api.faults.add({ status: 502, times: 0, body });
    const error = expectApiError(await rejection(client(api, { maxRetries: 0 }).listWorkspaces()));
    expect(error.message).toBe(
      `${LIST}: 502 Bad Gateway: "${body.slice(0, 200)}"… (after 1 attempt)`,
    );
  });
});

describe('slug conflicts on create are distinguishable', () => {
  test('409: the status is kept and it is a SlugConflictError', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const error = expectApiError(
      await rejection(client(api).createWorkspace({ slug: 'w-000', name: 'Again' })),
    );
    expect(error.message).toBe(
      'POST /api/v1/workspaces: 409 Conflict: A workspace with slug "w-000" already exists',
    );
    expect(error.status).toBe(409);
    expect(error).toBeInstanceOf(SlugConflictError);
    expect(api.requests).toHaveLength(1);
  });

  test('400 whose message says the slug exists is a conflict too', async () => {
    const api = await sandbox();
    api.faults.add({
      method: 'POST',
      status: 400,
      body: JSON.stringify({ error: { code: 400, message: 'Workspace slug already exists' } }),
    });
    const error = expectApiError(
      await rejection(client(api).createWorkspace({ slug: 'taken', name: 'Taken' })),
    );
    expect(error).toBeInstanceOf(SlugConflictError);
    expect(error.status).toBe(400);
  });

  test('other 400s, other methods and other errors are not', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const remote = client(api);
    const invalid = await rejection(remote.createWorkspace({ slug: 'Bad Slug', name: 'x' }));
    expect(invalid).not.toBeInstanceOf(SlugConflictError);
    const [a] = api.workspaces();
    api.add({ slug: 'other', name: 'Other' });
    const patchClash = await rejection(remote.updateWorkspace(a?.id ?? '', { slug: 'other' }));
    expect(expectApiError(patchClash).status).toBe(409);
    expect(patchClash).not.toBeInstanceOf(SlugConflictError);
  });

  test('a conflict after a retry with a workspace that differs from the body is still a conflict', async () => {
    const api = await sandbox();
    api.faults.add({ method: 'POST', status: 503 });
    api.add({ slug: 'contested', name: 'Someone else’s' });
    const error = await rejection(client(api).createWorkspace({ slug: 'contested', name: 'Mine' }));
    expect(error).toBeInstanceOf(SlugConflictError);
    expect(error.message).toBe(
      'POST /api/v1/workspaces: 409 Conflict: A workspace with slug "contested" already exists (after 2 attempts)',
    );
  });
});

describe('responses are checked before use', () => {
  const kinds: [MalformedKind, RegExp, RegExp][] = [
    [
      'not-json',
      /^GET \/api\/v1\/workspaces\?offset=0&limit=100: 200 OK, but the response is not JSON: "<!DOCTYPE html><html><head><title>Just a moment\.\.\.<\/title>/,
      /^GET \/api\/v1\/workspaces\/w-000: 200 OK, but the response is not JSON: "<!DOCTYPE html>/,
    ],
    [
      'wrong-shape',
      /^GET \/api\/v1\/workspaces\?offset=0&limit=100: 200 OK, but the response is not as documented: the response body must be object \(got an array\)$/,
      /^GET \/api\/v1\/workspaces\/w-000: 200 OK, but the response is not as documented: data is missing$/,
    ],
    [
      'missing-fields',
      /^GET \/api\/v1\/workspaces\?offset=0&limit=100: 200 OK, but the response is not as documented: data\[0\]\.name is missing$/,
      /^GET \/api\/v1\/workspaces\/w-000: 200 OK, but the response is not as documented: data\.name is missing$/,
    ],
    [
      'truncated',
      /^GET \/api\/v1\/workspaces\?offset=0&limit=100: 200 OK, but the response is not JSON: "\{\\"data\\":\[\{\\"id\\":/,
      /^GET \/api\/v1\/workspaces\/w-000: 200 OK, but the response is not JSON: "\{\\"data\\":\{/,
    ],
  ];

  test.each(kinds)(
    '%s: the error names the request and what is wrong',
    async (kind, listMessage, getMessage) => {
      const api = await sandbox({ seed: seeds(2) });
      api.faults.add({ method: 'GET', malformed: kind, times: 2 });
      const remote = client(api);
      const listError = expectApiError(await rejection(remote.listWorkspaces()));
      expect(listError.message).toMatch(listMessage);
      expect(listError.status).toBe(200);
      const getError = expectApiError(await rejection(remote.getWorkspace('w-000')));
      expect(getError.message).toMatch(getMessage);
      expect(api.requests).toHaveLength(2); // a malformed answer is not retried
    },
  );

  test('a long body is cut to 200 characters', async () => {
    const api = await sandbox();
    api.faults.add({ status: 200, body: 'x'.repeat(5000) });
    const error = expectApiError(await rejection(client(api).listWorkspaces()));
    expect(error.message).toBe(
      `${LIST}: 200 OK, but the response is not JSON: "${'x'.repeat(200)}"…`,
    );
  });

  test('an empty body says so', async () => {
    const api = await sandbox();
    api.faults.add({ status: 200, body: '' });
    const error = expectApiError(await rejection(client(api).listWorkspaces()));
    expect(error.message).toBe(`${LIST}: 200 OK, but the response body is empty`);
  });

  test('a write’s answer is checked too', async () => {
    const api = await sandbox({ seed: seeds(1) });
    const id = api.workspaces()[0]?.id ?? '';
    api.faults.add({ method: 'PATCH', malformed: 'missing-fields' });
    const error = expectApiError(
      await rejection(client(api).updateWorkspace(id, { name: 'Renamed' })),
    );
    expect(error.message).toBe(
      `PATCH /api/v1/workspaces/${id}: 200 OK, but the response is not as documented: data.name is missing`,
    );
  });
});

describe('network failures', () => {
  test('a refused connection names the code and the base URL, after the retries', async () => {
    const api = await sandbox();
    const { baseUrl } = api;
    await api.close();
    const remote = client(baseUrl, { maxRetries: 1 });
    const error = expectApiError(await rejection(remote.listWorkspaces()));
    expect(error.message).toBe(`${LIST}: cannot reach ${baseUrl}: ECONNREFUSED (after 2 attempts)`);
    expect(error.status).toBeUndefined();
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(remote.stats).toEqual({ requests: 2, retries: 1 });
  });

  test('a timeout on every attempt says how long and how many times', async () => {
    const api = await sandbox({ seed: seeds(1) });
    api.faults.add({ method: 'GET', delayMs: 2000, times: 0 });
    const error = expectApiError(
      await rejection(client(api, { timeoutSeconds: 0.1, maxRetries: 1 }).listWorkspaces()),
    );
    expect(error.message).toBe(`${LIST}: timed out after 0.1 s (after 2 attempts)`);
  });

  test('a dropped connection on every attempt', async () => {
    const api = await sandbox();
    api.faults.add({ drop: true, times: 0 });
    const error = expectApiError(await rejection(client(api, { maxRetries: 1 }).listWorkspaces()));
    expect(error.message).toMatch(
      new RegExp(
        `^${LIST.replace(/[?]/g, '\\?')}: cannot reach ${api.baseUrl}: (UND_ERR_SOCKET|ECONNRESET) \\(after 2 attempts\\)$`,
      ),
    );
  });
});

describe('createClient checks its options', () => {
  test.each([
    [{ baseUrl: 'http://openrouter.ai/api/v1' }, /clear text/],
    [{ apiKey: '' }, /the API key is empty/],
    [{ apiKey: 'two words' }, /not a valid key/],
    [{ concurrency: 0 }, /concurrency must be a whole number ≥ 1 \(got 0\)/],
    [{ maxRetries: -1 }, /maxRetries must be a whole number ≥ 0/],
    [{ maxRetries: 101 }, /maxRetries must be a whole number ≥ 0 and ≤ 100 \(got 101\)/],
    [{ timeoutSeconds: 0 }, /timeoutSeconds must be a number > 0/],
    [{ maxRetryWaitSeconds: Number.NaN }, /maxRetryWaitSeconds must be a number ≥ 0/],
  ])('refuses %j', (override, message) => {
    expect(() => client('https://openrouter.ai/api/v1', override)).toThrow(message);
  });

  test('normalises the base URL it exposes', () => {
    expect(client('https://openrouter.ai/api/v1/').baseUrl).toBe('https://openrouter.ai/api/v1');
  });
});
