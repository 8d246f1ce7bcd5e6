/**
 * A faithful, in-memory stand-in for the OpenRouter workspaces API
 * (shared/openrouter/workspaces.openapi.yaml) on node:http: the routes, request and
 * response shapes, paging, validation and error bodies of the spec, plus a record of every
 * request and fault injection. `orws sandbox`, `npm run demo`, the tests and the benchmarks
 * run against it.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Workspace } from '../schema/fields.js';
import { checkFaultRule, FaultList, malformReply, type FaultRule, type Reply } from './faults.js';
import { readStateFile, StateSaver } from './state-file.js';
import {
  materializeWorkspace,
  nextUpdatedAt,
  WorkspaceStore,
  type SeedWorkspace,
} from './store.js';
import { checkRequestBody, checkWorkspaceFields, isPlainObject } from './validate.js';

/** How to start a sandbox. Every field is optional. */
export interface SandboxOptions {
  /** The port to listen on; default 0, a free port (read it from `baseUrl`). */
  port?: number | undefined;
  /** The address to listen on; default `127.0.0.1`. */
  host?: string | undefined;
  /**
   * The workspaces to start with, in list order. Missing fields get the values a create
   * would give, a missing `id` a random UUID, a missing `created_at` now. Ignored when
   * `stateFile` exists (the file is the saved state of an earlier run).
   */
  seed?: SeedWorkspace[] | undefined;
  /**
   * A JSON file (`{"workspaces": [...]}` or a bare array) to start from when it exists, and
   * to which the state is saved after each change (debounced, ~50 ms) and on close.
   */
  stateFile?: string | undefined;
  /** Milliseconds added to every response (and before every dropped connection). */
  latencyMs?: number | undefined;
  /** Fault rules, checked in order; see {@link FaultRule}. */
  faults?: FaultRule[] | undefined;
  /** Keep `requests` (default true); benchmarks turn it off to save memory. */
  logRequests?: boolean | undefined;
}

/** One request as the sandbox received it, and the status it answered with. */
export interface RecordedRequest {
  /** Upper-case HTTP method. */
  method: string;
  /**
   * The path after `/api/v1`, as sent (not percent-decoded): `/workspaces`,
   * `/workspaces/production`. A path outside `/api/v1` is recorded whole.
   */
  path: string;
  /** The query parameters (the last value of a repeated one). */
  query: Record<string, string>;
  /** The body parsed as JSON when it is JSON, else the raw string; undefined when empty. */
  body: unknown;
  /**
   * The status sent. 0 while the request is still being handled, and for a connection
   * dropped by a fault or closed by the client before the reply.
   */
  status: number;
  /** The `Authorization` header as sent. */
  authorization: string | undefined;
  /**
   * How many requests the sandbox was handling when this one arrived, this one included: what
   * a test reads to check a client's concurrency without timing it.
   */
  inFlight: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** The API's base URL, e.g. `http://127.0.0.1:43117/api/v1`. */
  baseUrl: string;
  /** Every request in order of arrival (faulted ones included), unless `logRequests` is false. */
  requests: RecordedRequest[];
  /** A deep copy of the current workspaces, in list order. */
  workspaces(): Workspace[];
  /**
   * Changes a workspace out of band, as another person would: validated as a PATCH would
   * be (read-only fields other than `id` may be set too), `updated_at` set to now when a
   * value changed (unless `fields.updated_at` is given). Returns a copy of the result.
   *
   * @throws Error when no workspace has this id or slug, a field is invalid, or the new slug is taken
   */
  edit(idOrSlug: string, fields: Partial<Workspace>): Workspace;
  /**
   * Creates a workspace out of band, with the defaults of a create. Returns a copy.
   *
   * @throws Error when a field is invalid or the id or slug is taken
   */
  add(seed: SeedWorkspace): Workspace;
  /** The fault rules: `add` appends one (checked as a faults file would be), `clear` removes all. */
  faults: { add(rule: FaultRule): void; clear(): void };
  /** Empties `requests` (the same array, so references to it stay live). */
  clearRequests(): void;
  /**
   * Stops listening, closes every connection, cancels pending delayed replies and saves the
   * state file. Safe to call twice.
   */
  close(): Promise<void>;
}

/** The largest request body accepted; larger ones get a 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

const API_PREFIX = '/api/v1';
const NOT_FOUND = 'Resource not found';

/** The standard message of an error status, as OpenRouter words the ones its spec shows. */
function statusMessage(status: number): string {
  switch (status) {
    case 400:
      return 'Invalid request parameters';
    case 401:
      return 'Missing Authentication header';
    case 403:
      return 'Only management keys can perform this operation';
    case 404:
      return NOT_FOUND;
    case 429:
      return 'Rate limit exceeded';
    case 500:
      return 'Internal Server Error';
    default:
      return STATUS_CODES[status] ?? `HTTP ${status}`;
  }
}

