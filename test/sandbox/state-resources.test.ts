import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/schema/fields.js';
import { startSandbox, StateSaveError, type Sandbox } from '../../src/sandbox/index.js';
import { api } from './conformance.js';

let dir = '';
let sandbox: Sandbox | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orws-sandbox-'));
});
afterEach(async () => {
  await sandbox?.close().catch(() => undefined);
  sandbox = undefined;
  await rm(dir, { recursive: true, force: true });
});

const EXAMPLE = new URL('../../examples/sandbox-state.json', import.meta.url);
const PRODUCTION = '550e8400-e29b-41d4-a716-446655440000';

describe('the state file holds every kind of state', () => {
  it('saves budgets, guardrails, members, organization members and models, and reloads them', async () => {
    const file = join(dir, 'state.json');
    sandbox = await startSandbox({
      stateFile: file,
      seed: [{ id: PRODUCTION, slug: 'production', name: 'Production' }],
      resources: {
        organization_members: [{ id: 'user_alice', email: 'alice@example.com' }],
        models: [{ id: 'acme/one', canonical_slug: 'acme/one-1', name: 'Acme One' }],
      },
    });
    const guardrailId = (sandbox.workspaces()[0] as Workspace).default_guardrail_id;
    await api(sandbox, 'PUT', '/workspaces/{id}/budgets/{interval}', ['production', 'weekly'], {
      json: { limit_usd: 70, include_byok_in_budgets: true },
    });
    await api(sandbox, 'PATCH', '/guardrails/{id}', [guardrailId], {
      json: { allowed_models: ['acme/one'], description: 'kept' },
    });
    await api(sandbox, 'POST', '/workspaces/{id}/members/add', ['production'], {
      json: { user_ids: ['user_alice'] },
    });
    const before = sandbox.state();
    await sandbox.close();
    sandbox = undefined;
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown[]>;
    expect(Object.keys(saved).sort()).toEqual([
      'budgets',
      'guardrails',
      'models',
      'organization_members',
      'workspace_members',
      'workspaces',
    ]);

    sandbox = await startSandbox({ stateFile: file });
    expect(sandbox.state()).toEqual(before);
    const guardrail = await api(sandbox, 'GET', '/guardrails/{id}', [guardrailId]);
    expect(guardrail.body).toMatchObject({
      data: { allowed_models: ['acme/one-1'], description: 'kept' },
    });
    const budgets = await api(sandbox, 'GET', '/workspaces/{id}/budgets', ['production']);
    expect(budgets.body).toMatchObject({
      data: [{ reset_interval: 'weekly', limit_usd: 70 }],
      include_byok_in_budgets: true,
    });
  });

  it('still loads an old state file of workspaces only, with the built-in catalog', async () => {
    const file = join(dir, 'old.json');
    await writeFile(file, JSON.stringify([{ slug: 'a', name: 'A' }]));
    sandbox = await startSandbox({ stateFile: file });
    expect(sandbox.workspaces().map((w) => w.slug)).toEqual(['a']);
    const state = sandbox.state();
    expect([state.budgets, state.guardrails, state.workspace_members]).toEqual([[], [], []]);
    expect(state.models.length).toBeGreaterThanOrEqual(8);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a budget of an unknown workspace',
      { budgets: [{ workspace_id: 'nope', interval: 'daily', limit_usd: 1 }] },
      /budgets\[0\]: "workspace_id" must be the id or slug of a seeded workspace/,
    ],
    [
      'budgets out of order',
      {
        budgets: [
          { workspace_id: 'a', interval: 'daily', limit_usd: 50 },
          { workspace_id: 'a', interval: 'monthly', limit_usd: 10 },
        ],
      },
      /budgets\[1\]: .*strictly decrease/,
    ],
    [
      'a member outside the organization',
      { workspace_members: [{ workspace_id: 'a', user_id: 'user_x' }] },
      /workspace_members\[0\]: .*not members of the organization/,
    ],
    [
      'a guardrail with an unknown model',
      { guardrails: [{ workspace_id: 'a', allowed_models: ['x/y'] }] },
      /guardrails\[0\]: .*"x\/y"/,
    ],
    [
      'a model without canonical_slug',
      { models: [{ id: 'a/b', name: 'B' }] },
      /models\[0\]: "canonical_slug"/,
    ],
    ['budgets not an array', { budgets: {} }, /"budgets" must be an array/],
  ])('refuses %s, naming the file and the entry', async (_case, extra, message) => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ workspaces: [{ slug: 'a', name: 'A' }], ...extra }));
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(message);
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(file);
  });

  it('says it cannot save, with the path and errno, and keeps the state in memory', async () => {
    const parent = join(dir, 'state-dir');
    await mkdir(parent);
    const file = join(parent, 'state.json');
    sandbox = await startSandbox({ stateFile: file, seed: [{ slug: 'a', name: 'A' }] });
    // The directory becomes a plain file: no write can succeed (whatever the user's rights).
    await rm(parent, { recursive: true });
    await writeFile(parent, 'not a directory');
    await api(sandbox, 'PATCH', '/workspaces/{id}', ['a'], { json: { name: 'Changed' } });
    const error = await sandbox.close().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StateSaveError);
    const saveError = error as StateSaveError;
    expect(saveError.file).toBe(file);
    expect(['ENOTDIR', 'EEXIST']).toContain(saveError.code);
    expect(saveError.message).toContain(
      `cannot save the sandbox state to ${file}: ${saveError.code}`,
    );
    expect(sandbox.saveError()).toBe(saveError);
    expect(sandbox.workspaces()[0]?.name).toBe('Changed');
  });
});

