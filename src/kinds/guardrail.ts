import { GUARDRAIL_KEYS } from '../config/blocks.js';
import type { DesiredWorkspace, GuardrailFields } from '../config/types.js';
import { isApiNotFound } from '../api/index.js';
import { UnexpectedAnswerError } from '../errors.js';
import { formatValue } from '../render/values.js';
import type { Change, FieldChange } from '../plan/types.js';
import {
  isGuardrailAnswer,
  isModelsAnswer,
  type GuardrailAnswer,
  type ModelsAnswer,
} from './answers.js';
import { setsEqual, sortedSet } from './sets.js';
import type { Api, Kind, KnownWorkspace, PlanContext } from './types.js';

/**
 * A workspace's default guardrail. Its id is the workspace's `default_guardrail_id`; until its
 * configuration is first written it does not exist for `GET /guardrails/{id}` (404), and then
 * every field is unset (null).
 */
export interface GuardrailState {
  id: string;
  materialized: boolean;
  values: Partial<GuardrailFields>;
}

type GuardrailKey = keyof GuardrailFields;

/** Collections the API replaces whole; orws compares them as sets. */
const SET_KEYS: ReadonlySet<string> = new Set([
  'allowed_models',
  'ignored_models',
  'allowed_providers',
  'ignored_providers',
  'content_filter_builtins',
  'content_filters',
]);

/** Collections of model identifiers: a slug and its canonical slug are the same model. */
const MODEL_KEYS: readonly GuardrailKey[] = ['allowed_models', 'ignored_models'];

/**
 * The default guardrail kind: one `PATCH /guardrails/{id}` holding only the fields that differ
 * (a collection whole, as the API requires), which also materializes a guardrail never written.
 * Models are compared by canonical slug (`GET /models`, read once per run and only when a
 * guardrail names models), so a config naming `openai/gpt-4o` is no change against an API
 * that returns its canonical slug.
 */
export const guardrailKind: Kind<GuardrailState> = {
  name: 'guardrail',
  fields: GUARDRAIL_KEYS,
  manages: (entry) => entry.guardrail !== undefined,

  async readContext(api, entries) {
    const namesModels = entries.some((entry) =>
      MODEL_KEYS.some((key) => Array.isArray(entry.guardrail?.fields[key])),
    );
    if (!namesModels) return {};
    // The API lists only text models unless asked for every output modality, and a guardrail
    // may name an image or audio model.
    const answer = await api.request<ModelsAnswer>({
      method: 'GET',
      path: '/models',
      query: { output_modalities: 'all' },
      validate: isModelsAnswer,
    });
    const canonical = new Map<string, string>();
    const slugOf = new Map<string, string>();
    for (const model of answer.data) {
      canonical.set(model.id, model.canonical_slug);
      canonical.set(model.canonical_slug, model.canonical_slug);
      if (!slugOf.has(model.canonical_slug)) slugOf.set(model.canonical_slug, model.id);
    }
    return { models: { canonical, slugOf } };
  },

  diff(entry: DesiredWorkspace, current: GuardrailState | undefined, context: PlanContext) {
    const desired = entry.guardrail?.fields ?? {};
    const fields: FieldChange[] = [];
    const issues: string[] = [];
    const labels: Record<string, string> = {};
    for (const key of GUARDRAIL_KEYS) {
      if (!Object.hasOwn(desired, key)) continue;
      let after: unknown = normalize(key, desired[key] ?? null);
      if (MODEL_KEYS.includes(key) && Array.isArray(after)) {
        // Two names of one model (its slug and its canonical slug) are one item of the set.
        const names = (after as string[]).map((name) => {
          const canonical = context.models?.canonical.get(name);
          if (canonical === undefined) {
            issues.push(
              `guardrail.${key}: no model ${JSON.stringify(name)} in the API's model catalog (GET /models)`,
            );
            return name;
          }
          if (canonical !== name) labels[canonical] = name;
          return canonical;
        });
        after = sortedSet([...new Set(names)]);
      }
      if (current === undefined) {
        if (after !== null) fields.push({ field: key, after });
        continue;
      }
      const before = normalize(key, current.values[key] ?? null);
      if (!guardrailKind.equal(key, before, after)) fields.push({ field: key, before, after });
      if (MODEL_KEYS.includes(key) && Array.isArray(before)) {
        for (const model of before as string[]) {
          const slug = context.models?.slugOf.get(model);
          if (slug !== undefined && slug !== model && labels[model] === undefined)
            labels[model] = slug;
        }
      }
    }
    return { fields, issues, labels };
  },

  valuesOf(current) {
    const values: Record<string, unknown> = {};
    for (const key of GUARDRAIL_KEYS) values[key] = normalize(key, current.values[key] ?? null);
    return values;
  },

  equal: (field, a, b) => (SET_KEYS.has(field) ? setsEqual(a, b) : (a ?? null) === (b ?? null)),

  bodyOf(change: Change): Partial<GuardrailFields> {
    return Object.fromEntries(change.fields.map((f) => [f.field, f.after]));
  },

  async read(api, workspace) {
    const id = await guardrailIdOf(api, workspace);
    if (id === undefined) return undefined;
    return readGuardrail(api, id);
  },

  async write(api, change, workspace: KnownWorkspace | undefined) {
    if (workspace === undefined) throw new Error('a guardrail is written to an existing workspace');
    const id = await guardrailIdOf(api, workspace);
    if (id === undefined) {
      throw new UnexpectedAnswerError(`workspace ${workspace.id} no longer exists`);
    }
    const answer = await api.request<GuardrailAnswer>({
      method: 'PATCH',
      path: `/guardrails/${encodeURIComponent(id)}`,
      json: guardrailKind.bodyOf(change),
      validate: isGuardrailAnswer,
    });
    if (answer.data.id !== id) {
      throw new UnexpectedAnswerError(
        `PATCH /guardrails/${id} answered with another guardrail (id ${answer.data.id})`,
      );
    }
    return { id, materialized: true, values: answer.data };
  },
};

