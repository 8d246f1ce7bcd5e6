/**
 * When to retry a failed attempt and how long to wait first. Pure (the clock and the
 * random source are arguments), so every rule is unit-tested; src/api/transport.ts runs
 * the loop and sleeps on the injected clock.
 *
 * Why not ky's own Retry-After handling: it cannot refuse a wait that is over budget before
 * waiting (its `maxRetryAfter` silently shortens the wait, and the retry then meets the same
 * rate limit), and it reads `X-RateLimit-Reset` as epoch seconds, while OpenRouter sends
 * epoch milliseconds. The rules are otherwise ky's: the same statuses, full jitter, and the
 * server's delay used as is, without jitter.
 */

/** Statuses worth another attempt: the request did not take effect, or may next time. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Statuses whose `Retry-After` / `X-RateLimit-Reset` header is obeyed. Only retried statuses
 * belong here: 413 (a body too large) is final, so its `Retry-After` has nothing to time.
 */
export const SERVER_DELAY_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * The wait budget counts as spent when less than this is left: a timer waits at least 1 ms,
 * and a wait of nothing would send the next attempt straight after the last one.
 */
const SPENT_BELOW_MS = 1;

/** The first backoff step; step n waits up to `BASE_DELAY_MS · 2^(n-1)` (ky's default curve). */
export const BASE_DELAY_MS = 300;

/** Why an attempt failed, in the terms the decision needs. */
export type AttemptFailure =
  | { kind: 'status'; status: number; headers: Headers }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string };

/** The limits of one request's retries. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Cap on the total time spent waiting between the attempts of one request. */
  maxWaitMs: number;
}

/** What one request has spent so far. */
export interface RetryState {
  /** Retries already made (0 after the first attempt fails). */
  retriesDone: number;
  /** Time already spent waiting between attempts. */
  waitedMs: number;
}

/** The verdict on a failed attempt. */
export type RetryDecision =
  | { action: 'retry'; delayMs: number; reason: string; delaySource: 'server' | 'backoff' }
  | { action: 'fail'; reason: string }
  | { action: 'over-budget'; reason: string; requestedMs: number; remainingMs: number }
  | { action: 'budget-spent'; reason: string };

/** A short name for a failure, for logs and messages: the status, `timeout`, or the error code. */
export function describeFailure(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'status':
      return String(failure.status);
    case 'timeout':
      return 'timeout';
    case 'network':
      return failure.code;
  }
}

/** Whether another attempt may help: a status in `RETRY_STATUSES`, a timeout or a network error. */
export function isRetryable(failure: AttemptFailure): boolean {
  return failure.kind !== 'status' || RETRY_STATUSES.has(failure.status);
}

/**
 * Decides whether to retry. Retried: `RETRY_STATUSES`, timeouts and network errors, for
 * every method (bodies hold absolute values, so a repeated PATCH or POST does no harm that
 * the caller cannot see: a repeated create meets a slug conflict). The wait is the server's
 * (`Retry-After`, else `X-RateLimit-Reset`) on 429/503 when it sends one, else
 * exponential backoff with full jitter, clipped to the budget left. A server wait longer
 * than the budget left is not shortened: the request gives up, since retrying early would
 * only meet the same limit. Once the budget is spent the request gives up too, whatever
 * retries are left: a retry then could only follow the last attempt without any wait.
 */
export function decideRetry(
  failure: AttemptFailure,
  state: RetryState,
  policy: RetryPolicy,
  nowMs: number,
  random: () => number,
): RetryDecision {
  const reason = describeFailure(failure);
  if (!isRetryable(failure)) return { action: 'fail', reason };
  if (state.retriesDone >= policy.maxRetries) return { action: 'fail', reason };
  const remainingMs = Math.max(0, policy.maxWaitMs - state.waitedMs);
  const serverDelayMs =
    failure.kind === 'status' && SERVER_DELAY_STATUSES.has(failure.status)
      ? readServerDelayMs(failure.headers, nowMs)
      : undefined;
  if (serverDelayMs !== undefined && serverDelayMs > remainingMs)
    return { action: 'over-budget', reason, requestedMs: serverDelayMs, remainingMs };
  if (remainingMs < SPENT_BELOW_MS) return { action: 'budget-spent', reason };
  if (serverDelayMs !== undefined)
    return { action: 'retry', delayMs: serverDelayMs, reason, delaySource: 'server' };
  const ceilingMs = BASE_DELAY_MS * 2 ** state.retriesDone;
  return {
    action: 'retry',
    delayMs: Math.min(random() * ceilingMs, remainingMs),
    reason,
    delaySource: 'backoff',
  };
}

/**
 * The wait the server asks for, in ms (never negative), or undefined if it asks none.
 * `Retry-After` is delay-seconds or an HTTP date (RFC 9110 §10.2.3). `X-RateLimit-Reset` is
 * the moment the window resets: epoch milliseconds (OpenRouter), epoch seconds, or, when
 * small, seconds from now. Unreadable values are ignored.
 */
export function readServerDelayMs(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = parseHttpDate(retryAfter);
    if (date !== undefined) return Math.max(0, date - nowMs);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset) {
    if (/^\d+(\.\d+)?$/.test(reset)) {
      const value = Number(reset);
      if (value >= 1e12) return Math.max(0, value - nowMs);
      if (value >= 1e9) return Math.max(0, value * 1000 - nowMs);
      return value * 1000;
    }
    const date = parseHttpDate(reset);
    if (date !== undefined) return Math.max(0, date - nowMs);
  }
  return undefined;
}

/** An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT` and the obsolete forms, all opening with the day name) in epoch ms. */
function parseHttpDate(text: string): number | undefined {
  // Date.parse alone takes "-3" for a year; an HTTP date opens with the day's name.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : date;
}
