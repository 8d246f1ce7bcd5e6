import { SlugConflictError, StalePlanError } from '../errors.js';
import { verifyChange } from '../plan/verify.js';
import type { Change, Plan } from '../plan/types.js';
import {
  fieldValuesEqual,
  formatValue,
  type Workspace,
  type WorkspaceFields,
  type WritableField,
} from '../schema/fields.js';

/** The requests `applyPlan` makes: a subset of the remote client, so any client will do. */
export interface ApplyClient {
  listWorkspaces(): Promise<Workspace[]>;
  getWorkspace(idOrSlug: string): Promise<Workspace | undefined>;
  createWorkspace(body: Partial<WorkspaceFields>): Promise<Workspace>;
  updateWorkspace(id: string, body: Partial<WorkspaceFields>): Promise<Workspace>;
}

/** What became of one change. */
export type ApplyStatus = 'applied' | 'already-applied' | 'failed' | 'not-attempted';

/** The outcome for one workspace of the plan. */
export interface WorkspaceResult {
  action: Change['action'];
  id?: string;
  slug: string;
  status: ApplyStatus;
  /** The body sent (or that would have been sent). */
  body: Partial<WorkspaceFields>;
  /** Why it failed or was not attempted. */
  error?: string;
}

/** The outcome of an apply: one result per change, in plan order. */
export interface ApplyReport {
  results: WorkspaceResult[];
  summary: { applied: number; already_applied: number; failed: number; not_attempted: number };
  /** True when a signal stopped the apply before every change was attempted. */
  interrupted: boolean;
}

/** Options of `applyPlan`. */
export interface ApplyOptions {
  /** Changes in flight at most. */
  concurrency: number;
  /**
   * Re-read every workspace the plan touches first and refuse a stale plan (for a saved plan).
   * A plan computed from a listing just made needs no re-read.
   */
  verify: boolean;
  /** When aborted, no new request is sent; those in flight finish. */
  signal?: AbortSignal;
  /** Called as each workspace's result is known (for a line per workspace as it completes). */
  onResult?: (result: WorkspaceResult) => void;
}

/** Above this many changes a saved plan is re-read with one listing instead of one GET each. */
const VERIFY_BY_LIST_THRESHOLD = 20;

/**
 * Applies a plan: one request per change, at most `concurrency` in flight, going on past a
 * failed workspace. Each write's response is compared with the planned values; a field the
 * server did not take fails that workspace as "did not converge".
 *
 * @throws StalePlanError (with `verify`) when any workspace differs from what the plan saw;
 *   nothing is sent then.
 */
export async function applyPlan(
  plan: Plan,
  client: ApplyClient,
  options: ApplyOptions,
): Promise<ApplyReport> {
  const results = new Map<Change, WorkspaceResult>();
  let pending: Change[] = plan.changes;
  if (options.verify) {
    const { stale, applied } = await verifyPlan(plan, client);
    if (stale.length > 0) throw new StalePlanError(stale);
    for (const change of applied) {
      const result = resultOf(change, 'already-applied');
      results.set(change, result);
      options.onResult?.(result);
    }
    pending = plan.changes.filter((change) => !results.has(change));
  }

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length && options.signal?.aborted !== true) {
      const change = pending[next++];
      if (change === undefined) break;
      const result = await applyChange(change, client);
      results.set(change, result);
      options.onResult?.(result);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, pending.length));
  await Promise.all(Array.from({ length: workers }, worker));

  const interrupted = options.signal?.aborted === true && results.size < plan.changes.length;
  const ordered = plan.changes.map(
    (change) =>
      results.get(change) ??
      resultOf(change, 'not-attempted', interrupted ? 'interrupted before it was sent' : undefined),
  );
  return { results: ordered, summary: summarize(ordered), interrupted };
}

