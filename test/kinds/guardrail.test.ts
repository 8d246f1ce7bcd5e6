import { describe, expect, it } from 'vitest';
import type { DesiredWorkspace, GuardrailFields } from '../../src/config/types.js';
import { guardrailKind, type GuardrailState } from '../../src/kinds/guardrail.js';
import type { PlanContext } from '../../src/kinds/types.js';
import { makeChange } from '../../src/plan/change.js';
import { entry } from '../helpers/factories.js';
import { GUARDRAIL_KEYS } from '../../src/config/blocks.js';
import { configSchema } from '../../src/schema/generated/config-schema.js';

function withGuardrail(fields: Partial<GuardrailFields>): DesiredWorkspace {
  return {
    ...entry({ slug: 'p' }),
    guardrail: { fields, source: { file: 'w.yaml', line: 3, col: 5 } },
  };
}

const CONTEXT: PlanContext = {
  models: {
    canonical: new Map([
      ['openai/gpt-4o', 'openai/gpt-4o-2024-05-13'],
      ['openai/gpt-4o-2024-05-13', 'openai/gpt-4o-2024-05-13'],
      ['google/gemini-2.5-pro', 'google/gemini-2.5-pro'],
    ]),
    slugOf: new Map([
      ['openai/gpt-4o-2024-05-13', 'openai/gpt-4o'],
      ['google/gemini-2.5-pro', 'google/gemini-2.5-pro'],
    ]),
  },
};

function state(values: Partial<GuardrailFields>, materialized = true): GuardrailState {
  return { id: 'g', materialized, values };
}

describe('guardrail kind', () => {
  it('a model named by slug and by canonical slug is one model: sent once', () => {
    const diff = guardrailKind.diff(
      withGuardrail({
        allowed_models: ['openai/gpt-4o', 'openai/gpt-4o-2024-05-13', 'google/gemini-2.5-pro'],
      }),
      state({ allowed_models: ['openai/gpt-4o-2024-05-13'] }),
      CONTEXT,
    );
    expect(diff.issues).toEqual([]);
    const change = makeChange(guardrailKind, 'update', { id: 'w', slug: 'p' }, diff.fields);
    expect(change.body).toEqual({
      allowed_models: ['google/gemini-2.5-pro', 'openai/gpt-4o-2024-05-13'],
    });
  });

  it('the same models named twice over are no change', () => {
    const diff = guardrailKind.diff(
      withGuardrail({ allowed_models: ['openai/gpt-4o', 'openai/gpt-4o-2024-05-13'] }),
      state({ allowed_models: ['openai/gpt-4o-2024-05-13'] }),
      CONTEXT,
    );
    expect(diff.fields).toEqual([]);
  });

  it('a guardrail never written has every field null: the diff is null → value, only for the keys named', () => {
    const diff = guardrailKind.diff(
      withGuardrail({ enforce_zdr_google: true, ignored_providers: ['b', 'a'] }),
      state({}, false),
      CONTEXT,
    );
    expect(diff.fields).toEqual([
      { field: 'ignored_providers', before: null, after: ['a', 'b'] },
      { field: 'enforce_zdr_google', before: null, after: true },
    ]);
  });

  it('null and an empty list differ', () => {
    const diff = guardrailKind.diff(
      withGuardrail({ allowed_providers: [] }),
      state({ allowed_providers: null }),
      CONTEXT,
    );
    expect(diff.fields).toEqual([{ field: 'allowed_providers', before: null, after: [] }]);
  });
});

describe('one source for the guardrail keys', () => {
  it('the keys orws manages are the config schema guardrail block keys', () => {
    const schema = configSchema as {
      definitions: { guardrail: { properties: Record<string, unknown> } };
    };
    expect([...GUARDRAIL_KEYS].sort()).toEqual(
      Object.keys(schema.definitions.guardrail.properties).sort(),
    );
  });
});
