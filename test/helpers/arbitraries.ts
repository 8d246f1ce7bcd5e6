import fc from 'fast-check';
import type { DesiredWorkspace } from '../../src/config/types.js';
import {
  WRITABLE_FIELDS,
  type ProviderSort,
  type Workspace,
  type WorkspaceFields,
  type WritableField,
} from '../../src/schema/fields.js';

/*
 * fast-check arbitraries for the planning core: valid remote workspaces, and config entries
 * that name them. The parts are drawn independently and combined by `map` (no `chain`), so a
 * failing case shrinks part by part.
 */

/** A config and the remote state it is planned against, with the pairing the generator intended. */
export interface Scenario {
  /** The remote workspaces, in listing order: unique ids and slugs, every field of `Workspace`. */
  current: Workspace[];
  /** The config entries, in file order: unique slugs, each naming a different remote workspace or none. */
  entries: DesiredWorkspace[];
  /** Ground truth, not derived from computePlan: the workspace each entry names (undefined: create it). */
  pairs: { entry: DesiredWorkspace; remote: Workspace | undefined }[];
  /** Ground truth: the remote workspaces that no entry names, by id or by slug. */
  unmanaged: Workspace[];
}

const MAX_REMOTE = 6;
const MAX_CREATE = 3;
/** Remote slugs, then create slugs, then fresh slugs that renames may take. */
const SLUG_POOL = MAX_REMOTE + MAX_CREATE + MAX_REMOTE;

const slugPart = (chars: string) =>
  fc.string({ unit: fc.constantFrom(...Array.from(chars)), minLength: 1, maxLength: 6 });

/**
 * A slug matching ^[a-z0-9]+(?:-[a-z0-9]+)*$, at most 27 chars. Half of them use a four-letter
 * alphabet, so shared prefixes ("a", "a-0", "a0") and near ties in sort order are common.
 */
export const slugArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.array(slugPart('abcdefghijklmnopqrstuvwxyz0123456789'), { minLength: 1, maxLength: 4 }),
    fc.array(slugPart('ab01'), { minLength: 1, maxLength: 4 }),
  )
  .map((parts) => parts.join('-'));

const nameArb = fc.oneof(
  fc.constantFrom('Production', 'Staging', 'Staging (EU)', 'Dev'),
  fc.string({ minLength: 1, maxLength: 100 }),
  fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }),
);
const descriptionArb = fc.option(
  fc.oneof(fc.constantFrom('', 'Production environment workspace'), fc.string({ maxLength: 500 })),
  { nil: null, freq: 3 },
);
const modelArb = fc.option(
  fc.oneof(
    fc.constantFrom(
      'openai/gpt-4o',
      'anthropic/claude-sonnet-4',
      'openai/dall-e-3',
      'google/gemini-2.5-pro',
    ),
    fc.tuple(slugArb, slugArb).map(([vendor, model]) => `${vendor}/${model}`),
  ),
  { nil: null, freq: 3 },
);
const providerSortArb = fc.constantFrom<ProviderSort | null>(
  'price',
  'throughput',
  'latency',
  'exacto',
  null,
);
const samplingRateArb = fc.oneof(
  fc.constantFrom(1, 0.5, 0.25, 0.0001),
  fc.double({ min: 0.0001, max: 1, noNaN: true }),
);
/** Unique key ids; `[]` (no key logged) comes up often, and so does `null` (every key logged). */
const keyIdsArb = fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }), {
  nil: null,
  freq: 4,
});

/** Every writable field but `slug` (identity is assigned by the scenario). */
type OtherFields = Omit<WorkspaceFields, 'slug'>;

const otherFieldsArb: fc.Arbitrary<OtherFields> = fc.record({
  name: nameArb,
  description: descriptionArb,
  default_text_model: modelArb,
  default_image_model: modelArb,
  default_provider_sort: providerSortArb,
  is_observability_io_logging_enabled: fc.boolean(),
  is_observability_broadcast_enabled: fc.boolean(),
  is_data_discount_logging_enabled: fc.boolean(),
  io_logging_sampling_rate: samplingRateArb,
  io_logging_api_key_ids: keyIdsArb,
});

