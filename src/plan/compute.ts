import type { DesiredState, DesiredWorkspace } from '../config/types.js';
import {
  ConfigError,
  TargetError,
  OrwsError,
  type ConfigIssue,
  type SourcePosition,
} from '../errors.js';
import { KINDS, kindRank } from '../kinds/registry.js';
import type { PlanContext } from '../kinds/types.js';
import { workspaceKind } from '../kinds/workspace.js';
import type { Workspace } from '../schema/fields.js';
import { makeChange } from './change.js';
import {
  PLAN_FORMAT_VERSION,
  type Change,
  type KindName,
  type Plan,
  type WorkspaceRef,
} from './types.js';

/**
 * The account as read: the workspaces, and for each kind but `workspace` the state of every
 * workspace whose entry manages it (by workspace id), plus what the diffs need of the account.
 */
export interface CurrentState {
  workspaces: readonly Workspace[];
  parts?: ReadonlyMap<KindName, ReadonlyMap<string, unknown>>;
  context?: PlanContext;
}

/** What a plan is computed from. Everything is passed in: computing a plan reads no clock and does no I/O. */
export interface PlanInput {
  desired: DesiredState;
  /** The account: its workspaces alone, or with the parts the config manages. */
  current: readonly Workspace[] | CurrentState;
  baseUrl: string;
  /** The plan's timestamp (ISO 8601), supplied by the caller. */
  createdAt: string;
  toolVersion: string;
  /** Limit the plan to these workspaces (slug or id, of the config or the remote). */
  targets?: readonly string[];
}

/** An entry and the remote workspace it names (undefined: to create; `missing`: pinned id gone). */
export interface Match {
  entry: DesiredWorkspace;
  remote: Workspace | undefined;
  missing: boolean;
}

/**
 * Pairs every entry with the remote workspace it names: by `id` when the entry pins one, else
 * by slug. Pure; shared by the planner and by the reads of the parts (which read only the
 * workspaces that exist and are managed).
 *
 * @throws ConfigError when two entries name one workspace, a workspace to create has no name,
 *   or a rename would take a slug that another workspace keeps.
 */
export function matchEntries(
  desired: DesiredState,
  workspaces: readonly Workspace[],
): { matches: Match[]; claimed: ReadonlySet<string> } {
  const byId = new Map(workspaces.map((w) => [w.id, w]));
  const bySlug = new Map(workspaces.map((w) => [w.slug, w]));
  const issues: ConfigIssue[] = [];
  const claimedBy = new Map<string, DesiredWorkspace>();
  const matches: Match[] = [];

  for (const entry of desired.workspaces) {
    const remote = entry.id === undefined ? bySlug.get(entry.slug) : byId.get(entry.id);
    if (entry.id !== undefined && remote === undefined) {
      matches.push({ entry, remote: undefined, missing: true });
      continue;
    }
    if (remote !== undefined) {
      const other = claimedBy.get(remote.id);
      if (other !== undefined) {
        issues.push(
          at(
            entry.source,
            `this entry and the one at ${formatPosition(other.source)} both name workspace "${remote.slug}" (${remote.id})`,
          ),
        );
        continue;
      }
      claimedBy.set(remote.id, entry);
    } else if (entry.fields.name === undefined) {
      issues.push(
        at(
          entry.source,
          `workspace "${entry.slug}" does not exist and cannot be created without a name: add name`,
        ),
      );
      continue;
    }
    matches.push({ entry, remote, missing: false });
  }
  issues.push(...slugCollisions(matches, bySlug, claimedBy));
  if (issues.length > 0) throw new ConfigError(issues);
  return { matches, claimed: new Set(claimedBy.keys()) };
}

/**
 * Computes the plan that makes the account match `desired`.
 *
 * Invariants: a change's fields are exactly the managed fields whose value differs; a field or
 * part the config does not manage is never compared nor sent; sets compare as sets; a remote
 * workspace no entry names is listed as unmanaged and never changed; a workspace pinned by an
 * `id` that no longer exists is a `missing` change, never a create; changes are sorted by slug,
 * then kind.
 *
 * @throws ConfigError when the config cannot be planned against this account (see
 *   {@link matchEntries}, and the issues the kinds find, such as an unknown member email).
 * @throws TargetError when a target names no entry.
 */
