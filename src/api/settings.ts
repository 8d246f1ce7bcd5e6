/**
 * The two settings that decide where the management key goes: the key itself and the base
 * URL it is sent to. Both are checked before any request is made.
 */
import { UsageError } from '../errors.js';

/** The API root orws talks to unless told otherwise (`--base-url`, `OPENROUTER_BASE_URL`). */
export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

/** The environment variable that holds the management key; the only place orws reads it from. */
export const MANAGEMENT_KEY_VARIABLE = 'OPENROUTER_MANAGEMENT_KEY';

/**
 * Reads the management key from `env` (pass `process.env`). Surrounding whitespace is
 * dropped (a key pasted with a newline still works).
 *
 * @throws UsageError naming the variable when it is missing or empty, or when the key holds
 *   characters an HTTP header cannot carry. The key itself is never part of the message.
 */
export function readManagementKey(env: Record<string, string | undefined>): string {
  const key = env[MANAGEMENT_KEY_VARIABLE]?.trim() ?? '';
  if (key === '') {
    throw new UsageError(
      `${MANAGEMENT_KEY_VARIABLE} is not set: export a management key (https://openrouter.ai/settings/management-keys)`,
    );
  }
  assertHeaderSafeKey(key);
  return key;
}

/**
 * Refuses a key that cannot be sent as `Authorization: Bearer <key>`. Checked here because
 * fetch's own complaint about an invalid header value quotes the value, key included.
 */
export function assertHeaderSafeKey(key: string): void {
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new UsageError(
      `${MANAGEMENT_KEY_VARIABLE} is not a valid key: it holds spaces, control or non-ASCII characters`,
    );
  }
}

/**
 * Checks a base URL and returns it without trailing slashes
 * (`https://openrouter.ai/api/v1/` → `https://openrouter.ai/api/v1`).
 *
 * Refused: anything that is not an absolute URL; schemes other than `https` and `http`;
 * `http` unless the host is loopback (`localhost`, `127.0.0.0/8`, `[::1]`), since the key
 * would travel in clear text; user info, query or fragment (a base URL has no use for them,
 * and user info would be printed in messages).
 *
 * @throws UsageError saying which rule the URL breaks.
 */
export function checkBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new UsageError(
      `the base URL ${JSON.stringify(url)} is not a URL (example: https://openrouter.ai/api/v1)`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new UsageError('the base URL must not contain a user name or password');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`the base URL must use https:// (${parsed.protocol} is not supported)`);
  }
  const shown = `${parsed.origin}${parsed.pathname}`;
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    throw new UsageError(
      `refusing the base URL ${shown}: with http:// the key would travel in clear text; use https:// (http:// is accepted only for localhost, 127.0.0.0/8 and [::1])`,
    );
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new UsageError(`the base URL ${shown} must not have a query or a fragment`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** Whether `hostname` (as `URL` normalises it) names this machine. */
function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * The most retries one request may make. Backoff spends the default 60 s wait budget in about
 * ten retries, and a request gives up once its budget is spent; the bound keeps a count typed
 * by mistake from meaning thousands of requests to a server that is already failing.
 */
export const MAX_RETRIES = 100;

/** The longest timeout or wait Node's timers hold (2^31-1 ms), in whole seconds. */
export const MAX_TIMER_SECONDS = 2_147_483;
