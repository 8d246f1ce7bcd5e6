import { describe, expect, it } from 'vitest';
import { ConfigError, TargetError } from '../../src/errors.js';
import type { DesiredWorkspace } from '../../src/config/types.js';
import type { Workspace } from '../../src/schema/fields.js';
import { computePlan, hasDrift } from '../../src/plan/index.js';
import { desiredState, entry, planOf, workspace } from '../helpers/factories.js';

function plan(entries: DesiredWorkspace[], current: Workspace[], targets?: string[]) {
  return planOf(entries, current, targets === undefined ? {} : { targets });
}

describe('computePlan: the body holds exactly the managed fields that differ', () => {
  const cases: {
    name: string;
    remote: Partial<Workspace>;
    desired: Record<string, unknown>;
    body: Record<string, unknown> | undefined;
  }[] = [
    {
      name: 'absent field is never compared',
      remote: { description: 'x' },
      desired: {},
      body: undefined,
    },
    {
      name: 'equal value',
      remote: { description: 'x' },
      desired: { description: 'x' },
      body: undefined,
    },
    {
      name: 'different value',
      remote: { description: 'x' },
      desired: { description: 'y' },
      body: { description: 'y' },
    },
    {
      name: 'null clears a value',
      remote: { description: 'x' },
      desired: { description: null },
      body: { description: null },
    },
    {
      name: 'null matches null',
      remote: { description: null },
      desired: { description: null },
      body: undefined,
    },
    {
      name: 'value replaces null',
      remote: { default_text_model: null },
      desired: { default_text_model: 'a/b' },
      body: { default_text_model: 'a/b' },
    },
    {
      name: 'key ids compared as a set',
      remote: { io_logging_api_key_ids: [2, 1] },
      desired: { io_logging_api_key_ids: [1, 2] },
      body: undefined,
    },
    {
      name: 'key ids differ',
      remote: { io_logging_api_key_ids: [1] },
      desired: { io_logging_api_key_ids: [1, 2] },
      body: { io_logging_api_key_ids: [1, 2] },
    },
    {
      name: '[] differs from null',
      remote: { io_logging_api_key_ids: null },
      desired: { io_logging_api_key_ids: [] },
      body: { io_logging_api_key_ids: [] },
    },
    {
      name: 'null differs from []',
      remote: { io_logging_api_key_ids: [] },
      desired: { io_logging_api_key_ids: null },
      body: { io_logging_api_key_ids: null },
    },
    {
      name: 'boolean',
      remote: { is_observability_broadcast_enabled: false },
      desired: { is_observability_broadcast_enabled: true },
      body: { is_observability_broadcast_enabled: true },
    },
    {
      name: 'number',
      remote: { io_logging_sampling_rate: 1 },
      desired: { io_logging_sampling_rate: 0.5 },
      body: { io_logging_sampling_rate: 0.5 },
    },
    {
      name: 'integer 1 equals 1.0',
      remote: { io_logging_sampling_rate: 1 },
      desired: { io_logging_sampling_rate: 1.0 },
      body: undefined,
    },
    {
      name: 'only differing fields among several managed',
      remote: { name: 'P', description: 'd', default_provider_sort: 'price' },
      desired: { name: 'P', description: 'e', default_provider_sort: 'latency' },
      body: { description: 'e', default_provider_sort: 'latency' },
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const remote = workspace({ slug: 'prod', ...testCase.remote });
      const result = plan([entry({ slug: 'prod', ...testCase.desired })], [remote]);
      if (testCase.body === undefined) {
        expect(result.changes).toEqual([]);
        expect(result.unchanged).toEqual([{ id: remote.id, slug: 'prod' }]);
      } else {
        expect(result.changes).toHaveLength(1);
        expect(result.changes[0]?.body).toEqual(testCase.body);
        expect(result.changes[0]?.id).toBe(remote.id);
      }
    });
  }
});

