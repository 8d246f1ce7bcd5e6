/**
 * Turns the errors of the config JSON Schema into messages a person can act on. The schema
 * (schema/workspaces.schema.json) decides what is wrong; this module only says it well:
 * it names the field, shows the offending value and, where it can, says what to write.
 * Pure: no I/O.
 */
import type { ErrorObject } from 'ajv';
import { configSchema } from './generated/config-schema.js';
import { READ_ONLY_FIELDS } from './fields.js';

/**
 * One schema error, ready to be placed in a file. `path` is the JSON path of the value at
 * fault (segments, array indices as decimal strings). With `key`, the fault is that key of
 * the mapping at `path` (an unknown or read-only key), and the position to report is the
 * key's; without it, the position is the value's.
 */
export interface SchemaIssue {
  path: readonly string[];
  key?: string;
  message: string;
}

const definitions = asRecord(configSchema.definitions);
const ROOT_KEYS = Object.keys(asRecord(configSchema.properties));
const ENTRY_KEYS = Object.keys(asRecord(asRecord(definitions.workspace).properties));
const READ_ONLY = new Set(READ_ONLY_FIELDS);

/**
 * How many unknown keys of one mapping are reported one by one; the rest are counted in one
 * "and N more" issue. Each reported key is looked up in its mapping, so an unbounded number
 * would make a mapping of many unknown keys cost quadratic time.
 */
export const MAX_UNKNOWN_KEYS_PER_MAPPING = 20;

/** Keys of the guardrail block that the API knows but a config may not set, and what to do instead. */
const GUARDRAIL_REFUSED_KEYS: Readonly<Record<string, string>> = {
  name: 'read-only key "name": the default guardrail\'s name is derived from its workspace and cannot be changed; remove it',
  enforce_zdr:
    'deprecated key "enforce_zdr": use enforce_zdr_openai, enforce_zdr_anthropic, enforce_zdr_google, enforce_zdr_xai and enforce_zdr_other',
  include_byok_in_budgets:
    '"include_byok_in_budgets" is not set on the guardrail: set budgets.include_byok (the workspace-wide flag)',
};

/** Why a whole block cannot be null, and what to write instead. */
const NULL_BLOCK_MESSAGES: Readonly<Record<string, string>> = {
  budgets:
    'budgets cannot be null: remove the key to leave budgets unmanaged; set each interval to null to remove its budget',
  guardrail:
    'guardrail cannot be null: remove the key to leave the guardrail unmanaged; set each of its keys to null to clear it',
  members:
    'members cannot be null: remove the key to leave membership unmanaged; write [] for a workspace with no members',
};

/** What a pattern means, per field, for the fields whose schema has one. */
const PATTERN_MEANINGS: Readonly<Record<string, string>> = {
  slug: 'must be lowercase letters and digits in hyphen-separated segments',
  id: 'must be a workspace UUID such as 550e8400-e29b-41d4-a716-446655440000',
};

const MAX_SHOWN_CHARS = 60;

/**
 * Describes each schema error as a {@link SchemaIssue}, in the order given. `data` is the
 * document that was validated; it supplies the offending values (`(got 1.5)`). `writtenAt`
 * may give the source text of a number or boolean, shown instead of its value (`550e8400`
 * is a number in YAML, and `(got .inf)` would puzzle whoever wrote it). An error
 * about a list with repeated items becomes one issue per repeated value, at its second
 * occurrence, because ajv stops at the first pair.
 */
export function describeSchemaErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  writtenAt: (path: readonly string[]) => string | undefined = () => undefined,
): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const unknownKeys = new Map<string, number>();
  for (const error of errors) {
    const path = parseInstancePath(error.instancePath);
    if (error.keyword === 'additionalProperties') {
      const count = (unknownKeys.get(error.instancePath) ?? 0) + 1;
      unknownKeys.set(error.instancePath, count);
      if (count > MAX_UNKNOWN_KEYS_PER_MAPPING) continue;
    }
    const value = valueAt(data, path);
    if (error.keyword === 'uniqueItems' && Array.isArray(value)) {
      issues.push(...describeRepeatedItems(path, value));
    } else {
      issues.push(describeSchemaError(error, path, value, writtenAt));
    }
  }
  for (const [instancePath, count] of unknownKeys) {
    if (count <= MAX_UNKNOWN_KEYS_PER_MAPPING) continue;
    const more = count - MAX_UNKNOWN_KEYS_PER_MAPPING;
    issues.push({
      path: parseInstancePath(instancePath),
      message: `and ${more} more unknown key${more === 1 ? '' : 's'} in this mapping (only the first ${MAX_UNKNOWN_KEYS_PER_MAPPING} are listed)`,
    });
  }
  return issues;
}

