import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/schema/fields.js';
import {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
  type SeedWorkspace,
} from '../../src/sandbox/index.js';
import { call, errorBody, KEY, workspaceShapeProblem, seeds } from './helpers.js';

interface ListBody {
  data: Workspace[];
  total_count: number;
}
interface OneBody {
  data: Workspace;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox(options);
  return sandbox;
}

describe('GET /workspaces (paging)', () => {
  it('returns 50 by default, in creation order, with total_count', async () => {
    const sb = await start({ seed: seeds(120) });
    const { status, body } = await call(sb, 'GET', '/workspaces');
    expect(status).toBe(200);
    const list = body as ListBody;
    expect(list.total_count).toBe(120);
    expect(list.data.map((w) => w.slug)).toEqual(seeds(50).map((s) => s.slug));
  });

  it('pages with offset and limit, and past the end gives an empty page', async () => {
    const sb = await start({ seed: seeds(120) });
    const page = (await call(sb, 'GET', '/workspaces?offset=100&limit=100')).body as ListBody;
    expect(page.total_count).toBe(120);
    expect(page.data.map((w) => w.slug)).toEqual(
      seeds(120)
        .slice(100)
        .map((s) => s.slug),
    );
    const middle = (await call(sb, 'GET', '/workspaces?offset=7&limit=3')).body as ListBody;
    expect(middle.data.map((w) => w.slug)).toEqual(['ws-7', 'ws-8', 'ws-9']);
    const past = await call(sb, 'GET', '/workspaces?offset=500&limit=1');
    expect(past.body).toEqual({ data: [], total_count: 120 });
  });

  it('accepts limit 1 and 100', async () => {
    const sb = await start({ seed: seeds(120) });
    expect(((await call(sb, 'GET', '/workspaces?limit=1')).body as ListBody).data).toHaveLength(1);
    expect(((await call(sb, 'GET', '/workspaces?limit=100')).body as ListBody).data).toHaveLength(
      100,
    );
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=', 'limit'],
    ['limit=10&limit=20', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=x', 'offset'],
    ['offset=2.0', 'offset'],
  ])('refuses %s with a 400 naming "%s"', async (query, field) => {
    const sb = await start({ seed: seeds(3) });
    const { status, body } = await call(sb, 'GET', `/workspaces?${query}`);
    expect(status).toBe(400);
    const message = (body as { error: { code: number; message: string } }).error.message;
    expect((body as { error: { code: number } }).error.code).toBe(400);
    expect(message).toContain(`"${field}"`);
  });

  it('lists workspaces created by POST after the seeds, and the order survives a delete', async () => {
    const sb = await start({ seed: seeds(3) });
    await call(sb, 'POST', '/workspaces', { json: { name: 'New', slug: 'new' } });
    await call(sb, 'DELETE', '/workspaces/ws-1');
    const list = (await call(sb, 'GET', '/workspaces')).body as ListBody;
    expect(list.data.map((w) => w.slug)).toEqual(['ws-0', 'ws-2', 'new']);
    expect(list.total_count).toBe(3);
  });
});

describe('POST /workspaces', () => {
  it('creates with the API defaults and answers 201 with every required field', async () => {
    const sb = await start();
    const before = Date.now();
    const { status, body } = await call(sb, 'POST', '/workspaces', {
      json: { name: 'Production', slug: 'production' },
    });
    expect(status).toBe(201);
    const created = (body as OneBody).data;
    expect(workspaceShapeProblem(created)).toBeUndefined();
    expect(created).toMatchObject({
      name: 'Production',
      slug: 'production',
      description: null,
      default_text_model: null,
      default_image_model: null,
      default_provider_sort: null,
      is_observability_io_logging_enabled: false,
      is_observability_broadcast_enabled: false,
      is_data_discount_logging_enabled: true,
      io_logging_sampling_rate: 1,
      io_logging_api_key_ids: null,
      include_byok_in_budgets: false,
      updated_at: null,
      created_by: 'user_sandbox',
    });
    expect(created.id).toMatch(UUID);
    expect(created.default_guardrail_id).toMatch(UUID);
    expect(created.default_guardrail_id).not.toBe(created.id);
    expect(Date.parse(created.created_at)).toBeGreaterThanOrEqual(before - 1);
    expect(sb.workspaces()).toEqual([created]);
  });

  it('derives the same guardrail id from the same workspace id', async () => {
    const id = '550e8400-e29b-41d4-a716-446655440000';
    const sb = await start({ seed: [{ id, slug: 'a', name: 'A' }] });
    const other = await startSandbox({ seed: [{ id, slug: 'b', name: 'B' }] });
    try {
      const first = sb.workspaces()[0]?.default_guardrail_id;
      expect(first).toMatch(UUID);
      expect(other.workspaces()[0]?.default_guardrail_id).toBe(first);
    } finally {
      await other.close();
    }
  });

  it('takes every writable field', async () => {
    const sb = await start();
    const fields = {
      name: 'Staging (EU)',
      slug: 'staging-eu',
      description: 'Staging',
      default_text_model: 'openai/gpt-4o',
      default_image_model: 'openai/dall-e-3',
      default_provider_sort: 'latency',
      is_observability_io_logging_enabled: true,
      is_observability_broadcast_enabled: true,
      is_data_discount_logging_enabled: false,
      io_logging_sampling_rate: 0.0001,
      io_logging_api_key_ids: [102, 101],
    };
    const { status, body } = await call(sb, 'POST', '/workspaces', { json: fields });
    expect(status).toBe(201);
    expect((body as OneBody).data).toMatchObject(fields);
  });

  it('refuses a slug that is taken with a 409', async () => {
    const sb = await start({ seed: [{ slug: 'production', name: 'Production' }] });
    const { status, body } = await call(sb, 'POST', '/workspaces', {
      json: { name: 'Other', slug: 'production' },
    });
    expect(status).toBe(409);
    expect(body).toEqual(errorBody(409, 'A workspace with slug "production" already exists'));
    expect(sb.workspaces()).toHaveLength(1);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing name', { slug: 'a' }, '"name" is required'],
    ['missing slug', { name: 'A' }, '"slug" is required'],
    ['empty name', { name: '', slug: 'a' }, '"name"'],
    ['name of 101 characters', { name: 'x'.repeat(101), slug: 'a' }, '"name"'],
    ['name not a string', { name: 5, slug: 'a' }, '"name"'],
    ['slug of 51 characters', { name: 'A', slug: 'a'.repeat(51) }, '"slug"'],
    ['slug with capitals', { name: 'A', slug: 'Prod' }, '"slug"'],
    ['slug with a double hyphen', { name: 'A', slug: 'a--b' }, '"slug"'],
    ['slug with a trailing hyphen', { name: 'A', slug: 'a-' }, '"slug"'],
    [
      'description of 501 characters',
      { name: 'A', slug: 'a', description: 'd'.repeat(501) },
      '"description"',
    ],
    ['description a number', { name: 'A', slug: 'a', description: 1 }, '"description"'],
    [
      'default_text_model a number',
      { name: 'A', slug: 'a', default_text_model: 4 },
      '"default_text_model"',
    ],
    [
      'default_image_model a boolean',
      { name: 'A', slug: 'a', default_image_model: true },
      '"default_image_model"',
    ],
    [
      'sampling rate 0',
      { name: 'A', slug: 'a', io_logging_sampling_rate: 0 },
      '"io_logging_sampling_rate"',
    ],
    [
      'sampling rate 1.5',
      { name: 'A', slug: 'a', io_logging_sampling_rate: 1.5 },
      '"io_logging_sampling_rate"',
    ],
    [
      'sampling rate a string',
      { name: 'A', slug: 'a', io_logging_sampling_rate: '0.5' },
      '"io_logging_sampling_rate"',
    ],
    [
      'sampling rate null',
      { name: 'A', slug: 'a', io_logging_sampling_rate: null },
      '"io_logging_sampling_rate"',
    ],
    [
      'provider sort unknown',
      { name: 'A', slug: 'a', default_provider_sort: 'cheapest' },
      '"default_provider_sort"',
    ],
    [
      'key ids of strings',
      { name: 'A', slug: 'a', io_logging_api_key_ids: ['1'] },
      '"io_logging_api_key_ids"',
    ],
    [
      'key ids of fractions',
      { name: 'A', slug: 'a', io_logging_api_key_ids: [1.5] },
      '"io_logging_api_key_ids"',
    ],
    [
      'key ids an object',
      { name: 'A', slug: 'a', io_logging_api_key_ids: {} },
      '"io_logging_api_key_ids"',
    ],
    [
      'a boolean given as "yes"',
      { name: 'A', slug: 'a', is_observability_io_logging_enabled: 'yes' },
      '"is_observability_io_logging_enabled"',
    ],
    [
      'broadcast as 1',
      { name: 'A', slug: 'a', is_observability_broadcast_enabled: 1 },
      '"is_observability_broadcast_enabled"',
    ],
    [
      'discount logging null',
      { name: 'A', slug: 'a', is_data_discount_logging_enabled: null },
      '"is_data_discount_logging_enabled"',
    ],
    ['an unknown key', { name: 'A', slug: 'a', descripton: 'x' }, '"descripton"'],
    ['a read-only key', { name: 'A', slug: 'a', created_by: 'me' }, '"created_by" is read-only'],
    [
      'an id',
      { name: 'A', slug: 'a', id: '550e8400-e29b-41d4-a716-446655440000' },
      '"id" is read-only',
    ],
    [
      'include_byok_in_budgets',
      { name: 'A', slug: 'a', include_byok_in_budgets: true },
      '"include_byok_in_budgets" is read-only',
    ],
  ])('refuses %s with a 400 naming the field', async (_case, json, expected) => {
    const sb = await start();
    const { status, body } = await call(sb, 'POST', '/workspaces', { json });
    expect(status).toBe(400);
    const error = (body as { error: { code: number; message: string } }).error;
    expect(error.code).toBe(400);
    expect(error.message).toContain(expected);
    expect(sb.workspaces()).toEqual([]);
  });

  it('refuses a body of 20,000 unknown keys with a short 400 that lists 20 and counts the rest', async () => {
    const sb = await start();
    const json: Record<string, unknown> = { name: 'A', slug: 'a' };
    for (let i = 0; i < 20_000; i++) json[`unknown_${i}`] = i;
    const { status, text, body } = await call(sb, 'POST', '/workspaces', { json });
    expect(status).toBe(400);
    expect(text.length).toBeLessThan(4000);
    const { message } = (body as { error: { message: string } }).error;
    expect(message).toContain('"unknown_0" is not a field of CreateWorkspaceRequest');
    expect(message).toContain('"unknown_19" is not a field of CreateWorkspaceRequest');
    expect(message).not.toContain('"unknown_20"');
    expect(message).toMatch(/; and 19980 more$/);
    expect(sb.workspaces()).toEqual([]);
  });

  it.each<[string, { raw: string; contentType?: string }, number]>([
    ['a body that is not JSON', { raw: '{name:', contentType: 'application/json' }, 400],
    ['a JSON array', { raw: '[]', contentType: 'application/json' }, 400],
    ['JSON null', { raw: 'null', contentType: 'application/json' }, 400],
    ['an empty body', { raw: '', contentType: 'application/json' }, 400],
    [
      'JSON without Content-Type: application/json',
      { raw: '{"name":"A","slug":"a"}', contentType: 'text/plain' },
      400,
    ],
    [
      'a body over 1 MiB',
      {
        raw: JSON.stringify({ name: 'A', slug: 'a', description: 'x'.repeat(1_100_000) }),
        contentType: 'application/json',
      },
      413,
    ],
  ])('refuses %s', async (_case, request, expected) => {
    const sb = await start();
    const { status, body } = await call(sb, 'POST', '/workspaces', request);
    expect(status).toBe(expected);
    expect((body as { error: { code: number } }).error.code).toBe(expected);
    expect(sb.workspaces()).toEqual([]);
  });

  it('accepts application/json with a charset', async () => {
    const sb = await start();
    const { status } = await call(sb, 'POST', '/workspaces', {
      raw: '{"name":"A","slug":"a"}',
      contentType: 'application/json; charset=utf-8',
    });
    expect(status).toBe(201);
  });
});

describe('GET /workspaces/{id}', () => {
  it('finds a workspace by id and by slug', async () => {
    const id = '550e8400-e29b-41d4-a716-446655440000';
    const sb = await start({ seed: [{ id, slug: 'production', name: 'Production' }] });
    const byId = await call(sb, 'GET', `/workspaces/${id}`);
    const bySlug = await call(sb, 'GET', '/workspaces/production');
    expect(byId.status).toBe(200);
    expect((byId.body as OneBody).data.slug).toBe('production');
    expect(bySlug.body).toEqual(byId.body);
  });

  it('answers 404 with the API error body for an unknown id or slug', async () => {
    const sb = await start({ seed: seeds(1) });
    for (const target of ['nope', '00000000-0000-4000-8000-000000000000']) {
      const { status, body } = await call(sb, 'GET', `/workspaces/${target}`);
      expect(status).toBe(404);
      expect(body).toEqual(errorBody(404, 'Resource not found'));
    }
  });
});

describe('PATCH /workspaces/{id}', () => {
  it('changes the fields given, sets updated_at, and leaves the rest', async () => {
    const sb = await start({
      seed: [{ slug: 'production', name: 'Production', description: 'd' }],
    });
    const before = sb.workspaces()[0];
    const { status, body } = await call(sb, 'PATCH', '/workspaces/production', {
      json: { default_text_model: 'anthropic/claude-sonnet-4', io_logging_api_key_ids: [3, 1, 2] },
    });
    expect(status).toBe(200);
    const after = (body as OneBody).data;
    expect(after).toEqual({
      ...before,
      default_text_model: 'anthropic/claude-sonnet-4',
      io_logging_api_key_ids: [3, 1, 2],
      updated_at: after.updated_at,
    });
    expect(after.updated_at).not.toBeNull();
    expect(Date.parse(after.updated_at ?? '')).toBeGreaterThan(Date.parse(after.created_at) - 1);

    const again = await call(sb, 'PATCH', '/workspaces/production', {
      json: { description: null },
    });
    const later = (again.body as OneBody).data;
    expect(later.description).toBeNull();
    expect(Date.parse(later.updated_at ?? '')).toBeGreaterThan(Date.parse(after.updated_at ?? ''));
  });

  it('leaves updated_at alone when nothing changes', async () => {
    const sb = await start({ seed: [{ slug: 'a', name: 'A', io_logging_api_key_ids: [1, 2] }] });
    const { body } = await call(sb, 'PATCH', '/workspaces/a', {
      json: { name: 'A', io_logging_api_key_ids: [1, 2] },
    });
    expect((body as OneBody).data.updated_at).toBeNull();
    const empty = await call(sb, 'PATCH', '/workspaces/a', { json: {} });
    expect(empty.status).toBe(200);
    expect((empty.body as OneBody).data.updated_at).toBeNull();
  });

  it('keeps [] and null apart', async () => {
    const sb = await start({ seed: [{ slug: 'a', name: 'A' }] });
    const { body } = await call(sb, 'PATCH', '/workspaces/a', {
      json: { io_logging_api_key_ids: [] },
    });
    expect((body as OneBody).data.io_logging_api_key_ids).toEqual([]);
    expect(sb.workspaces()[0]?.io_logging_api_key_ids).toEqual([]);
  });

  it('renames a slug: the old slug is gone, the id stays', async () => {
    const sb = await start({ seed: [{ slug: 'staging', name: 'Staging' }] });
    const id = sb.workspaces()[0]?.id ?? '';
    const { status, body } = await call(sb, 'PATCH', `/workspaces/${id}`, {
      json: { slug: 'staging-eu' },
    });
    expect(status).toBe(200);
    expect((body as OneBody).data).toMatchObject({ id, slug: 'staging-eu' });
    expect((await call(sb, 'GET', '/workspaces/staging')).status).toBe(404);
    expect(((await call(sb, 'GET', '/workspaces/staging-eu')).body as OneBody).data.id).toBe(id);
    // the old slug is free again
    expect(
      (await call(sb, 'POST', '/workspaces', { json: { name: 'S', slug: 'staging' } })).status,
    ).toBe(201);
  });

  it('allows a workspace its own slug and refuses another one with a 409', async () => {
    const sb = await start({ seed: seeds(2) });
    expect((await call(sb, 'PATCH', '/workspaces/ws-0', { json: { slug: 'ws-0' } })).status).toBe(
      200,
    );
    const { status, body } = await call(sb, 'PATCH', '/workspaces/ws-0', {
      json: { slug: 'ws-1' },
    });
    expect(status).toBe(409);
    expect(body).toEqual(errorBody(409, 'A workspace with slug "ws-1" already exists'));
    expect(sb.workspaces().map((w) => w.slug)).toEqual(['ws-0', 'ws-1']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an invalid sampling rate', { io_logging_sampling_rate: 2 }, '"io_logging_sampling_rate"'],
    ['an invalid slug', { slug: 'Not OK' }, '"slug"'],
    ['an unknown key', { nmae: 'x' }, '"nmae"'],
    ['a read-only key', { updated_at: '2026-01-01T00:00:00Z' }, '"updated_at" is read-only'],
  ])('refuses %s with a 400 and changes nothing', async (_case, json, expected) => {
    const sb = await start({ seed: seeds(1) });
    const before = sb.workspaces();
    const { status, body } = await call(sb, 'PATCH', '/workspaces/ws-0', { json });
    expect(status).toBe(400);
    expect((body as { error: { message: string } }).error.message).toContain(expected);
    expect(sb.workspaces()).toEqual(before);
  });

  it('answers 404 for an unknown workspace', async () => {
    const sb = await start();
    const { status, body } = await call(sb, 'PATCH', '/workspaces/nope', { json: { name: 'x' } });
    expect(status).toBe(404);
    expect(body).toEqual(errorBody(404, 'Resource not found'));
  });
});

describe('DELETE /workspaces/{id}', () => {
  it('deletes by slug or id and answers {"deleted":true}', async () => {
    const sb = await start({ seed: seeds(3) });
    const id = sb.workspaces()[2]?.id ?? '';
    const bySlug = await call(sb, 'DELETE', '/workspaces/ws-0');
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toEqual({ deleted: true });
    expect((await call(sb, 'DELETE', `/workspaces/${id}`)).body).toEqual({ deleted: true });
    expect(sb.workspaces().map((w) => w.slug)).toEqual(['ws-1']);
    expect((await call(sb, 'GET', '/workspaces/ws-0')).status).toBe(404);
    expect((await call(sb, 'DELETE', '/workspaces/ws-0')).status).toBe(404);
    expect(((await call(sb, 'GET', '/workspaces')).body as ListBody).total_count).toBe(1);
  });
});

describe('authentication and routing', () => {
  it.each<[string, { key?: string | null; authorization?: string }]>([
    ['no Authorization header', { key: null }],
    ['an empty bearer key', { authorization: 'Bearer ' }],
    ['a blank bearer key', { authorization: 'Bearer    ' }],
    ['another scheme', { authorization: `Basic ${KEY}` }],
  ])('answers 401 to %s, on every route', async (_case, auth) => {
    const sb = await start({ seed: seeds(1) });
    for (const [method, path] of [
      ['GET', '/workspaces'],
      ['POST', '/workspaces'],
      ['GET', '/workspaces/ws-0'],
      ['PATCH', '/workspaces/ws-0'],
      ['DELETE', '/workspaces/ws-0'],
    ] as const) {
      const json = method === 'POST' || method === 'PATCH' ? { name: 'x' } : undefined;
      const { status, body } = await call(sb, method, path, { ...auth, ...(json && { json }) });
      expect(status).toBe(401);
      expect(body).toEqual(errorBody(401, 'Missing Authentication header'));
    }
    expect(sb.workspaces()).toHaveLength(1);
  });

  it('accepts any non-empty key', async () => {
    const sb = await start();
    expect((await call(sb, 'GET', '/workspaces', { key: 'x' })).status).toBe(200);
    expect((await call(sb, 'GET', '/workspaces', { authorization: 'bearer y' })).status).toBe(200);
  });

  it('answers 404 for unknown paths, with the error body', async () => {
    const sb = await start();
    for (const path of ['/workspace', '/workspaces/a/b', '/keys', '']) {
      const { status, body } = await call(sb, 'GET', path);
      expect(status).toBe(404);
      expect(body).toEqual(errorBody(404, 'Resource not found'));
    }
    const outside = await fetch(sb.baseUrl.replace('/api/v1', '/workspaces'), {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(outside.status).toBe(404);
  });

  it('answers 405 with Allow for a method a route does not have', async () => {
    const sb = await start({ seed: seeds(1) });
    const collection = await call(sb, 'DELETE', '/workspaces');
    expect(collection.status).toBe(405);
    expect(collection.headers.get('allow')).toBe('GET, POST');
    expect((collection.body as { error: { code: number } }).error.code).toBe(405);
    const item = await call(sb, 'PUT', '/workspaces/ws-0', { json: { name: 'x' } });
    expect(item.status).toBe(405);
    expect(item.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });
});

describe('the request record', () => {
  it('records every request in order with its parsed body, status and key', async () => {
    const sb = await start({ seed: seeds(1) });
    await call(sb, 'GET', '/workspaces?limit=100&offset=0');
    await call(sb, 'PATCH', '/workspaces/ws-0', { json: { name: 'Renamed' } });
    await call(sb, 'POST', '/workspaces', { raw: 'not json', contentType: 'application/json' });
    await call(sb, 'GET', '/workspaces/ws-0', { key: null });
    expect(sb.requests).toEqual([
      {
        method: 'GET',
        path: '/workspaces',
        query: { limit: '100', offset: '0' },
        body: undefined,
        status: 200,
        authorization: `Bearer ${KEY}`,
        inFlight: 1,
      },
      {
        method: 'PATCH',
        path: '/workspaces/ws-0',
        query: {},
        body: { name: 'Renamed' },
        status: 200,
        authorization: `Bearer ${KEY}`,
        inFlight: 1,
      },
      {
        method: 'POST',
        path: '/workspaces',
        query: {},
        body: 'not json',
        status: 400,
        authorization: `Bearer ${KEY}`,
        inFlight: 1,
      },
      {
        method: 'GET',
        path: '/workspaces/ws-0',
        query: {},
        body: undefined,
        status: 401,
        authorization: undefined,
        inFlight: 1,
      },
    ]);
  });

  it('records how many requests were in flight when each arrived', async () => {
    const sb = await start({ seed: seeds(1), latencyMs: 100 });
    await Promise.all([1, 2, 3].map(() => call(sb, 'GET', '/workspaces/ws-0')));
    await call(sb, 'GET', '/workspaces/ws-0');
    expect(sb.requests.map((r) => r.inFlight)).toEqual([1, 2, 3, 1]);
  });

  it('clearRequests empties the same array', async () => {
    const sb = await start();
    const requests = sb.requests;
    await call(sb, 'GET', '/workspaces');
    sb.clearRequests();
    expect(requests).toEqual([]);
    await call(sb, 'GET', '/workspaces');
    expect(requests).toHaveLength(1);
  });

  it('records nothing with logRequests: false', async () => {
    const sb = await start({ logRequests: false });
    await call(sb, 'GET', '/workspaces');
    expect(sb.requests).toEqual([]);
  });
});

describe('out-of-band changes', () => {
  it('workspaces() is a deep copy', async () => {
    const sb = await start({ seed: [{ slug: 'a', name: 'A', io_logging_api_key_ids: [1] }] });
    const copy = sb.workspaces();
    copy[0]?.io_logging_api_key_ids?.push(2);
    if (copy[0]) copy[0].name = 'changed';
    expect(sb.workspaces()[0]).toMatchObject({ name: 'A', io_logging_api_key_ids: [1] });
  });

  it('edit() changes a workspace as another person would, setting updated_at', async () => {
    const sb = await start({ seed: [{ slug: 'a', name: 'A' }] });
    const edited = sb.edit('a', { description: 'by hand', slug: 'b' });
    expect(edited).toMatchObject({ description: 'by hand', slug: 'b' });
    expect(edited.updated_at).not.toBeNull();
    const { body } = await call(sb, 'GET', '/workspaces/b');
    expect((body as OneBody).data).toEqual(edited);
    expect(sb.requests).toHaveLength(1);
  });

  it('edit() refuses an unknown workspace, an invalid value and a taken slug', async () => {
    const sb = await start({ seed: seeds(2) });
    expect(() => sb.edit('nope', { name: 'x' })).toThrow(/nope/);
    expect(() => sb.edit('ws-0', { io_logging_sampling_rate: 5 })).toThrow(
      /io_logging_sampling_rate/,
    );
    expect(() => sb.edit('ws-0', { slug: 'ws-1' })).toThrow(/ws-1/);
    expect(sb.workspaces().map((w) => w.updated_at)).toEqual([null, null]);
  });

  it('add() creates with the defaults and refuses a taken slug', async () => {
    const sb = await start();
    const added = sb.add({ slug: 'new', name: 'New', default_provider_sort: 'price' });
    expect(added).toMatchObject({
      slug: 'new',
      default_provider_sort: 'price',
      created_by: 'user_sandbox',
    });
    expect(((await call(sb, 'GET', '/workspaces/new')).body as OneBody).data).toEqual(added);
    expect(() => sb.add({ slug: 'new', name: 'Again' })).toThrow(/already/);
  });

  it('refuses invalid and clashing seeds at start', async () => {
    await expect(startSandbox({ seed: [{ slug: 'Bad Slug', name: 'A' }] })).rejects.toThrow(
      /seed: workspace 0: "slug"/,
    );
    await expect(
      startSandbox({
        seed: [
          { slug: 'a', name: 'A' },
          { slug: 'a', name: 'B' },
        ],
      }),
    ).rejects.toThrow(/seed: workspace 1: .*"a" already exists/);
    const inherited = { slug: 'a', name: 'A', hasOwnProperty: 1 } as unknown as SeedWorkspace;
    await expect(startSandbox({ seed: [inherited] })).rejects.toThrow(
      /seed: workspace 0: "hasOwnProperty" is not a field of Workspace/,
    );
  });
});
