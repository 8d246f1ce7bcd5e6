/**
 * The pieces of src/remote's error messages. Every function returns a complete string:
 * a missing value is left out of the sentence, never printed as "undefined".
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorObject } from 'ajv';

/** How much of an unexpected body a message shows. */
export const EXCERPT_LENGTH = 200;

/**
 * The start of `text` as a quoted string: at most `EXCERPT_LENGTH` characters, control
 * characters escaped (so a body cannot move the cursor or colour a terminal), `…` when cut.
 */
export function excerpt(text: string): string {
  const cut = text.length > EXCERPT_LENGTH;
  const quoted = JSON.stringify(cut ? text.slice(0, EXCERPT_LENGTH) : text).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut ? `${quoted}…` : quoted;
}

/** `404 Not Found`: the status and its reason phrase (the server's, else the standard one). */
export function statusLine(status: number, statusText: string): string {
  const phrase = statusText.trim() || STATUS_CODES[status] || '';
  return phrase ? `${String(status)} ${phrase}` : String(status);
}

/**
 * What the API said about an error: OpenRouter's `error.message` when the body is the
 * documented `{"error":{"code","message"}}`, else an excerpt of whatever the body is, else
 * nothing.
 */
export function readApiMessage(body: string): string | undefined {
  if (body.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && isRecord(parsed.error)) {
      const message = parsed.error.message;
      if (typeof message === 'string' && message.trim() !== '') return message;
    }
  } catch {
    // not JSON: show it as it is
  }
  return excerpt(body);
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
