import { SlugConflictError, StalePlanError, UnexpectedAnswerError } from '../errors.js';
import { groupByWorkspace, orderBySlug, swapAdvice } from '../plan/renames.js';
import { kindOf } from '../kinds/registry.js';
import type { Api, Kind, KnownWorkspace } from '../kinds/types.js';
import { missedFields, verifyChange } from '../plan/verify.js';
import { describeChange } from '../render/values.js';
import type { Change, KindName, Plan } from '../plan/types.js';
import { formatShortValue, formatValue } from '../render/values.js';
import type { Workspace } from '../schema/fields.js';
import { messageOf, outcomeOf } from './outcome.js';

/** The requests `applyPlan` makes: any API of the kinds' shape will do. */
export type ApplyClient = Api;

/**
 * What became of one change:
 * - `applied`: sent, and the answer (or a re-read after a lost answer) shows it took;
 * - `already-applied`: the resource already held every planned value; nothing sent;
 * - `failed`: not applied, or only partly (the error says which), as seen in an answer or a re-read;
 * - `unknown`: sent, and neither the answer nor a re-read could tell what happened;
 * - `missing`: the workspace was deleted outside orws; never recreated silently;
 * - `not-attempted`: nothing was sent (interrupted, or its workspace could not be created).
 */
export type ApplyStatus =
  'applied' | 'already-applied' | 'failed' | 'unknown' | 'missing' | 'not-attempted';

/** The outcome of one change of the plan. */
export interface ChangeResult {
  kind: KindName;
  action: Change['action'];
  id?: string;
  slug: string;
  status: ApplyStatus;
  /** The names of the fields the change sets. */
  fields: string[];
  /** The body sent (or that would have been sent). */
  body: unknown;
  /** Why it failed, was not attempted or is unknown; a note when a lost answer was re-read. */
  error?: string;
  /**
   * For a failure: false when running apply again cannot help (the API refused a value, or
   * renames swap slugs).
   */
  retryable?: boolean;
}

/** The result of one change, under its 0.1 name. */
export type WorkspaceResult = ChangeResult;

/** The outcome of an apply: one result per change, in plan order. */
export interface ApplyReport {
  results: ChangeResult[];
  summary: {
    applied: number;
    already_applied: number;
    failed: number;
    unknown: number;
    missing: number;
    not_attempted: number;
  };
  /** True when a signal stopped the apply before every change was done. */
  interrupted: boolean;
}

/** Options of `applyPlan`. */
export interface ApplyOptions {
  /** Workspaces being changed at once, at most (a workspace's own changes go in order). */
  concurrency: number;
  /**
   * Re-read everything the plan touches first and refuse a stale plan (for a saved plan, or
   * after a person confirmed). A plan computed from a listing just made needs no re-read.
   */
  verify: boolean;
  /** The workspaces as the plan's listing saw them, when the caller has them. */
  workspaces?: readonly Workspace[];
  /** When aborted, no new change is started; the API aborts what is in flight. */
  signal?: AbortSignal;
  /** Called as each change's result is known. */
  onResult?: (result: ChangeResult) => void;
}

/**
 * Above this many workspace changes, the stale check reads the workspaces with one listing
 * instead of one GET each (the parts are read one by one either way).
 */
const VERIFY_BY_LIST_THRESHOLD = 20;

/**
 * Applies a plan. A workspace's changes go in kind order (the workspace itself first: a part of a
 * workspace to create needs its id, and is not attempted if the create fails); workspaces go
 * concurrently, at most `concurrency` at once, on past a failed one; a workspace that takes a
 * slug another rename of the plan frees waits for that rename, and renames that swap slugs are
 * not sent (no order of requests can make them). A write's answer is checked
 * against the planned values; a write whose answer is lost or unexpected is read again, and its
 * result says what the re-read showed, never a guess.
 *
 * @throws StalePlanError (with `verify`) when anything differs from what the plan saw; nothing
 *   is sent then.
 */
