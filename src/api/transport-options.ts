/**
 * The options of a transport, their defaults and their ranges, and the system clock. Checked
 * once, when the transport is made, so that a bad value fails before any request.
 */
import { UsageError } from '../errors.js';
import { createSilentLogger, type Logger } from '../log.js';
import { assertHeaderSafeKey, checkBaseUrl, MAX_RETRIES, MAX_TIMER_SECONDS } from './settings.js';
import { onAbort } from './abort.js';

/** Time, waits and chance, injected so that tests see the real waits without making them. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** How to reach the API and how hard to try. */
export interface TransportOptions {
  /** The API root, checked with `checkBaseUrl`. */
  baseUrl: string;
  /** The management key, sent as `Authorization: Bearer …` and nowhere else. */
  apiKey: string;
  /** Time allowed to one attempt, from sending to the last byte (queueing excluded). Default 30, at most 2,147,483 (Node's timer limit). */
  timeoutSeconds?: number;
  /** Requests in flight at most (the limiter's ceiling). Default 8. */
  concurrency?: number;
  /** Retries after the first attempt. Default 4, at most 100 (`MAX_RETRIES`). */
  maxRetries?: number;
  /** Cap on the total time one request waits between its attempts. Default 60. */
  maxRetryWaitSeconds?: number;
  /** Where retries (`info`) and every attempt (`debug`) are logged. Default: silent. */
  logger?: Logger;
  /** Once aborted, no attempt starts and the one in flight is aborted: requests reject with `InterruptedError`. */
  signal?: AbortSignal;
  /** Largest body read, counted after decompression. Default 32 MiB. */
  maxResponseBytes?: number;
  /** Default: the system clock, `setTimeout` and `Math.random`. */
  clock?: Clock;
}

/** The default of `maxResponseBytes`: 32 MiB, far above any page of 100 workspaces. */
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const DEFAULTS = {
  timeoutSeconds: 30,
  concurrency: 8,
  maxRetries: 4,
  maxRetryWaitSeconds: 60,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
};

/** The options once checked, with their defaults filled in and times in ms. */
interface TransportSettings {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  concurrency: number;
  maxRetries: number;
  maxWaitMs: number;
  maxBytes: number;
  logger: Logger;
  signal: AbortSignal | undefined;
  clock: Clock;
}

/**
 * Checks the options (base URL as `checkBaseUrl`, a key an HTTP header can carry, numbers in
 * range: Node's timers overflow above 2^31-1 ms) and fills in the defaults.
 *
 * @throws UsageError naming the option that is wrong.
 */
export function resolveTransportOptions(options: TransportOptions): TransportSettings {
  const apiKey = options.apiKey.trim();
  if (apiKey === '') throw new UsageError('the API key is empty');
  assertHeaderSafeKey(apiKey);
  const seconds = { atLeast: 0, atMost: MAX_TIMER_SECONDS };
  return {
    baseUrl: checkBaseUrl(options.baseUrl),
    apiKey,
    timeoutMs:
      1000 *
      checkNumber('timeoutSeconds', options.timeoutSeconds, {
        above: 0,
        atMost: MAX_TIMER_SECONDS,
      }),
    concurrency: checkNumber('concurrency', options.concurrency, { atLeast: 1, whole: true }),
    maxRetries: checkNumber('maxRetries', options.maxRetries, {
      atLeast: 0,
      atMost: MAX_RETRIES,
      whole: true,
    }),
    maxWaitMs: 1000 * checkNumber('maxRetryWaitSeconds', options.maxRetryWaitSeconds, seconds),
    maxBytes: checkNumber('maxResponseBytes', options.maxResponseBytes, {
      atLeast: 1,
      whole: true,
    }),
    logger: options.logger ?? createSilentLogger(),
    signal: options.signal,
    clock: options.clock ?? systemClock,
  };
}

/** The real clock: `Date.now`, `setTimeout`, `Math.random`; a sleep adds no listener of its own to `signal` (./abort.ts). */
const systemClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        stopWatching();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const stopWatching = signal === undefined ? () => undefined : onAbort(signal, done);
    }),
};

/** An option's value (its default when absent), checked against its range. */
function checkNumber(
  name: keyof typeof DEFAULTS,
  value: number | undefined,
  rule: { above?: number; atLeast?: number; atMost?: number; whole?: boolean },
): number {
  const n = value ?? DEFAULTS[name];
  const ok =
    Number.isFinite(n) &&
    (rule.whole !== true || Number.isInteger(n)) &&
    (rule.above === undefined || n > rule.above) &&
    (rule.atLeast === undefined || n >= rule.atLeast) &&
    (rule.atMost === undefined || n <= rule.atMost);
  if (!ok) {
    const low = rule.above === undefined ? `≥ ${String(rule.atLeast)}` : `> ${String(rule.above)}`;
    const high = rule.atMost === undefined ? '' : ` and ≤ ${String(rule.atMost)}`;
    throw new UsageError(
      `${name} must be ${rule.whole === true ? 'a whole number' : 'a number'} ${low}${high} (got ${String(n)})`,
    );
  }
  return n;
}