async function verifyPlan(
  plan: Plan,
  client: ApplyClient,
): Promise<{ stale: string[]; applied: Change[] }> {
  const now = await readTouched(plan.changes, client);
  const stale: string[] = [];
  const applied: Change[] = [];
  for (const [change, workspace] of now) {
    const state = verifyChange(change, workspace);
    if (state.state === 'stale') stale.push(...state.reasons);
    else if (state.state === 'applied') applied.push(change);
  }
  return { stale, applied };
}

async function readTouched(
  changes: readonly Change[],
  client: ApplyClient,
): Promise<Map<Change, Workspace | undefined>> {
  const keyOf = (change: Change): string => change.id ?? change.slug;
  if (changes.length > VERIFY_BY_LIST_THRESHOLD) {
    const all = await client.listWorkspaces();
    const byKey = new Map<string, Workspace>();
    for (const workspace of all) {
      byKey.set(workspace.id, workspace);
      if (!byKey.has(workspace.slug)) byKey.set(workspace.slug, workspace);
    }
    return new Map(changes.map((change) => [change, byKey.get(keyOf(change))]));
  }
  const read = await Promise.all(changes.map((change) => client.getWorkspace(keyOf(change))));
  return new Map(changes.map((change, index) => [change, read[index]]));
}

async function applyChange(change: Change, client: ApplyClient): Promise<WorkspaceResult> {
  try {
    const returned =
      change.action === 'create'
        ? await client.createWorkspace(change.body)
        : await client.updateWorkspace(change.id ?? change.slug, change.body);
    const missed = unconverged(change, returned);
    if (missed.length > 0) {
      return {
        ...resultOf(change, 'failed', `did not converge: ${missed.join('; ')}`),
        id: returned.id,
      };
    }
    return { ...resultOf(change, 'applied'), id: returned.id };
  } catch (error) {
    if (change.action === 'create' && error instanceof SlugConflictError) {
      return explainCreateConflict(change, client, error);
    }
    return resultOf(change, 'failed', messageOf(error));
  }
}

/**
 * The API refused a create because the slug is taken: the workspace appeared since the plan.
 * It is never retried as an update. If it already holds every planned value, nothing is lost:
 * it counts as already applied.
 */
async function explainCreateConflict(
  change: Change,
  client: ApplyClient,
  conflict: unknown,
): Promise<WorkspaceResult> {
  try {
    const existing = await client.getWorkspace(change.slug);
    if (existing === undefined) return resultOf(change, 'failed', messageOf(conflict));
    if (unconverged(change, existing).length === 0) {
      return { ...resultOf(change, 'already-applied'), id: existing.id };
    }
    return resultOf(
      change,
      'failed',
      `appeared since the plan: a workspace with slug "${change.slug}" now exists (id ${existing.id}); not created. Run plan again to manage it.`,
    );
  } catch (error) {
    return resultOf(change, 'failed', messageOf(error));
  }
}

function unconverged(change: Change, returned: Workspace): string[] {
  const missed: string[] = [];
  for (const [name, wanted] of Object.entries(change.body)) {
    const field = name as WritableField;
    if (!fieldValuesEqual(field, returned[field], wanted)) {
      missed.push(`${field} is ${formatValue(returned[field])}, wanted ${formatValue(wanted)}`);
    }
  }
  return missed;
}

function resultOf(change: Change, status: ApplyStatus, error?: string): WorkspaceResult {
  const result: WorkspaceResult = {
    action: change.action,
    slug: change.slug,
    status,
    body: change.body,
  };
  if (change.id !== undefined) result.id = change.id;
  if (error !== undefined) result.error = error;
  return result;
}

function summarize(results: readonly WorkspaceResult[]): ApplyReport['summary'] {
  const count = (status: ApplyStatus): number => results.filter((r) => r.status === status).length;
  return {
    applied: count('applied'),
    already_applied: count('already-applied'),
    failed: count('failed'),
    not_attempted: count('not-attempted'),
  };
}

function messageOf(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  return String(error);
}
