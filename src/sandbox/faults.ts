/**
 * Fault injection for the sandbox (issue 4, item 7): rules that make chosen requests fail
 * the ways a real API and network do, so that retries, timeouts, bad-response handling and
 * stale-plan checks can be tested and rehearsed. Programmatic for tests
 * (`sandbox.faults.add`), and from a JSON file for `orws sandbox --faults FILE`.
 */
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

const MALFORMED_KINDS: readonly MalformedKind[] = [
  'not-json',
  'wrong-shape',
  'missing-fields',
  'truncated',
];
const RULE_KEYS = [
  '$comment',
  'method',
  'path',
  'query',
  'times',
  'status',
  'body',
  'retryAfter',
  'rateLimitReset',
  'drop',
  'delayMs',
  'malformed',
  'edit',
];
const FILE_KEYS = ['$comment', 'latencyMs', 'rules'];
const EDIT_KEYS = ['target', 'fields'];

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

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function checkHeaderValue(value: unknown): boolean {
  return (typeof value === 'string' && value.length > 0) || isNonNegativeNumber(value);
}

/**
 * Checks one rule, pushing a message per problem (each starting with `where`) to `issues`.
 * Returns the rule without `$comment`, with `method` upper-cased.
 */
function checkRule(value: unknown, where: string, issues: string[]): FaultRule {
  const rule: FaultRule = {};
  if (!isPlainObject(value)) {
    issues.push(`${where}: must be an object`);
    return rule;
  }
  const problem = (key: string, message: string): void => {
    issues.push(`${where}.${key}: ${message}`);
  };
  for (const key of Object.keys(value)) {
    if (!RULE_KEYS.includes(key)) issues.push(`${where}: ${unknownKeyMessage(key, RULE_KEYS)}`);
  }
  const v = value;
  if (v.method !== undefined) {
    if (typeof v.method === 'string' && /^[A-Za-z]+$/.test(v.method)) {
      rule.method = v.method.toUpperCase();
    } else problem('method', 'must be an HTTP method such as "GET" or "PATCH"');
  }
  if (v.path !== undefined) {
    const starAt = typeof v.path === 'string' ? v.path.indexOf('*') : -1;
    if (
      typeof v.path === 'string' &&
      v.path.startsWith('/') &&
      (starAt === -1 || starAt === v.path.length - 1)
    ) {
      rule.path = v.path;
    } else {
      problem(
        'path',
        'must be a path after /api/v1 starting with "/" (e.g. "/workspaces"), with "*" only at its end',
      );
    }
  }
  if (v.query !== undefined) {
    if (isPlainObject(v.query) && Object.values(v.query).every((q) => typeof q === 'string')) {
      rule.query = { ...(v.query as Record<string, string>) };
    } else problem('query', 'must be an object of strings (write "0", not 0)');
  }
  if (v.times !== undefined) {
    if (typeof v.times === 'number' && Number.isSafeInteger(v.times) && v.times >= 0) {
      rule.times = v.times;
    } else problem('times', 'must be an integer of at least 0 (0 means every time)');
  }
  if (v.status !== undefined) {
    if (
      typeof v.status === 'number' &&
      Number.isInteger(v.status) &&
      v.status >= 100 &&
      v.status <= 599
    ) {
      rule.status = v.status;
    } else problem('status', 'must be an HTTP status from 100 to 599');
  }
  if (v.body !== undefined) {
    if (typeof v.body === 'string') rule.body = v.body;
    else problem('body', 'must be a string (the raw reply body)');
  }
  if (v.retryAfter !== undefined) {
    if (checkHeaderValue(v.retryAfter)) rule.retryAfter = v.retryAfter as string | number;
    else problem('retryAfter', 'must be a number of seconds or an HTTP date');
  }
  if (v.rateLimitReset !== undefined) {
    if (checkHeaderValue(v.rateLimitReset))
      rule.rateLimitReset = v.rateLimitReset as string | number;
    else problem('rateLimitReset', 'must be a number or a non-empty string');
  }
  if (v.drop !== undefined) {
    if (typeof v.drop === 'boolean') rule.drop = v.drop;
    else problem('drop', 'must be a boolean');
  }
  if (v.delayMs !== undefined) {
    if (isNonNegativeNumber(v.delayMs)) rule.delayMs = v.delayMs;
    else problem('delayMs', 'must be a number of milliseconds, at least 0');
  }
  if (v.malformed !== undefined) {
    if (MALFORMED_KINDS.includes(v.malformed as MalformedKind)) {
      rule.malformed = v.malformed as MalformedKind;
    } else
      problem('malformed', `must be one of ${MALFORMED_KINDS.map((k) => `"${k}"`).join(', ')}`);
  }
  if (v.edit !== undefined) {
    const edit = checkEdit(v.edit, `${where}.edit`, issues);
    if (edit !== undefined) rule.edit = edit;
  }

  if (
    rule.drop === true &&
    (v.status !== undefined || v.body !== undefined || v.malformed !== undefined)
  ) {
    issues.push(`${where}: "drop" cannot be combined with "status", "body" or "malformed"`);
  }
  if (v.status !== undefined && v.malformed !== undefined) {
    issues.push(`${where}: "status" cannot be combined with "malformed"`);
  }
  if (v.body !== undefined && v.status === undefined) {
    issues.push(`${where}: "body" needs a "status"`);
  }
  const effects = [
    'status',
    'drop',
    'delayMs',
    'malformed',
    'edit',
    'retryAfter',
    'rateLimitReset',
  ];
  if (!effects.some((key) => v[key] !== undefined && v[key] !== false)) {
    issues.push(`${where}: does nothing; give one of ${effects.map((k) => `"${k}"`).join(', ')}`);
  }
  return rule;
}

