import fc from 'fast-check';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import type { DesiredWorkspace } from '../../src/config/types.js';
import { verifyChange, type Change, type Plan } from '../../src/plan/index.js';
import { WRITABLE_FIELDS, type Workspace, type WritableField } from '../../src/schema/fields.js';
import { scenarioArb, type Scenario } from '../helpers/arbitraries.js';
import { planOf, workspace } from '../helpers/factories.js';

/*
 * Properties of computePlan and verifyChange over random valid desired/current pairs
 * (test/helpers/arbitraries.ts). The expectations are computed from the generator's own pairing
 * of entries to workspaces and from a set comparison written here, not from src/schema's
 * fieldValuesEqual, so that a bug there shows too.
 */

const RUNS = { numRuns: 400 };

function plan(
  current: readonly Workspace[],
  entries: readonly DesiredWorkspace[],
  targets?: string[],
): Plan {
  return planOf(entries, current, targets === undefined ? {} : { targets });
}

/** Equality as the spec defines it: key-id lists as sets, `null` and `[]` different, the rest by value. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const sorted = (list: unknown[]) =>
      JSON.stringify([...list].sort((x, y) => Number(x) - Number(y)));
    return sorted(a) === sorted(b);
  }
  return a === b;
}

function managedFields(entry: DesiredWorkspace): WritableField[] {
  return WRITABLE_FIELDS.filter((field) => Object.hasOwn(entry.fields, field));
}

function valueOf(entry: DesiredWorkspace, field: WritableField): unknown {
  return (entry.fields as Record<string, unknown>)[field];
}

/** The managed fields whose value differs from the remote's, in WRITABLE_FIELDS order. */
function differingFields(entry: DesiredWorkspace, remote: Workspace): WritableField[] {
  return managedFields(entry).filter((field) => !sameValue(remote[field], valueOf(entry, field)));
}

/** The change planned for a pair (by the id of the workspace it names, or by slug for a create). */
function changeFor(result: Plan, pair: Scenario['pairs'][number]): Change | undefined {
  return pair.remote === undefined
    ? result.changes.find((change) => change.action === 'create' && change.slug === pair.entry.slug)
    : result.changes.find((change) => change.id === pair.remote?.id);
}

/** The workspace a change touches in `state`: by id for an update, by slug for a create. */
function workspaceFor(change: Change, state: readonly Workspace[]): Workspace | undefined {
  return change.action === 'update'
    ? state.find((w) => w.id === change.id)
    : state.find((w) => w.slug === change.slug);
}

/**
 * Applies a plan in memory, as the API would: an update merges its body into the workspace of
 * that id (PATCH), a create adds a workspace with the API's defaults and its body (POST).
 */
function applyInMemory(current: readonly Workspace[], result: Plan): Workspace[] {
  const next = current.map((w) => structuredClone(w));
  const ids = new Set(next.map((w) => w.id));
  let counter = 0;
  for (const change of result.changes) {
    const body = structuredClone(change.body) as Partial<Workspace>;
    if (change.action === 'update') {
      const index = next.findIndex((w) => w.id === change.id);
      const target = next[index];
      if (target === undefined)
        throw new Error(`update of ${String(change.id)}, which does not exist`);
      next[index] = { ...target, ...body };
      continue;
    }
    let id: string;
    do {
      counter += 1;
      id = `ffffffff-0000-4000-8000-${String(counter).padStart(12, '0')}`;
    } while (ids.has(id));
    ids.add(id);
    if (body.slug === undefined || body.name === undefined)
      throw new Error('a create without slug or name');
    next.push(workspace({ ...body, slug: body.slug, id }));
  }
  return next;
}

function keyIds(value: unknown): number[] {
  return Array.isArray(value) ? (value as number[]) : [];
}

