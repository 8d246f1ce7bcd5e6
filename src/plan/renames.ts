import type { Change } from './types.js';

/**
 * The order in which the workspaces of a plan can take their slugs. The API keeps slugs
 * unique, so a rename into a slug another rename of the plan frees must wait for that rename.
 * A cycle of such renames (two workspaces swapping slugs) has no order that works at all.
 */
export interface SlugOrder<Group> {
  /** The groups, each after the one whose rename frees the slug it takes (otherwise as given). */
  groups: Group[];
  /** A group → the group whose rename frees the slug it takes. */
  waitsFor: Map<Group, Group>;
  /** A group in a cycle → the cycle's renames, e.g. `alpha → beta, beta → alpha`. */
  cycles: Map<Group, string>;
}

/**
 * The slug a renamed workspace gives up (the `before` of its slug) and the one it takes. (A
 * create never takes a slug a rename frees: an entry with that slug would name the workspace
 * that holds it, and the plan refuses two entries naming one workspace.)
 */
function slugsOf(changes: readonly Change[]): { frees?: string; takes?: string } {
  const change = changes.find((c) => c.kind === 'workspace');
  if (change?.action !== 'update') return {};
  const slug = change.fields.find((f) => f.field === 'slug');
  if (slug === undefined || typeof slug.before !== 'string') return {};
  return { frees: slug.before, takes: change.slug };
}

/** Orders groups of changes (one workspace's each) so that no slug is taken before it is free. */
export function orderBySlug<Group extends readonly Change[]>(
  groups: readonly Group[],
): SlugOrder<Group> {
  const freedBy = new Map<string, Group>();
  const slugs = new Map<Group, { frees?: string; takes?: string }>();
  for (const group of groups) {
    const found = slugsOf(group);
    slugs.set(group, found);
    if (found.frees !== undefined) freedBy.set(found.frees, group);
  }
  const waitsFor = new Map<Group, Group>();
  for (const group of groups) {
    const takes = slugs.get(group)?.takes;
    const blocker = takes === undefined ? undefined : freedBy.get(takes);
    if (blocker !== undefined && blocker !== group) waitsFor.set(group, blocker);
  }

  // Each group waits for at most one other, so following `waitsFor` from a group either ends,
  // reaches a group an earlier walk went through, or comes back to a group on its own path: a
  // cycle. Every group is walked through once.
  const cycles = new Map<Group, string>();
  const walked = new Set<Group>();
  for (const start of groups) {
    const path: Group[] = [];
    const onPath = new Set<Group>();
    let group: Group | undefined = start;
    while (group !== undefined && !onPath.has(group) && !walked.has(group)) {
      path.push(group);
      onPath.add(group);
      group = waitsFor.get(group);
    }
    for (const member of path) walked.add(member);
    if (group === undefined || !onPath.has(group)) continue;
    const cycle = path.slice(path.indexOf(group));
    const renames = cycle
      .map((g) => `${slugs.get(g)?.frees ?? ''} → ${slugs.get(g)?.takes ?? ''}`)
      .join(', ');
    for (const member of cycle) cycles.set(member, renames);
  }
  for (const group of cycles.keys()) waitsFor.delete(group);

  // A group's blockers (the chain it waits on) before the group; otherwise the order given.
  const ordered: Group[] = [];
  const placed = new Set<Group>();
  for (const start of groups) {
    const chain: Group[] = [];
    for (let group: Group | undefined = start; group !== undefined && !placed.has(group);) {
      chain.push(group);
      placed.add(group);
      group = waitsFor.get(group);
    }
    for (const group of chain.reverse()) ordered.push(group);
  }
  return { groups: ordered, waitsFor, cycles };
}

/** A plan's changes grouped by workspace, in plan order (which sorts a workspace's changes by kind). */
export function groupByWorkspace(changes: readonly Change[]): Change[][] {
  const groups = new Map<string, Change[]>();
  for (const change of changes) {
    const group = groups.get(change.slug);
    if (group === undefined) groups.set(change.slug, [change]);
    else group.push(change);
  }
  return [...groups.values()];
}

/** The cycles of renames no apply can do in one step, each as `alpha → beta, beta → alpha`. */
export function slugCycles(changes: readonly Change[]): string[] {
  return [...new Set(orderBySlug(groupByWorkspace(changes)).cycles.values())];
}

/** Why the renames of a cycle cannot be made, and what to do instead. */
export function swapAdvice(cycle: string): string {
  return `these renames swap slugs (${cycle}); the API keeps slugs unique, so no order of requests can make them: rename one of these workspaces to an unused slug first, apply, then set the slug you want`;
}
