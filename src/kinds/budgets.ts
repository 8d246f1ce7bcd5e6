import { BUDGET_INTERVALS, type BudgetInterval, type DesiredWorkspace } from '../config/types.js';
import type { Change, FieldChange } from '../plan/types.js';
import { isBudgetsAnswer, type BudgetsAnswer } from './answers.js';
import type { Api, Kind, KnownWorkspace } from './types.js';

/**
 * A workspace's budgets: a `limit_usd` per interval (absent: no budget for it) and the
 * workspace-wide `include_byok_in_budgets` flag, which the API takes only with a budget's PUT.
 */
export interface BudgetsState {
  limits: Partial<Record<BudgetInterval, number>>;
  include_byok: boolean;
}

/** One request a budgets change becomes, in the order they are sent. */
export interface BudgetRequest {
  method: 'PUT' | 'DELETE';
  interval: BudgetInterval;
  /** The PUT body. */
  body?: { limit_usd: number; include_byok_in_budgets?: boolean };
}

const FIELDS = [...BUDGET_INTERVALS, 'include_byok'] as const;

/** Widest first: lifetime > monthly > weekly > daily. */
const WIDEST_FIRST = [...BUDGET_INTERVALS].reverse();

/**
 * The budgets kind. Its writes are one `PUT` per interval whose limit differs and one `DELETE`
 * per interval the config sets to `null` that has a budget (the only deletes orws sends),
 * ordered so that every intermediate state keeps the API's rule that limits strictly decrease
 * as the interval narrows: deletes first, then lowered limits from the narrowest interval up,
 * then raised or new ones from the widest down. The BYOK flag rides on the first PUT, or on a
 * PUT of an unchanged budget when only the flag differs.
 */
export const budgetsKind: Kind<BudgetsState> = {
  name: 'budgets',
  fields: FIELDS,
  manages: (entry) => entry.budgets !== undefined,

  diff(entry: DesiredWorkspace, current: BudgetsState | undefined) {
    const desired = entry.budgets;
    if (desired === undefined) return { fields: [], issues: [] };
    const fields: FieldChange[] = [];
    for (const interval of BUDGET_INTERVALS) {
      if (!Object.hasOwn(desired.limits, interval)) continue;
      const after = desired.limits[interval] ?? null;
      if (current === undefined) {
        if (after !== null) fields.push({ field: interval, after });
        continue;
      }
      const before = current.limits[interval] ?? null;
      if (before !== after) fields.push({ field: interval, before, after });
    }
    if (desired.include_byok !== undefined) {
      if (current === undefined)
        fields.push({ field: 'include_byok', after: desired.include_byok });
      else if (current.include_byok !== desired.include_byok) {
        fields.push({
          field: 'include_byok',
          before: current.include_byok,
          after: desired.include_byok,
        });
      }
    }
    return { fields, issues: accountIssues(desired.limits, current, fields) };
  },

  valuesOf(current) {
    const values: Record<string, unknown> = { include_byok: current.include_byok };
    for (const interval of BUDGET_INTERVALS) values[interval] = current.limits[interval] ?? null;
    return values;
  },

  equal: (_field, a, b) => (a ?? null) === (b ?? null),

  bodyOf(change: Change): BudgetsBody {
    return budgetRequests(change);
  },

  async read(api, workspace) {
    if (workspace.id === undefined) {
      const found = await api.getWorkspace(workspace.slug);
      if (found === undefined) return undefined;
      return readBudgets(api, found.id, found);
    }
    return readBudgets(api, workspace.id, workspace);
  },

  async write(api, change, workspace: KnownWorkspace | undefined) {
    if (workspace === undefined) throw new Error('budgets are written to an existing workspace');
    const { requests, include_byok_in_budgets: flag } = budgetRequests(change);
    if (flag !== undefined) {
      let carrier = requests.find((r) => r.method === 'PUT');
      if (carrier === undefined) {
        const now = limitsOf(await readBudgetsAnswer(api, workspace.id));
        const widest = WIDEST_FIRST.find((interval) => now[interval] !== undefined);
        const limit = widest === undefined ? undefined : now[widest];
        if (widest === undefined || limit === undefined) {
          throw new Error('include_byok is written with a budget, and this workspace has none');
        }
        carrier = { method: 'PUT', interval: widest, body: { limit_usd: limit } };
        requests.push(carrier);
      }
      if (carrier.body !== undefined) carrier.body.include_byok_in_budgets = flag;
    }
    for (const request of requests) {
      await api.request({
        method: request.method,
        path: `/workspaces/${encodeURIComponent(workspace.id)}/budgets/${request.interval}`,
        ...(request.body === undefined ? {} : { json: request.body }),
      });
    }
    // The workspace as known before this write may hold the flag as it was: not passed.
    return readBudgets(api, workspace.id);
  },
};

