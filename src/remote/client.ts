/**
 * The client of OpenRouter's workspaces API (workspaces.openapi.yaml): list, get, create and
 * update, over ky. Everything that can go wrong on the wire ends here as an `ApiError` whose
 * message names the request; ky's and fetch's own errors never leave this module.
 *
 * How a request runs: ky owns the retry loop (`retry.limit`, the waits, re-sending the body);
 * `decideRetry` (./retry.ts) decides each retry and its wait; every attempt goes through
 * `attempt()` below, which takes a slot of the client's adaptive limiter, adds the
 * `Authorization` header, applies the per-attempt timeout, reads the whole body, logs one
 * line, and gives the slot back. The key is added only there, to a request that never leaves
 * that function, so no ky request, error or option object ever holds it.
 */
import ky, { HTTPError } from 'ky';
import { ApiError, UsageError } from '../errors.js';
import { createSilentLogger, type Logger } from '../log.js';
import {
  fieldValuesEqual,
  type Workspace,
  type WorkspaceFields,
  type WritableField,
} from '../schema/fields.js';
import {
  validateListWorkspacesResponse,
  validateWorkspaceEnvelope,
  type ValidateFunction,
} from '../schema/generated/validate-response.js';
import { AdaptiveLimiter, type SlotOutcome } from './limiter.js';
import {
  describeSchemaError,
  excerpt,
  formatSeconds,
  isRecord,
  readApiMessage,
  statusLine,
} from './messages.js';
import { decideRetry, RETRY_STATUSES, type AttemptFailure } from './retry.js';
import { assertHeaderSafeKey, checkBaseUrl } from './settings.js';

/** How to reach the API and how hard to try. */
export interface ClientOptions {
  /** The API root, e.g. `https://openrouter.ai/api/v1` or `http://127.0.0.1:PORT/api/v1`; checked with `checkBaseUrl`. */
  baseUrl: string;
  /** The management key, sent as `Authorization: Bearer …` and nowhere else. */
  apiKey: string;
  /** Time allowed to one attempt, from sending to the last byte of the body (queueing excluded). Default 30. */
  timeoutSeconds?: number;
  /** Requests in flight at most (the limiter's ceiling). Default 8. */
  concurrency?: number;
  /** Retries after the first attempt of a request. Default 4. */
  maxRetries?: number;
  /** Cap on the total time one request spends waiting between its attempts. Default 60. */
  maxRetryWaitSeconds?: number;
  /** Where retries (`info`), listing restarts (`info`/`warn`) and every attempt (`debug`) are logged. Default: silent. */
  logger?: Logger;
  /** Called after each list page arrives; `pagesTotal` is known from the first page. Restarts at 1 if the listing restarts. */
  onListProgress?: (pagesDone: number, pagesTotal: number) => void;
}

/** The workspaces API, as orws uses it. Every method rejects with `ApiError` only. */
export interface Client {
  /** The normalised base URL requests go to (no trailing slash). */
  readonly baseUrl: string;
  /**
   * Every workspace of the account, each once (deduplicated by id), in the API's order.
   * Makes ceil(T/100) requests for T workspaces (1 when T ≤ 100): the first page gives the
   * total and the others are fetched concurrently. If the account changes while the pages
   * are read (a page reports another `total_count`, or the pages do not add up to it), the
   * listing starts again, at most 3 times in all; then the last result is used and a
   * warning is logged.
   */
  listWorkspaces(): Promise<Workspace[]>;
  /** The workspace with this id or slug, or `undefined` if the API answers 404. */
  getWorkspace(idOrSlug: string): Promise<Workspace | undefined>;
  /**
   * Creates a workspace (POST). A slug already taken rejects with an `ApiError` that keeps
   * its status (409, or 400 saying the slug exists): test it with `isSlugConflict`. If an
   * earlier attempt of this same call failed on the way back and the workspace now holds
   * exactly `body`, that earlier attempt created it: the workspace is returned.
   */
  createWorkspace(body: Partial<WorkspaceFields>): Promise<Workspace>;
  /** Updates a workspace (PATCH) with `body`, which holds absolute values, and returns it as the API now has it. */
  updateWorkspace(id: string, body: Partial<WorkspaceFields>): Promise<Workspace>;
  /** Counted over the client's life: every attempt is a request; `retries` counts attempts after a first. */
  readonly stats: { requests: number; retries: number };
}