export function computePlan(input: PlanInput): Plan {
  const current: CurrentState = Array.isArray(input.current)
    ? { workspaces: input.current as readonly Workspace[] }
    : (input.current as CurrentState);
  const { matches, claimed } = matchEntries(input.desired, current.workspaces);
  const selected = selectTargets(matches, input.targets);
  const context = current.context ?? {};

  const changes: Change[] = [];
  const unchanged: WorkspaceRef[] = [];
  const issues: ConfigIssue[] = [];
  for (const { entry, remote, missing } of selected) {
    if (missing) {
      changes.push(makeChange(workspaceKind, 'missing', { id: entry.id, slug: entry.slug }, []));
      continue;
    }
    let changed = false;
    for (const kind of KINDS) {
      if (!kind.manages(entry)) continue;
      const state =
        remote === undefined
          ? undefined
          : kind.name === 'workspace'
            ? remote
            : current.parts?.get(kind.name)?.get(remote.id);
      if (remote !== undefined && state === undefined) {
        throw new OrwsError(
          `the ${kind.name} of workspace "${remote.slug}" (${remote.id}) were not read, and the config manages them: plan from the state readCurrent() reads`,
        );
      }
      const diff = kind.diff(entry, state, context);
      issues.push(...diff.issues.map((message) => at(entry.source, message)));
      if (diff.fields.length === 0) continue;
      const ref = { id: remote?.id, slug: entry.slug };
      changes.push(
        makeChange(kind, remote === undefined ? 'create' : 'update', ref, diff.fields, diff.labels),
      );
      changed = true;
    }
    if (!changed && remote !== undefined) unchanged.push({ id: remote.id, slug: remote.slug });
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const unmanaged = current.workspaces
    .filter((w) => !claimed.has(w.id))
    .map((w) => ({ id: w.id, slug: w.slug }));
  changes.sort((a, b) => compareSlugs(a, b) || kindRank(a.kind) - kindRank(b.kind));
  unchanged.sort(compareSlugs);
  unmanaged.sort(compareSlugs);
  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    tool_version: input.toolVersion,
    created_at: input.createdAt,
    base_url: input.baseUrl,
    unmanaged_policy: input.desired.unmanaged,
    changes,
    unchanged,
    unmanaged,
    summary: {
      create: changes.filter((c) => c.action === 'create').length,
      update: changes.filter((c) => c.action === 'update').length,
      unchanged: unchanged.length,
      unmanaged: unmanaged.length,
      missing: changes.filter((c) => c.action === 'missing').length,
    },
  };
  if (input.targets !== undefined && input.targets.length > 0) {
    plan.targets = { names: [...input.targets], left_out: matches.length - selected.length };
  }
  return plan;
}

/**
 * A rename onto a slug that another workspace keeps would be refused by the API at apply time;
 * say so now, at the entry. A slug that its holder is itself renamed away from is free.
 */
function slugCollisions(
  matches: readonly Match[],
  bySlug: ReadonlyMap<string, Workspace>,
  claimedBy: ReadonlyMap<string, DesiredWorkspace>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { entry, remote } of matches) {
    if (remote === undefined || remote.slug === entry.slug) continue;
    const holder = bySlug.get(entry.slug);
    if (holder === undefined || holder.id === remote.id) continue;
    const holderEntry = claimedBy.get(holder.id);
    if (holderEntry !== undefined && holderEntry.slug !== holder.slug) continue;
    const held =
      holderEntry === undefined
        ? 'an unmanaged workspace'
        : `the entry at ${formatPosition(holderEntry.source)}`;
    issues.push(
      at(
        entry.source,
        `cannot rename "${remote.slug}" to "${entry.slug}": that slug belongs to workspace ${holder.id} (${held}), which keeps it`,
      ),
    );
  }
  return issues;
}

/**
 * The matches `targets` name (by the entry's slug or id, or the remote's).
 *
 * @throws TargetError when a target names no entry.
 */
export function selectTargets<T extends { entry: DesiredWorkspace; remote: Workspace | undefined }>(
  matches: readonly T[],
  targets: readonly string[] | undefined,
): readonly T[] {
  if (targets === undefined || targets.length === 0) return matches;
  const wanted = new Set(targets);
  const found = new Set<string>();
  const selected = matches.filter(({ entry, remote }) => {
    const names = [entry.slug, entry.id, remote?.id, remote?.slug].filter(
      (name): name is string => name !== undefined && wanted.has(name),
    );
    for (const name of names) found.add(name);
    return names.length > 0;
  });
  const unknown = targets.filter((target) => !found.has(target));
  if (unknown.length > 0) {
    throw new TargetError(unknown);
  }
  return selected;
}

function at(source: SourcePosition, message: string): ConfigIssue {
  return { ...source, message };
}

function formatPosition(source: SourcePosition): string {
  return `${source.file}:${source.line}:${source.col}`;
}

function compareSlugs(a: { slug: string }, b: { slug: string }): number {
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}
