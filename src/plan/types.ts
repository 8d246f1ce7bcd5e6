/** The plan document's format; `apply PLANFILE` refuses any other. */
export const PLAN_FORMAT_VERSION = 2;

/**
 * The kinds of resource a plan changes, in the order a workspace's changes are shown and
 * applied: the workspace itself first (a part of a workspace to create needs its id).
 */
export const KIND_NAMES = ['workspace', 'budgets', 'guardrail', 'members'] as const;

/** A kind of resource: the workspace's own fields, or a part of it. */
export type KindName = (typeof KIND_NAMES)[number];

/** One RFC 6902 operation, as the plan document carries it. */
export interface PatchOperation {
  op: 'test' | 'replace' | 'add';
  path: string;
  value: unknown;
}

/**
 * One field (or key) that differs: its value now (`before`) and the value the config wants
 * (`after`). For a create there is no current value and `before` is absent.
 */
export interface FieldChange {
  field: string;
  before?: unknown;
  after: unknown;
}

/**
 * What a change does:
 * - `create`: the workspace does not exist; it (and then its parts) will be created;
 * - `update`: the resource exists and differs;
 * - `missing`: a workspace the config pins by `id` no longer exists (deleted outside orws);
 *   apply never recreates it silently.
 */
export type ChangeAction = 'create' | 'update' | 'missing';

/**
 * A change to one resource of one workspace. `fields` is the one truth: `body` (the request
 * body, or bodies, the change becomes) and `operations` (RFC 6902: a `test` of each current
 * value before its `replace`; `add`s for a create) are derived from it by the change's kind,
 * and a plan file whose derived parts disagree with its fields is refused when it is read.
 */
export interface Change {
  kind: KindName;
  action: ChangeAction;
  /** The workspace's id; absent when the workspace is to be created. */
  id?: string;
  /** The slug the config gives the workspace. */
  slug: string;
  fields: FieldChange[];
  /** Derived from `fields` by the kind. */
  body: unknown;
  /** Derived from `fields`. */
  operations: PatchOperation[];
  /** How to show values that are ids (members: user id → email); display only, never compared. */
  labels?: Record<string, string>;
}

/** A workspace named only by identity (unchanged or unmanaged lists). */
export interface WorkspaceRef {
  id: string;
  slug: string;
}

/** The counts of a plan. `create` and `update` count changes of every kind. */
export interface PlanSummary {
  create: number;
  update: number;
  /** Managed workspaces with no change of any kind. */
  unchanged: number;
  unmanaged: number;
  /** Workspaces pinned by id that no longer exist. */
  missing: number;
}

/**
 * A plan: what to send to make the remote match the config. A plain value: every renderer
 * only reads it, and `apply` takes the same value whether it was just computed or read
 * back from a plan file. Changes are sorted by slug, then kind; the lists by slug.
 */
export interface Plan {
  format_version: number;
  tool_version: string;
  created_at: string;
  base_url: string;
  /** Present when the plan was limited with `--target`: the targets, and how many entries were left out. */
  targets?: { names: string[]; left_out: number };
  /** `forbid`: unmanaged workspaces are drift. */
  unmanaged_policy: 'allow' | 'forbid';
  changes: Change[];
  unchanged: WorkspaceRef[];
  unmanaged: WorkspaceRef[];
  summary: PlanSummary;
}

/**
 * Whether the plan shows drift: a change of any kind, a missing workspace, or an unmanaged
 * workspace where the config forbids them. `plan --detailed-exitcode` exits 2 then.
 */
export function hasDrift(plan: Plan): boolean {
  return (
    plan.changes.length > 0 || (plan.unmanaged_policy === 'forbid' && plan.unmanaged.length > 0)
  );
}
