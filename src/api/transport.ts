/**
 * The transport to OpenRouter's API: one logical request at a time, with its attempts, over
 * ky. It knows HTTP and nothing of workspaces. Everything that can go wrong on the wire ends
 * here as an `ApiError` (or a subclass) whose message names the request; ky's and fetch's own
 * errors never leave this module except as a `cause`.
 *
 * One attempt: a slot of the adaptive limiter, the key added to a request that never leaves
 * `sendAttempt`, a timer that starts when the request is sent (queueing excluded), redirects
 * refused, the body read by streaming under a byte cap, one debug line. Between attempts,
 * `decideRetry` (pure) chooses, and the injected clock waits. Every server string that
 * reaches a message is scrubbed of the key, escaped and cut (./messages.ts).
 */
import type { ReadableStream } from 'node:stream/web';
import ky from 'ky';
import { ApiError, InterruptedError, UsageError } from '../errors.js';
import { createSilentLogger, type Logger } from '../log.js';
import type { ValidateFunction } from '../schema/generated/validate-response.js';
import { AdaptiveLimiter, type Slot, type SlotOutcome } from './limiter.js';
import * as text from './messages.js';
import { decideRetry, RETRY_STATUSES, type AttemptFailure } from './retry.js';
import { assertHeaderSafeKey, checkBaseUrl } from './settings.js';

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
  /** Retries after the first attempt. Default 4. */
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

/** The HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One logical request; `path` is below the base URL and already encoded. */
export interface TransportRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number>;
  json?: unknown;
  validate?: ValidateFunction;
}

/** Sends requests to one base URL with one key, one limiter and one retry policy. */
export interface Transport {
  readonly baseUrl: string;
  /** Counted over the transport's life: every attempt is a request; `retries` counts attempts after a first. */
  readonly stats: { requests: number; retries: number };
  /** One logical request (with retries). Resolves with the JSON body checked by `validate` (undefined body allowed only for 204), rejects with ApiError or a subclass. */
  request<T>(request: TransportRequest): Promise<T>;
}

/** The default of `maxResponseBytes`: 32 MiB, far above any page of 100 workspaces. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The longest timeout or wait Node's timers hold (2^31-1 ms), in whole seconds. */
export const MAX_TIMER_SECONDS = 2_147_483;

const DEFAULTS = { timeoutSeconds: 30, concurrency: 8, maxRetries: 4, maxRetryWaitSeconds: 60 };

/** Network codes meaning no byte of the request reached a server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The life of one logical request across its attempts. */
interface Call {
  readonly method: HttpMethod;
  readonly url: string;
  /** Path and query as messages and logs show them: `/api/v1/workspaces?offset=0&limit=100`. */
  readonly path: string;
  attempts: number;
  waitedMs: number;
  sent: boolean;
}

/** A response read to the end. */
interface Answer {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
}

/** A failed attempt: `retry` is set when another attempt may help; `head` is the message's core. */
interface Failure {
  head: string;
  /** `429 Too Many Requests`, when the failure is an HTTP answer. */
  line?: string;
  retry?: AttemptFailure;
  status?: number;
  apiMessage?: string;
  cause?: unknown;
}

/** The reason an attempt's controller aborts when its time is up. */
class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
}

/** A body over the cap; it is never retried. */
class TooLargeError extends Error {
  override name = 'TooLargeError';
}

/**
 * Creates a transport. Checks its options first (base URL as `checkBaseUrl`, a key an HTTP
 * header can carry, numbers in range) and throws `UsageError` naming the one that is wrong.
 */
