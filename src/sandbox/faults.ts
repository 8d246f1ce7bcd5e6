/**
 * Fault injection for the sandbox: rules that make chosen requests fail
 * the ways a real API and network do, so that retries, timeouts, bad-response handling and
 * stale-plan checks can be tested and rehearsed. Programmatic for tests
 * (`sandbox.faults.add`), and from a JSON file for `orws sandbox --faults FILE`. The file's
 * rules are stated once, in faults.schema.json, compiled at build time.
 */
import type { ErrorObject } from 'ajv';
import { faultsSchema } from '../schema/generated/faults-schema.js';
import validateFaults from '../schema/generated/validate-faults.js';
import type { Workspace } from '../schema/fields.js';
import { checkWorkspaceFields, isPlainObject } from './validate.js';

/** How a `malformed` fault breaks a successful response body. */
export type MalformedKind = 'not-json' | 'wrong-shape' | 'missing-fields' | 'truncated';

/**
 * One fault. A rule matches a request when its `method`, `path` and `query` (each optional)
 * all match; it then fires `times` times and expires. Rules are checked in the order they
 * were added and the first live match wins, so at most one rule acts on a request.
 *
 * What a firing rule does, in this order: apply `edit`; then either `drop` the connection,
 * or reply with `status`, or handle the request normally (breaking the reply as `malformed`
 * says); `delayMs` (plus the sandbox's latency) passes before the reply or the drop, and
 * `retryAfter` / `rateLimitReset` are sent as headers on the reply.
 *
 * A `status` or `drop` fault replaces the request's handling: nothing is created or
 * changed. A `malformed` or `delayMs` fault does not: the change is made and only the
 * reply is broken or late, as when a proxy or the network fails after the server acted.
 */
export interface FaultRule {
  /** HTTP method to match (any case); any method when absent. */
  method?: string;
  /** The path after `/api/v1`, exactly (`/workspaces`), or a prefix ending in `*` (`/workspaces/*`); any path when absent. */
  path?: string;
  /** Query parameters that must all be present with these values (others may be present too). */
  query?: Record<string, string>;
  /** How many matching requests the rule acts on before it expires: default 1; 0 means every one. */
  times?: number;
  /** Reply with this status and an error body `{"error":{"code","message"}}` (or `body`). */
  status?: number;
  /** The reply body for a `status` fault, sent as is (as JSON when it parses as JSON, else as text). */
  body?: string;
  /** Sent as the `Retry-After` header (seconds, or an HTTP date). */
  retryAfter?: string | number;
  /** Sent as the `X-RateLimit-Reset` header. */
  rateLimitReset?: string | number;
  /** Destroy the connection without any response (recorded with status 0). */
  drop?: boolean;
  /** Wait this many milliseconds before replying, on top of the sandbox's latency. */
  delayMs?: number;
  /** Handle the request, then send its success status with a body broken this way. */
  malformed?: MalformedKind;
  /** An out-of-band change made just before the request is handled, as if someone else made it. */
  edit?: { target: string; fields: Partial<Workspace> };
}

/** The contents of a faults file. */
export interface FaultsFile {
  /** Added to every response, in milliseconds. */
  latencyMs?: number;
  rules: FaultRule[];
}

const RULE_KEYS = Object.keys(ruleSchema().properties ?? {});
const FILE_KEYS = Object.keys((faultsSchema as SchemaNode).properties ?? {});

/** A node of faults.schema.json, as far as the messages need it. */
interface SchemaNode {
  'x-message'?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  [keyword: string]: unknown;
}

function ruleSchema(): SchemaNode {
  return (faultsSchema as SchemaNode).properties?.rules?.items ?? {};
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined
    ? `unknown key "${key}"`
    : `unknown key "${key}" (did you mean "${best}"?)`;
}