export async function applyPlan(
  plan: Plan,
  api: ApplyClient,
  options: ApplyOptions,
): Promise<ApplyReport> {
  const results = new Map<Change, ChangeResult>();
  const known = new Map<string, Workspace>();
  for (const workspace of options.workspaces ?? []) known.set(workspace.id, workspace);
  /** The workspace of this id as last read, or what the plan says of it. */
  const knownAs = (id: string, slug: string): KnownWorkspace => known.get(id) ?? { id, slug };
  const report = (change: Change, result: ChangeResult): void => {
    results.set(change, result);
    options.onResult?.(result);
  };
  const { groups, waitsFor, cycles } = orderBySlug(groupByWorkspace(plan.changes));
  const started = new Map<Change[], Promise<void>>();

  if (options.verify) {
    const { stale, applied, workspaces } = await verifyPlan(plan.changes, api);
    if (stale.length > 0) throw new StalePlanError(stale);
    for (const workspace of workspaces) known.set(workspace.id, workspace);
    for (const change of applied) report(change, resultOf(change, 'already-applied'));
  }

  const apply = async (group: Change[]): Promise<void> => {
    // A slug another workspace of the plan gives up is taken once that rename is done.
    const blocker = waitsFor.get(group);
    if (blocker !== undefined) await started.get(blocker);
    let workspace: KnownWorkspace | undefined;
    for (const change of group) {
      if (results.has(change)) {
        if (change.kind === 'workspace' && change.action === 'create') {
          workspace = [...known.values()].find((w) => w.slug === change.slug);
        }
        continue;
      }
      if (options.signal?.aborted === true) return;
      if (change.action === 'missing') {
        report(change, resultOf(change, 'missing', missingAdvice(change)));
        continue;
      }
      const cycle = change.kind === 'workspace' ? cycles.get(group) : undefined;
      if (cycle !== undefined && change.id !== undefined) {
        report(change, {
          ...resultOf(change, 'failed', `not sent: ${swapAdvice(cycle)}`),
          retryable: false,
        });
        workspace = knownAs(change.id, change.slug);
        continue;
      }
      if (change.kind !== 'workspace') {
        workspace ??= change.id === undefined ? undefined : knownAs(change.id, change.slug);
        if (workspace === undefined) {
          report(change, resultOf(change, 'not-attempted', 'its workspace was not created'));
          continue;
        }
      }
      const { result, state } = await applyChange(
        change,
        api,
        change.kind === 'workspace' ? undefined : workspace,
        options.signal,
      );
      if (change.kind !== 'workspace' && result.id === undefined && workspace !== undefined) {
        result.id = workspace.id;
      }
      if (change.kind === 'workspace') {
        const written = state as Workspace | undefined;
        if (written !== undefined) known.set(written.id, written);
        workspace =
          written ?? (change.id === undefined ? undefined : knownAs(change.id, change.slug));
        if (result.id === undefined && written !== undefined) result.id = written.id;
      }
      report(change, result);
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < groups.length && options.signal?.aborted !== true) {
      const group = groups[next++];
      if (group === undefined) continue;
      const running = apply(group);
      started.set(group, running);
      await running;
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, groups.length));
  await Promise.all(Array.from({ length: workers }, worker));

  const interrupted = options.signal?.aborted === true && results.size < plan.changes.length;
  const ordered = plan.changes.map(
    (change) =>
      results.get(change) ??
      resultOf(change, 'not-attempted', interrupted ? 'interrupted before it was sent' : undefined),
  );
  return { results: ordered, summary: summarize(ordered), interrupted };
}

/** Sends one change; on any failure, reads it again and says what is true. */
async function applyChange(
  change: Change,
  api: Api,
  workspace: KnownWorkspace | undefined,
  signal: AbortSignal | undefined,
): Promise<{ result: ChangeResult; state: unknown }> {
  const kind = kindOf(change.kind);
  try {
    const state = await kind.write(api, change, workspace);
    const missed = unconverged(change, kind.valuesOf(state));
    if (missed.length > 0) {
      return {
        result: {
          ...resultOf(change, 'failed', `did not converge: ${missed.join('; ')}`),
          retryable: true,
        },
        state,
      };
    }
    return { result: resultOf(change, 'applied'), state };
  } catch (error) {
    if (
      change.kind === 'workspace' &&
      change.action === 'create' &&
      error instanceof SlugConflictError
    ) {
      return explainCreateConflict(change, api, error);
    }
    return reread(change, kind, api, workspace, error, signal);
  }
}

