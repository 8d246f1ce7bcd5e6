import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/schema/fields.js';
import {
  startSandbox,
  type Guardrail,
  type Sandbox,
  type SandboxOptions,
  type WorkspaceBudget,
  type WorkspaceMember,
} from '../../src/sandbox/index.js';
import { api, messageOf } from './conformance.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const PRODUCTION = '550e8400-e29b-41d4-a716-446655440000';

const ORG: unknown[] = [
  { id: 'user_alice', email: 'alice@example.com', first_name: 'Alice', role: 'org:admin' },
  { id: 'user_bob', email: 'bob@example.com' },
  { id: 'user_carol', email: 'carol@example.com', has_active_keys: true },
  { id: 'user_dave', email: 'dave@example.com', scim_managed: true },
  { id: 'user_erin', email: 'erin@example.com' },
];

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({
    seed: [
      { id: PRODUCTION, slug: 'production', name: 'Production', io_logging_api_key_ids: [1, 2, 3] },
      { slug: 'staging', name: 'Staging' },
    ],
    ...options,
    resources: { organization_members: ORG, ...options.resources },
  });
  return sandbox;
}

interface BudgetList {
  data: WorkspaceBudget[];
  include_byok_in_budgets: boolean;
}

describe('budgets', () => {
  it('lists, upserts and deletes per interval, widest first, include_byok workspace-wide', async () => {
    const sb = await start();
    const empty = await api(sb, 'GET', '/workspaces/{id}/budgets', ['production']);
    expect(empty.body).toEqual({ data: [], include_byok_in_budgets: false });

    const daily = await api(
      sb,
      'PUT',
      '/workspaces/{id}/budgets/{interval}',
      ['production', 'daily'],
      {
        json: { limit_usd: 20 },
      },
    );
    expect(daily.status).toBe(200);
    expect(daily.body).toMatchObject({
      data: { workspace_id: PRODUCTION, limit_usd: 20, reset_interval: 'daily' },
      include_byok_in_budgets: false,
    });
    await api(sb, 'PUT', '/workspaces/{id}/budgets/{interval}', [PRODUCTION, 'monthly'], {
      json: { limit_usd: 300, include_byok_in_budgets: true },
    });
    await api(sb, 'PUT', '/workspaces/{id}/budgets/{interval}', [PRODUCTION, 'lifetime'], {
      json: { limit_usd: 1000.5 },
    });
    const list = (await api(sb, 'GET', '/workspaces/{id}/budgets', ['production']))
      .body as BudgetList;
    expect(list.data.map((b) => [b.reset_interval, b.limit_usd])).toEqual([
      [null, 1000.5],
      ['monthly', 300],
      ['daily', 20],
    ]);
    expect(list.include_byok_in_budgets).toBe(true);
    const workspace = (await api(sb, 'GET', '/workspaces/{id}', ['production'])).body as {
      data: Workspace;
    };
    expect(workspace.data.include_byok_in_budgets).toBe(true);

    const one = await api(sb, 'GET', '/workspaces/{id}/budgets/{interval}', [
      'production',
      'monthly',
    ]);
    expect(one.body).toMatchObject({ data: { limit_usd: 300 }, include_byok_in_budgets: true });
    const none = await api(sb, 'GET', '/workspaces/{id}/budgets/{interval}', [
      'production',
      'weekly',
    ]);
    expect(none.status).toBe(404);

    const deleted = await api(sb, 'DELETE', '/workspaces/{id}/budgets/{interval}', [
      'production',
      'monthly',
    ]);
    expect(deleted.body).toEqual({ deleted: true });
    // "Confirmation that the budget was deleted (or did not exist)": deleting again succeeds.
    const again = await api(sb, 'DELETE', '/workspaces/{id}/budgets/{interval}', [
      'production',
      'monthly',
    ]);
    expect([again.status, again.body]).toEqual([200, { deleted: true }]);
    const after = (await api(sb, 'GET', '/workspaces/{id}/budgets', ['production']))
      .body as BudgetList;
    expect(after.data.map((b) => b.reset_interval)).toEqual([null, 'daily']);
  });

  it.each<[string, [string, number][], string, number, RegExp]>([
    [
      'a daily limit above the monthly one',
      [['monthly', 300]],
      'daily',
      301,
      /monthly limit 300 is not greater than the daily limit 301/,
    ],
    [
      'a weekly limit equal to the daily one',
      [['daily', 20]],
      'weekly',
      20,
      /weekly limit 20 is not greater than the daily limit 20/,
    ],
    [
      'a lifetime limit below the weekly one',
      [
        ['weekly', 50],
        ['daily', 5],
      ],
      'lifetime',
      40,
      /lifetime limit 40 is not greater than the weekly limit 50/,
    ],
    [
      'a monthly update that drops below daily',
      [
        ['monthly', 300],
        ['daily', 20],
      ],
      'monthly',
      10,
      /monthly limit 10 is not greater than the daily limit 20/,
    ],
  ])(
    'refuses %s with a 400 and changes nothing',
    async (_case, existing, interval, limit, message) => {
      const sb = await start();
      for (const [i, l] of existing) {
        expect(
          (
            await api(sb, 'PUT', '/workspaces/{id}/budgets/{interval}', ['production', i], {
              json: { limit_usd: l },
            })
          ).status,
        ).toBe(200);
      }
      const before = sb.state().budgets;
      const result = await api(
        sb,
        'PUT',
        '/workspaces/{id}/budgets/{interval}',
        ['production', interval],
        {
          json: { limit_usd: limit },
        },
      );
      expect(result.status).toBe(400);
      expect(messageOf(result)).toMatch(
        /strictly decrease as the interval narrows \(lifetime > monthly > weekly > daily\)/,
      );
      expect(messageOf(result)).toMatch(message);
      expect(sb.state().budgets).toEqual(before);
    },
  );

  it.each<[string, unknown, string]>([
    ['limit 0', { limit_usd: 0 }, '"limit_usd" must be greater than 0'],
    ['a negative limit', { limit_usd: -5 }, '"limit_usd" must be greater than 0'],
    ['no limit', { include_byok_in_budgets: true }, '"limit_usd" is required'],
    ['a string limit', { limit_usd: '5' }, '"limit_usd" must be number'],
    [
      'an unknown key',
      { limit_usd: 5, reset: 'daily' },
      '"reset" is not a field of UpsertWorkspaceBudgetRequest',
    ],
  ])('refuses %s with a 400', async (_case, json, message) => {
    const sb = await start();
    const result = await api(
      sb,
      'PUT',
      '/workspaces/{id}/budgets/{interval}',
      ['production', 'daily'],
      { json },
    );
    expect(result.status).toBe(400);
    expect(messageOf(result)).toContain(message);
    expect(sb.state().budgets).toEqual([]);
  });

  it('refuses an unknown interval with a 400 and an unknown workspace with a 404', async () => {
    const sb = await start();
    const hourly = await api(
      sb,
      'PUT',
      '/workspaces/{id}/budgets/{interval}',
      ['production', 'hourly'],
      { json: { limit_usd: 1 } },
    );
    expect(hourly.status).toBe(400);
    expect(messageOf(hourly)).toContain('"lifetime"');
    for (const [method, template, args, json] of [
      ['GET', '/workspaces/{id}/budgets', ['nope'], undefined],
      ['PUT', '/workspaces/{id}/budgets/{interval}', ['nope', 'daily'], { limit_usd: 1 }],
      ['DELETE', '/workspaces/{id}/budgets/{interval}', ['nope', 'daily'], undefined],
    ] as const) {
      const result = await api(sb, method, template, [...args], json === undefined ? {} : { json });
      expect(result.status, `${method} ${template}`).toBe(404);
    }
  });
});

