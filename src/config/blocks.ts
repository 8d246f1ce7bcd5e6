/**
 * The `budgets`, `guardrail` and `members` blocks of an entry: the rules the API states that
 * JSON Schema cannot say (the order of budget limits, a reset interval needs a limit, a
 * builtin filter once), and the desired state built from a block the schema has accepted.
 * Pure: no I/O.
 */
import type { SourcePosition } from '../errors.js';
import { describeValue, type SchemaIssue } from '../schema/messages.js';
import {
  BUDGET_INTERVALS,
  type BudgetInterval,
  type DesiredBudgets,
  type DesiredGuardrail,
  type DesiredMembers,
  type GuardrailFields,
} from './types.js';

/** The keys of a `guardrail:` block, in the order they are shown. */
export const GUARDRAIL_KEYS: readonly (keyof GuardrailFields)[] = [
  'description',
  'allowed_models',
  'ignored_models',
  'allowed_providers',
  'ignored_providers',
  'limit_usd',
  'reset_interval',
  'enforce_zdr_anthropic',
  'enforce_zdr_openai',
  'enforce_zdr_google',
  'enforce_zdr_xai',
  'enforce_zdr_other',
  'enable_free_model_publication',
  'enable_free_model_training',
  'enable_paid_model_training',
  'content_filter_builtins',
  'content_filters',
];

/**
 * Checks the rules of the blocks of one mapping (an entry, or `defaults`) at `path` that the
 * schema cannot state:
 * - budget limits strictly decrease as the interval narrows (lifetime > monthly > weekly >
 *   daily), among the intervals the block gives a number; reported at the narrower one;
 * - a guardrail's `reset_interval` resets its limit, so it cannot be set with `limit_usd: null`;
 * - a builtin content filter appears once in `content_filter_builtins`.
 * Values of the wrong type are skipped: the schema reports them.
 */
export function checkBlockRules(
  mapping: Record<string, unknown>,
  path: readonly string[],
): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const budgets = mapping.budgets;
  if (isRecord(budgets)) {
    let narrower: { interval: BudgetInterval; limit: number } | undefined;
    for (const interval of BUDGET_INTERVALS) {
      const limit = budgets[interval];
      // A limit of 0 or less is the schema's to report; comparing it would only add noise.
      if (typeof limit !== 'number' || !(limit > 0)) continue;
      if (narrower !== undefined && !(narrower.limit < limit)) {
        issues.push({
          path: [...path, 'budgets', narrower.interval],
          message: `the ${narrower.interval} budget (${describeValue(narrower.limit)}) must be less than the ${interval} budget (${describeValue(limit)}): limits strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)`,
        });
      }
      narrower = { interval, limit };
    }
  }
  const guardrail = mapping.guardrail;
  if (isRecord(guardrail)) {
    const interval = guardrail.reset_interval;
    if (
      typeof interval === 'string' &&
      Object.hasOwn(guardrail, 'limit_usd') &&
      guardrail.limit_usd === null
    ) {
      issues.push({
        path: [...path, 'guardrail', 'reset_interval'],
        message: `reset_interval ${describeValue(interval)} resets the spending limit, but limit_usd is null: set limit_usd, or set reset_interval to null`,
      });
    }
    const builtins = guardrail.content_filter_builtins;
    if (Array.isArray(builtins)) {
      const seen = new Set<string>();
      for (const [index, entry] of (builtins as unknown[]).entries()) {
        if (!isRecord(entry) || typeof entry.slug !== 'string') continue;
        if (seen.has(entry.slug)) {
          issues.push({
            path: [...path, 'guardrail', 'content_filter_builtins', String(index), 'slug'],
            message: `builtin content filter ${describeValue(entry.slug)} is listed twice; list each once with one action`,
          });
        }
        seen.add(entry.slug);
      }
    }
  }
  return issues;
}

/**
 * The blocks of one valid entry, as desired state: the entry's own block, else the file's
 * default block, whole (blocks are not merged key by key). `sourceOf` gives the position of
 * the entry's key of that name, or of the entry itself when the block comes from defaults.
 * Values are copied, so that no two workspaces share a list (aliases and defaults would).
 */
export function buildBlocks(
  entry: Record<string, unknown>,
  defaults: Record<string, unknown>,
  sourceOf: (key: string) => SourcePosition,
): { budgets?: DesiredBudgets; guardrail?: DesiredGuardrail; members?: DesiredMembers } {
  const blocks: {
    budgets?: DesiredBudgets;
    guardrail?: DesiredGuardrail;
    members?: DesiredMembers;
  } = {};
  const pick = (key: string): unknown =>
    Object.hasOwn(entry, key)
      ? entry[key]
      : Object.hasOwn(defaults, key)
        ? defaults[key]
        : undefined;

  const budgets = pick('budgets');
  if (isRecord(budgets)) {
    const limits: DesiredBudgets['limits'] = {};
    for (const interval of BUDGET_INTERVALS) {
      const limit = budgets[interval];
      if (typeof limit === 'number' || limit === null) limits[interval] = limit;
    }
    const desired: DesiredBudgets = { limits, source: sourceOf('budgets') };
    if (typeof budgets.include_byok === 'boolean') desired.include_byok = budgets.include_byok;
    blocks.budgets = desired;
  }

  const guardrail = pick('guardrail');
  if (isRecord(guardrail)) {
    const fields: Record<string, unknown> = {};
    for (const key of GUARDRAIL_KEYS)
      if (Object.hasOwn(guardrail, key)) fields[key] = structuredClone(guardrail[key]);
    // The schema has checked every value against its key's type.
    blocks.guardrail = {
      fields: fields,
      source: sourceOf('guardrail'),
    };
  }

  const members = entry.members;
  if (Array.isArray(members)) {
    blocks.members = {
      members: (members as unknown[]).filter((m): m is string => typeof m === 'string'),
      source: sourceOf('members'),
    };
  }
  return blocks;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
