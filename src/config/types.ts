import type { SourcePosition } from '../errors.js';
import type { WorkspaceFields } from '../schema/fields.js';

/**
 * One workspace as the config wants it. `fields` holds the managed fields only: a field
 * absent here is not managed (never compared, never sent); a field set to `null` is managed
 * and the remote must be null. Defaults are already merged in.
 */
export interface DesiredWorkspace {
  /** Pins identity to a remote workspace id; absent means "match by slug". */
  id?: string;
  /** The slug the workspace must have (also the identity when `id` is absent). */
  slug: string;
  /** Managed fields, including `slug` itself. */
  fields: Partial<WorkspaceFields>;
  /** Where the entry starts, for errors that point at it. */
  source: SourcePosition;
}

/** Everything the config files say, merged, in file order. */
export interface DesiredState {
  /** The files read, in the order they were merged. */
  files: readonly string[];
  workspaces: readonly DesiredWorkspace[];
}