function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, contentType: 'application/json', text: JSON.stringify(value), headers };
}

function errorReply(status: number, message = statusMessage(status)): Reply {
  return jsonReply(status, { error: { code: status, message } });
}

/** Thrown inside a handler to answer with an error body. */
class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A request body as read off the wire. */
type RawBody =
  { kind: 'empty' } | { kind: 'text'; text: string } | { kind: 'too-large'; bytes: number };

function readBody(request: IncomingMessage): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (bytes > MAX_BODY_BYTES) resolve({ kind: 'too-large', bytes });
      else if (bytes === 0) resolve({ kind: 'empty' });
      else resolve({ kind: 'text', text: Buffer.concat(chunks).toString('utf8') });
    });
    request.on('error', reject);
  });
}

function recordedBody(body: RawBody): unknown {
  switch (body.kind) {
    case 'empty':
      return undefined;
    case 'too-large':
      return `<${body.bytes} bytes, over the ${MAX_BODY_BYTES}-byte limit>`;
    case 'text':
      try {
        return JSON.parse(body.text) as unknown;
      } catch {
        return body.text;
      }
  }
}

/** Splits a request target into the path and its query, without URL resolution surprises. */
function parseTarget(target: string): {
  path: string;
  params: URLSearchParams;
  query: Record<string, string>;
} {
  const mark = target.indexOf('?');
  const path = mark === -1 ? target : target.slice(0, mark);
  const params = new URLSearchParams(mark === -1 ? '' : target.slice(mark + 1));
  return { path, params, query: Object.fromEntries(params) };
}

/** The path after `/api/v1`, or the whole path when it is outside. */
function apiPath(path: string): string {
  if (path === API_PREFIX) return '';
  return path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : path;
}

/** Pending delayed replies, so that `close()` need not wait for them. */
class Delays {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  cancelAll(): void {
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}

function describeIssues(issues: string[]): string {
  return `Invalid request parameters: ${issues.join('; ')}`;
}

/**
 * The workspaces and the operations on them, shared by the HTTP handlers and the
 * out-of-band methods. Every change goes through here so that the state file is saved.
 */
class SandboxState {
  readonly store = new WorkspaceStore();

  constructor(private readonly onChange: () => void) {}

  /** Creates a workspace from an already validated seed; `fail` builds the error for a taken id or slug. */
  create(seed: SeedWorkspace, fail: (status: number, message: string) => Error): Workspace {
    if (seed.id !== undefined && this.store.hasId(seed.id)) {
      throw fail(409, `A workspace with id "${seed.id}" already exists`);
    }
    this.assertSlugFree(seed.slug, undefined, fail);
    const workspace = materializeWorkspace(seed, new Date());
    this.store.insert(workspace);
    this.onChange();
    return workspace;
  }

  /**
   * Sets already validated fields; when a value changes, `updated_at` becomes now (or
   * `fields.updated_at` when an out-of-band edit gives one).
   */
  update(
    workspace: Workspace,
    fields: Partial<Workspace>,
    fail: (status: number, message: string) => Error,
  ): Workspace {
    this.assertSlugFree(fields.slug, workspace, fail);
    const updatedAt = nextUpdatedAt(workspace, new Date());
    if (this.store.update(workspace, fields)) {
      if (fields.updated_at === undefined) workspace.updated_at = updatedAt;
      this.onChange();
    }
    return workspace;
  }

  remove(workspace: Workspace): void {
    this.store.remove(workspace);
    this.onChange();
  }

