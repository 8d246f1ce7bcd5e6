/**
 * The pieces of src/api's error messages. Every function returns a complete string:
 * a missing value is left out of the sentence, never printed as "undefined".
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorObject } from 'ajv';
import type { AttemptFailure } from './retry.js';
import { cutText, escapeText, foreignText, scrubbedStart } from '../safe-text.js';
import { MANAGEMENT_KEY_VARIABLE } from './settings.js';

/** How much of an unexpected body a message shows. */
export const EXCERPT_LENGTH = 200;

/** How much of a server's own text (an error message, a redirect target) a message shows. */
export const FOREIGN_TEXT_LENGTH = 300;

/**
 * The start of `text` as a quoted string: key fragments scrubbed, at most `EXCERPT_LENGTH`
 * characters, control and invisible characters escaped (so a body cannot move the cursor or
 * colour a terminal), `…` after the quote when cut.
 */
export function excerpt(text: string, secret: string): string {
  const scrubbed = scrubbedStart(text, secret, EXCERPT_LENGTH);
  if (scrubbed.length <= EXCERPT_LENGTH) return escapeText(JSON.stringify(scrubbed));
  const kept = cutText(scrubbed, EXCERPT_LENGTH).replace(/…$/, '');
  return `${escapeText(JSON.stringify(kept))}…`;
}

/** `404 Not Found`: the status and its reason phrase (the server's, shown safely, else the standard one). */
export function statusLine(status: number, statusText: string, secret: string): string {
  const phrase = foreignText(statusText.trim(), secret, 60) || STATUS_CODES[status] || '';
  return phrase ? `${String(status)} ${phrase}` : String(status);
}

/**
 * OpenRouter's `error.message` when `body` is the documented `{"error":{"code","message"}}`,
 * shown safely; undefined for any other body.
 */
export function readApiMessage(body: string, secret: string): string | undefined {
  if (body.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && isRecord(parsed.error)) {
      const message = parsed.error.message;
      if (typeof message === 'string' && message.trim() !== '')
        return foreignText(message, secret, FOREIGN_TEXT_LENGTH);
    }
  } catch {
    // not JSON: not the API's error body
  }
  return undefined;
}

/** A response read to the end. */
export interface Answer {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
}

/** A failed attempt: `retry` is set when another attempt may help; `head` is the message's core. */
export interface Failure {
  head: string;
  /** `429 Too Many Requests`, when the failure is an HTTP answer. */
  line?: string;
  retry?: AttemptFailure;
  status?: number;
  apiMessage?: string;
  cause?: unknown;
}

/**
 * An HTTP answer that is not a success, as a failure: a redirect (never followed, never
 * retried, its target shown safely), or a status with what the server said about it.
 */
export function describeAnswer(answer: Answer, apiKey: string): Failure {
  const line = statusLine(answer.status, answer.statusText, apiKey);
  if (answer.status >= 300 && answer.status < 400) {
    const target = answer.headers.get('location');
    const where = target === null ? 'elsewhere' : `to ${excerpt(target, apiKey)}`;
    return {
      head: `${line} ${where}: orws does not follow redirects (the key would go along); check the base URL`,
      status: answer.status,
    };
  }
  const apiMessage = readApiMessage(answer.body, apiKey);
  const said = apiMessage ?? (answer.body.trim() === '' ? undefined : excerpt(answer.body, apiKey));
  let hint = '';
  if (answer.status === 401) hint = `; check ${MANAGEMENT_KEY_VARIABLE}`;
  if (answer.status === 403)
    hint = '; a management key is needed (a regular API key cannot manage workspaces)';
  return {
    head: `${line}${said === undefined ? '' : `: ${said}`}${hint}`,
    line,
    status: answer.status,
    retry: { kind: 'status', status: answer.status, headers: answer.headers },
    ...(apiMessage === undefined ? {} : { apiMessage }),
  };
}

/** `12.5 s`, `0.2 s`, `30 s`: a duration in ms, in seconds, without noise digits. */
export function formatSeconds(ms: number): string {
  return `${String(Number((ms / 1000).toFixed(3)))} s`;
}

/**
 * The first failing field of a response, as a reader would name it:
 * `data[3].slug must be string (got 42)`, `data[0].name is missing`, `total_count must be integer`.
 */
export function describeSchemaError(error: ErrorObject | undefined, data: unknown): string {
  if (!error) return 'the response does not have the documented shape';
  const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
  const where = formatPath(segments);
  const params: Record<string, unknown> = error.params;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return `${formatPath([...segments, params.missingProperty])} is missing`;
  }
  const got = describeValue(valueAt(data, segments));
  if (error.keyword === 'type') {
    const expected = Array.isArray(params.type) ? params.type : String(params.type).split(',');
    return `${where} must be ${expected.map(String).join(' or ')} (got ${got})`;
  }
  return `${where} ${error.message ?? 'is not valid'} (got ${got})`;
}

function formatPath(segments: readonly string[]): string {
  if (segments.length === 0) return 'the response body';
  let out = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function valueAt(data: unknown, segments: readonly string[]): unknown {
  let value = data;
  for (const segment of segments) {
    if (Array.isArray(value)) value = value[Number(segment)];
    else if (isRecord(value)) value = value[segment];
    else return undefined;
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Whether `value` is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
