import { describe, expect, it } from 'vitest';
import type { DesiredWorkspace } from '../../src/config/types.js';
import { groupByWorkspace, orderBySlug, slugCycles } from '../../src/plan/renames.js';
import type { Change } from '../../src/plan/types.js';
import type { Workspace } from '../../src/schema/fields.js';
import { entry, planOf, workspace } from '../helpers/factories.js';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The current workspaces: slug `s` with id `id(n)`, in order. */
function current(...slugs: string[]): Workspace[] {
  return slugs.map((slug, n) => workspace({ slug, id: id(n) }));
}

/** An entry renaming the workspace of id `id(n)` to `slug`. */
const rename = (n: number, slug: string): DesiredWorkspace => entry({ slug }, { id: id(n) });

/** The order in which apply starts the workspaces, by the slugs they end with. */
function order(entries: DesiredWorkspace[], remote: Workspace[]) {
  const result = orderBySlug(groupByWorkspace(planOf(entries, remote).changes));
  const slugOf = (group: readonly { slug: string }[]): string => group[0]?.slug ?? '';
  return {
    order: result.groups.map(slugOf),
    waits: [...result.waitsFor].map(
      ([group, blocker]) => `${slugOf(group)} after ${slugOf(blocker)}`,
    ),
    cycles: [...new Set(result.cycles.values())],
  };
}

describe('orderBySlug: no slug is taken before the rename that frees it', () => {
  it('a chain of renames goes from its free end: c → d before b → c before a → b', () => {
    expect(order([rename(0, 'b'), rename(1, 'c'), rename(2, 'd')], current('a', 'b', 'c'))).toEqual(
      {
        order: ['d', 'c', 'b'],
        waits: ['b after c', 'c after d'],
        cycles: [],
      },
    );
  });

  it('renames that take no slug another frees keep the plan order and wait for nothing', () => {
    expect(order([rename(0, 'x'), rename(1, 'y')], current('a', 'b'))).toEqual({
      order: ['x', 'y'],
      waits: [],
      cycles: [],
    });
  });

  it('a swap, and a cycle of three, are cycles: no order of requests can make them', () => {
    expect(order([rename(0, 'b'), rename(1, 'a')], current('a', 'b'))).toEqual({
      order: ['a', 'b'],
      waits: [],
      cycles: ['b → a, a → b'],
    });
    const three = planOf(
      [rename(0, 'b'), rename(1, 'c'), rename(2, 'a'), rename(3, 'z')],
      current('a', 'b', 'c', 'y'),
    );
    expect(slugCycles(three.changes)).toEqual(['c → a, a → b, b → c']);
  });

  it('a chain of 50,000 renames is ordered from its free end (no recursion to run out of stack)', () => {
    const n = 50_000;
    const slug = (i: number): string => `w-${String(i)}`;
    // Workspace i is renamed from w-i to w-(i+1): each waits for the next one.
    const groups = Array.from({ length: n }, (_, i): Change[] => [
      {
        kind: 'workspace',
        action: 'update',
        id: id(i),
        slug: slug(i + 1),
        fields: [{ field: 'slug', before: slug(i), after: slug(i + 1) }],
        body: {},
        operations: [],
      },
    ]);
    const result = orderBySlug(groups);
    expect(result.groups[0]).toBe(groups[n - 1]);
    expect(result.groups[n - 1]).toBe(groups[0]);
    expect(result.waitsFor.size).toBe(n - 1);
    expect(result.cycles.size).toBe(0);
  });
});