describe('the default guardrail', () => {
  it('answers 404 until first written; PATCH materializes it with canonical model slugs', async () => {
    const sb = await start();
    const workspace = sb.workspaces()[0] as Workspace;
    expect(workspace.default_guardrail_id).toMatch(/^[0-9a-f-]{36}$/);
    const before = await api(sb, 'GET', '/guardrails/{id}', [workspace.default_guardrail_id]);
    expect(before.status).toBe(404);

    const patched = await api(sb, 'PATCH', '/guardrails/{id}', [workspace.default_guardrail_id], {
      json: {
        allowed_models: [
          'openai/gpt-4o',
          'anthropic/claude-4-sonnet-20250522',
          'openai/gpt-4o-2024-05-13',
        ],
        allowed_providers: ['openai', 'anthropic'],
        enforce_zdr_openai: false,
        limit_usd: 50,
        reset_interval: 'monthly',
      },
    });
    expect(patched.status).toBe(200);
    const data = (patched.body as { data: Guardrail }).data;
    expect(data).toMatchObject({
      id: workspace.default_guardrail_id,
      workspace_id: PRODUCTION,
      allowed_models: ['openai/gpt-4o-2024-05-13', 'anthropic/claude-4-sonnet-20250522'],
      allowed_providers: ['openai', 'anthropic'],
      enforce_zdr_openai: false,
      limit_usd: 50,
      reset_interval: 'monthly',
    });
    const read = await api(sb, 'GET', '/guardrails/{id}', [workspace.default_guardrail_id]);
    expect((read.body as { data: Guardrail }).data).toEqual(data);

    // Collection fields replace: the sent set is stored whole; fields not sent stay.
    const replaced = await api(sb, 'PATCH', '/guardrails/{id}', [workspace.default_guardrail_id], {
      json: { allowed_providers: ['google'], allowed_models: ['anthropic/claude-sonnet-4'] },
    });
    expect((replaced.body as { data: Guardrail }).data).toMatchObject({
      allowed_providers: ['google'],
      allowed_models: ['anthropic/claude-4-sonnet-20250522'],
      limit_usd: 50,
    });
    const list = await api(sb, 'GET', '/guardrails', [], { query: `?workspace_id=${PRODUCTION}` });
    expect((list.body as { data: Guardrail[]; total_count: number }).total_count).toBe(1);
  });

  it('refuses to rename a default guardrail (400), but accepts its own name', async () => {
    const sb = await start();
    const id = (sb.workspaces()[0] as Workspace).default_guardrail_id;
    const renamed = await api(sb, 'PATCH', '/guardrails/{id}', [id], { json: { name: 'Mine' } });
    expect(renamed.status).toBe(400);
    expect(messageOf(renamed)).toMatch(
      /"name" of a workspace's default guardrail is derived from its workspace/,
    );
    expect((await api(sb, 'GET', '/guardrails/{id}', [id])).status).toBe(404);
    const materialized = await api(sb, 'PATCH', '/guardrails/{id}', [id], {
      json: { description: 'x' },
    });
    const name = (materialized.body as { data: Guardrail }).data.name;
    const same = await api(sb, 'PATCH', '/guardrails/{id}', [id], { json: { name } });
    expect(same.status).toBe(200);
  });

  it('refuses an unknown model with a 400 naming it, and changes nothing', async () => {
    const sb = await start();
    const id = (sb.workspaces()[0] as Workspace).default_guardrail_id;
    const result = await api(sb, 'PATCH', '/guardrails/{id}', [id], {
      json: { ignored_models: ['openai/gpt-4o', 'acme/no-such-model'] },
    });
    expect(result.status).toBe(400);
    expect(messageOf(result)).toContain(
      '"ignored_models" names models that do not exist: "acme/no-such-model"',
    );
    expect(sb.state().guardrails).toEqual([]);
  });

  it('copies the deprecated enforce_zdr into each per-provider field not given', async () => {
    const sb = await start();
    const id = (sb.workspaces()[0] as Workspace).default_guardrail_id;
    const result = await api(sb, 'PATCH', '/guardrails/{id}', [id], {
      json: { enforce_zdr: true, enforce_zdr_xai: false },
    });
    expect((result.body as { data: Guardrail }).data).toMatchObject({
      enforce_zdr_anthropic: true,
      enforce_zdr_openai: true,
      enforce_zdr_google: true,
      enforce_zdr_other: true,
      enforce_zdr_xai: false,
    });
  });

  it.each<[string, unknown, string]>([
    [
      'an empty model list',
      { allowed_models: [] },
      '"allowed_models" must NOT have fewer than 1 items',
    ],
    ['an unknown interval', { reset_interval: 'hourly' }, '"reset_interval" must be one of'],
    ['a read-only key', { workspace_id: PRODUCTION }, '"workspace_id" is read-only'],
  ])('refuses %s with a 400', async (_case, json, message) => {
    const sb = await start();
    const id = (sb.workspaces()[0] as Workspace).default_guardrail_id;
    const result = await api(sb, 'PATCH', '/guardrails/{id}', [id], { json });
    expect(result.status).toBe(400);
    expect(messageOf(result)).toContain(message);
  });

  it('answers 404 for a guardrail id no workspace has, and gives a created workspace its own', async () => {
    const sb = await start();
    const unknown = await api(
      sb,
      'PATCH',
      '/guardrails/{id}',
      ['6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
      {
        json: { description: 'x' },
      },
    );
    expect(unknown.status).toBe(404);
    const created = await api(sb, 'POST', '/workspaces', [], {
      json: { name: 'New', slug: 'new' },
    });
    const id = (created.body as { data: Workspace }).data.default_guardrail_id;
    expect(id).not.toBe((sb.workspaces()[0] as Workspace).default_guardrail_id);
    expect(
      (await api(sb, 'PATCH', '/guardrails/{id}', [id], { json: { limit_usd: 5 } })).status,
    ).toBe(200);
  });
});

describe('members', () => {
  it('lists organization members (paged, with email) and never the sandbox-only flags', async () => {
    const sb = await start();
    const page = await api(sb, 'GET', '/organization/members', [], { query: '?offset=1&limit=2' });
    expect(page.body).toEqual({
      data: [
        {
          id: 'user_bob',
          email: 'bob@example.com',
          first_name: null,
          last_name: null,
          role: 'org:member',
        },
        {
          id: 'user_carol',
          email: 'carol@example.com',
          first_name: null,
          last_name: null,
          role: 'org:member',
        },
      ],
      total_count: 5,
    });
  });

  it('adds organization members with their organization role, and lists them', async () => {
    const sb = await start();
    const added = await api(sb, 'POST', '/workspaces/{id}/members/add', ['production'], {
      json: { user_ids: ['user_alice', 'user_bob', 'user_alice'] },
    });
    expect(added.status).toBe(200);
    const body = added.body as { data: WorkspaceMember[]; added_count: number };
    expect(body.added_count).toBe(2);
    expect(body.data.map((m) => [m.user_id, m.role, m.workspace_id])).toEqual([
      ['user_alice', 'admin', PRODUCTION],
      ['user_bob', 'member', PRODUCTION],
    ]);
    const list = await api(sb, 'GET', '/workspaces/{id}/members', ['production'], {
      query: '?limit=1',
    });
    expect(list.body).toMatchObject({ data: [{ user_id: 'user_alice' }], total_count: 2 });
    const staging = await api(sb, 'GET', '/workspaces/{id}/members', ['staging']);
    expect(staging.body).toEqual({ data: [], total_count: 0 });
  });

  it('refuses more than 100 user ids a call, an empty list, and users outside the organization', async () => {
    const sb = await start();
    const many = Array.from({ length: 101 }, (_, i) => `user_${i}`);
    for (const path of ['/workspaces/{id}/members/add', '/workspaces/{id}/members/remove']) {
      const result = await api(sb, 'POST', path, ['production'], { json: { user_ids: many } });
      expect(result.status).toBe(400);
      expect(messageOf(result)).toContain('"user_ids" must NOT have more than 100 items');
      const none = await api(sb, 'POST', path, ['production'], { json: { user_ids: [] } });
      expect(none.status).toBe(400);
    }
    const stranger = await api(sb, 'POST', '/workspaces/{id}/members/add', ['production'], {
      json: { user_ids: ['user_bob', 'user_mallory'] },
    });
    expect(stranger.status).toBe(400);
    expect(messageOf(stranger)).toContain('not members of the organization: "user_mallory"');
    expect(sb.state().workspace_members).toEqual([]);
  });

  it('will not remove a member with active keys or managed by SCIM, naming why; removes the rest', async () => {
    const sb = await start();
    await api(sb, 'POST', '/workspaces/{id}/members/add', ['production'], {
      json: { user_ids: ['user_bob', 'user_carol', 'user_dave', 'user_erin'] },
    });
    const refused = await api(sb, 'POST', '/workspaces/{id}/members/remove', ['production'], {
      json: { user_ids: ['user_bob', 'user_carol', 'user_dave'] },
    });
    expect(refused.status).toBe(400);
    expect(messageOf(refused)).toContain('"user_carol" has active API keys in the workspace');
    expect(messageOf(refused)).toContain('"user_dave" is managed by SCIM');
    expect(sb.state().workspace_members).toHaveLength(4);
    const removed = await api(sb, 'POST', '/workspaces/{id}/members/remove', ['production'], {
      json: { user_ids: ['user_bob', 'user_erin', 'user_alice'] },
    });
    expect(removed.body).toEqual({ removed_count: 2 });
    expect(sb.state().workspace_members.map((m) => m.user_id)).toEqual(['user_carol', 'user_dave']);
  });

  it('answers 404 for the members of an unknown workspace', async () => {
    const sb = await start();
    expect((await api(sb, 'GET', '/workspaces/{id}/members', ['nope'])).status).toBe(404);
    const add = await api(sb, 'POST', '/workspaces/{id}/members/add', ['nope'], {
      json: { user_ids: ['user_bob'] },
    });
    expect(add.status).toBe(404);
  });
});

describe('models', () => {
  it('lists the catalog as the spec’s Model, whole or paged', async () => {
    const sb = await start();
    const all = await api(sb, 'GET', '/models');
    const body = all.body as {
      data: { id: string; canonical_slug: string }[];
      total_count: number;
    };
    expect(body.total_count).toBeGreaterThanOrEqual(8);
    expect(body.data).toContainEqual(
      expect.objectContaining({ id: 'openai/gpt-4o', canonical_slug: 'openai/gpt-4o-2024-05-13' }),
    );
    expect(body.data).toContainEqual(
      expect.objectContaining({
        id: 'anthropic/claude-sonnet-4',
        canonical_slug: 'anthropic/claude-4-sonnet-20250522',
      }),
    );
    const page = await api(sb, 'GET', '/models', [], { query: '?offset=0&limit=3' });
    expect(page.body).toMatchObject({
      total_count: body.total_count,
      links: { next: '/api/v1/models?offset=3&limit=3' },
    });
    expect((page.body as { data: unknown[] }).data).toHaveLength(3);
  });

  it('takes its catalog from the seed, and resolves guardrail models through it', async () => {
    const sb = await start({
      resources: {
        models: [{ id: 'acme/one', canonical_slug: 'acme/one-2026', name: 'Acme One' }],
      },
    });
    const models = (await api(sb, 'GET', '/models')).body as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['acme/one']);
    const id = (sb.workspaces()[0] as Workspace).default_guardrail_id;
    const ok = await api(sb, 'PATCH', '/guardrails/{id}', [id], {
      json: { allowed_models: ['acme/one'] },
    });
    expect((ok.body as { data: Guardrail }).data.allowed_models).toEqual(['acme/one-2026']);
    const gone = await api(sb, 'PATCH', '/guardrails/{id}', [id], {
      json: { allowed_models: ['openai/gpt-4o'] },
    });
    expect(gone.status).toBe(400);
  });
});