describe('computePlan: operations', () => {
  it('tests each current value before replacing it', () => {
    const remote = workspace({
      slug: 'prod',
      default_text_model: 'openai/gpt-4o',
      io_logging_api_key_ids: [1],
    });
    const result = plan(
      [
        entry({
          slug: 'prod',
          default_text_model: 'anthropic/claude-sonnet-4',
          io_logging_api_key_ids: [1, 2],
        }),
      ],
      [remote],
    );
    expect(result.changes[0]?.operations).toEqual([
      { op: 'test', path: '/default_text_model', value: 'openai/gpt-4o' },
      { op: 'replace', path: '/default_text_model', value: 'anthropic/claude-sonnet-4' },
      { op: 'test', path: '/io_logging_api_key_ids', value: [1] },
      { op: 'replace', path: '/io_logging_api_key_ids', value: [1, 2] },
    ]);
    expect(result.changes[0]?.fields).toEqual([
      { field: 'default_text_model', before: 'openai/gpt-4o', after: 'anthropic/claude-sonnet-4' },
      { field: 'io_logging_api_key_ids', before: [1], after: [1, 2] },
    ]);
  });

  it('tests a null current value', () => {
    const remote = workspace({ slug: 'prod', description: null });
    const result = plan([entry({ slug: 'prod', description: 'now set' })], [remote]);
    expect(result.changes[0]?.operations).toEqual([
      { op: 'test', path: '/description', value: null },
      { op: 'replace', path: '/description', value: 'now set' },
    ]);
  });
});

describe('computePlan: identity, create, unmanaged', () => {
  it('renames by pinned id', () => {
    const remote = workspace({ slug: 'staging', name: 'Staging' });
    const result = plan(
      [entry({ slug: 'staging-eu', name: 'Staging' }, { id: remote.id })],
      [remote],
    );
    expect(result.changes).toEqual([
      {
        kind: 'workspace',
        action: 'update',
        id: remote.id,
        slug: 'staging-eu',
        body: { slug: 'staging-eu' },
        fields: [{ field: 'slug', before: 'staging', after: 'staging-eu' }],
        operations: [
          { op: 'test', path: '/slug', value: 'staging' },
          { op: 'replace', path: '/slug', value: 'staging-eu' },
        ],
      },
    ]);
  });

  it('creates an entry no remote workspace matches, with every field it sets', () => {
    const result = plan([entry({ slug: 'new', name: 'New', description: null })], []);
    expect(result.changes).toEqual([
      {
        kind: 'workspace',
        action: 'create',
        slug: 'new',
        body: { name: 'New', slug: 'new', description: null },
        fields: [
          { field: 'name', after: 'New' },
          { field: 'slug', after: 'new' },
          { field: 'description', after: null },
        ],
        operations: [
          { op: 'add', path: '/name', value: 'New' },
          { op: 'add', path: '/slug', value: 'new' },
          { op: 'add', path: '/description', value: null },
        ],
      },
    ]);
    expect(result.summary).toEqual({
      create: 1,
      update: 0,
      unchanged: 0,
      unmanaged: 0,
      missing: 0,
    });
  });

  it('refuses to create without a name, naming the entry', () => {
    expect(() => plan([entry({ slug: 'new' }, { line: 7 })], [])).toThrow(ConfigError);
    try {
      plan([entry({ slug: 'new' }, { line: 7 })], []);
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        expect.objectContaining({
          file: 'workspaces.yaml',
          line: 7,
          col: 5,
          message: expect.stringContaining('without a name') as string,
        }),
      ]);
    }
  });

  it('plans an entry pinned to an id no remote workspace has as missing: drift, never a create', () => {
    const id = '11111111-1111-4111-8111-111111111111';
    const result = plan([entry({ slug: 'x', name: 'X' }, { id })], []);
    expect(result.changes).toEqual([
      { kind: 'workspace', action: 'missing', id, slug: 'x', fields: [], body: {}, operations: [] },
    ]);
    expect(result.summary).toEqual({
      create: 0,
      update: 0,
      unchanged: 0,
      unmanaged: 0,
      missing: 1,
    });
    expect(hasDrift(result)).toBe(true);
  });

  it('with `unmanaged: forbid`, unmanaged workspaces are drift; with allow they are not', () => {
    const other = workspace({ slug: 'other' });
    const allowed = plan([], [other]);
    expect(hasDrift(allowed)).toBe(false);
    const forbidden = computePlan({
      desired: { ...desiredState(), unmanaged: 'forbid' },
      current: [other],
      baseUrl: 'http://127.0.0.1:1/api/v1',
      createdAt: '2026-11-28T10:00:00.000Z',
      toolVersion: '0.1.0',
    });
    expect(forbidden.unmanaged_policy).toBe('forbid');
    expect(forbidden.changes).toEqual([]);
    expect(hasDrift(forbidden)).toBe(true);
  });

  it('refuses two entries naming the same workspace', () => {
    const remote = workspace({ slug: 'prod' });
    expect(() =>
      plan(
        [
          entry({ slug: 'prod' }, { line: 3 }),
          entry({ slug: 'other' }, { id: remote.id, line: 9 }),
        ],
        [remote],
      ),
    ).toThrow(
      /workspaces.yaml:9:5: this entry and the one at workspaces.yaml:3:5 both name workspace "prod"/,
    );
  });

  it('lists remote workspaces no entry names as unmanaged, sorted by slug, and never changes them', () => {
    const a = workspace({ slug: 'zeta' });
    const b = workspace({ slug: 'alpha' });
    const managed = workspace({ slug: 'prod' });
    const result = plan([entry({ slug: 'prod' })], [a, managed, b]);
    expect(result.unmanaged).toEqual([
      { id: b.id, slug: 'alpha' },
      { id: a.id, slug: 'zeta' },
    ]);
    expect(result.changes).toEqual([]);
    expect(result.summary).toEqual({
      create: 0,
      update: 0,
      unchanged: 1,
      unmanaged: 2,
      missing: 0,
    });
  });

  it('sorts changes by slug', () => {
    const result = plan(
      [
        entry({ slug: 'c', name: 'C' }),
        entry({ slug: 'a', name: 'A' }),
        entry({ slug: 'b', name: 'B' }),
      ],
      [workspace({ slug: 'b', name: 'old' })],
    );
    expect(result.changes.map((c) => c.slug)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the plan document fields scripts read', () => {
    const result = plan([], []);
    expect(result).toEqual({
      format_version: 2,
      tool_version: '0.1.0',
      created_at: '2026-11-28T10:00:00.000Z',
      base_url: 'http://127.0.0.1:1/api/v1',
      unmanaged_policy: 'allow',
      changes: [],
      unchanged: [],
      unmanaged: [],
      summary: { create: 0, update: 0, unchanged: 0, unmanaged: 0, missing: 0 },
    });
    expect(Object.keys(result)).toEqual([
      'format_version',
      'tool_version',
      'created_at',
      'base_url',
      'unmanaged_policy',
      'changes',
      'unchanged',
      'unmanaged',
      'summary',
    ]);
  });
});