/**
 * After a failed write: a refusal the API stated (a 4xx answer) to a change of one request
 * changed nothing; anything else (a lost or cut answer, a timeout, a 5xx, an answer about
 * another resource, or a refusal after earlier requests of the same change went through) may
 * have landed, so the resource is read again and the result is what that read shows. Without a
 * read (after a signal, or when the read fails too) the outcome is unknown, never "not changed".
 */
async function reread(
  change: Change,
  kind: Kind,
  api: Api,
  workspace: KnownWorkspace | undefined,
  error: unknown,
  signal: AbortSignal | undefined,
): Promise<{ result: ChangeResult; state: unknown }> {
  const outcome = outcomeOf(error);
  const failed = (message: string, state?: unknown) => ({
    result: { ...resultOf(change, 'failed', message), retryable: outcome.retryable },
    state,
  });
  if (outcome.refused && change.kind === 'workspace') return failed(outcome.message);
  if (signal?.aborted === true) {
    return {
      result: resultOf(
        change,
        'unknown',
        `outcome unknown: ${outcome.message}; interrupted before it could be read again: run plan`,
      ),
      state: undefined,
    };
  }
  let now: unknown;
  try {
    // Only the id and slug: what else the caller knew of the workspace may predate the write.
    const where =
      workspace === undefined
        ? { ...(change.id === undefined ? {} : { id: change.id }), slug: change.slug }
        : { id: workspace.id, slug: workspace.slug };
    now = await kind.read(api, where);
  } catch (readError) {
    if (outcome.refused && !(error instanceof UnexpectedAnswerError)) {
      return failed(
        `${outcome.message}; reading it again failed (${messageOf(readError)}), so earlier requests of this change may have gone through: run plan`,
      );
    }
    return {
      result: resultOf(
        change,
        'unknown',
        `outcome unknown: ${outcome.message}; reading it again failed too (${messageOf(readError)}): run plan`,
      ),
      state: undefined,
    };
  }
  if (now === undefined) {
    return failed(
      change.action === 'create'
        ? `not created: ${outcome.message}`
        : `the workspace no longer exists (${outcome.message})`,
    );
  }
  const values = kind.valuesOf(now);
  const missed = unconverged(change, values);
  if (missed.length === 0) {
    return {
      result: resultOf(
        change,
        'applied',
        `the answer was lost (${outcome.message}); read again, it shows the change applied`,
      ),
      state: now,
    };
  }
  const untouched = change.fields.every(
    (f) => change.action !== 'create' && kind.equal(f.field, values[f.field], f.before),
  );
  const detail = untouched
    ? 'read again, it shows no change'
    : `read again, it shows the change applied in part: ${missed.join('; ')}`;
  return failed(`${outcome.message}; ${detail}`, now);
}

/**
 * The API refused a create because the slug is taken: the workspace appeared since the plan, or
 * an earlier attempt of this very request created it and its answer was lost. It is never
 * retried as an update. If it holds every planned value, nothing is lost: already applied.
 */
async function explainCreateConflict(
  change: Change,
  api: Api,
  conflict: unknown,
): Promise<{ result: ChangeResult; state: unknown }> {
  const kind = kindOf('workspace');
  try {
    const existing = await api.getWorkspace(change.slug);
    if (existing === undefined)
      return {
        result: { ...resultOf(change, 'failed', messageOf(conflict)), retryable: true },
        state: undefined,
      };
    if (unconverged(change, kind.valuesOf(existing)).length === 0) {
      return {
        result: { ...resultOf(change, 'already-applied'), id: existing.id },
        state: existing,
      };
    }
    return {
      result: resultOf(
        change,
        'failed',
        `appeared since the plan: a workspace with slug ${formatValue(change.slug)} now exists (id ${formatValue(existing.id)}); not created. Run plan again to manage it.`,
      ),
      state: undefined,
    };
  } catch (error) {
    return {
      result: resultOf(
        change,
        'unknown',
        `outcome unknown: ${messageOf(conflict)}; reading it again failed too (${messageOf(error)}): run plan`,
      ),
      state: undefined,
    };
  }
}