/** The workspace's default guardrail id: from the workspace as known, else read. */
async function guardrailIdOf(
  api: Api,
  workspace: { id?: string; slug: string; default_guardrail_id?: unknown },
): Promise<string | undefined> {
  if (typeof workspace.default_guardrail_id === 'string') return workspace.default_guardrail_id;
  const found = await api.getWorkspace(workspace.id ?? workspace.slug);
  if (found === undefined) return undefined;
  const id = (found as { default_guardrail_id?: unknown }).default_guardrail_id;
  if (typeof id !== 'string' || id === '') {
    throw new UnexpectedAnswerError(
      `the API gives workspace ${formatValue(found.slug)} no default_guardrail_id, so its guardrail cannot be managed`,
    );
  }
  return id;
}

async function readGuardrail(api: Api, id: string): Promise<GuardrailState> {
  try {
    const answer = await api.request<GuardrailAnswer>({
      method: 'GET',
      path: `/guardrails/${encodeURIComponent(id)}`,
      validate: isGuardrailAnswer,
    });
    return { id, materialized: true, values: answer.data };
  } catch (error) {
    // A default guardrail whose configuration was never written is not found (the API's own
    // 404; a proxy's stays an error): every field unset.
    if (isApiNotFound(error)) return { id, materialized: false, values: {} };
    throw error;
  }
}

/**
 * A value as orws compares and shows it: sets sorted; content filters reduced to what a config
 * can say (a builtin's slug and action; a custom filter's pattern, action and label), so fields
 * the API adds to them (a builtin's default label) make no difference.
 */
function normalize(key: string, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  if (key === 'content_filter_builtins') {
    return sortedSet(
      value.map((item: { slug?: unknown; action?: unknown }) => ({
        slug: item.slug,
        action: item.action,
      })),
    );
  }
  if (key === 'content_filters') {
    return sortedSet(
      value.map((item: { pattern?: unknown; action?: unknown; label?: unknown }) =>
        item.label === undefined || item.label === null
          ? { pattern: item.pattern, action: item.action }
          : { pattern: item.pattern, action: item.action, label: item.label },
      ),
    );
  }
  return SET_KEYS.has(key) ? sortedSet(value) : value;
}