function checkEdit(
  value: unknown,
  where: string,
  issues: string[],
): { target: string; fields: Partial<Workspace> } | undefined {
  if (!isPlainObject(value)) {
    issues.push(`${where}: must be an object { "target": ID_OR_SLUG, "fields": {...} }`);
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(value)) {
    if (!EDIT_KEYS.includes(key)) issues.push(`${where}: ${unknownKeyMessage(key, EDIT_KEYS)}`);
  }
  if (typeof value.target !== 'string' || value.target.length === 0) {
    issues.push(`${where}.target: must be the id or slug of a workspace`);
  }
  if (!isPlainObject(value.fields)) {
    issues.push(`${where}.fields: must be an object of workspace fields`);
  } else {
    for (const message of checkWorkspaceFields(value.fields, {
      allowId: false,
      requireNameAndSlug: false,
    })) {
      issues.push(`${where}.fields: ${message}`);
    }
  }
  if (issues.length > before) return undefined;
  return {
    target: value.target as string,
    fields: structuredClone(value.fields) as Partial<Workspace>,
  };
}

/**
 * Validates a faults file (`orws sandbox --faults FILE`): an object
 * `{ "latencyMs"?: number, "rules"?: FaultRule[] }` or a bare array of rules. A `$comment`
 * key is allowed at the top and in every rule, to document the file.
 *
 * @param json - the parsed JSON
 * @param source - the file's name, put at the start of every message
 * @throws Error naming `source` and every bad entry (`faults.json: rules[2].status: …`)
 */
export function parseFaults(json: unknown, source: string): FaultsFile {
  const issues: string[] = [];
  let latencyMs: number | undefined;
  let rulesValue: unknown = [];
  if (Array.isArray(json)) {
    rulesValue = json;
  } else if (isPlainObject(json)) {
    for (const key of Object.keys(json)) {
      if (!FILE_KEYS.includes(key)) issues.push(unknownKeyMessage(key, FILE_KEYS));
    }
    if (json.latencyMs !== undefined) {
      if (isNonNegativeNumber(json.latencyMs)) latencyMs = json.latencyMs;
      else issues.push('latencyMs: must be a number of milliseconds, at least 0');
    }
    rulesValue = json.rules ?? [];
  } else {
    issues.push('must be an object { "latencyMs"?, "rules"? } or an array of rules');
  }
  const rules: FaultRule[] = [];
  if (Array.isArray(rulesValue)) {
    rulesValue.forEach((rule: unknown, index) => {
      rules.push(checkRule(rule, `rules[${index}]`, issues));
    });
  } else {
    issues.push('rules: must be an array of fault rules');
  }
  if (issues.length > 0) {
    throw new Error(`${source}: invalid faults:\n${issues.map((i) => `  ${i}`).join('\n')}`);
  }
  return latencyMs === undefined ? { rules } : { latencyMs, rules };
}

/**
 * Validates one rule given in code (`faults` option, `sandbox.faults.add`) with the same
 * checks as a faults file, so that a typo in a test fails loudly rather than never firing.
 */
export function checkFaultRule(rule: FaultRule, source: string): FaultRule {
  const issues: string[] = [];
  const checked = checkRule(rule, 'rule', issues);
  if (issues.length > 0) {
    throw new Error(`${source}: invalid fault:\n${issues.map((i) => `  ${i}`).join('\n')}`);
  }
  return checked;
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