const isoDateArb = fc
  .date({
    min: new Date('2020-01-01T00:00:00Z'),
    max: new Date('2030-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());

const readOnlyArb = fc.record({
  default_guardrail_id: fc.uuid(),
  include_byok_in_budgets: fc.option(fc.boolean(), { nil: undefined }),
  created_at: isoDateArb,
  updated_at: fc.option(isoDateArb, { nil: null }),
  created_by: fc.option(fc.constantFrom('user_2x', 'user_test', 'org_admin'), { nil: null }),
});

/** Builds a complete API workspace; `include_byok_in_budgets` is optional in the API and sometimes absent. */
function buildWorkspace(
  id: string,
  slug: string,
  fields: OtherFields,
  readOnly: typeof readOnlyArb extends fc.Arbitrary<infer T> ? T : never,
): Workspace {
  const { include_byok_in_budgets: byok, ...rest } = readOnly;
  return {
    id,
    slug,
    ...fields,
    ...rest,
    ...(byok === undefined ? {} : { include_byok_in_budgets: byok }),
  };
}

/** How an entry's managed field relates to the remote value. */
type ValueChoice = 'same' | 'null' | 'other';
const valueChoiceArb: fc.Arbitrary<ValueChoice> = fc.oneof(
  { arbitrary: fc.constant<ValueChoice>('same'), weight: 4 },
  { arbitrary: fc.constant<ValueChoice>('null'), weight: 1 },
  { arbitrary: fc.constant<ValueChoice>('other'), weight: 2 },
);

/** How an entry's key-id list relates to the remote's. */
type KeyIdsChoice = 'same' | 'permuted' | 'subset' | 'superset' | 'empty' | 'null' | 'other';
const keyIdsPlanArb = fc.record({
  choice: fc.constantFrom<KeyIdsChoice>(
    'same',
    'permuted',
    'permuted',
    'subset',
    'superset',
    'empty',
    'null',
    'other',
  ),
  ranks: fc.array(fc.integer(), { minLength: 6, maxLength: 6 }),
  keep: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  extra: fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 4 }),
});

const NULLABLE: ReadonlySet<WritableField> = new Set([
  'description',
  'default_text_model',
  'default_image_model',
  'default_provider_sort',
  'io_logging_api_key_ids',
]);

/** Which writable fields an entry manages (besides `slug`, which every entry has). */
const managedArb = fc.subarray(WRITABLE_FIELDS.filter((field) => field !== 'slug'));

/** How a remote workspace is named by the config. */
type Mode = 'unmanaged' | 'by-slug' | 'by-id' | 'by-id-rename';

const remoteSeedArb = fc.record({
  fields: otherFieldsArb,
  readOnly: readOnlyArb,
  mode: fc.oneof(
    { arbitrary: fc.constant<Mode>('unmanaged'), weight: 1 },
    { arbitrary: fc.constant<Mode>('by-slug'), weight: 2 },
    { arbitrary: fc.constant<Mode>('by-id'), weight: 1 },
    { arbitrary: fc.constant<Mode>('by-id-rename'), weight: 1 },
  ),
  managed: managedArb,
  choices: fc.array(valueChoiceArb, {
    minLength: WRITABLE_FIELDS.length,
    maxLength: WRITABLE_FIELDS.length,
  }),
  other: otherFieldsArb,
  keyIds: keyIdsPlanArb,
  renameTarget: fc.nat(),
});
type RemoteSeed = typeof remoteSeedArb extends fc.Arbitrary<infer T> ? T : never;

const createSeedArb = fc.record({ managed: managedArb, fields: otherFieldsArb });

function permute<T>(values: readonly T[], ranks: readonly number[]): T[] {
  return values
    .map((value, index) => ({ value, rank: ranks[index % ranks.length] ?? 0, index }))
    .sort((a, b) => a.rank - b.rank || b.index - a.index)
    .map(({ value }) => value);
}

function desiredKeyIds(remote: number[] | null, plan: RemoteSeed['keyIds']): number[] | null {
  const ids = remote ?? [];
  switch (plan.choice) {
    case 'same':
      return remote === null ? null : [...remote];
    case 'permuted':
      return remote === null ? null : permute(remote, plan.ranks);
    case 'subset':
      return permute(
        ids.filter((_, index) => plan.keep[index % plan.keep.length] ?? true),
        plan.ranks,
      );
    case 'superset':
      return permute([...ids, ...plan.extra.filter((id) => !ids.includes(id))], plan.ranks);
    case 'empty':
      return [];
    case 'null':
      return null;
    case 'other':
      return [...plan.extra];
  }
}

/** The value an update entry wants for `field`: often the remote's, sometimes null, sometimes another. */
function desiredValue(field: WritableField, remote: Workspace, seed: RemoteSeed): unknown {
  if (field === 'io_logging_api_key_ids')
    return desiredKeyIds(remote.io_logging_api_key_ids, seed.keyIds);
  const choice = seed.choices[WRITABLE_FIELDS.indexOf(field)] ?? 'same';
  if (choice === 'null' && NULLABLE.has(field)) return null;
  if (choice === 'same') return remote[field];
  return (seed.other as unknown as Record<string, unknown>)[field];
}

function makeEntry(
  slug: string,
  fields: Partial<WorkspaceFields>,
  line: number,
  id?: string,
): DesiredWorkspace {
  const entry: DesiredWorkspace = {
    slug,
    fields,
    source: { file: 'workspaces.yaml', line, col: 5 },
  };
  if (id !== undefined) entry.id = id;
  return entry;
}

/**
 * A valid remote state and a valid config for it: remote workspaces an entry names by slug, by a
 * pinned id (keeping or renaming the slug, renames sometimes swapping slugs among themselves),
 * remote workspaces no entry names, and entries for workspaces that do not exist (always with a
 * name). Each entry manages a random subset of the writable fields. A rename never takes the slug
 * of a workspace that keeps its own, and a create never takes a remote slug, so the converged
 * remote state has unique slugs too.
 */
export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    slugs: fc.uniqueArray(slugArb, { minLength: SLUG_POOL, maxLength: SLUG_POOL }),
    ids: fc.uniqueArray(fc.uuid(), { minLength: MAX_REMOTE, maxLength: MAX_REMOTE }),
    remotes: fc.array(remoteSeedArb, { maxLength: MAX_REMOTE }),
    creates: fc.array(createSeedArb, { maxLength: MAX_CREATE }),
    entryRanks: fc.array(fc.integer(), {
      minLength: MAX_REMOTE + MAX_CREATE,
      maxLength: MAX_REMOTE + MAX_CREATE,
    }),
    listingRanks: fc.array(fc.integer(), { minLength: MAX_REMOTE, maxLength: MAX_REMOTE }),
  })
  .map(({ slugs, ids, remotes, creates, entryRanks, listingRanks }) => {
    const slugAt = (index: number) => slugs[index] ?? `missing-${index}`;
    const current = remotes.map((seed, index) =>
      buildWorkspace(ids[index] ?? `missing-${index}`, slugAt(index), seed.fields, seed.readOnly),
    );

    // Renames take the slug of another renamed workspace (a swap) or a fresh one, each once.
    const renameTargets = [
      ...current.filter((_, index) => remotes[index]?.mode === 'by-id-rename').map((w) => w.slug),
      ...Array.from({ length: MAX_REMOTE }, (_, index) => slugAt(MAX_REMOTE + MAX_CREATE + index)),
    ];

    const pairs: Scenario['pairs'] = [];
    const unmanaged: Workspace[] = [];
    let line = 1;
    current.forEach((remote, index) => {
      const seed = remotes[index];
      if (seed === undefined) return;
      if (seed.mode === 'unmanaged') {
        unmanaged.push(remote);
        return;
      }
      let slug = remote.slug;
      if (seed.mode === 'by-id-rename') {
        [slug = remote.slug] = renameTargets.splice(seed.renameTarget % renameTargets.length, 1);
      }
      const fields: Record<string, unknown> = {};
      for (const field of WRITABLE_FIELDS) {
        if (field === 'slug') fields.slug = slug;
        else if (seed.managed.includes(field)) fields[field] = desiredValue(field, remote, seed);
      }
      const entry = makeEntry(slug, fields, line, seed.mode === 'by-slug' ? undefined : remote.id);
      line += 10;
      pairs.push({ entry, remote });
    });

    creates.forEach((seed, index) => {
      const source = seed.fields as unknown as Record<string, unknown>;
      const slug = slugAt(MAX_REMOTE + index);
      const fields: Record<string, unknown> = {};
      for (const field of WRITABLE_FIELDS) {
        if (field === 'slug') fields.slug = slug;
        else if (field === 'name' || seed.managed.includes(field)) fields[field] = source[field];
      }
      pairs.push({ entry: makeEntry(slug, fields, line), remote: undefined });
      line += 10;
    });

    return {
      current: permute(current, listingRanks),
      entries: permute(pairs, entryRanks).map(({ entry }) => entry),
      pairs,
      unmanaged,
    };
  });