describe('examples/sandbox-state.json', () => {
  it('loads, and holds what the demo config is written against', async () => {
    const file = join(dir, 'example.json');
    await writeFile(file, await readFile(EXAMPLE));
    sandbox = await startSandbox({ stateFile: file });
    expect(sandbox.workspaces().map((w) => [w.slug, w.id])).toEqual(
      expect.arrayContaining([
        ['production', PRODUCTION],
        ['staging', '7c9e6679-7425-40de-944b-e07fc1f66afe'],
        ['sandbox', 'd3b07384-d9a0-4c5f-9a1e-2f6b8c7d9e10'],
      ]),
    );
    const members = await api(sandbox, 'GET', '/workspaces/{id}/members', ['production']);
    expect((members.body as { data: { user_id: string }[] }).data.map((m) => m.user_id)).toEqual([
      'user_alice',
      'user_bob',
    ]);
    const org = await api(sandbox, 'GET', '/organization/members');
    expect((org.body as { data: { email: string }[] }).data.map((m) => m.email)).toEqual(
      expect.arrayContaining(['alice@example.com', 'bob@example.com', 'carol@example.com']),
    );
    const budgets = await api(sandbox, 'GET', '/workspaces/{id}/budgets', ['production']);
    expect(
      (budgets.body as { data: { reset_interval: string; limit_usd: number }[] }).data.map((b) => [
        b.reset_interval,
        b.limit_usd,
      ]),
    ).toEqual([
      ['monthly', 300],
      ['daily', 20],
    ]);
    const production = sandbox.workspaces().find((w) => w.slug === 'production') as Workspace;
    const guardrail = await api(sandbox, 'GET', '/guardrails/{id}', [
      production.default_guardrail_id,
    ]);
    expect(guardrail.body).toMatchObject({
      data: { allowed_models: ['openai/gpt-4o-2024-05-13'], enforce_zdr_openai: false },
    });
    const staging = sandbox.workspaces().find((w) => w.slug === 'staging') as Workspace;
    expect(
      (await api(sandbox, 'GET', '/guardrails/{id}', [staging.default_guardrail_id])).status,
    ).toBe(404);
    const flags = sandbox.state().organization_members;
    expect(flags.some((m) => m.has_active_keys === true)).toBe(true);
    expect(flags.some((m) => m.scim_managed === true)).toBe(true);
  });
});