export function createTransport(options: TransportOptions): Transport {
  const baseUrl = checkBaseUrl(options.baseUrl);
  const apiKey = options.apiKey.trim();
  if (apiKey === '') throw new UsageError('the API key is empty');
  assertHeaderSafeKey(apiKey);
  const timeoutMs =
    1000 *
    checkNumber('timeoutSeconds', options.timeoutSeconds, { above: 0, atMost: MAX_TIMER_SECONDS });
  const concurrency = checkNumber('concurrency', options.concurrency, { atLeast: 1, whole: true });
  const maxRetries = checkNumber('maxRetries', options.maxRetries, { atLeast: 0, whole: true });
  const maxWaitMs =
    1000 *
    checkNumber('maxRetryWaitSeconds', options.maxRetryWaitSeconds, {
      atLeast: 0,
      atMost: MAX_TIMER_SECONDS,
    });
  const maxBytes = checkNumber(
    'maxResponseBytes',
    options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    {
      atLeast: 1,
      whole: true,
    },
  );
  const logger = options.logger ?? createSilentLogger();
  const signal = options.signal;
  const clock = options.clock ?? systemClock;
  const limiter = new AdaptiveLimiter(concurrency);
  const stats = { requests: 0, retries: 0 };
  const show = (foreign: string) => text.showForeign(foreign, apiKey);

  function fail(call: Call, message: string, failure: Omit<Failure, 'head'> = {}): ApiError {
    const { status, apiMessage } = failure;
    return new ApiError(
      `${call.method} ${call.path}: ${message}`,
      {
        method: call.method,
        path: call.path,
        sent: call.sent,
        ...(status === undefined ? {} : { status }),
        ...(apiMessage === undefined ? {} : { apiMessage }),
      },
      { cause: failure.cause },
    );
  }

  function interrupted(call: Call): InterruptedError {
    const when = call.sent ? 'after it was sent (it may have taken effect)' : 'before it was sent';
    return new InterruptedError(`${call.method} ${call.path}: interrupted ${when}`, {
      method: call.method,
      path: call.path,
      sent: call.sent,
    });
  }

  async function request<T>(req: TransportRequest): Promise<T> {
    const url = new URL(`${baseUrl}${req.path}`);
    for (const [name, value] of Object.entries(req.query ?? {}))
      url.searchParams.set(name, String(value));
    const call: Call = {
      method: req.method,
      url: url.href,
      path: `${url.pathname}${url.search}`,
      attempts: 0,
      waitedMs: 0,
      sent: false,
    };
    for (;;) {
      if (signal?.aborted) throw interrupted(call);
      const outcome = await sendAttempt(call, req.json);
      if ('body' in outcome && outcome.status >= 200 && outcome.status < 300) {
        return parseBody(call, outcome, req.validate) as T;
      }
      const failure = 'body' in outcome ? describeAnswer(outcome) : outcome;
      const retryable =
        failure.retry !== undefined &&
        (failure.status === undefined || RETRY_STATUSES.has(failure.status));
      const suffix =
        retryable || call.attempts > 1 ? ` (after ${attemptsText(call.attempts)})` : '';
      if (failure.retry === undefined) throw fail(call, `${failure.head}${suffix}`, failure);
      const decision = decideRetry(
        failure.retry,
        { retriesDone: call.attempts - 1, waitedMs: call.waitedMs },
        { maxRetries, maxWaitMs },
        clock.now(),
        () => clock.random(),
      );
      if (decision.action === 'fail') throw fail(call, `${failure.head}${suffix}`, failure);
      if (decision.action === 'over-budget') {
        const head = failure.line ?? decision.reason;
        throw fail(
          call,
          `${head}: the server asks to wait ${text.formatSeconds(decision.requestedMs)} before retrying, ` +
            `more than the ${text.formatSeconds(maxWaitMs)} retry wait budget allows (${text.formatSeconds(decision.remainingMs)} left); ` +
            `gave up after ${attemptsText(call.attempts)}`,
          {
            cause: failure.cause,
            ...(failure.status === undefined ? {} : { status: failure.status }),
          },
        );
      }
      logger.info(
        {
          method: call.method,
          path: call.path,
          attempt: call.attempts + 1,
          maxAttempts: maxRetries + 1,
          reason: show(decision.reason),
          delayMs: Math.round(decision.delayMs),
          delaySource: decision.delaySource,
        },
        'retrying request',
      );
      call.waitedMs += decision.delayMs;
      await clock.sleep(decision.delayMs, signal);
      if (signal?.aborted) throw interrupted(call);
      stats.retries++;
    }
  }

  /** An HTTP answer that is not a success, as a failure. */
  function describeAnswer(answer: Answer): Failure {
    const line = text.statusLine(answer.status, answer.statusText, apiKey);
    if (answer.status >= 300 && answer.status < 400) {
      const target = answer.headers.get('location');
      const where = target === null ? 'elsewhere' : `to ${text.excerpt(target, apiKey)}`;
      return {
        head: `${line} ${where}: orws does not follow redirects (the key would go along); check the base URL`,
        status: answer.status,
      };
    }
    const apiMessage = text.readApiMessage(answer.body, apiKey);
    const said =
      apiMessage ?? (answer.body.trim() === '' ? undefined : text.excerpt(answer.body, apiKey));
    let hint = '';
    if (answer.status === 401) hint = '; check OPENROUTER_MANAGEMENT_KEY';
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

  /** One attempt: its answer read to the end, or why it failed. Rejects only with `InterruptedError`. */
  async function sendAttempt(call: Call, json: unknown): Promise<Answer | Failure> {
    let slot: Slot;
    try {
      slot = await limiter.acquire(signal);
    } catch {
      throw interrupted(call);
    }
    call.attempts++;
    stats.requests++;
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new AttemptTimeout());
    }, timeoutMs);
    const onAbort = () => {
      controller.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let outcome: SlotOutcome = 'neutral';
    let answered = false;
    const log = (status: number | null, error?: string) => {
      logger.debug(
        {
          method: call.method,
          path: call.path,
          status,
          ...(error === undefined ? {} : { error }),
          durationMs: Math.round(performance.now() - started),
          attempt: call.attempts,
        },
        'http request',
      );
    };
    try {
      const response = await ky(call.url, {
        method: call.method,
        ...(json === undefined ? {} : { json }),
        headers: { accept: 'application/json' },
        retry: 0,
        timeout: false,
        throwHttpErrors: false,
        redirect: 'manual',
        signal: controller.signal,
        // The key joins the request here only, so no ky request, option or error holds it.
        fetch: (input, init) => {
          const headers = new Headers((input as Request).headers);
          headers.set('authorization', `Bearer ${apiKey}`);
          return fetch(input, { ...init, headers, redirect: 'manual', signal: controller.signal });
        },
      });
      answered = true;
      call.sent = true;
      const redirect = response.status >= 300 && response.status < 400;
      if (redirect) await response.body?.cancel();
      const body = redirect ? '' : await readCapped(response, maxBytes, controller);
      // 429 is the server asking for less; any other answer below 500 shows it coping.
      outcome =
        response.status === 429 ? 'throttled' : response.status < 500 ? 'success' : 'neutral';
      log(response.status);
      return {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body,
      };
    } catch (error) {
      if (signal?.aborted) {
        call.sent ||= answered || !notSent(error);
        log(null, 'interrupted');
        throw interrupted(call);
      }
      if (error instanceof TooLargeError) {
        log(null, 'too large');
        return { head: error.message, cause: error };
      }
      const timedOut = controller.signal.reason instanceof AttemptTimeout;
      const code = timedOut ? 'timeout' : show(networkCode(error));
      log(null, code);
      if (timedOut) {
        call.sent = true;
        return {
          head: `timed out after ${text.formatSeconds(timeoutMs)}`,
          retry: { kind: 'timeout' },
          cause: error,
        };
      }
      call.sent ||= answered || !notSent(error);
      if (answered) {
        return {
          head: `the response was cut short: ${code}`,
          retry: { kind: 'network', code },
          cause: error,
        };
      }
      if (error instanceof TypeError && error.cause !== undefined) {
        return {
          head: `cannot reach ${baseUrl}: ${code}`,
          retry: { kind: 'network', code },
          cause: error,
        };
      }
      return { head: show(error instanceof Error ? error.message : String(error)), cause: error };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      slot.release(outcome);
    }
  }

  /** A 2xx body as JSON of the expected shape, or an `ApiError` naming what is wrong. */
  function parseBody(call: Call, answer: Answer, validate: ValidateFunction | undefined): unknown {
    const where = text.statusLine(answer.status, answer.statusText, apiKey);
    const details = { status: answer.status };
    if (answer.body.trim() === '') {
      if (answer.status === 204) return undefined;
      throw fail(call, `${where}, but the response body is empty`, details);
    }
    let data: unknown;
    try {
      data = JSON.parse(answer.body);
    } catch (error) {
      throw fail(
        call,
        `${where}, but the response is not JSON: ${text.excerpt(answer.body, apiKey)}`,
        {
          ...details,
          cause: error,
        },
      );
    }
    if (validate && !validate(data)) {
      const problem = show(text.describeSchemaError(validate.errors?.[0], data));
      throw fail(call, `${where}, but the response is not as documented: ${problem}`, details);
    }
    return data;
  }

  return {
    baseUrl,
    request,
    get stats() {
      return { ...stats };
    },
  };
}

