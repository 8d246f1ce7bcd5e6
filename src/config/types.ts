import type { SourcePosition } from '../errors.js';
import type { WorkspaceFields } from '../schema/fields.js';

/** A budget interval, widest last: limits must strictly decrease as the interval narrows. */
export type BudgetInterval = 'daily' | 'weekly' | 'monthly' | 'lifetime';

/** The budget intervals from the narrowest to the widest. */
export const BUDGET_INTERVALS: readonly BudgetInterval[] = [
  'daily',
  'weekly',
  'monthly',
  'lifetime',
];

/**
 * A workspace's `budgets:` block. An interval absent from `limits` is unmanaged; `null` means
 * "no budget for this interval" (orws deletes it); a number is its `limit_usd`.
 * `include_byok` absent: the workspace-wide flag is unmanaged.
 */
export interface DesiredBudgets {
  limits: Partial<Record<BudgetInterval, number | null>>;
  include_byok?: boolean;
  /** Where the `budgets:` key is (the entry's, when it comes from `defaults:`). */
  source: SourcePosition;
}

/**
 * The writable fields of a workspace's default guardrail that orws manages: those of the API's
 * `UpdateGuardrailRequest` but `name` (derived from the workspace, not editable), the deprecated
 * `enforce_zdr`, and `include_byok_in_budgets` (managed with the budgets).
 */
export interface GuardrailFields {
  description: string | null;
  allowed_models: string[] | null;
  ignored_models: string[] | null;
  allowed_providers: string[] | null;
  ignored_providers: string[] | null;
  limit_usd: number | null;
  reset_interval: 'daily' | 'weekly' | 'monthly' | null;
  enforce_zdr_anthropic: boolean | null;
  enforce_zdr_openai: boolean | null;
  enforce_zdr_google: boolean | null;
  enforce_zdr_xai: boolean | null;
  enforce_zdr_other: boolean | null;
  enable_free_model_publication: boolean | null;
  enable_free_model_training: boolean | null;
  enable_paid_model_training: boolean | null;
  content_filter_builtins: { slug: string; action: string; label?: string }[] | null;
  content_filters: { pattern: string; action: string; label?: string }[] | null;
}

/** A workspace's `guardrail:` block: only the fields it names are managed. */
export interface DesiredGuardrail {
  fields: Partial<GuardrailFields>;
  source: SourcePosition;
}

/** A workspace's `members:` list: exactly these members, each an email or a user id, as written. */
export interface DesiredMembers {
  members: string[];
  source: SourcePosition;
}

/**
 * One workspace as the config wants it. `fields` holds the managed fields only: a field
 * absent here is not managed (never compared, never sent); a field set to `null` is managed
 * and the remote must be null. Defaults are already merged in. `budgets`, `guardrail` and
 * `members` are absent when the entry (and its file's defaults) leave them unmanaged.
 */
export interface DesiredWorkspace {
  /** Pins identity to a remote workspace id; absent means "match by slug". */
  id?: string;
  /** The slug the workspace must have (also the identity when `id` is absent). */
  slug: string;
  /** Managed fields, including `slug` itself. */
  fields: Partial<WorkspaceFields>;
  budgets?: DesiredBudgets;
  guardrail?: DesiredGuardrail;
  members?: DesiredMembers;
  /** Where the entry starts, for errors that point at it. */
  source: SourcePosition;
}

/** What to do about remote workspaces that no entry names. */
export type UnmanagedPolicy = 'allow' | 'forbid';

/** Everything the config files say, merged, in file order. */
export interface DesiredState {
  /** The files read, in the order they were merged. */
  files: readonly string[];
  workspaces: readonly DesiredWorkspace[];
  /** `forbid` when any file says `unmanaged: forbid`; else `allow`. */
  unmanaged: UnmanagedPolicy;
  /** Files of a config directory that were not read (not `.yaml`/`.yml`, hidden, or not files). */
  skipped?: readonly string[];
}