describe('computePlan: targets', () => {
  const prod = workspace({ slug: 'prod', name: 'old' });
  const dev = workspace({ slug: 'dev', name: 'old' });
  const entries = [entry({ slug: 'prod', name: 'P' }), entry({ slug: 'dev', name: 'D' })];

  it('limits the plan to the named workspaces, by slug or id', () => {
    expect(plan(entries, [prod, dev], ['prod']).changes.map((c) => c.slug)).toEqual(['prod']);
    expect(plan(entries, [prod, dev], [dev.id]).changes.map((c) => c.slug)).toEqual(['dev']);
  });

  it('refuses a target that names nothing', () => {
    expect(() => plan(entries, [prod, dev], ['nope'])).toThrow(TargetError);
  });

  it('says that a targeted plan is partial, and how many entries it left out', () => {
    expect(plan(entries, [prod, dev], ['prod']).targets).toEqual({ names: ['prod'], left_out: 1 });
    expect(plan(entries, [prod, dev]).targets).toBeUndefined();
  });
});

describe('computePlan: renames onto a taken slug', () => {
  it('refuses a rename onto the slug of a workspace that keeps it', () => {
    const staging = workspace({ slug: 'staging' });
    const other = workspace({ slug: 'staging-eu' });
    expect(() =>
      plan([entry({ slug: 'staging-eu' }, { id: staging.id, line: 4 })], [staging, other]),
    ).toThrow(
      `workspaces.yaml:4:5: cannot rename "staging" to "staging-eu": that slug belongs to workspace ${other.id} (an unmanaged workspace), which keeps it`,
    );
  });

  it('allows it when the holder is itself renamed away', () => {
    const a = workspace({ slug: 'old' });
    const b = workspace({ slug: 'new' });
    const result = plan(
      [entry({ slug: 'new' }, { id: a.id }), entry({ slug: 'newer' }, { id: b.id })],
      [a, b],
    );
    expect(result.changes.map((c) => c.body)).toEqual([{ slug: 'new' }, { slug: 'newer' }]);
  });
});
