/**
 * The sandbox's checks of workspace fields, as workspaces.openapi.yaml states them for
 * `CreateWorkspaceRequest` and `UpdateWorkspaceRequest`. The sandbox is stricter than the
 * spec on one point on purpose: a request body with an unknown or read-only key is refused,
 * so that a bug in orws's own request bodies shows in tests instead of being ignored.
 */
import type { WritableField } from '../schema/fields.js';

/** What a field's value breaks, without the field's name (`must be a boolean`), or undefined when it is fine. */
type Check = (value: unknown) => string | undefined;

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PROVIDER_SORTS: ReadonlySet<unknown> = new Set(['price', 'throughput', 'latency', 'exacto']);

function checkNullableString(value: unknown): string | undefined {
  return value === null || typeof value === 'string' ? undefined : 'must be a string or null';
}

function checkBoolean(value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : 'must be a boolean';
}

function checkTimestamp(value: unknown): string | undefined {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value))
    ? undefined
    : 'must be an ISO 8601 timestamp';
}

/** The checks of the writable fields, the same for a create and an update. */
const WRITABLE_CHECKS: Readonly<Record<WritableField, Check>> = {
  name: (v) =>
    typeof v === 'string' && v.length >= 1 && v.length <= 100
      ? undefined
      : 'must be a string of 1 to 100 characters',
  slug: (v) => {
    if (typeof v !== 'string' || v.length < 1 || v.length > 50) {
      return 'must be a string of 1 to 50 characters';
    }
    return SLUG_PATTERN.test(v)
      ? undefined
      : 'must be lowercase letters and digits in segments joined by single hyphens (^[a-z0-9]+(?:-[a-z0-9]+)*$)';
  },
  description: (v) =>
    v === null || (typeof v === 'string' && v.length <= 500)
      ? undefined
      : 'must be a string of at most 500 characters, or null',
  default_text_model: checkNullableString,
  default_image_model: checkNullableString,
  default_provider_sort: (v) =>
    v === null || PROVIDER_SORTS.has(v)
      ? undefined
      : 'must be one of "price", "throughput", "latency", "exacto", or null',
  is_observability_io_logging_enabled: checkBoolean,
  is_observability_broadcast_enabled: checkBoolean,
  is_data_discount_logging_enabled: checkBoolean,
  io_logging_sampling_rate: (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0.0001 && v <= 1
      ? undefined
      : 'must be a number from 0.0001 to 1',
  io_logging_api_key_ids: (v) =>
    v === null || (Array.isArray(v) && v.every((id) => Number.isSafeInteger(id)))
      ? undefined
      : 'must be an array of integers, or null',
};

/** The fields the API returns but no request may set. */
const READ_ONLY_CHECKS: Readonly<Record<string, Check>> = {
  id: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string'),
  default_guardrail_id: (v) =>
    typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string',
  include_byok_in_budgets: checkBoolean,
  created_at: checkTimestamp,
  updated_at: (v) => (v === null ? undefined : checkTimestamp(v)),
  created_by: checkNullableString,
};

function isWritable(key: string): key is WritableField {
  return Object.hasOwn(WRITABLE_CHECKS, key);
}

/** Whether `value` is a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a POST or PATCH body as the API would, plus the sandbox's strictness about keys.
 * Returns one message per problem, each naming its field; empty when the body is valid.
 */
export function checkRequestBody(
  body: Record<string, unknown>,
  operation: 'create' | 'update',
): string[] {
  const issues: string[] = [];
  if (operation === 'create') {
    for (const required of ['name', 'slug'] as const) {
      if (!Object.hasOwn(body, required)) issues.push(`"${required}" is required`);
    }
  }
  for (const [key, value] of Object.entries(body)) {
    if (isWritable(key)) {
      const problem = WRITABLE_CHECKS[key](value);
      if (problem !== undefined) issues.push(`"${key}" ${problem}`);
    } else if (Object.hasOwn(READ_ONLY_CHECKS, key)) {
      issues.push(`"${key}" is read-only and cannot be set`);
    } else {
      issues.push(
        `"${key}" is not a field of ${operation === 'create' ? 'CreateWorkspaceRequest' : 'UpdateWorkspaceRequest'}`,
      );
    }
  }
  return issues;
}

/**
 * Checks the fields of a seed or an out-of-band edit: every field of `Workspace` may be
 * given (read-only ones too, except `id` when `allowId` is false), each with the type and
 * range the API would hold. Returns one message per problem, each naming its field.
 */
export function checkWorkspaceFields(
  fields: Record<string, unknown>,
  options: { allowId: boolean; requireNameAndSlug: boolean },
): string[] {
  const issues: string[] = [];
  if (options.requireNameAndSlug) {
    for (const required of ['name', 'slug'] as const) {
      if (!Object.hasOwn(fields, required)) issues.push(`"${required}" is required`);
    }
  }
  for (const [key, value] of Object.entries(fields)) {
    let problem: string | undefined;
    if (isWritable(key)) {
      problem = WRITABLE_CHECKS[key](value);
    } else if (key === 'id' && !options.allowId) {
      problem = 'cannot be changed';
    } else {
      const check = READ_ONLY_CHECKS[key];
      problem = check === undefined ? 'is not a field of Workspace' : check(value);
    }
    if (problem !== undefined) issues.push(`"${key}" ${problem}`);
  }
  return issues;
}