function readBudgetsAnswer(api: Api, workspaceId: string): Promise<BudgetsAnswer> {
  return api.request<BudgetsAnswer>({
    method: 'GET',
    path: `/workspaces/${encodeURIComponent(workspaceId)}/budgets`,
    validate: isBudgetsAnswer,
  });
}

function limitsOf(answer: BudgetsAnswer): Partial<Record<BudgetInterval, number>> {
  const limits: Partial<Record<BudgetInterval, number>> = {};
  for (const budget of answer.data) limits[budget.reset_interval ?? 'lifetime'] = budget.limit_usd;
  return limits;
}

/**
 * Reads a workspace's budgets. The BYOK flag is optional in the budgets answer; when it is
 * absent it comes from the workspace: from `workspace` as the caller read it just now (a
 * listing carries it), else from `GET /workspaces/{id}`; absent there too, it is the API's
 * default, false.
 */
async function readBudgets(
  api: Api,
  workspaceId: string,
  workspace?: { include_byok_in_budgets?: boolean },
): Promise<BudgetsState> {
  const answer = await readBudgetsAnswer(api, workspaceId);
  const flag =
    answer.include_byok_in_budgets ??
    workspace?.include_byok_in_budgets ??
    (await api.getWorkspace(workspaceId))?.include_byok_in_budgets ??
    false;
  return { limits: limitsOf(answer), include_byok: flag };
}

/** What a budgets change sends: its requests in order, and the workspace-wide BYOK flag. */
export interface BudgetsBody {
  requests: BudgetRequest[];
  /**
   * Sent with the first PUT; when the change has none (only the flag differs), with a PUT of
   * the widest existing budget at its current limit.
   */
  include_byok_in_budgets?: boolean;
}

/**
 * The requests of a budgets change, in an order that keeps limits strictly decreasing as the
 * interval narrows at every step (see {@link budgetsKind}).
 */
export function budgetRequests(change: Pick<Change, 'fields'>): BudgetsBody {
  const deletes: BudgetRequest[] = [];
  const lowered: BudgetRequest[] = [];
  const raised: BudgetRequest[] = [];
  const body: BudgetsBody = { requests: [] };
  const rank = (field: string): number => FIELDS.indexOf(field as (typeof FIELDS)[number]);
  for (const field of [...change.fields].sort((a, b) => rank(a.field) - rank(b.field))) {
    if (field.field === 'include_byok') {
      if (typeof field.after === 'boolean') body.include_byok_in_budgets = field.after;
      continue;
    }
    const interval = field.field as BudgetInterval;
    const before = typeof field.before === 'number' ? field.before : undefined;
    if (field.after === null) {
      if (before !== undefined) deletes.push({ method: 'DELETE', interval });
    } else if (typeof field.after === 'number') {
      const put: BudgetRequest = { method: 'PUT', interval, body: { limit_usd: field.after } };
      if (before !== undefined && field.after < before) lowered.push(put);
      else raised.unshift(put);
    }
  }
  body.requests = [...deletes, ...lowered, ...raised];
  return body;
}

/**
 * What only the account reveals: the limits after the change, with the intervals the entry
 * leaves unmanaged as they are, must strictly decrease as the interval narrows; and the BYOK
 * flag needs a budget to ride on.
 */
function accountIssues(
  limits: Partial<Record<BudgetInterval, number | null>>,
  current: BudgetsState | undefined,
  fields: readonly FieldChange[],
): string[] {
  const issues: string[] = [];
  const after: { interval: BudgetInterval; limit: number; managed: boolean }[] = [];
  for (const interval of BUDGET_INTERVALS) {
    const managed = Object.hasOwn(limits, interval);
    const limit = managed ? limits[interval] : current?.limits[interval];
    if (typeof limit === 'number') after.push({ interval, limit, managed });
  }
  for (let i = 1; i < after.length; i++) {
    const narrow = after[i - 1];
    const wide = after[i];
    if (narrow === undefined || wide === undefined || narrow.limit < wide.limit) continue;
    if (narrow.managed && wide.managed) continue; // the config check reports this one
    const unmanaged = narrow.managed ? wide : narrow;
    issues.push(
      `budgets: the ${narrow.interval} budget (${narrow.limit}) must be less than the ${wide.interval} budget (${wide.limit}); the ${unmanaged.interval} budget is not in the config and stays as it is: manage it in budgets:, or change the limit`,
    );
  }
  const flagChanges = fields.some((f) => f.field === 'include_byok');
  const anyPut = fields.some((f) => typeof f.after === 'number');
  if (flagChanges && !anyPut && after.length === 0) {
    issues.push(
      'budgets: include_byok is written with a budget, and this workspace will have none: give an interval a limit',
    );
  }
  return issues;
}