/** `rules[2].edit.target` from instance path segments. */
function placeOf(segments: readonly string[]): string {
  return segments
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** Keywords whose next segment names a child schema. */
const NAMED_CHILD = new Set(['properties', '$defs', 'allOf', 'anyOf', 'oneOf', 'dependentSchemas']);
/** Keywords whose schema applies to a part of the instance (one level down). */
const DESCENDS = new Set(['properties', 'items', 'additionalProperties']);

/**
 * The message of one ajv error: the `x-message` of the deepest schema on its path that has
 * one, placed at the instance that schema describes. Unknown keys get a "did you mean".
 */
function describeFaultError(error: ErrorObject): string {
  const instance = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  const params = error.params as { additionalProperty?: string; missingProperty?: string };
  const atRule = instance.length === 2 && instance[0] === 'rules';
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    const known = instance.length === 0 ? FILE_KEYS : atRule ? RULE_KEYS : ['target', 'fields'];
    const message = unknownKeyMessage(params.additionalProperty, known);
    return instance.length === 0 ? message : `${placeOf(instance)}: ${message}`;
  }
  const segments = error.schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean);
  segments.pop(); // the failing keyword itself
  let node: SchemaNode = faultsSchema;
  let depth = 0;
  let found: { message: string; depth: number } | undefined =
    node['x-message'] === undefined ? undefined : { message: node['x-message'], depth: 0 };
  for (let i = 0; i < segments.length; i++) {
    const keyword = segments[i] ?? '';
    const container = node[keyword] as Record<string, SchemaNode> | SchemaNode | undefined;
    if (container === undefined) break;
    if (NAMED_CHILD.has(keyword)) {
      i += 1;
      node = (container as Record<string, SchemaNode>)[segments[i] ?? ''] ?? {};
    } else node = container;
    if (DESCENDS.has(keyword)) depth += 1;
    if (node['x-message'] !== undefined) found = { message: node['x-message'], depth };
  }
  if (error.keyword === 'required' && params.missingProperty !== undefined) {
    const property = node.properties?.[params.missingProperty];
    const message = property?.['x-message'] ?? 'is required';
    return `${placeOf([...instance, params.missingProperty])}: ${message}`;
  }
  const message = found?.message ?? error.message ?? 'is invalid';
  const place = placeOf(instance.slice(0, found?.depth ?? instance.length));
  return place === '' ? message : `${place}: ${message}`;
}

/**
 * Checks a faults document against faults.schema.json (where every rule of the file is
 * stated), then the workspace fields of each `edit` against the spec's rules. Returns the
 * messages, one per problem, in the order found.
 */