describe('options a test turns on', () => {
  it('reorderArrays answers set-valued arrays in another order than sent', async () => {
    const sb = await start({ reorderArrays: true });
    const workspace = (await api(sb, 'GET', '/workspaces/{id}', ['production'])).body as {
      data: Workspace;
    };
    expect(workspace.data.io_logging_api_key_ids).toEqual([3, 2, 1]);
    const patched = await api(sb, 'PATCH', '/workspaces/{id}', ['production'], {
      json: { io_logging_api_key_ids: [7, 8] },
    });
    expect((patched.body as { data: Workspace }).data.io_logging_api_key_ids).toEqual([8, 7]);
    const id = workspace.data.default_guardrail_id;
    const guardrail = await api(sb, 'PATCH', '/guardrails/{id}', [id], {
      json: {
        allowed_providers: ['openai', 'anthropic', 'google'],
        allowed_models: ['openai/gpt-4o', 'google/gemini-2.5-pro'],
      },
    });
    expect((guardrail.body as { data: Guardrail }).data).toMatchObject({
      allowed_providers: ['google', 'anthropic', 'openai'],
      allowed_models: ['google/gemini-2.5-pro', 'openai/gpt-4o-2024-05-13'],
    });
    await api(sb, 'POST', '/workspaces/{id}/members/add', ['production'], {
      json: { user_ids: ['user_alice', 'user_bob', 'user_erin'] },
    });
    const members = (await api(sb, 'GET', '/workspaces/{id}/members', ['production'])).body as {
      data: WorkspaceMember[];
    };
    expect(members.data.map((m) => m.user_id)).toEqual(['user_erin', 'user_bob', 'user_alice']);
    // What is stored is what was sent.
    expect(sb.state().workspaces[0]?.io_logging_api_key_ids).toEqual([7, 8]);
  });

  it('without reorderArrays, arrays come back in the order sent', async () => {
    const sb = await start();
    const workspace = (await api(sb, 'GET', '/workspaces/{id}', ['production'])).body as {
      data: Workspace;
    };
    expect(workspace.data.io_logging_api_key_ids).toEqual([1, 2, 3]);
  });

  it('maxPageSize pages by fewer than asked, with a true total_count', async () => {
    const sb = await start({ maxPageSize: 3 });
    for (let i = 0; i < 5; i++) {
      await api(sb, 'POST', '/workspaces', [], { json: { name: `W${i}`, slug: `w-${i}` } });
    }
    const page = (await api(sb, 'GET', '/workspaces', [], { query: '?limit=100' })).body as {
      data: Workspace[];
      total_count: number;
    };
    expect(page.data).toHaveLength(3);
    expect(page.total_count).toBe(7);
    const members = (await api(sb, 'GET', '/organization/members', [], { query: '?limit=50' }))
      .body as {
      data: unknown[];
      total_count: number;
    };
    expect([members.data.length, members.total_count]).toEqual([3, 5]);
    await expect(startSandbox({ maxPageSize: 0 })).rejects.toThrow(/maxPageSize/);
  });

  it('a name of 60 emoji (120 UTF-16 units) is refused with a 400', async () => {
    const sb = await start();
    const result = await api(sb, 'POST', '/workspaces', [], {
      json: { name: '😀'.repeat(60), slug: 'emoji' },
    });
    expect(result.status).toBe(400);
    expect(messageOf(result)).toContain('"name" must NOT have more than 100 characters');
    const fits = await api(sb, 'POST', '/workspaces', [], {
      json: { name: '😀'.repeat(50), slug: 'emoji' },
    });
    expect(fits.status).toBe(201);
  });

  it('records requests and injects faults on the new routes too', async () => {
    const sb = await start();
    sb.faults.add({ method: 'PUT', path: '/workspaces/*', status: 503 });
    const failed = await api(
      sb,
      'PUT',
      '/workspaces/{id}/budgets/{interval}',
      ['production', 'daily'],
      {
        json: { limit_usd: 5 },
        undocumented: [503],
      },
    );
    expect(failed.status).toBe(503);
    expect(sb.state().budgets).toEqual([]);
    const last = sb.requests.at(-1);
    expect(last).toMatchObject({
      method: 'PUT',
      path: '/workspaces/production/budgets/daily',
      status: 503,
      body: { limit_usd: 5 },
    });
    const retried = await api(
      sb,
      'PUT',
      '/workspaces/{id}/budgets/{interval}',
      ['production', 'daily'],
      {
        json: { limit_usd: 5 },
      },
    );
    expect(retried.status).toBe(200);
  });

  it('wants a key on every new route, and answers 405 to a method a route lacks', async () => {
    const sb = await start();
    for (const [method, template, args] of [
      ['GET', '/workspaces/{id}/budgets', ['production']],
      ['GET', '/guardrails', []],
      ['GET', '/workspaces/{id}/members', ['production']],
      ['GET', '/organization/members', []],
    ] as const) {
      const result = await api(sb, method, template, [...args], { key: null, undocumented: [401] });
      expect(result.status, template).toBe(401);
    }
    const wrong = await api(sb, 'POST', '/workspaces/{id}/budgets', ['production'], {
      json: {},
      undocumented: [405],
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('forgets budgets, guardrail and members of a deleted workspace', async () => {
    const sb = await start();
    const id = (sb.workspaces()[0] as Workspace).default_guardrail_id;
    await api(sb, 'PUT', '/workspaces/{id}/budgets/{interval}', ['production', 'daily'], {
      json: { limit_usd: 5 },
    });
    await api(sb, 'PATCH', '/guardrails/{id}', [id], { json: { limit_usd: 5 } });
    await api(sb, 'POST', '/workspaces/{id}/members/add', ['production'], {
      json: { user_ids: ['user_bob'] },
    });
    await api(sb, 'DELETE', '/workspaces/{id}', ['production']);
    const state = sb.state();
    expect([state.budgets, state.guardrails, state.workspace_members]).toEqual([[], [], []]);
  });
});

describe('error messages', () => {
  it('quote at most 10 values from a request, each cut to 100 characters', async () => {
    const sb = await start();
    const strangers = Array.from({ length: 40 }, (_, i) => `user_${'x'.repeat(500)}_${i}`);
    const result = await api(sb, 'POST', '/workspaces/{id}/members/add', ['production'], {
      json: { user_ids: strangers },
    });
    expect(result.status).toBe(400);
    expect(messageOf(result)).toContain('and 30 more');
    expect(messageOf(result).length).toBeLessThan(1500);
  });
});