/** Page size of the listing: the API's maximum. */
export const PAGE_LIMIT = 100;

/** How many times a listing is read in all when the account keeps changing under it. */
export const MAX_LIST_ROUNDS = 3;

const DEFAULTS = { timeoutSeconds: 30, concurrency: 8, maxRetries: 4, maxRetryWaitSeconds: 60 };
const ALL_METHODS = ['get', 'post', 'put', 'patch', 'head', 'delete', 'options', 'trace'] as const;

type Method = 'GET' | 'POST' | 'PATCH';

/** The life of one logical request, across its attempts. */
interface RequestContext {
  readonly method: Method;
  readonly url: string;
  /** Path and query, as messages and logs show them: `/api/v1/workspaces?offset=0&limit=100`. */
  readonly path: string;
  attempts: number;
  waitedMs: number;
  nextDelayMs: number;
  /** Why the last retried attempt failed, if one was retried (then a write may already have landed). */
  lastFailure: AttemptFailure | undefined;
}

/** An attempt that ran out of time; becomes an `ApiError` in `toApiError`. */
class AttemptTimeoutError extends Error {
  override name = 'AttemptTimeoutError';
}

/** A retry refused because the server's wait exceeds the budget left; carries the final message. */
class RetryBudgetError extends Error {
  override name = 'RetryBudgetError';
  constructor(
    message: string,
    readonly status: number | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** A page of the listing (ListWorkspacesResponse), once validated. */
interface ListPage {
  data: Workspace[];
  total_count: number;
}

/** The body of get, create and update, once validated. */
interface WorkspaceEnvelope {
  data: Workspace;
}

/** A response read to the end. */
interface ReadResponse {
  status: number;
  statusText: string;
  body: string;
}

/**
 * Creates a client. Checks its options first (base URL as `checkBaseUrl`, a key an HTTP
 * header can carry, numbers in range) and throws `UsageError` if one is wrong.
 */
export function createClient(options: ClientOptions): Client {
  const baseUrl = checkBaseUrl(options.baseUrl);
  const apiKey = options.apiKey.trim();
  if (apiKey === '') throw new UsageError('the API key is empty');
  assertHeaderSafeKey(apiKey);
  const timeoutMs = 1000 * checkNumber('timeoutSeconds', options.timeoutSeconds, { above: 0 });
  const concurrency = checkNumber('concurrency', options.concurrency, { atLeast: 1, whole: true });
  const maxRetries = checkNumber('maxRetries', options.maxRetries, { atLeast: 0, whole: true });
  const maxWaitMs =
    1000 * checkNumber('maxRetryWaitSeconds', options.maxRetryWaitSeconds, { atLeast: 0 });
  const logger = options.logger ?? createSilentLogger();
  const onListProgress = options.onListProgress;
  const limiter = new AdaptiveLimiter(concurrency);
  const stats = { requests: 0, retries: 0 };

  /** One attempt: slot, key, timeout, whole body, one debug line. */
  async function attempt(
    context: RequestContext,
    request: Request,
    init: RequestInit | undefined,
  ): Promise<Response> {
    const slot = await limiter.acquire();
    context.attempts++;
    stats.requests++;
    const started = performance.now();
    const timeout = new AbortController(); // aborted by the timer only
    const timer = setTimeout(() => {
      timeout.abort();
    }, timeoutMs);
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${apiKey}`);
    let outcome: SlotOutcome = 'neutral';
    try {
      const response = await fetch(request, {
        ...init,
        headers,
        signal: AbortSignal.any([request.signal, timeout.signal]),
      });
      const body = await response.arrayBuffer();
      // 429 is the server asking for less; any other answer below 500 shows it coping.
      outcome =
        response.status === 429 ? 'throttled' : response.status < 500 ? 'success' : 'neutral';
      logAttempt(context, started, { status: response.status });
      const nullBody = body.byteLength === 0 || [101, 204, 205, 304].includes(response.status);
      return new Response(nullBody ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (timeout.signal.aborted) {
        logAttempt(context, started, { status: null, error: 'timeout' });
        throw new AttemptTimeoutError(`timed out after ${formatSeconds(timeoutMs)}`, {
          cause: error,
        });
      }
      logAttempt(context, started, { status: null, error: networkCode(error) });
      throw error;
    } finally {
      clearTimeout(timer);
      slot.release(outcome);
    }
  }

  function logAttempt(
    context: RequestContext,
    started: number,
    result: { status: number | null; error?: string },
  ): void {
    logger.debug(
      {
        method: context.method,
        path: context.path,
        status: result.status,
        ...(result.error === undefined ? {} : { error: result.error }),
        durationMs: Math.round(performance.now() - started),
        attempt: context.attempts,
      },
      'http request',
    );
  }

  /** ky's `shouldRetry`: true to retry after `context.nextDelayMs`, false to fail, throws to give up early. */
  function shouldRetry(context: RequestContext, error: Error, retryCount: number): boolean {
    const failure = classifyFailure(error);
    if (!failure) return false;
    const decision = decideRetry(
      failure,
      { retriesDone: retryCount - 1, waitedMs: context.waitedMs },
      { maxRetries, maxWaitMs },
      Date.now(),
      Math.random,
    );
    if (decision.action === 'fail') return false;
    if (decision.action === 'over-budget') {
      const status = failure.kind === 'status' ? failure.status : undefined;
      const head =
        error instanceof HTTPError
          ? statusLine(error.response.status, error.response.statusText)
          : decision.reason;
      throw new RetryBudgetError(
        `${context.method} ${context.path}: ${head}: the server asks to wait ${formatSeconds(decision.requestedMs)} before retrying, ` +
          `more than the ${formatSeconds(maxWaitMs)} retry wait budget allows (${formatSeconds(decision.remainingMs)} left); ` +
          `gave up after ${attemptsText(context.attempts)}`,
        status,
        { cause: error },
      );
    }
    context.lastFailure = failure;
    context.nextDelayMs = decision.delayMs;
    context.waitedMs += decision.delayMs;
    logger.info(
      {
        method: context.method,
        path: context.path,
        attempt: context.attempts + 1,
        maxAttempts: maxRetries + 1,
        reason: decision.reason,
        delayMs: Math.round(decision.delayMs),
        delaySource: decision.delaySource,
      },
      'retrying request',
    );
    return true;
  }

  /** Sends one logical request; resolves with a 2xx response read to the end, rejects with `ApiError`. */
  async function send(
    method: Method,
    url: string,
    json?: unknown,
    context = newContext(method, url),
  ): Promise<ReadResponse> {
    try {
      const response = await ky(url, {
        method,
        ...(json === undefined ? {} : { json }),
        headers: { accept: 'application/json' },
        timeout: false, // per attempt, in attempt(): the time waiting for a limiter slot must not count
        throwHttpErrors: true,
        retry: {
          limit: maxRetries,
          methods: [...ALL_METHODS],
          // decideRetry owns the statuses, timeouts, Retry-After and the budget; see ./retry.ts.
          shouldRetry: ({ error, retryCount }) => shouldRetry(context, error, retryCount),
          delay: () => context.nextDelayMs,
          backoffLimit: Number.POSITIVE_INFINITY,
        },
        hooks: {
          beforeRetry: [
            () => {
              stats.retries++;
            },
          ],
        },
        fetch: (input, init) => attempt(context, input as Request, init),
      });
      return {
        status: response.status,
        statusText: response.statusText,
        body: await response.text(),
      };
    } catch (error) {
      throw await toApiError(context, error);
    }
  }

  async function toApiError(context: RequestContext, error: unknown): Promise<ApiError> {
    const { method, path } = context;
    if (error instanceof ApiError) return error;
    if (error instanceof RetryBudgetError) {
      return new ApiError(error.message, withStatus({ method, path }, error.status), {
        cause: error.cause,
      });
    }
    if (error instanceof HTTPError) {
      const { status, statusText } = error.response;
      const apiMessage = readApiMessage(await error.response.text().catch(() => ''));
      const retryable = RETRY_STATUSES.has(status);
      const parts = [`${method} ${path}: ${statusLine(status, statusText)}`];
      if (apiMessage !== undefined) parts.push(`: ${apiMessage}`);
      if (status === 401) parts.push('; check OPENROUTER_MANAGEMENT_KEY');
      if (status === 403)
        parts.push('; a management key is needed (a regular API key cannot manage workspaces)');
      parts.push(attemptsSuffix(context, retryable));
      const details = withStatus({ method, path }, status);
      return new ApiError(
        parts.join(''),
        apiMessage === undefined ? details : { ...details, apiMessage },
        {
          cause: error,
        },
      );
    }
    if (error instanceof AttemptTimeoutError) {
      return new ApiError(
        `${method} ${path}: ${error.message}${attemptsSuffix(context, true)}`,
        { method, path },
        { cause: error },
      );
    }
    if (isNetworkError(error)) {
      return new ApiError(
        `${method} ${path}: cannot reach ${baseUrl}: ${networkCode(error)}${attemptsSuffix(context, true)}`,
        { method, path },
        { cause: error },
      );
    }
    const reason = error instanceof Error && error.message !== '' ? error.message : String(error);
    return new ApiError(`${method} ${path}: ${reason}`, { method, path }, { cause: error });
  }

  /** Reads a 2xx body as JSON of the documented shape, or rejects naming the request and what is wrong. */
  function parseBody(
    context: RequestContext,
    response: ReadResponse,
    validate: ValidateFunction,
  ): unknown {
    const { method, path } = context;
    const where = `${method} ${path}: ${statusLine(response.status, response.statusText)}`;
    if (response.body.trim() === '') {
      throw new ApiError(`${where}, but the response body is empty`, {
        method,
        path,
        status: response.status,
      });
    }
    let data: unknown;
    try {
      data = JSON.parse(response.body);
    } catch (error) {
      throw new ApiError(
        `${where}, but the response is not JSON: ${excerpt(response.body)}`,
        { method, path, status: response.status },
        { cause: error },
      );
    }
    if (!validate(data)) {
      throw new ApiError(
        `${where}, but the response is not as documented: ${describeSchemaError(validate.errors?.[0], data)}`,
        {
          method,
          path,
          status: response.status,
        },
      );
    }
    return data;
  }

  async function fetchPage(offset: number): Promise<ListPage> {
    const context = newContext(
      'GET',
      `${baseUrl}/workspaces?offset=${String(offset)}&limit=${String(PAGE_LIMIT)}`,
    );
    const response = await send('GET', context.url, undefined, context);
    return parseBody(context, response, validateListWorkspacesResponse) as ListPage;
  }

  /** One pass over the pages; `consistent` is false if the account changed meanwhile. */
  async function listOnce(): Promise<{
    workspaces: Workspace[];
    consistent: boolean;
    totals: number[];
  }> {
    const first = await fetchPage(0);
    const total = first.total_count;
    // A server that pages by fewer than PAGE_LIMIT (it may cap `limit`) is followed at its own pace.
    const pageSize =
      first.data.length > 0 && first.data.length < Math.min(PAGE_LIMIT, total)
        ? first.data.length
        : PAGE_LIMIT;
    const pagesTotal = Math.max(1, Math.ceil(total / pageSize));
    let pagesDone = 1;
    onListProgress?.(pagesDone, pagesTotal);
    const offsets = Array.from({ length: pagesTotal - 1 }, (_, i) => (i + 1) * pageSize);
    const rest = await Promise.all(
      offsets.map(async (offset) => {
        const page = await fetchPage(offset);
        pagesDone++;
        onListProgress?.(pagesDone, pagesTotal);
        return page;
      }),
    );
    const byId = new Map<string, Workspace>();
    const totals = new Set<number>([total]);
    for (const page of [first, ...rest]) {
      totals.add(page.total_count);
      for (const workspace of page.data)
        if (!byId.has(workspace.id)) byId.set(workspace.id, workspace);
    }
    const workspaces = [...byId.values()];
    return {
      workspaces,
      consistent: totals.size === 1 && workspaces.length === total,
      totals: [...totals],
    };
  }

  async function listWorkspaces(): Promise<Workspace[]> {
    let last: Workspace[] = [];
    for (let round = 1; round <= MAX_LIST_ROUNDS; round++) {
      const { workspaces, consistent, totals } = await listOnce();
      if (consistent) return workspaces;
      last = workspaces;
      const details = { round, totalCounts: totals, listed: workspaces.length };
      if (round < MAX_LIST_ROUNDS)
        logger.info(details, 'the workspaces changed while they were listed; listing again');
      else
        logger.warn(
          details,
          `the workspaces kept changing while they were listed (${String(MAX_LIST_ROUNDS)} tries); using the last listing, which may be incomplete`,
        );
    }
    return last;
  }

  async function getWorkspace(idOrSlug: string): Promise<Workspace | undefined> {
    const context = newContext('GET', `${baseUrl}/workspaces/${encodeURIComponent(idOrSlug)}`);
    let response: ReadResponse;
    try {
      response = await send('GET', context.url, undefined, context);
    } catch (error) {
      // Only the API's own "not found" (a JSON error body) means absent; an HTML 404 page from
      // a proxy or a wrong base URL must not make every workspace look missing.
      if (error instanceof ApiError && error.status === 404 && isApiErrorBody(error.cause))
        return undefined;
      throw error;
    }
    return (parseBody(context, response, validateWorkspaceEnvelope) as WorkspaceEnvelope).data;
  }

  async function createWorkspace(body: Partial<WorkspaceFields>): Promise<Workspace> {
    const context = newContext('POST', `${baseUrl}/workspaces`);
    let response: ReadResponse;
    try {
      response = await send('POST', context.url, body, context);
    } catch (error) {
      if (isSlugConflict(error) && context.lastFailure !== undefined && body.slug !== undefined) {
        // An earlier attempt may have created it and lost the answer: if the workspace holds
        // exactly what we sent, it is ours; anything else is someone else's.
        const existing = await getWorkspace(body.slug);
        if (existing && holdsBody(existing, body)) {
          logger.info(
            { method: 'POST', path: context.path, slug: body.slug, id: existing.id },
            'an earlier attempt of this create had succeeded; using the workspace it made',
          );
          return existing;
        }
      }
      throw error;
    }
    return (parseBody(context, response, validateWorkspaceEnvelope) as WorkspaceEnvelope).data;
  }

  async function updateWorkspace(id: string, body: Partial<WorkspaceFields>): Promise<Workspace> {
    const context = newContext('PATCH', `${baseUrl}/workspaces/${encodeURIComponent(id)}`);
    const response = await send('PATCH', context.url, body, context);
    return (parseBody(context, response, validateWorkspaceEnvelope) as WorkspaceEnvelope).data;
  }

  return {
    baseUrl,
    listWorkspaces,
    getWorkspace,
    createWorkspace,
    updateWorkspace,
    get stats() {
      return { ...stats };
    },
  };
}

/**
 * Whether `error` is a create refused because the slug is taken: a POST answered 409, or
 * 400 with a message saying the slug exists. The caller decides what that means (during an
 * apply: the workspace appeared since the plan).
 */
export function isSlugConflict(error: unknown): error is ApiError {
  if (!(error instanceof ApiError) || error.method !== 'POST') return false;
  if (error.status === 409) return true;
  const message = error.apiMessage ?? '';
  return (
    error.status === 400 &&
    /slug/i.test(message) &&
    /exist|taken|already|in use|duplicate|unique/i.test(message)
  );
}

function newContext(method: Method, url: string): RequestContext {
  const parsed = new URL(url);
  return {
    method,
    url,
    path: `${parsed.pathname}${parsed.search}`,
    attempts: 0,
    waitedMs: 0,
    nextDelayMs: 0,
    lastFailure: undefined,
  };
}

/** The failure as decideRetry sees it; undefined for errors no retry can fix. */
function classifyFailure(error: Error): AttemptFailure | undefined {
  if (error instanceof HTTPError)
    return { kind: 'status', status: error.response.status, headers: error.response.headers };
  if (error instanceof AttemptTimeoutError) return { kind: 'timeout' };
  if (isNetworkError(error)) return { kind: 'network', code: networkCode(error) };
  return undefined;
}

/** fetch rejects with a TypeError whose cause is the socket's error when the network fails. */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && error.cause !== undefined;
}

/** The most telling code of a network error: `ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`, … */
function networkCode(error: unknown): string {
  for (
    let current: unknown = error, depth = 0;
    isRecord(current) || current instanceof Error;
    depth++
  ) {
    if (depth > 5) break;
    const record = current as {
      code?: unknown;
      errors?: unknown;
      cause?: unknown;
      message?: unknown;
    };
    if (typeof record.code === 'string' && record.code !== '') return record.code;
    if (Array.isArray(record.errors) && record.errors.length > 0) {
      current = record.errors[0];
      continue;
    }
    if (record.cause === undefined) {
      return typeof record.message === 'string' && record.message !== ''
        ? record.message
        : 'network error';
    }
    current = record.cause;
  }
  return 'network error';
}

/** Whether the cause of a failed request was an HTTP answer in JSON, as the API's error bodies are. */
function isApiErrorBody(cause: unknown): boolean {
  if (!(cause instanceof HTTPError)) return false;
  const type = cause.response.headers.get('content-type') ?? '';
  return /json/i.test(type);
}

function holdsBody(workspace: Workspace, body: Partial<WorkspaceFields>): boolean {
  return (Object.keys(body) as WritableField[]).every((field) =>
    fieldValuesEqual(field, workspace[field], body[field]),
  );
}

function attemptsText(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${String(attempts)} attempts`;
}

/** ` (after 5 attempts)` when the request was retried or failed in a way that is retried. */
function attemptsSuffix(context: RequestContext, retryable: boolean): string {
  return context.attempts > 1 || retryable ? ` (after ${attemptsText(context.attempts)})` : '';
}

function withStatus(details: { method: string; path: string }, status: number | undefined) {
  return status === undefined ? details : { ...details, status };
}

/** An option's value (its default when absent), checked against its range. */
function checkNumber(
  name: keyof typeof DEFAULTS,
  value: number | undefined,
  rule: { above?: number; atLeast?: number; whole?: boolean },
): number {
  const n = value ?? DEFAULTS[name];
  const ok =
    Number.isFinite(n) &&
    (rule.whole !== true || Number.isInteger(n)) &&
    (rule.above === undefined || n > rule.above) &&
    (rule.atLeast === undefined || n >= rule.atLeast);
  if (!ok) {
    const bound =
      rule.above === undefined ? `≥ ${String(rule.atLeast)}` : `> ${String(rule.above)}`;
    throw new UsageError(
      `${name} must be ${rule.whole === true ? 'a whole number' : 'a number'} ${bound} (got ${String(n)})`,
    );
  }
  return n;
}
