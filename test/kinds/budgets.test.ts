import { describe, expect, it } from 'vitest';
import type { BudgetInterval, DesiredWorkspace } from '../../src/config/types.js';
import { budgetRequests, budgetsKind, type BudgetsState } from '../../src/kinds/budgets.js';
import { makeChange } from '../../src/plan/change.js';
import { entry } from '../helpers/factories.js';

function withBudgets(
  limits: Partial<Record<BudgetInterval, number | null>>,
  include_byok?: boolean,
): DesiredWorkspace {
  return {
    ...entry({ slug: 'p' }),
    budgets: {
      limits,
      ...(include_byok === undefined ? {} : { include_byok }),
      source: { file: 'w.yaml', line: 3, col: 5 },
    },
  };
}

function state(
  limits: Partial<Record<BudgetInterval, number>>,
  include_byok = false,
): BudgetsState {
  return { limits, include_byok };
}

/** Replays requests on a state, checking the API's ordering rule after each one. */
function replay(start: BudgetsState, requests: ReturnType<typeof budgetRequests>['requests']) {
  const limits = { ...start.limits };
  for (const request of requests) {
    if (request.method === 'DELETE') Reflect.deleteProperty(limits, request.interval);
    else limits[request.interval] = request.body?.limit_usd ?? 0;
    const present = (['daily', 'weekly', 'monthly', 'lifetime'] as const)
      .map((i) => limits[i])
      .filter((v): v is number => v !== undefined);
    for (let i = 1; i < present.length; i++) {
      expect(present[i - 1], `after ${request.method} ${request.interval}`).toBeLessThan(
        present[i] ?? 0,
      );
    }
  }
  return limits;
}

describe('budgets kind', () => {
  it('diffs only the intervals the entry names; null removes a budget that exists', () => {
    const diff = budgetsKind.diff(
      withBudgets({ monthly: 500, daily: 25, lifetime: null }),
      state({ monthly: 300, daily: 25, weekly: 100, lifetime: 1000 }),
      {},
    );
    expect(diff.issues).toEqual([]);
    expect(diff.fields).toEqual([
      { field: 'monthly', before: 300, after: 500 },
      { field: 'lifetime', before: 1000, after: null },
    ]);
  });

  it('a null interval that has no budget is no change, and sends no DELETE', () => {
    const diff = budgetsKind.diff(withBudgets({ lifetime: null }), state({ monthly: 5 }), {});
    expect(diff.fields).toEqual([]);
  });

  it('orders writes so that every step keeps limits strictly decreasing as the interval narrows', () => {
    const cases: [
      Partial<Record<BudgetInterval, number>>,
      Partial<Record<BudgetInterval, number | null>>,
    ][] = [
      [
        { daily: 20, weekly: 30 },
        { daily: 40, weekly: 50 },
      ],
      [
        { daily: 20, weekly: 100 },
        { daily: 10, weekly: 15 },
      ],
      [
        { daily: 10, weekly: 100 },
        { daily: 50, weekly: 60 },
      ],
      [{ daily: 20 }, { weekly: 15, daily: 10 }],
      [
        { daily: 5, weekly: 10, monthly: 20, lifetime: 40 },
        { daily: 30, weekly: 35, monthly: null, lifetime: 36 },
      ],
      [
        { monthly: 300, daily: 20 },
        { monthly: 500, daily: 25 },
      ],
    ];
    for (const [from, to] of cases) {
      const current = state(from);
      const diff = budgetsKind.diff(withBudgets(to), current, {});
      const change = makeChange(budgetsKind, 'update', { id: 'w', slug: 'p' }, diff.fields);
      const final = replay(current, budgetRequests(change).requests);
      for (const [interval, limit] of Object.entries(to)) {
        expect(final[interval as BudgetInterval]).toBe(limit === null ? undefined : limit);
      }
    }
  });

  it('one PUT per interval that differs, one DELETE per interval set to null; the BYOK flag rides on the first PUT', () => {
    const diff = budgetsKind.diff(
      withBudgets({ monthly: 500, daily: 25, lifetime: null }, true),
      state({ monthly: 300, daily: 20, lifetime: 1000 }),
      {},
    );
    const change = makeChange(budgetsKind, 'update', { id: 'w', slug: 'p' }, diff.fields);
    expect(change.body).toEqual({
      requests: [
        { method: 'DELETE', interval: 'lifetime' },
        { method: 'PUT', interval: 'monthly', body: { limit_usd: 500 } },
        { method: 'PUT', interval: 'daily', body: { limit_usd: 25 } },
      ],
      include_byok_in_budgets: true,
    });
  });

  it('refuses at plan time an order broken against an interval the entry leaves unmanaged', () => {
    const diff = budgetsKind.diff(withBudgets({ daily: 80 }), state({ weekly: 50 }), {});
    expect(diff.issues).toEqual([
      expect.stringContaining(
        'the daily budget (80) must be less than the weekly budget (50); the weekly budget is not in the config',
      ),
    ]);
  });

  it('refuses a BYOK flag with no budget to carry it', () => {
    const diff = budgetsKind.diff(withBudgets({}, true), state({}), {});
    expect(diff.issues).toEqual([expect.stringContaining('include_byok is written with a budget')]);
  });

  it('a workspace to create gets PUTs for its numbers only', () => {
    const diff = budgetsKind.diff(
      withBudgets({ monthly: 100, daily: 5, weekly: null }, false),
      undefined,
      {},
    );
    expect(diff.fields).toEqual([
      { field: 'daily', after: 5 },
      { field: 'monthly', after: 100 },
      { field: 'include_byok', after: false },
    ]);
    const change = makeChange(budgetsKind, 'create', { slug: 'p' }, diff.fields);
    expect(
      (change.body as ReturnType<typeof budgetRequests>).requests.map((r) => r.interval),
    ).toEqual(['monthly', 'daily']);
  });
});