/** A value of `field` equal to neither `a` nor `b` (key ids as sets), or undefined when there is none (booleans). */
function thirdValue(field: WritableField, a: unknown, b: unknown): { value: unknown } | undefined {
  const candidates: unknown[] =
    field === 'io_logging_api_key_ids'
      ? [[...new Set([...keyIds(a), ...keyIds(b), 999])]]
      : field === 'io_logging_sampling_rate'
        ? [1, 0.5, 0.25]
        : field === 'default_provider_sort'
          ? ['price', 'throughput', 'latency', 'exacto', null]
          : typeof a === 'boolean'
            ? []
            : [`${String(a)}-${String(b)}-elsewhere`];
  const value = candidates.find(
    (candidate) => !sameValue(candidate, a) && !sameValue(candidate, b),
  );
  return value === undefined ? undefined : { value };
}

function withKeyIdsReversed(w: Workspace): Workspace {
  return w.io_logging_api_key_ids === null
    ? w
    : { ...w, io_logging_api_key_ids: [...w.io_logging_api_key_ids].reverse() };
}

function isSortedBySlug(list: readonly { slug: string }[]): boolean {
  return list.every((item, index) => index === 0 || (list[index - 1]?.slug ?? '') < item.slug);
}

describe('computePlan properties (fast-check, random desired/current pairs)', () => {
  it('1. an update body holds exactly the managed fields that differ (key ids as sets); a create body every field the entry sets', () => {
    fc.assert(
      fc.property(scenarioArb, ({ current, entries, pairs }) => {
        const result = plan(current, entries);
        for (const pair of pairs) {
          const { entry, remote } = pair;
          const change = changeFor(result, pair);
          if (remote === undefined) {
            expect(change).toBeDefined();
            expect(change?.id).toBeUndefined();
            expect(change?.slug).toBe(entry.slug);
            expect(change?.body).toStrictEqual(entry.fields);
            continue;
          }
          const differing = differingFields(entry, remote);
          if (differing.length === 0) {
            expect(change).toBeUndefined();
            expect(result.unchanged).toContainEqual({ id: remote.id, slug: remote.slug });
            continue;
          }
          expect(change?.action).toBe('update');
          expect(change?.slug).toBe(entry.slug);
          expect(change?.body).toStrictEqual(
            Object.fromEntries(differing.map((field) => [field, valueOf(entry, field)])),
          );
          expect(change?.fields).toStrictEqual(
            differing.map((field) => ({
              field,
              before: remote[field],
              after: valueOf(entry, field),
            })),
          );
        }
        expect(result.changes).toHaveLength(
          pairs.filter(
            ({ entry, remote }) =>
              remote === undefined || differingFields(entry, remote).length > 0,
          ).length,
        );
      }),
      RUNS,
    );
  });

  it('2. a field absent from an entry never appears in the body, fields or operations of its change', () => {
    fc.assert(
      fc.property(scenarioArb, ({ current, entries, pairs }) => {
        const result = plan(current, entries);
        for (const pair of pairs) {
          const change = changeFor(result, pair);
          if (change === undefined) continue;
          const managed = new Set<string>(managedFields(pair.entry));
          for (const field of Object.keys(change.body as object)) expect(managed).toContain(field);
          for (const { field } of change.fields) expect(managed).toContain(field);
          for (const { path } of change.operations) expect(managed).toContain(path.slice(1));
        }
      }),
      RUNS,
    );
  });

  it('3. a remote workspace no entry names is listed as unmanaged and appears in no change nor unchanged', () => {
    fc.assert(
      fc.property(scenarioArb, ({ current, entries, unmanaged }) => {
        const result = plan(current, entries);
        for (const w of unmanaged) {
          expect(result.unmanaged).toContainEqual({ id: w.id, slug: w.slug });
          expect(result.changes.filter((c) => c.id === w.id || c.slug === w.slug)).toEqual([]);
          expect(result.unchanged.filter((u) => u.id === w.id || u.slug === w.slug)).toEqual([]);
        }
        expect(result.unmanaged).toHaveLength(unmanaged.length);
      }),
      RUNS,
    );
  });

  it('4. applying the plan to the current state and planning again yields no change, every entry unchanged', () => {
    fc.assert(
      fc.property(scenarioArb, ({ current, entries, unmanaged }) => {
        const converged = applyInMemory(current, plan(current, entries));
        const again = plan(converged, entries);
        expect(again.changes).toEqual([]);
        expect(again.unchanged.map((u) => u.slug).sort()).toEqual(
          entries.map((e) => e.slug).sort(),
        );
        expect(again.unmanaged).toEqual(plan(current, entries).unmanaged);
        expect(again.summary).toEqual({
          create: 0,
          update: 0,
          unchanged: entries.length,
          unmanaged: unmanaged.length,
          missing: 0,
        });
        for (const w of unmanaged) expect(converged.find((c) => c.id === w.id)).toStrictEqual(w);
      }),
      RUNS,
    );
  });

  it('5. operations test each current value before replacing it, and fast-json-patch applies them to the current workspace', () => {
    fc.assert(
      fc.property(scenarioArb, ({ current, entries, pairs }) => {
        const result = plan(current, entries);
        for (const pair of pairs) {
          const change = changeFor(result, pair);
          if (change === undefined) continue;
          const { entry, remote } = pair;
          if (remote === undefined) {
            expect(change.operations).toStrictEqual(
              managedFields(entry).map((field) => ({
                op: 'add',
                path: `/${field}`,
                value: valueOf(entry, field),
              })),
            );
            expect(
              jsonpatch.applyPatch({}, change.operations as Operation[]).newDocument,
            ).toStrictEqual(entry.fields);
            continue;
          }
          const differing = differingFields(entry, remote);
          expect(change.operations).toHaveLength(2 * differing.length);
          for (const [index, field] of differing.entries()) {
            // One whole-field test + replace per field, io_logging_api_key_ids included.
            expect(change.operations.slice(2 * index, 2 * index + 2)).toStrictEqual([
              { op: 'test', path: `/${field}`, value: remote[field] },
              { op: 'replace', path: `/${field}`, value: valueOf(entry, field) },
            ]);
          }
          const patched = jsonpatch.applyPatch(
            structuredClone(remote),
            change.operations as Operation[],
          ).newDocument;
          const wanted = Object.fromEntries(
            differing.map((field) => [field, valueOf(entry, field)]),
          );
          expect(patched).toStrictEqual({ ...remote, ...wanted });
          for (const field of managedFields(entry))
            expect(sameValue(patched[field], valueOf(entry, field))).toBe(true);

          // The tests do guard: a workspace already changed by someone else fails them.
          const field = differing[0];
          if (field !== undefined) {
            const moved = { ...structuredClone(remote), [field]: valueOf(entry, field) };
            expect(() => jsonpatch.applyPatch(moved, change.operations as Operation[])).toThrow(
              /Test operation failed/,
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('6. verifyChange is pending against the state planned from, and applied against the converged state', () => {
    fc.assert(
      fc.property(scenarioArb, ({ current, entries }) => {
        const result = plan(current, entries);
        const converged = applyInMemory(current, result);
        for (const change of result.changes) {
          const then = workspaceFor(change, current);
          expect(verifyChange(change, then)).toStrictEqual({ state: 'pending' });
          const now = workspaceFor(change, converged);
          expect(now).toBeDefined();
          expect(verifyChange(change, now)).toStrictEqual({ state: 'applied' });
          if (then === undefined || now === undefined) continue;

          // Key ids are compared as sets: the API listing them in another order changes nothing.
          const thenReordered = withKeyIdsReversed(then);
          const nowReordered = withKeyIdsReversed(now);
          expect(verifyChange(change, thenReordered)).toStrictEqual({ state: 'pending' });
          expect(verifyChange(change, nowReordered)).toStrictEqual({ state: 'applied' });

          // Between the two: part of the body applied is still pending (the PATCH is re-sent whole);
          // a changed field moved to a third value, or a workspace gone, is stale.
          const [first, ...rest] = change.fields;
          if (first === undefined) throw new Error('an update without fields');
          if (rest.length > 0) {
            expect(verifyChange(change, { ...then, [first.field]: first.after })).toStrictEqual({
              state: 'pending',
            });
          }
          const third = thirdValue(first.field as WritableField, first.before, first.after);
          if (third !== undefined) {
            const state = verifyChange(change, { ...then, [first.field]: third.value });
            expect(state.state).toBe('stale');
            expect(state.state === 'stale' ? state.reasons.join('\n') : '').toContain(first.field);
          }
          expect(verifyChange(change, undefined).state).toBe('stale');
        }
      }),
      RUNS,
    );
  });

  it('7. lists are sorted by slug, the summary counts the lists, and the plan depends only on its input', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.array(fc.integer(), { minLength: 16, maxLength: 16 }),
        ({ current, entries }, ranks) => {
          const before = structuredClone({ current, entries });
          const result = plan(current, entries);
          expect(isSortedBySlug(result.changes)).toBe(true);
          expect(isSortedBySlug(result.unchanged)).toBe(true);
          expect(isSortedBySlug(result.unmanaged)).toBe(true);
          expect(result.summary).toStrictEqual({
            create: result.changes.filter((c) => c.action === 'create').length,
            update: result.changes.filter((c) => c.action === 'update').length,
            unchanged: result.unchanged.length,
            unmanaged: result.unmanaged.length,
            missing: 0,
          });
          expect(result.changes.length + result.unchanged.length).toBe(entries.length);
          expect(result.unchanged.length + result.unmanaged.length + result.summary.update).toBe(
            current.length,
          );

          // Deterministic, leaves its input alone, and independent of listing and file order.
          expect(plan(current, entries)).toStrictEqual(result);
          expect({ current, entries }).toStrictEqual(before);
          const shuffle = <T>(list: readonly T[]) =>
            list
              .map((value, index) => ({ value, rank: ranks[index % ranks.length] ?? 0 }))
              .sort((a, b) => a.rank - b.rank)
              .map(({ value }) => value);
          expect(plan(shuffle(current), shuffle(entries))).toStrictEqual(result);
        },
      ),
      RUNS,
    );
  });

  it('8. --target keeps exactly the named entries (by slug or id, of the config or the remote) and leaves unmanaged alone', () => {
    fc.assert(
      fc.property(
        scenarioArb.filter(({ pairs }) => pairs.length > 0),
        fc.array(
          fc.tuple(fc.nat(), fc.constantFrom('entry-slug', 'entry-id', 'remote-id', 'remote-slug')),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        ({ current, entries, pairs }, picks) => {
          const targets = picks.map(([index, kind]) => {
            const pair = pairs[index % pairs.length];
            if (pair === undefined) throw new Error('no pair to target');
            const { entry, remote } = pair;
            const names = {
              'entry-slug': entry.slug,
              'entry-id': entry.id,
              'remote-id': remote?.id,
              'remote-slug': remote?.slug,
            };
            return names[kind] ?? entry.slug;
          });
          const wanted = new Set(targets);
          const named = (name: string | undefined) => name !== undefined && wanted.has(name);
          const selected = pairs.filter(
            ({ entry, remote }) =>
              named(entry.slug) || named(entry.id) || named(remote?.id) || named(remote?.slug),
          );
          const full = plan(current, entries);
          const targeted = plan(current, entries, targets);
          const kept = new Set(selected.map(({ entry }) => entry.slug));
          expect(targeted.changes).toStrictEqual(
            full.changes.filter((change) => kept.has(change.slug)),
          );
          expect(targeted.unchanged).toStrictEqual(
            full.unchanged.filter((ref) => kept.has(ref.slug)),
          );
          expect(targeted.unmanaged).toStrictEqual(full.unmanaged);
        },
      ),
      RUNS,
    );
  });
});