function checkFaultsDocument(document: unknown): string[] {
  const issues: string[] = [];
  if (!validateFaults(document)) {
    for (const error of validateFaults.errors ?? []) {
      // `if`/`then` and the branches of an `anyOf` report again what their parent reports.
      if (error.keyword === 'if') continue;
      if (/\/anyOf\/\d+\//.test(error.schemaPath)) continue;
      const message = describeFaultError(error);
      if (!issues.includes(message)) issues.push(message);
    }
  }
  const rules = isPlainObject(document) && Array.isArray(document.rules) ? document.rules : [];
  rules.forEach((rule: unknown, index) => {
    if (!isPlainObject(rule) || !isPlainObject(rule.edit) || !isPlainObject(rule.edit.fields)) {
      return;
    }
    const fields = rule.edit.fields;
    for (const message of checkWorkspaceFields(fields, {
      allowId: false,
      requireNameAndSlug: false,
    })) {
      issues.push(`rules[${index}].edit.fields: ${message}`);
    }
  });
  // The file's own problems first, then rule by rule (a stable sort keeps each rule's order).
  const ruleOf = (issue: string): number => Number(/^rules\[(\d+)\]/.exec(issue)?.[1] ?? -1);
  return issues.sort((a, b) => ruleOf(a) - ruleOf(b));
}

/** A checked rule as the sandbox keeps it: without `$comment`, `method` upper-cased, `edit` copied. */
function normalizeRule(value: Record<string, unknown>): FaultRule {
  const rule = structuredClone(value) as FaultRule & { $comment?: string };
  delete rule.$comment;
  if (rule.method !== undefined) rule.method = rule.method.toUpperCase();
  return rule;
}

/**
 * Validates a faults file (`orws sandbox --faults FILE`): an object
 * `{ "latencyMs"?: number, "rules"?: FaultRule[] }` or a bare array of rules, by
 * faults.schema.json. A `$comment` key is allowed at the top and in every rule.
 *
 * @param json - the parsed JSON
 * @param source - the file's name, put at the start of every message
 * @throws Error naming `source` and every bad entry (`faults.json: rules[2].status: …`)
 */
export function parseFaults(json: unknown, source: string): FaultsFile {
  const document: unknown = Array.isArray(json) ? { rules: json } : json;
  const issues = checkFaultsDocument(document);
  if (issues.length > 0) {
    throw new Error(`${source}: invalid faults:\n${issues.map((i) => `  ${i}`).join('\n')}`);
  }
  const file = document as { latencyMs?: number; rules?: Record<string, unknown>[] };
  const rules = (file.rules ?? []).map(normalizeRule);
  return file.latencyMs === undefined ? { rules } : { latencyMs: file.latencyMs, rules };
}

/**
 * Validates one rule given in code (`faults` option, `sandbox.faults.add`) with the same
 * checks as a faults file, so that a typo in a test fails loudly rather than never firing.
 */
export function checkFaultRule(rule: FaultRule, source: string): FaultRule {
  const issues = checkFaultsDocument({ rules: [rule] }).map((issue) =>
    issue.replace(/^rules\[0\]/, 'rule'),
  );
  if (issues.length > 0) {
    throw new Error(`${source}: invalid fault:\n${issues.map((i) => `  ${i}`).join('\n')}`);
  }
  return normalizeRule(rule as unknown as Record<string, unknown>);
}

/** The live rules, in order, each with how many more times it fires (Infinity for `times: 0`). */
export class FaultList {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  /** Appends a rule (already checked). */
  add(rule: FaultRule): void {
    const times = rule.times ?? 1;
    this.rules.push({ rule, remaining: times === 0 ? Number.POSITIVE_INFINITY : times });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /**
   * The first live rule that matches the request, counting one firing against it (and
   * dropping it once spent); undefined when none matches.
   */
  take(
    method: string,
    path: string,
    query: Readonly<Record<string, string>>,
  ): FaultRule | undefined {
    const index = this.rules.findIndex(({ rule }) => matches(rule, method, path, query));
    const entry = index === -1 ? undefined : this.rules[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.rules.splice(index, 1);
    return entry.rule;
  }
}

function matches(
  rule: FaultRule,
  method: string,
  path: string,
  query: Readonly<Record<string, string>>,
): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false;
  if (rule.path !== undefined) {
    const ok = rule.path.endsWith('*')
      ? path.startsWith(rule.path.slice(0, -1))
      : path === rule.path;
    if (!ok) return false;
  }
  if (rule.query !== undefined) {
    for (const [key, value] of Object.entries(rule.query)) {
      if (query[key] !== value) return false;
    }
  }
  return true;
}

/** A reply about to be sent. */
export interface Reply {
  status: number;
  contentType: string;
  text: string;
  headers: Record<string, string>;
}

/** What a `not-json` fault sends: the page a CDN's bot check shows instead of the API's JSON. */
export const NOT_JSON_BODY =
  '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser before accessing openrouter.ai.</body></html>';

/** The fields a `missing-fields` fault removes from every workspace in the reply. */
export const MISSING_FIELDS: readonly string[] = ['name', 'io_logging_sampling_rate', 'updated_at'];

/**
 * Breaks a reply as a `malformed` fault says. The status becomes the reply's own success
 * status (200, or 201 for a create), or 200 when the request itself failed.
 *
 * - `not-json`: an HTML page (`text/html`).
 * - `wrong-shape`: the envelope is lost: `{data: X}` becomes bare `X` (a list page becomes
 *   a bare array, a workspace lacks `data`), anything else is wrapped in an array.
 * - `missing-fields`: every workspace in `data` lacks `name`, `io_logging_sampling_rate`
 *   and `updated_at`; a reply without `data` becomes `{}`.
 * - `truncated`: the first half of the JSON text, with a matching Content-Length.
 */
export function malformReply(reply: Reply, kind: MalformedKind): Reply {
  const status = reply.status >= 200 && reply.status < 300 ? reply.status : 200;
  const json = (value: unknown): Reply => ({
    ...reply,
    status,
    contentType: 'application/json',
    text: JSON.stringify(value),
  });
  switch (kind) {
    case 'not-json':
      return { ...reply, status, contentType: 'text/html; charset=utf-8', text: NOT_JSON_BODY };
    case 'truncated':
      return {
        ...reply,
        status,
        text: reply.text.slice(0, Math.max(1, Math.floor(reply.text.length / 2))),
      };
    case 'wrong-shape': {
      const value: unknown = JSON.parse(reply.text);
      return json(isPlainObject(value) && 'data' in value ? value.data : [value]);
    }
    case 'missing-fields': {
      const value: unknown = JSON.parse(reply.text);
      if (!isPlainObject(value) || !('data' in value)) return json({});
      const strip = (workspace: unknown): unknown => {
        if (!isPlainObject(workspace)) return workspace;
        const copy = { ...workspace };
        for (const field of MISSING_FIELDS) Reflect.deleteProperty(copy, field);
        return copy;
      };
      const data = Array.isArray(value.data) ? value.data.map(strip) : strip(value.data);
      return json({ ...value, data });
    }
  }
}
