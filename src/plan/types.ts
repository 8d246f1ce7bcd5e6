import type { WorkspaceFields, WritableField } from '../schema/fields.js';

/** The plan document's format; `apply PLANFILE` refuses any other. */
export const PLAN_FORMAT_VERSION = 1;

/** One RFC 6902 operation, as the plan document carries it. */
export interface PatchOperation {
  op: 'test' | 'replace' | 'add';
  path: string;
  value: unknown;
}

/** One field that differs: its value now (`before`) and the value the config wants (`after`). */
export interface FieldChange {
  field: WritableField;
  /** Absent for a create (there is no current value). */
  before?: unknown;
  after: unknown;
}

/** A change to one workspace. Creates have no `id`. */
export interface Change {
  action: 'create' | 'update';
  id?: string;
  /** The slug the config gives the workspace. */
  slug: string;
  /** The exact request body: only the managed fields whose value differs (all managed fields for a create). */
  body: Partial<WorkspaceFields>;
  fields: FieldChange[];
  /** For an update: a `test` of each current value before its `replace`; for a create: the `add`s. */
  operations: PatchOperation[];
}

/** A workspace named only by identity (unchanged or unmanaged lists). */
export interface WorkspaceRef {
  id: string;
  slug: string;
}

/**
 * A plan: what to send to make the remote match the config. A plain value: every renderer
 * only reads it, and `apply` takes the same value whether it was just computed or read
 * back from a plan file. Every list is sorted by slug.
 */
export interface Plan {
  format_version: number;
  tool_version: string;
  created_at: string;
  base_url: string;
  changes: Change[];
  unchanged: WorkspaceRef[];
  unmanaged: WorkspaceRef[];
  summary: { create: number; update: number; unchanged: number; unmanaged: number };
}
