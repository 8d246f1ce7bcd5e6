/**
 * The sandbox's model catalog (`GET /models`): a few real model ids with their canonical
 * slugs, so that guardrail model lists can be given as either and are stored as the
 * canonical one, as the API does. Seedable from the state file (`models`).
 */
/** A model as `GET /models` lists it (the spec's `Model`); only id, canonical_slug and name are the sandbox's concern. */
export type CatalogModel = Record<string, unknown> & {
  id: string;
  canonical_slug: string;
  name: string;
};

/** A model to seed: `id`, `canonical_slug` and `name`; any other `Model` field may be given. */
export type SeedModel = Partial<CatalogModel> & {
  id: string;
  canonical_slug: string;
  name: string;
};

const DEFAULT_MODELS: readonly [string, string, string][] = [
  ['openai/gpt-4o', 'openai/gpt-4o-2024-05-13', 'OpenAI: GPT-4o'],
  ['openai/gpt-4o-mini', 'openai/gpt-4o-mini-2024-07-18', 'OpenAI: GPT-4o-mini'],
  ['openai/dall-e-3', 'openai/dall-e-3', 'OpenAI: DALL-E 3'],
  ['anthropic/claude-sonnet-4', 'anthropic/claude-4-sonnet-20250522', 'Anthropic: Claude Sonnet 4'],
  ['anthropic/claude-3.5-haiku', 'anthropic/claude-3-5-haiku', 'Anthropic: Claude 3.5 Haiku'],
  ['google/gemini-2.5-pro', 'google/gemini-2.5-pro', 'Google: Gemini 2.5 Pro'],
  ['google/gemini-2.5-flash', 'google/gemini-2.5-flash', 'Google: Gemini 2.5 Flash'],
  [
    'meta-llama/llama-3.3-70b-instruct',
    'meta-llama/llama-3.3-70b-instruct',
    'Meta: Llama 3.3 70B Instruct',
  ],
  ['mistralai/mistral-large', 'mistralai/mistral-large', 'Mistral Large'],
  ['deepseek/deepseek-r1', 'deepseek/deepseek-r1', 'DeepSeek: R1'],
];

/** A full `Model` from a seed: the required fields the seed lacks get plain values. */
export function materializeModel(seed: SeedModel): CatalogModel {
  const image = seed.id.includes('dall-e');
  return {
    created: 1_715_558_400,
    description: `${seed.name} (sandbox catalog)`,
    context_length: 128_000,
    architecture: {
      modality: image ? 'text->image' : 'text->text',
      input_modalities: ['text'],
      output_modalities: [image ? 'image' : 'text'],
      tokenizer: 'Other',
      instruct_type: null,
    },
    pricing: { prompt: '0.0000025', completion: '0.00001' },
    top_provider: { context_length: 128_000, max_completion_tokens: 16_384, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ['temperature', 'max_tokens'],
    default_parameters: null,
    supported_voices: null,
    expiration_date: null,
    knowledge_cutoff: null,
    links: { details: `/api/v1/models/${seed.id}/endpoints` },
    ...seed,
  };
}

/** The catalog a sandbox starts with when no `models` are seeded. */
export function defaultModels(): CatalogModel[] {
  return DEFAULT_MODELS.map(([id, canonical_slug, name]) =>
    materializeModel({ id, canonical_slug, name }),
  );
}

/** Checks a seed model; returns one message per problem. */
export function checkSeedModel(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['must be an object'];
  const issues: string[] = [];
  for (const key of ['id', 'canonical_slug', 'name']) {
    const field = (value as Record<string, unknown>)[key];
    if (typeof field !== 'string' || field.length === 0)
      issues.push(`"${key}" must be a non-empty string`);
  }
  return issues;
}