/**
 * Suggests the candidate a mistyped key most likely meant: the nearest by edit distance
 * (at most 2, ignoring case and `-`/`_`), else the one it is a prefix of (or that is a
 * prefix of it). Undefined when nothing is close enough to be a good guess.
 */
export function suggestKey(key: string, candidates: readonly string[]): string | undefined {
  const wanted = normalizeKey(key);
  if (wanted === '') return undefined;
  let best: string | undefined;
  // At most 2 edits, and fewer edits than the key has characters ("x" is not a typo of "id").
  let bestDistance = Math.min(3, wanted.length);
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalizeKey(candidate), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  if (wanted.length < 3) return undefined;
  return candidates.find((candidate) => {
    const normalized = normalizeKey(candidate);
    return normalized.startsWith(wanted) || wanted.startsWith(normalized);
  });
}

/**
 * Shows a value as it would be written in the config: strings quoted (and cut short),
 * numbers as written, `null`, `.nan`, `.inf`; collections by kind. Never "undefined".
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string': {
      const chars = Array.from(value);
      const shown =
        chars.length > MAX_SHOWN_CHARS ? `${chars.slice(0, MAX_SHOWN_CHARS).join('')}…` : value;
      return JSON.stringify(shown);
    }
    case 'number':
      if (Number.isNaN(value)) return '.nan';
      if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
      return String(value);
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'nothing';
    case 'object':
      if (Array.isArray(value)) return 'a list';
      if (value instanceof Date) return 'a timestamp';
      if (value instanceof Map) return 'an ordered mapping';
      if (value instanceof Set) return 'a set';
      if (ArrayBuffer.isView(value)) return 'binary data';
      return 'a mapping';
    default:
      return 'a value of another kind';
  }
}

function describeSchemaError(
  error: ErrorObject,
  path: readonly string[],
  value: unknown,
  writtenAt: (path: readonly string[]) => string | undefined,
): SchemaIssue {
  const params = error.params as Record<string, unknown>;
  const got =
    (typeof value === 'number' || typeof value === 'boolean' ? writtenAt(path) : undefined) ??
    describeValue(value);
  const label = labelOf(path);
  const schema = schemaAt(path);
  switch (error.keyword) {
    case 'additionalProperties':
      return describeExtraKey(
        path,
        typeof params.additionalProperty === 'string' ? params.additionalProperty : '',
      );
    case 'required':
      return {
        path,
        message: describeMissingKey(
          path,
          typeof params.missingProperty === 'string' ? params.missingProperty : '',
        ),
      };
    case 'type':
      return {
        path,
        message: describeWrongType(path, label, expectedTypes(params.type), value, got),
      };
    case 'const':
      return {
        path,
        message: `${label} must be ${describeValue(params.allowedValue)} (got ${got})`,
      };
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues)
        ? params.allowedValues.map(describeAllowed)
        : [];
      return { path, message: `${label} must be one of ${joinOr(allowed)} (got ${got})` };
    }
    case 'minLength':
    case 'maxLength': {
      // Lengths count UTF-16 code units (the validator is built with unicode: false), the
      // stricter of the readings the API may use: an emoji counts 2.
      const length = typeof value === 'string' ? value.length : 0;
      const astral = typeof value === 'string' && Array.from(value).length !== length;
      const units = astral ? ', counted in UTF-16 code units: an emoji counts 2' : '';
      return {
        path,
        message: `${label} must be ${describeBounds(schema.minLength, schema.maxLength, 'characters')} (got ${length})${units}`,
      };
    }
    case 'minimum':
    case 'maximum':
      return {
        path,
        message: `${label} must be ${describeRange(schema.minimum, schema.maximum)} (got ${got})`,
      };
    case 'exclusiveMinimum':
      return {
        path,
        message: `${label} must be greater than ${describeValue(params.limit)} (got ${got})`,
      };
    case 'minItems':
      return {
        path,
        message: `${label} must hold at least ${describeValue(params.limit)} item (null clears it)`,
      };
    case 'pattern': {
      if (path[path.length - 2] === 'members') {
        return {
          path,
          message: `member ${describeValue(value)} is neither an email address (name@example.com) nor a user ID (user_…)`,
        };
      }
      const meaning = PATTERN_MEANINGS[label] ?? `must match ${describeValue(params.pattern)}`;
      const hint = label === 'slug' && typeof value === 'string' ? suggestSlug(value) : undefined;
      const suffix = hint === undefined ? '' : ` (for example "${hint}")`;
      return { path, message: `${label} ${describeValue(value)} ${meaning}${suffix}` };
    }
    default:
      return { path, message: `${label} ${error.message ?? 'is invalid'}` };
  }
}

/** The name a message uses for the value at `path`. */
function labelOf(path: readonly string[]): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the file';
  if (path.length === 2 && path[0] === 'workspaces') return 'each entry of workspaces';
  if (isIndex(last)) return `${path[path.length - 2] ?? 'list'} items`;
  return last;
}

