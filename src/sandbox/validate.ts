/**
 * The sandbox's checks of request bodies. The rules come from the vendored OpenAPI document
 * (openapi/management.openapi.yaml), compiled at build time into
 * `validate-sandbox-request.js`; this module only turns ajv's errors into messages that name
 * the field, and adds the rules the spec states in prose where its schemas cannot (or do not)
 * say them: the range of `io_logging_sampling_rate`, the values of `default_provider_sort`,
 * `limit_usd` > 0. Rules about state (slug uniqueness, budget ordering, default guardrail
 * names, members) live with the state in server.ts.
 */
import type { ErrorObject } from 'ajv';
import {
  validateAddMembersBody,
  validateCreateWorkspaceBody,
  validateRemoveMembersBody,
  validateUpdateGuardrailBody,
  validateUpdateWorkspaceBody,
  validateUpsertBudgetBody,
} from '../schema/generated/validate-sandbox-request.js';
import type { ValidateFunction } from '../schema/generated/validate-sandbox-request.js';
import { WRITABLE_FIELDS, type WritableField } from '../schema/fields.js';

/** Whether `value` is a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The read-only fields of a `Workspace`, each with what its value breaks (or undefined), for
 * seeds and out-of-band edits.
 */
const READ_ONLY_CHECKS: Readonly<Record<string, (value: unknown) => string | undefined>> = {
  id: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string'),
  default_guardrail_id: (v) =>
    typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string',
  include_byok_in_budgets: (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean'),
  created_at: (v) =>
    typeof v === 'string' && !Number.isNaN(Date.parse(v))
      ? undefined
      : 'must be an ISO 8601 timestamp',
  updated_at: (v) =>
    v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)))
      ? undefined
      : 'must be an ISO 8601 timestamp or null',
  created_by: (v) => (v === null || typeof v === 'string' ? undefined : 'must be a string or null'),
};

/** Read-only fields of a `Workspace`: a body that sets one is told so rather than "unknown". */
const WORKSPACE_READ_ONLY: ReadonlySet<string> = new Set(Object.keys(READ_ONLY_CHECKS));
/** Read-only fields of a `Guardrail`. */
const GUARDRAIL_READ_ONLY = new Set(['id', 'workspace_id', 'created_at', 'updated_at']);

const PROVIDER_SORTS: ReadonlySet<unknown> = new Set(['price', 'throughput', 'latency', 'exacto']);

/** `field/sub` from an ajv instance path (`/field/sub`), or the property a `required`/`additionalProperties` error names. */
function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const named = params.missingProperty ?? params.additionalProperty;
  if (named !== undefined) path.push(named);
  return path.join('/');
}

/** `"io_logging_api_key_ids"[0]`: the top-level key quoted, the rest as an index or `.name`. */
function quoteField(field: string): string {
  const [top = '', ...rest] = field.split('/');
  return `"${top}"${rest.map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`)).join('')}`;
}

/** The most schema messages one answer lists; the rest are counted. */
const MAX_SCHEMA_MESSAGES = 20;

/**
 * One message per ajv error, each starting with the field it is about (`"name" must NOT have
 * more than 100 characters`), each said once, at most {@link MAX_SCHEMA_MESSAGES} of them and
 * then `and N more`: a body of tens of thousands of unknown keys is answered in linear time
 * with a short message. A key the schema does not name is "read-only" when it is one of
 * `readOnly`, else "not a field of `schemaName`".
 */
function describeRequestErrors(
  errors: readonly ErrorObject[] | null | undefined,
  schemaName: string,
  readOnly: ReadonlySet<string> = new Set(),
): string[] {
  // A union type (`type: [string, null]`) fails once per branch; a Set says it once.
  const messages = new Set<string>();
  for (const error of errors ?? []) {
    const field = fieldOf(error);
    const quoted = quoteField(field);
    if (error.keyword === 'required') messages.add(`${quoted} is required`);
    else if (error.keyword === 'additionalProperties') {
      messages.add(
        readOnly.has(field)
          ? `${quoted} is read-only and cannot be set`
          : `${quoted} is not a field of ${schemaName}`,
      );
    } else if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      messages.add(`${quoted} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
    } else messages.add(`${quoted} ${error.message ?? 'is invalid'}`);
  }
  const listed = [...messages];
  if (listed.length <= MAX_SCHEMA_MESSAGES) return listed;
  return [
    ...listed.slice(0, MAX_SCHEMA_MESSAGES),
    `and ${listed.length - MAX_SCHEMA_MESSAGES} more`,
  ];
}