/**
 * The body as text, read chunk by chunk with a running count of decompressed bytes; above
 * `maxBytes` the download is aborted and a `TooLargeError` thrown, so a hostile answer cannot
 * fill the memory.
 */
async function readCapped(
  response: Response,
  maxBytes: number,
  controller: AbortController,
): Promise<string> {
  const tooLarge = () =>
    new TooLargeError(`the response is larger than ${formatBytes(maxBytes)}; refused`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (!encoded && declared > maxBytes) {
    controller.abort();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    const value = chunk.value;
    size += value.byteLength;
    if (size > maxBytes) {
      controller.abort();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0
    ? `${String(bytes / 1024 / 1024)} MiB`
    : `${String(bytes)} bytes`;
}

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
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Whether a fetch failure happened before any byte of the request could reach a server. */
function notSent(error: unknown): boolean {
  return NOT_SENT_CODES.has(networkCode(error));
}

/** The most telling code of a network error: `ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`, … */
function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && (text.isRecord(current) || current instanceof Error); depth++) {
    const record = current as {
      code?: unknown;
      errors?: unknown;
      cause?: unknown;
      message?: unknown;
    };
    if (typeof record.code === 'string' && record.code !== '') return record.code;
    if (Array.isArray(record.errors) && record.errors.length > 0) {
      current = record.errors[0];
    } else if (record.cause === undefined) {
      return typeof record.message === 'string' && record.message !== ''
        ? record.message
        : 'network error';
    } else {
      current = record.cause;
    }
  }
  return 'network error';
}

function attemptsText(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${String(attempts)} attempts`;
}

/** An option's value (its default when absent), checked against its range. */
function checkNumber(
  name: keyof typeof DEFAULTS | 'maxResponseBytes',
  value: number | undefined,
  rule: { above?: number; atLeast?: number; atMost?: number; whole?: boolean },
): number {
  const n = value ?? (name === 'maxResponseBytes' ? DEFAULT_MAX_RESPONSE_BYTES : DEFAULTS[name]);
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