/**
 * The schema of the value at `path`, following `$ref`s, properties and list items; empty
 * when the path leaves the schema (an unknown key). The one place that knows which rules
 * apply where: a `description` in a guardrail is not a workspace's description.
 */
function schemaAt(path: readonly string[]): Record<string, unknown> {
  let schema = resolveRef(configSchema);
  for (const segment of path) {
    const next: unknown = isIndex(segment) ? schema.items : asRecord(schema.properties)[segment];
    schema = resolveRef(asRecord(next));
  }
  return schema;
}

function resolveRef(schema: Record<string, unknown>): Record<string, unknown> {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = /^#\/definitions\/(.+)$/.exec(ref)?.[1];
  return name === undefined ? {} : { ...asRecord(definitions[name]), ...schema };
}

/** ` in budgets`, ` in guardrail`…: where an unknown key of a nested block is. */
function inBlock(path: readonly string[]): string {
  const named = [...path].reverse().find((segment) => !isIndex(segment));
  return named === undefined || named === 'workspaces' ? '' : ` in ${named}`;
}

function describeExtraKey(path: readonly string[], key: string): SchemaIssue {
  const shown = JSON.stringify(key);
  if (path.length === 0) {
    const guess = suggestKey(key, ROOT_KEYS);
    const tail =
      guess === undefined
        ? `; the top level holds only ${joinAnd(ROOT_KEYS)}`
        : ` (did you mean "${guess}"?)`;
    return { path, key, message: `unknown top-level key ${shown}${tail}` };
  }
  const parent = path[path.length - 1];
  if (parent === 'guardrail') {
    const refused = GUARDRAIL_REFUSED_KEYS[key];
    if (refused !== undefined) return { path, key, message: refused };
  }
  if (parent === 'budgets' && key === 'include_byok_in_budgets') {
    return {
      path,
      key,
      message: 'unknown key "include_byok_in_budgets" (did you mean "include_byok"?)',
    };
  }
  if (key === 'label' && path[path.length - 2] === 'content_filter_builtins') {
    return {
      path,
      key,
      message:
        'the label of a builtin content filter is assigned by the API and cannot be set; remove it',
    };
  }
  if (key === 'include_byok_in_budgets' && path[0] === 'workspaces' && path.length === 2) {
    return {
      path,
      key,
      message: `read-only key ${shown} on the workspace: set budgets.include_byok instead`,
    };
  }
  if (READ_ONLY.has(key) && path.length <= 2) {
    return { path, key, message: `read-only key ${shown}: the API sets it; remove it` };
  }
  if (key === '<<') {
    return {
      path,
      key,
      message: 'merge keys (<<) are not supported; put shared values in defaults',
    };
  }
  const inDefaults = path.length === 1 && path[0] === 'defaults';
  if (inDefaults && ENTRY_KEYS.includes(key)) {
    return { path, key, message: `${shown} cannot be set in defaults; set it on each entry` };
  }
  // Only the keys this mapping may hold are candidates: few, so suggesting stays linear.
  const guess = suggestKey(key, Object.keys(asRecord(schemaAt(path).properties)));
  const where = inDefaults ? ' in defaults' : inBlock(path);
  const tail = guess === undefined ? '' : ` (did you mean "${guess}"?)`;
  return { path, key, message: `unknown key ${shown}${where}${tail}` };
}

function describeMissingKey(path: readonly string[], key: string): string {
  if (path.length === 0 && key === 'version')
    return 'missing "version": add "version: 1" at the top of the file';
  if (path.length === 0 && key === 'workspaces') {
    return 'missing "workspaces": list the workspaces this file manages (workspaces: [] for none)';
  }
  if (path[0] === 'workspaces' && key === 'slug' && path.length === 2)
    return 'entry is missing "slug": every workspace needs one';
  const list = path[path.length - 2];
  if (list === 'content_filter_builtins')
    return `each entry of content_filter_builtins needs "slug" and "action": missing ${JSON.stringify(key)}`;
  if (list === 'content_filters')
    return `each entry of content_filters needs "pattern" and "action": missing ${JSON.stringify(key)}`;
  return `missing ${JSON.stringify(key)}`;
}