  private assertSlugFree(
    slug: string | undefined,
    self: Workspace | undefined,
    fail: (status: number, message: string) => Error,
  ): void {
    if (slug === undefined) return;
    const owner = this.store.findBySlug(slug);
    if (owner !== undefined && owner !== self) {
      throw fail(409, `A workspace with slug "${slug}" already exists`);
    }
  }
}

const httpProblem = (status: number, message: string): Error => new HttpProblem(status, message);

/** Builds the Error of an out-of-band method, prefixed by `where`. */
function plainError(where: string): (status: number, message: string) => Error {
  return (_status, message) => new Error(`${where}: ${message}`);
}

/** Checks a seed or an `add()` argument and creates the workspace, throwing plain Errors. */
function addSeed(state: SandboxState, seed: unknown, where: string): Workspace {
  if (!isPlainObject(seed)) throw new Error(`${where}: must be an object`);
  const issues = checkWorkspaceFields(seed, { allowId: true, requireNameAndSlug: true });
  if (issues.length > 0) throw new Error(`${where}: ${issues.join('; ')}`);
  return state.create(seed as SeedWorkspace, plainError(where));
}

/** An out-of-band edit (the `edit()` method and `edit` faults), throwing plain Errors. */
function editWorkspace(
  state: SandboxState,
  idOrSlug: string,
  fields: Partial<Workspace>,
  where: string,
): Workspace {
  const workspace = state.store.find(idOrSlug);
  if (workspace === undefined) {
    throw new Error(`${where}: no workspace has the id or slug "${idOrSlug}"`);
  }
  const issues = checkWorkspaceFields(fields, { allowId: false, requireNameAndSlug: false });
  if (issues.length > 0) throw new Error(`${where}: ${issues.join('; ')}`);
  return state.update(workspace, fields, plainError(where));
}

/** Reads `offset` or `limit` from the query: a non-negative decimal integer within bounds. */
function readPagingParam(
  params: URLSearchParams,
  name: 'offset' | 'limit',
  fallback: number,
  min: number,
  max: number,
): number {
  const values = params.getAll(name);
  const text = values[0];
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (values.length > 1 || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? `an integer of at least ${min}`
        : `an integer from ${min} to ${max}`;
    throw new HttpProblem(400, `Invalid request parameters: "${name}" must be ${range}`);
  }
  return value;
}

/** Parses a POST or PATCH body: it must be a JSON object sent as `application/json`. */
function readJsonObject(request: IncomingMessage, body: RawBody): Record<string, unknown> {
  if (body.kind === 'too-large') {
    throw new HttpProblem(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (body.kind === 'empty') {
    throw new HttpProblem(400, 'Invalid request parameters: a JSON object body is required');
  }
  const contentType = (request.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;|$)/.test(contentType)) {
    throw new HttpProblem(
      400,
      'Invalid request parameters: the body must be sent with Content-Type: application/json',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(body.text);
  } catch {
    throw new HttpProblem(400, 'Invalid request parameters: the body is not valid JSON');
  }
  if (!isPlainObject(value)) {
    throw new HttpProblem(400, 'Invalid request parameters: the body must be a JSON object');
  }
  return value;
}

/**
 * Answers one API request once faults have had their say. The order of checks: route
 * (404, 405), key (401), body (413, 400), fields (400), lookup (404), slug clash (409).
 */
function handleApi(
  state: SandboxState,
  request: IncomingMessage,
  method: string,
  path: string,
  params: URLSearchParams,
  body: RawBody,
): Reply {
  const { store } = state;
  let allowed: string[];
  let idOrSlug: string | undefined;
  if (path === '/workspaces') {
    allowed = ['GET', 'POST'];
  } else {
    const segment = /^\/workspaces\/([^/]+)$/.exec(path)?.[1];
    if (segment === undefined) throw new HttpProblem(404, NOT_FOUND);
    allowed = ['GET', 'PATCH', 'DELETE'];
    try {
      idOrSlug = decodeURIComponent(segment);
    } catch {
      throw new HttpProblem(404, NOT_FOUND);
    }
  }
  if (!allowed.includes(method)) {
    throw new HttpProblem(405, `Method ${method} is not allowed on ${API_PREFIX}${path}`, {
      Allow: allowed.join(', '),
    });
  }

  if (!/^bearer\s+\S/i.test(request.headers.authorization ?? '')) {
    throw new HttpProblem(401, statusMessage(401));
  }

  if (idOrSlug === undefined) {
    if (method === 'GET') {
      const offset = readPagingParam(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
      const limit = readPagingParam(params, 'limit', 50, 1, 100);
      return jsonReply(200, { data: store.page(offset, limit), total_count: store.count });
    }
    const fields = readJsonObject(request, body);
    const issues = checkRequestBody(fields, 'create');
    if (issues.length > 0) throw new HttpProblem(400, describeIssues(issues));
    return jsonReply(201, { data: state.create(fields as SeedWorkspace, httpProblem) });
  }

  let fields: Record<string, unknown> | undefined;
  if (method === 'PATCH') {
    fields = readJsonObject(request, body);
    const issues = checkRequestBody(fields, 'update');
    if (issues.length > 0) throw new HttpProblem(400, describeIssues(issues));
  }
  const workspace = store.find(idOrSlug);
  if (workspace === undefined) throw new HttpProblem(404, NOT_FOUND);
  if (method === 'GET') return jsonReply(200, { data: workspace });
  if (method === 'DELETE') {
    state.remove(workspace);
    return jsonReply(200, { deleted: true });
  }
  return jsonReply(200, {
    data: state.update(workspace, fields as Partial<Workspace>, httpProblem),
  });
}

/** The reply a `status` fault sends. */
function faultReply(rule: FaultRule & { status: number }): Reply {
  if (rule.body === undefined) return errorReply(rule.status);
  let isJson = true;
  try {
    JSON.parse(rule.body);
  } catch {
    isJson = false;
  }
  return {
    status: rule.status,
    contentType: isJson ? 'application/json' : 'text/plain; charset=utf-8',
    text: rule.body,
    headers: {},
  };
}

function sendReply(response: ServerResponse, reply: Reply): void {
  if (response.destroyed || response.writableEnded) return;
  const payload = Buffer.from(reply.text, 'utf8');
  response.writeHead(reply.status, {
    ...reply.headers,
    'Content-Type': reply.contentType,
    'Content-Length': String(payload.length),
  });
  response.end(payload);
}

/**
 * Starts a sandbox and resolves once it listens. Seeds come from `stateFile` when it
 * exists, else from `seed`.
 *
 * @throws Error when a seed, the state file or a fault rule is invalid, or the port is taken
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new Error(`sandbox: latencyMs must be a number of milliseconds, at least 0`);
  }
  const logRequests = options.logRequests ?? true;
  const stateFile = options.stateFile;
  const fromFile = stateFile === undefined ? undefined : await readStateFile(stateFile);

  let saver: StateSaver | undefined;
  const state = new SandboxState(() => saver?.schedule());
  const seeds: readonly unknown[] = fromFile ?? options.seed ?? [];
  const seedSource = fromFile === undefined ? 'seed' : (stateFile ?? 'seed');
  seeds.forEach((seed, index) => {
    addSeed(state, seed, `${seedSource}: workspace ${index}`);
  });
  if (stateFile !== undefined) saver = new StateSaver(stateFile, () => state.store.all());

  const faults = new FaultList();
  for (const rule of options.faults ?? []) {
    faults.add(checkFaultRule(rule, 'sandbox faults option'));
  }

  const requests: RecordedRequest[] = [];
  const delays = new Delays();
  let inFlight = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = (request.method ?? 'GET').toUpperCase();
    const { path: fullPath, params, query } = parseTarget(request.url ?? '/');
    const path = apiPath(fullPath);
    const record: RecordedRequest = {
      method,
      path,
      query,
      body: undefined,
      status: 0,
      authorization: request.headers.authorization,
      inFlight: ++inFlight,
    };
    response.once('close', () => {
      inFlight -= 1;
    });
    if (logRequests) requests.push(record);
    const rule = faults.take(method, path, query);

    let body: RawBody;
    try {
      body = await readBody(request);
    } catch {
      return; // the client went away mid-body: nothing to answer
    }
    record.body = recordedBody(body);

    let reply: Reply;
    try {
      if (rule?.edit !== undefined) {
        editWorkspace(state, rule.edit.target, rule.edit.fields, 'sandbox edit fault');
      }
      if (rule?.drop === true) {
        await delays.wait(latencyMs + (rule.delayMs ?? 0));
        request.socket.destroy();
        return;
      }
      if (rule?.status !== undefined) {
        reply = faultReply({ ...rule, status: rule.status });
      } else if (fullPath !== path || fullPath === API_PREFIX) {
        reply = handleApi(state, request, method, path, params, body);
      } else {
        reply = errorReply(404); // outside /api/v1
      }
    } catch (error) {
      if (error instanceof HttpProblem) {
        reply = errorReply(error.status, error.message);
        Object.assign(reply.headers, error.headers);
      } else {
        const detail = error instanceof Error ? error.message : String(error);
        reply = errorReply(500, `Internal Server Error (sandbox: ${detail})`);
      }
    }
    if (rule?.malformed !== undefined) reply = malformReply(reply, rule.malformed);
    if (rule?.retryAfter !== undefined) reply.headers['Retry-After'] = String(rule.retryAfter);
    if (rule?.rateLimitReset !== undefined) {
      reply.headers['X-RateLimit-Reset'] = String(rule.rateLimitReset);
    }

    await delays.wait(latencyMs + (rule?.delayMs ?? 0));
    if (response.destroyed || request.socket.destroyed) return;
    record.status = reply.status;
    sendReply(response, reply);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      request.socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://${host}:${address.port}${API_PREFIX}`,
    requests,
    workspaces: () => structuredClone(state.store.all()),
    edit: (idOrSlug, fields) =>
      structuredClone(editWorkspace(state, idOrSlug, fields, 'sandbox.edit()')),
    add: (seed) => structuredClone(addSeed(state, seed, 'sandbox.add()')),
    faults: {
      add: (rule) => {
        faults.add(checkFaultRule(rule, 'sandbox.faults.add()'));
      },
      clear: () => {
        faults.clear();
      },
    },
    clearRequests: () => {
      requests.length = 0;
    },
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
        delays.cancelAll();
        server.closeAllConnections();
        await closed;
        await saver?.close();
      })();
      return closing;
    },
  };
}
