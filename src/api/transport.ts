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
import ky from 'ky';
import { ApiError, InterruptedError } from '../errors.js';
import type { ValidateFunction } from '../schema/generated/validate-response.js';
import { onAbort } from './abort.js';
import { AdaptiveLimiter, type Slot, type SlotOutcome } from './limiter.js';
import { foreignText } from '../safe-text.js';
import * as text from './messages.js';
import type { Answer, Failure } from './messages.js';
import { decideRetry, isRetryable } from './retry.js';
import { networkCode, notSent, readCapped, TooLargeError } from './response-body.js';
import { resolveTransportOptions, type TransportOptions } from './transport-options.js';

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

/** The reason an attempt's controller aborts when its time is up. */
class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
}

/**
 * Creates a transport. Checks its options first (base URL as `checkBaseUrl`, a key an HTTP
 * header can carry, numbers in range) and throws `UsageError` naming the one that is wrong.
 */
export function createTransport(options: TransportOptions): Transport {
  const settings = resolveTransportOptions(options);
  const { baseUrl, apiKey, timeoutMs, maxRetries, maxWaitMs, maxBytes, logger, signal, clock } =
    settings;
  const limiter = new AdaptiveLimiter(settings.concurrency);
  const stats = { requests: 0, retries: 0 };
  const show = (foreign: string) => foreignText(foreign, apiKey, text.FOREIGN_TEXT_LENGTH);

  function fail(call: Call, message: string, failure: Omit<Failure, 'head'> = {}): ApiError {
    const { status, apiMessage } = failure;
    return new ApiError(
      `${call.method} ${call.path}: ${message}`,
      { method: call.method, path: call.path, sent: call.sent, status, apiMessage },
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
      const failure = 'body' in outcome ? text.describeAnswer(outcome, apiKey) : outcome;
      const retryable = failure.retry !== undefined && isRetryable(failure.retry);
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
      if (decision.action === 'budget-spent') {
        throw fail(
          call,
          `${failure.head} (after ${attemptsText(call.attempts)}; the ${text.formatSeconds(maxWaitMs)} retry wait budget is spent)`,
          failure,
        );
      }
      if (decision.action === 'over-budget') {
        const head = failure.line ?? decision.reason;
        throw fail(
          call,
          `${head}: the server asks to wait ${text.formatSeconds(decision.requestedMs)} before retrying, ` +
            `more than the ${text.formatSeconds(maxWaitMs)} retry wait budget allows (${text.formatSeconds(decision.remainingMs)} left); ` +
            `gave up after ${attemptsText(call.attempts)}`,
          failure,
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
    const stopWatching =
      signal === undefined
        ? () => undefined
        : onAbort(signal, () => {
            controller.abort();
          });
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
      const timedOut = controller.signal.reason instanceof AttemptTimeout;
      // Only an attempt refused before it connected cannot have reached the server.
      call.sent ||= answered || timedOut || !notSent(error);
      if (signal?.aborted) {
        log(null, 'interrupted');
        throw interrupted(call);
      }
      if (error instanceof TooLargeError) {
        log(null, 'too large');
        return { head: error.message, cause: error };
      }
      const code = timedOut ? 'timeout' : show(networkCode(error));
      log(null, code);
      if (timedOut) {
        return {
          head: `timed out after ${text.formatSeconds(timeoutMs)}`,
          retry: { kind: 'timeout' },
          cause: error,
        };
      }
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
      stopWatching();
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
    } catch {
      // The parser's own message quotes the body, key and all: it is not kept as the cause.
      const shown = text.excerpt(answer.body, apiKey);
      throw fail(call, `${where}, but the response is not JSON: ${shown}`, details);
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

function attemptsText(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${String(attempts)} attempts`;
}