function describeWrongType(
  path: readonly string[],
  label: string,
  expected: readonly string[],
  value: unknown,
  got: string,
): string {
  const isField =
    (path.length === 2 && path[0] === 'defaults') ||
    (path.length === 3 && path[0] === 'workspaces');
  const nullBlock = NULL_BLOCK_MESSAGES[label];
  if (value === null && isField && nullBlock !== undefined) return nullBlock;
  if (value === null && isField)
    return `${label} cannot be null (remove the key to leave it unmanaged)`;
  if (expected.includes('boolean') && typeof value === 'string') {
    return `${label}: ${describeValue(value)} is not a boolean; write true or false`;
  }
  const numeric = expected.includes('number') || expected.includes('integer');
  let hint = '';
  if (numeric && typeof value === 'string' && isNumeric(value)) hint = '; remove the quotes';
  else if (
    !numeric &&
    expected.includes('string') &&
    (typeof value === 'number' || typeof value === 'boolean')
  ) {
    hint = '; put it in quotes to make it a string';
  }
  const last = path[path.length - 1];
  if (last !== undefined && isIndex(last) && path.length > 2) {
    return `${path[path.length - 2] ?? 'list'} must hold only ${joinOr(expected.map(describeTypePlural))} (got ${got})${hint}`;
  }
  if (label === 'each entry of workspaces') {
    return `${label} must be a mapping with at least slug (got ${got})`;
  }
  return `${label} must be ${joinOr(expected.map(describeType))} (got ${got})${hint}`;
}

function describeRepeatedItems(path: readonly string[], items: readonly unknown[]): SchemaIssue[] {
  const label = labelOf(path);
  const seen = new Map<unknown, { count: number; second: number }>();
  for (const [index, item] of items.entries()) {
    const entry = seen.get(item);
    if (entry === undefined) seen.set(item, { count: 1, second: -1 });
    else {
      entry.count += 1;
      if (entry.second < 0) entry.second = index;
    }
  }
  const issues: SchemaIssue[] = [];
  for (const [item, { count, second }] of seen) {
    if (count < 2) continue;
    const times = count === 2 ? 'twice' : `${count} times`;
    issues.push({
      path: [...path, String(second)],
      message: `${label} has ${describeValue(item)} ${times}; list each value once`,
    });
  }
  return issues;
}

function describeType(type: string): string {
  switch (type) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return type;
  }
}

function describeTypePlural(type: string): string {
  switch (type) {
    case 'integer':
      return 'integers';
    case 'string':
      return 'strings';
    case 'number':
      return 'numbers';
    default:
      return describeType(type);
  }
}

function describeAllowed(value: unknown): string {
  return typeof value === 'string' ? value : describeValue(value);
}

function describeBounds(min: unknown, max: unknown, unit: string): string {
  if (typeof min === 'number' && min > 0 && typeof max === 'number')
    return `${min} to ${max} ${unit}`;
  if (typeof max === 'number') return `at most ${max} ${unit}`;
  if (typeof min === 'number') return `at least ${min} ${unit}`;
  return `of a valid length`;
}

function describeRange(min: unknown, max: unknown): string {
  if (typeof min === 'number' && typeof max === 'number') return `between ${min} and ${max}`;
  if (typeof max === 'number') return `at most ${max}`;
  if (typeof min === 'number') return `at least ${min}`;
  return 'in range';
}

function expectedTypes(type: unknown): string[] {
  if (typeof type === 'string') return type.split(',');
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

/** A slug that matches the pattern, made from what was written; undefined if nothing is left. */
function suggestSlug(value: string): string | undefined {
  const slug = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return slug === '' || slug === value ? undefined : slug;
}

function joinOr(items: readonly string[]): string {
  return joinWith(items, 'or');
}

function joinAnd(items: readonly string[]): string {
  return joinWith(items, 'and');
}

function joinWith(items: readonly string[], word: string): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1] ?? ''}`;
}

function isIndex(segment: string): boolean {
  return /^\d+$/.test(segment);
}

function isNumeric(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-\s]/g, '_');
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length] ?? limit, limit);
}

/** `/workspaces/0/name` → `['workspaces', '0', 'name']` (JSON Pointer unescaping). */
function parseInstancePath(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const segment of path) {
    if (Array.isArray(value)) value = value[Number(segment)];
    else if (typeof value === 'object' && value !== null && Object.hasOwn(value, segment)) {
      value = (value as Record<string, unknown>)[segment];
    } else return undefined;
  }
  return value;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