/** Re-reads what the plan touches and checks each change against it. */
async function verifyPlan(
  changes: readonly Change[],
  api: Api,
): Promise<{ stale: string[]; applied: Change[]; workspaces: Workspace[] }> {
  const workspaceChanges = changes.filter((c) => c.kind === 'workspace');
  const now = new Map<Change, Workspace | undefined>();
  const keyOf = (change: Change): string => change.id ?? change.slug;
  if (workspaceChanges.length > VERIFY_BY_LIST_THRESHOLD) {
    const all = await api.listWorkspaces();
    const byKey = new Map<string, Workspace>();
    for (const workspace of all) {
      byKey.set(workspace.id, workspace);
      if (!byKey.has(workspace.slug)) byKey.set(workspace.slug, workspace);
    }
    for (const change of workspaceChanges) now.set(change, byKey.get(keyOf(change)));
  } else {
    const read = await Promise.all(
      workspaceChanges.map((change) => api.getWorkspace(keyOf(change))),
    );
    workspaceChanges.forEach((change, index) => now.set(change, read[index]));
  }
  const stale: string[] = [];
  const applied: Change[] = [];
  const existing = new Map<string, Workspace>();
  for (const [change, workspace] of now) {
    if (workspace !== undefined) existing.set(change.slug, workspace);
    const state = verifyChange(change, workspace);
    if (state.state === 'stale') stale.push(...state.reasons);
    else if (state.state === 'applied') applied.push(change);
  }
  const parts = changes.filter((c) => c.kind !== 'workspace');
  const partStates = await Promise.all(
    parts.map(async (change) => {
      const kind = kindOf(change.kind);
      const workspace =
        existing.get(change.slug) ??
        (change.id === undefined ? undefined : { id: change.id, slug: change.slug });
      if (workspace === undefined) return undefined;
      const state = await kind.read(api, workspace);
      return state === undefined ? undefined : kind.valuesOf(state);
    }),
  );
  parts.forEach((change, index) => {
    const values = partStates[index];
    if (change.action === 'create' && values === undefined) return;
    const state = verifyChange(change, values);
    if (state.state === 'stale') stale.push(...state.reasons);
    else if (state.state === 'applied') applied.push(change);
  });
  return { stale, applied, workspaces: [...existing.values()] };
}

/** The fields whose value after a write is not the planned one, as `field is X, wanted Y`. */
function unconverged(change: Change, values: Record<string, unknown>): string[] {
  return missedFields(change, values).map(
    (f) =>
      `${f.field} is ${formatShortValue(values[f.field])}, wanted ${formatShortValue(f.after)}`,
  );
}

function missingAdvice(change: Change): string {
  return `${describeChange(change)} is missing: it was deleted outside orws, and orws does not recreate it silently. Remove the entry, or remove its id so that the next plan creates it.`;
}

function resultOf(change: Change, status: ApplyStatus, error?: string): ChangeResult {
  const result: ChangeResult = {
    kind: change.kind,
    action: change.action,
    slug: change.slug,
    status,
    fields: change.fields.map((f) => f.field),
    body: change.body,
  };
  if (change.id !== undefined) result.id = change.id;
  if (error !== undefined) result.error = error;
  return result;
}

/** How many results have each status (an empty report's summary: `summarize([])`). */
export function summarize(results: readonly ChangeResult[]): ApplyReport['summary'] {
  const count = (status: ApplyStatus): number => results.filter((r) => r.status === status).length;
  return {
    applied: count('applied'),
    already_applied: count('already-applied'),
    failed: count('failed'),
    unknown: count('unknown'),
    missing: count('missing'),
    not_attempted: count('not-attempted'),
  };
}