function runSchema(
  validate: ValidateFunction,
  body: unknown,
  schemaName: string,
  readOnly?: ReadonlySet<string>,
): string[] {
  return validate(body) ? [] : describeRequestErrors(validate.errors, schemaName, readOnly);
}

/**
 * The workspace rules the spec states only in prose: `io_logging_sampling_rate` is
 * "(0.0001-1)" and `default_provider_sort` one of "(price, throughput, latency, exacto)".
 */
function checkWorkspaceProse(body: Record<string, unknown>): string[] {
  const issues: string[] = [];
  const rate = body.io_logging_sampling_rate;
  if (typeof rate === 'number' && !(rate >= 0.0001 && rate <= 1)) {
    issues.push('"io_logging_sampling_rate" must be a number from 0.0001 to 1');
  }
  const sort = body.default_provider_sort;
  if (
    sort !== undefined &&
    sort !== null &&
    typeof sort === 'string' &&
    !PROVIDER_SORTS.has(sort)
  ) {
    issues.push(
      '"default_provider_sort" must be one of "price", "throughput", "latency", "exacto", or null',
    );
  }
  return issues;
}

/**
 * Checks a POST or PATCH body of a workspace against `CreateWorkspaceRequest` or
 * `UpdateWorkspaceRequest` and the prose rules. Returns one message per problem, each naming
 * its field; empty when the body is valid.
 */
export function checkRequestBody(
  body: Record<string, unknown>,
  operation: 'create' | 'update',
): string[] {
  const [validate, name] =
    operation === 'create'
      ? [validateCreateWorkspaceBody, 'CreateWorkspaceRequest']
      : [validateUpdateWorkspaceBody, 'UpdateWorkspaceRequest'];
  return [...runSchema(validate, body, name, WORKSPACE_READ_ONLY), ...checkWorkspaceProse(body)];
}

/** Checks a PUT budget body (`UpsertWorkspaceBudgetRequest`; "Must be greater than 0" is prose). */
export function checkBudgetBody(body: Record<string, unknown>): string[] {
  const issues = runSchema(validateUpsertBudgetBody, body, 'UpsertWorkspaceBudgetRequest');
  if (typeof body.limit_usd === 'number' && !(body.limit_usd > 0)) {
    issues.push('"limit_usd" must be greater than 0');
  }
  return issues;
}

/** Checks a PATCH guardrail body (`UpdateGuardrailRequest`). */
export function checkGuardrailBody(body: Record<string, unknown>): string[] {
  return runSchema(
    validateUpdateGuardrailBody,
    body,
    'UpdateGuardrailRequest',
    GUARDRAIL_READ_ONLY,
  );
}

/** Checks a members/add or members/remove body (`user_ids`, 1 to 100 of them). */
export function checkMembersBody(
  body: Record<string, unknown>,
  operation: 'add' | 'remove',
): string[] {
  return operation === 'add'
    ? runSchema(validateAddMembersBody, body, 'BulkAddWorkspaceMembersRequest')
    : runSchema(validateRemoveMembersBody, body, 'BulkRemoveWorkspaceMembersRequest');
}

function isWritable(key: string): key is WritableField {
  return (WRITABLE_FIELDS as readonly string[]).includes(key);
}

/**
 * Checks the fields of a seed or an out-of-band edit: the writable ones by the spec's
 * `UpdateWorkspaceRequest` and its prose rules, the read-only ones (which a seed may set,
 * except `id` when `allowId` is false) by the type `Workspace` gives them. Returns one message
 * per problem, each naming its field.
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
  const writable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (isWritable(key)) {
      writable[key] = value;
      continue;
    }
    let problem: string | undefined;
    if (key === 'id' && !options.allowId) problem = 'cannot be changed';
    else {
      // Own keys only: a field named like an object property (`hasOwnProperty`) is no check.
      const check = Object.hasOwn(READ_ONLY_CHECKS, key) ? READ_ONLY_CHECKS[key] : undefined;
      problem = check === undefined ? 'is not a field of Workspace' : check(value);
    }
    if (problem !== undefined) issues.push(`"${key}" ${problem}`);
  }
  return [
    ...issues,
    ...runSchema(validateUpdateWorkspaceBody, writable, 'Workspace'),
    ...checkWorkspaceProse(writable),
  ];
}
