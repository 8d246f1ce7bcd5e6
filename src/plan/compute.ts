import jsonpatch from 'fast-json-patch';
import type { DesiredState, DesiredWorkspace } from '../config/types.js';
import { ConfigError, UsageError, type ConfigIssue, type SourcePosition } from '../errors.js';
import {
  SET_FIELDS,
  WRITABLE_FIELDS,
  fieldValuesEqual,
  type Workspace,
  type WorkspaceFields,
  type WritableField,
} from '../schema/fields.js';
import {
  PLAN_FORMAT_VERSION,
  type Change,
  type FieldChange,
  type PatchOperation,
  type Plan,
  type WorkspaceRef,
} from './types.js';

/** What a plan is computed from. Everything is passed in: computing a plan reads no clock and does no I/O. */
export interface PlanInput {
  desired: DesiredState;
  current: readonly Workspace[];
  baseUrl: string;
  /** The plan's timestamp (ISO 8601), supplied by the caller. */
  createdAt: string;
  toolVersion: string;
  /** Limit the plan to these workspaces (slug or id, of the config or the remote). */
  targets?: readonly string[];
}

/**
 * Computes the plan that makes `current` match `desired`.
 *
 * Invariants: an update's `body` holds exactly the managed fields whose value differs; a field
 * the config does not set is never compared nor sent; key-id lists compare as sets; a remote
 * workspace no entry names is listed as unmanaged and never changed; every list is sorted by slug.
 *
 * @throws ConfigError when the config cannot be planned: an `id` no remote workspace has, two
 *   entries that name the same workspace, or a workspace to create without `name`.
 * @throws UsageError when a target names no entry.
 */
export function computePlan(input: PlanInput): Plan {
  const { desired, current } = input;
  const byId = new Map(current.map((w) => [w.id, w]));
  const bySlug = new Map(current.map((w) => [w.slug, w]));
  const issues: ConfigIssue[] = [];
  const claimedBy = new Map<string, DesiredWorkspace>();
  const matches: { entry: DesiredWorkspace; remote: Workspace | undefined }[] = [];

  for (const entry of desired.workspaces) {
    const remote = entry.id === undefined ? bySlug.get(entry.slug) : byId.get(entry.id);
    if (entry.id !== undefined && remote === undefined) {
      issues.push(
        at(
          entry.source,
          `no remote workspace has id "${entry.id}" (an entry with an id is never created; remove the id to create "${entry.slug}")`,
        ),
      );
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
    matches.push({ entry, remote });
  }

  issues.push(...slugCollisions(matches, bySlug, claimedBy));
  if (issues.length > 0) throw new ConfigError(issues);
  const selected = selectTargets(matches, input.targets);

  const changes: Change[] = [];
  const unchanged: WorkspaceRef[] = [];
  for (const { entry, remote } of selected) {
    if (remote === undefined) {
      changes.push(planCreate(entry));
      continue;
    }
    const change = planUpdate(entry, remote);
    if (change === undefined) unchanged.push({ id: remote.id, slug: remote.slug });
    else changes.push(change);
  }
  const unmanaged = current
    .filter((w) => !claimedBy.has(w.id))
    .map((w) => ({ id: w.id, slug: w.slug }));

  changes.sort(bySlugOrder);
  unchanged.sort(bySlugOrder);
  unmanaged.sort(bySlugOrder);
  return {
    format_version: PLAN_FORMAT_VERSION,
    tool_version: input.toolVersion,
    created_at: input.createdAt,
    base_url: input.baseUrl,
    changes,
    unchanged,
    unmanaged,
    summary: {
      create: changes.filter((c) => c.action === 'create').length,
      update: changes.filter((c) => c.action === 'update').length,
      unchanged: unchanged.length,
      unmanaged: unmanaged.length,
    },
  };
}

/**
 * A rename onto a slug that another workspace keeps would be refused by the API at apply time;
 * say so now, at the entry. A slug that its holder is itself renamed away from is free.
 */
function slugCollisions(
  matches: readonly { entry: DesiredWorkspace; remote: Workspace | undefined }[],
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

function planCreate(entry: DesiredWorkspace): Change {
  const body: Partial<WorkspaceFields> = {};
  const fields: FieldChange[] = [];
  const operations: PatchOperation[] = [];
  for (const field of WRITABLE_FIELDS) {
    if (!(field in entry.fields)) continue;
    const after = entry.fields[field];
    setField(body, field, after);
    fields.push({ field, after });
    operations.push({ op: 'add', path: `/${field}`, value: after });
  }
  return { action: 'create', slug: entry.slug, body, fields, operations };
}

function planUpdate(entry: DesiredWorkspace, remote: Workspace): Change | undefined {
  const body: Partial<WorkspaceFields> = {};
  const fields: FieldChange[] = [];
  const operations: PatchOperation[] = [];
  for (const field of WRITABLE_FIELDS) {
    if (!(field in entry.fields)) continue;
    const after = entry.fields[field];
    const before = remote[field];
    if (fieldValuesEqual(field, before, after)) continue;
    setField(body, field, after);
    fields.push({ field, before, after });
    operations.push(...fieldOperations(field, before, after));
  }
  if (fields.length === 0) return undefined;
  return { action: 'update', id: remote.id, slug: entry.slug, body, fields, operations };
}

/**
 * The JSON Patch of one changed field: a `test` of the current value, then a `replace`.
 * fast-json-patch diffs arrays element by element, so a set-valued field is one whole-field
 * test + replace built here.
 */
function fieldOperations(field: WritableField, before: unknown, after: unknown): PatchOperation[] {
  if (SET_FIELDS.has(field) || Array.isArray(before) || Array.isArray(after)) {
    return [
      { op: 'test', path: `/${field}`, value: before },
      { op: 'replace', path: `/${field}`, value: after },
    ];
  }
  return jsonpatch
    .compare({ [field]: before }, { [field]: after }, true)
    .map((operation) => operation as PatchOperation);
}

function setField(body: Partial<WorkspaceFields>, field: WritableField, value: unknown): void {
  (body as Record<string, unknown>)[field] = value;
}

function selectTargets(
  matches: readonly { entry: DesiredWorkspace; remote: Workspace | undefined }[],
  targets: readonly string[] | undefined,
): typeof matches {
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
    throw new UsageError(
      `--target ${unknown.map((t) => `"${t}"`).join(', ')} names no workspace of the config (give the slug or id of an entry)`,
    );
  }
  return selected;
}

function at(source: SourcePosition, message: string): ConfigIssue {
  return { ...source, message };
}

function formatPosition(source: SourcePosition): string {
  return `${source.file}:${source.line}:${source.col}`;
}

function bySlugOrder(a: { slug: string }, b: { slug: string }): number {
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}
