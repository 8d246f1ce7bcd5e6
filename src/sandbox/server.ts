/**
 * A faithful, in-memory stand-in for the part of the OpenRouter management API that orws
 * uses (openapi/management.openapi.yaml): workspaces, their budgets, default guardrails and
 * members, organization members and models, on node:http, with the routes, request and
 * response shapes, paging, validation and error bodies of the spec, plus a record of every
 * request and fault injection. `orws sandbox`, `npm run demo`, the tests and the benchmarks
 * run against it.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Workspace } from '../schema/fields.js';
import { checkFaultRule, FaultList, malformReply, type FaultRule, type Reply } from './faults.js';
import { materializeModel, checkSeedModel, type SeedModel } from './catalog.js';
import {
  BUDGET_INTERVALS,
  GUARDRAIL_SET_FIELDS,
  Resources,
  type BudgetInterval,
  type Guardrail,
  type OrganizationMember,
  type ResourceSeed,
  type WorkspaceMember,
} from './resources.js';
import {
  readStateFile,
  StateSaver,
  type StateFileContents,
  type StateSaveError,
} from './state-file.js';
import {
  materializeWorkspace,
  nextUpdatedAt,
  WorkspaceStore,
  type SeedWorkspace,
} from './store.js';
import {
  checkBudgetBody,
  checkGuardrailBody,
  checkMembersBody,
  checkRequestBody,
  checkWorkspaceFields,
  isPlainObject,
} from './validate.js';

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
   * Everything else to start with (budgets, default guardrails, workspace and organization
   * members, the model catalog), in the shapes a state file holds; ignored when `stateFile`
   * exists. Without `models`, a built-in catalog of ten models.
   */
  resources?: ResourceSeed | undefined;
  /**
   * A JSON file (`{"workspaces": [...], "budgets"?, "guardrails"?, "workspace_members"?,
   * "organization_members"?, "models"?}`, or a bare array of workspaces) to start from when it
   * exists, and to which the state is saved after each change (debounced, ~50 ms) and on close.
   */
  stateFile?: string | undefined;
  /**
   * The most a list page holds, whatever `limit` asks for (a server that pages by fewer than
   * asked, as a real API may). `total_count` stays true. Default: no cap beyond the spec's.
   */
  maxPageSize?: number | undefined;
  /**
   * Answer set-valued arrays in another order than they were sent (reversed): a workspace's
   * `io_logging_api_key_ids`, a guardrail's model and provider lists, and the order of
   * workspace members, as a real API may. Default false.
   */
  reorderArrays?: boolean | undefined;
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

/** The whole state of a sandbox, as a state file holds it. */
export interface SandboxStateSnapshot {
  workspaces: Workspace[];
  budgets: unknown[];
  guardrails: Guardrail[];
  workspace_members: WorkspaceMember[];
  organization_members: OrganizationMember[];
  models: Record<string, unknown>[];
}

/** A running sandbox. */
export interface Sandbox {
  /** The API's base URL, e.g. `http://127.0.0.1:43117/api/v1`. */
  baseUrl: string;
  /** Every request in order of arrival (faulted ones included), unless `logRequests` is false. */
  requests: RecordedRequest[];
  /** A deep copy of the current workspaces, in list order. */
  workspaces(): Workspace[];
  /** A deep copy of the whole state, as the state file would hold it. */
  state(): SandboxStateSnapshot;
  /**
   * Why the last save of the state file failed (path and errno), or undefined when it did
   * not, or a later save succeeded. The state in memory is kept either way.
   */
  saveError(): StateSaveError | undefined;
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
  readonly resources: Resources;

  constructor(private readonly onChange: () => void) {
    this.resources = new Resources(onChange);
  }

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
    this.resources.removeWorkspace(workspace);
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

/** How answers are shaped: the options a test turns on to act like a less obliging API. */
interface Presentation {
  maxPageSize: number;
  reorderArrays: boolean;
}

/** A copy of `list`, reversed when `reorderArrays` is on and it holds two or more items. */
function reorder<T>(list: readonly T[], presentation: Presentation): T[] {
  return presentation.reorderArrays ? [...list].reverse() : [...list];
}

function presentWorkspace(workspace: Workspace, presentation: Presentation): Workspace {
  const ids = workspace.io_logging_api_key_ids;
  return ids === null
    ? workspace
    : { ...workspace, io_logging_api_key_ids: reorder(ids, presentation) };
}

function presentGuardrail(guardrail: Guardrail, presentation: Presentation): Guardrail {
  const copy = { ...guardrail };
  for (const field of GUARDRAIL_SET_FIELDS) {
    const list = copy[field];
    if (list !== null) copy[field] = reorder(list, presentation);
  }
  return copy;
}

/** The organization member as the API lists it: the sandbox-only flags left out. */
function presentOrganizationMember(
  member: OrganizationMember,
): Omit<OrganizationMember, 'has_active_keys' | 'scim_managed'> {
  const { id, first_name, last_name, email, role } = member;
  return { id, first_name, last_name, email, role };
}

/** Reads `offset` and `limit` (≤ 100, default 50), `limit` capped at `maxPageSize`. */
function readPage(
  params: URLSearchParams,
  presentation: Presentation,
): { offset: number; limit: number } {
  const offset = readPagingParam(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = readPagingParam(params, 'limit', 50, 1, 100);
  return { offset, limit: Math.min(limit, presentation.maxPageSize) };
}

/** One page of `items` with `total_count`. */
function pageOf<T>(
  items: readonly T[],
  page: { offset: number; limit: number },
): { data: T[]; total_count: number } {
  return { data: items.slice(page.offset, page.offset + page.limit), total_count: items.length };
}

/** A route: its path pattern (`{name}` is one segment) and the methods it answers. */
const ROUTES: readonly { pattern: string; methods: readonly string[] }[] = [
  { pattern: '/workspaces', methods: ['GET', 'POST'] },
  { pattern: '/workspaces/{id}', methods: ['GET', 'PATCH', 'DELETE'] },
  { pattern: '/workspaces/{id}/budgets', methods: ['GET'] },
  { pattern: '/workspaces/{id}/budgets/{interval}', methods: ['GET', 'PUT', 'DELETE'] },
  { pattern: '/workspaces/{id}/members', methods: ['GET'] },
  { pattern: '/workspaces/{id}/members/add', methods: ['POST'] },
  { pattern: '/workspaces/{id}/members/remove', methods: ['POST'] },
  { pattern: '/guardrails', methods: ['GET'] },
  { pattern: '/guardrails/{id}', methods: ['GET', 'PATCH'] },
  { pattern: '/organization/members', methods: ['GET'] },
  { pattern: '/models', methods: ['GET'] },
];

/** The route `path` takes and its decoded `{…}` segments; a 404 when none. */
function matchRoute(path: string): { pattern: string; methods: readonly string[]; args: string[] } {
  const segments = path.split('/').slice(1);
  for (const route of ROUTES) {
    const parts = route.pattern.split('/').slice(1);
    if (parts.length !== segments.length) continue;
    const args: string[] = [];
    const fits = parts.every((part, i) => {
      const segment = segments[i] ?? '';
      if (!part.startsWith('{')) return part === segment;
      if (segment === '') return false;
      try {
        args.push(decodeURIComponent(segment));
      } catch {
        return false;
      }
      return true;
    });
    if (fits) return { ...route, args };
  }
  throw new HttpProblem(404, NOT_FOUND);
}

function isBudgetInterval(value: string): value is BudgetInterval {
  return (BUDGET_INTERVALS as readonly string[]).includes(value);
}

/**
 * Answers one API request once faults have had their say. The order of checks: route
 * (404, 405), key (401), path and body (413, 400), fields (400), lookup (404), conflicts
 * with the state (409, 400).
 */
function handleApi(
  state: SandboxState,
  presentation: Presentation,
  request: IncomingMessage,
  method: string,
  path: string,
  params: URLSearchParams,
  body: RawBody,
): Reply {
  const { store, resources } = state;
  const route = matchRoute(path);
  if (!route.methods.includes(method)) {
    throw new HttpProblem(405, `Method ${method} is not allowed on ${API_PREFIX}${path}`, {
      Allow: route.methods.join(', '),
    });
  }
  if (!/^bearer\s+\S/i.test(request.headers.authorization ?? '')) {
    throw new HttpProblem(401, statusMessage(401));
  }
  const [first = '', second = ''] = route.args;
  const checked = (issues: string[]): void => {
    if (issues.length > 0) throw new HttpProblem(400, describeIssues(issues));
  };
  const findWorkspace = (): Workspace => {
    const workspace = store.find(first);
    if (workspace === undefined) throw new HttpProblem(404, NOT_FOUND);
    return workspace;
  };
  const one = (workspace: Workspace): Reply =>
    jsonReply(200, { data: presentWorkspace(workspace, presentation) });

  switch (`${method} ${route.pattern}`) {
    case 'GET /workspaces': {
      const page = readPage(params, presentation);
      return jsonReply(200, {
        data: store.page(page.offset, page.limit).map((w) => presentWorkspace(w, presentation)),
        total_count: store.count,
      });
    }
    case 'POST /workspaces': {
      const fields = readJsonObject(request, body);
      checked(checkRequestBody(fields, 'create'));
      const workspace = state.create(fields as SeedWorkspace, httpProblem);
      return jsonReply(201, { data: presentWorkspace(workspace, presentation) });
    }
    case 'GET /workspaces/{id}':
      return one(findWorkspace());
    case 'PATCH /workspaces/{id}': {
      const fields = readJsonObject(request, body);
      checked(checkRequestBody(fields, 'update'));
      return one(state.update(findWorkspace(), fields, httpProblem));
    }
    case 'DELETE /workspaces/{id}':
      state.remove(findWorkspace());
      return jsonReply(200, { deleted: true });

    case 'GET /workspaces/{id}/budgets': {
      const workspace = findWorkspace();
      return jsonReply(200, {
        data: resources.listBudgets(workspace),
        include_byok_in_budgets: workspace.include_byok_in_budgets ?? false,
      });
    }
    case 'GET /workspaces/{id}/budgets/{interval}':
    case 'PUT /workspaces/{id}/budgets/{interval}':
    case 'DELETE /workspaces/{id}/budgets/{interval}': {
      if (!isBudgetInterval(second)) {
        throw new HttpProblem(
          400,
          `Invalid request parameters: the interval must be one of ${BUDGET_INTERVALS.map((i) => `"${i}"`).join(', ')}`,
        );
      }
      let fields: Record<string, unknown> | undefined;
      if (method === 'PUT') {
        fields = readJsonObject(request, body);
        checked(checkBudgetBody(fields));
      }
      const workspace = findWorkspace();
      const byok = (): boolean => workspace.include_byok_in_budgets ?? false;
      if (method === 'DELETE') {
        resources.deleteBudget(workspace, second);
        return jsonReply(200, { deleted: true });
      }
      if (fields === undefined) {
        const budget = resources.getBudget(workspace, second);
        if (budget === undefined) throw new HttpProblem(404, NOT_FOUND);
        return jsonReply(200, { data: budget, include_byok_in_budgets: byok() });
      }
      const budget = resources.putBudget(
        workspace,
        second,
        fields.limit_usd as number,
        fields.include_byok_in_budgets as boolean | undefined,
        httpProblem,
      );
      return jsonReply(200, { data: budget, include_byok_in_budgets: byok() });
    }

    case 'GET /workspaces/{id}/members': {
      const page = readPage(params, presentation);
      const members = reorder(resources.listMembers(findWorkspace()), presentation);
      return jsonReply(200, pageOf(members, page));
    }
    case 'POST /workspaces/{id}/members/add':
    case 'POST /workspaces/{id}/members/remove': {
      const operation = route.pattern.endsWith('/add') ? 'add' : 'remove';
      const fields = readJsonObject(request, body);
      checked(checkMembersBody(fields, operation));
      const workspace = findWorkspace();
      const userIds = fields.user_ids as string[];
      if (operation === 'remove') {
        return jsonReply(200, {
          removed_count: resources.removeMembers(workspace, userIds, httpProblem),
        });
      }
      const added = resources.addMembers(workspace, userIds, httpProblem);
      return jsonReply(200, { data: added, added_count: added.length });
    }

    case 'GET /guardrails': {
      const page = readPage(params, presentation);
      const workspaceId = params.get('workspace_id') ?? undefined;
      const list = resources
        .listGuardrails(workspaceId)
        .map((g) => presentGuardrail(g, presentation));
      return jsonReply(200, pageOf(list, page));
    }
    case 'GET /guardrails/{id}': {
      const guardrail = resources.getGuardrail(first);
      if (guardrail === undefined) throw new HttpProblem(404, NOT_FOUND);
      return jsonReply(200, { data: presentGuardrail(guardrail, presentation) });
    }
    case 'PATCH /guardrails/{id}': {
      const fields = readJsonObject(request, body);
      checked(checkGuardrailBody(fields));
      const owner =
        resources.getGuardrail(first)?.workspace_id ??
        store.all().find((w) => w.default_guardrail_id === first)?.id;
      const workspace = owner === undefined ? undefined : store.find(owner);
      if (workspace === undefined) throw new HttpProblem(404, NOT_FOUND);
      const guardrail = resources.patchGuardrail(workspace, fields, httpProblem);
      return jsonReply(200, { data: presentGuardrail(guardrail, presentation) });
    }

    case 'GET /organization/members': {
      const page = readPage(params, presentation);
      return jsonReply(
        200,
        pageOf(resources.listOrganizationMembers().map(presentOrganizationMember), page),
      );
    }
    case 'GET /models': {
      // "Filter models by output modality … or "all" to include all models. Defaults to "text"."
      const modalities = params.get('output_modalities');
      const models = resources
        .listModels()
        .filter((model) => hasOutputModality(model, modalities ?? 'text'));
      const also =
        modalities === null ? '' : `&output_modalities=${encodeURIComponent(modalities)}`;
      // "When both offset and limit are omitted, the full list is returned"; limit ≤ 1000.
      if (!params.has('offset') && !params.has('limit')) {
        return jsonReply(200, { data: models, total_count: models.length, links: { next: null } });
      }
      const offset = readPagingParam(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
      const limit = Math.min(
        readPagingParam(params, 'limit', 500, 1, 1000),
        presentation.maxPageSize,
      );
      const end = offset + limit;
      return jsonReply(200, {
        data: models.slice(offset, end),
        total_count: models.length,
        links: {
          next:
            end < models.length ? `${API_PREFIX}/models?offset=${end}&limit=${limit}${also}` : null,
        },
      });
    }
    default:
      throw new HttpProblem(404, NOT_FOUND);
  }
}

/**
 * Whether a model is listed under the `output_modalities` filter of `GET /models`: `all`, or
 * a comma-separated list of which the model outputs at least one (a model that states none
 * outputs text).
 */
function hasOutputModality(model: Record<string, unknown>, filter: string): boolean {
  if (filter === 'all') return true;
  const architecture = model.architecture as { output_modalities?: unknown } | undefined;
  const outputs = Array.isArray(architecture?.output_modalities)
    ? (architecture.output_modalities as unknown[])
    : ['text'];
  return filter.split(',').some((wanted) => outputs.includes(wanted.trim()));
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

/** `maxPageSize`: an integer of at least 1, or no cap. */
function checkPageSize(value: number | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error('sandbox: maxPageSize must be an integer of at least 1');
  }
  return value;
}

/** The whole state as a state file holds it (live objects: serialize, do not hand out). */
function snapshotState(state: SandboxState): StateFileContents & SandboxStateSnapshot {
  return { workspaces: state.store.all(), ...state.resources.snapshot() } as StateFileContents &
    SandboxStateSnapshot;
}

/** The entries of a seed list, each with where it sits for messages; a non-array is an error. */
function entries(list: unknown, where: string): [Record<string, unknown>, string][] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error(`${where}: must be an array`);
  return list.map((entry: unknown, index) => {
    if (!isPlainObject(entry)) throw new Error(`${where}[${index}]: must be an object`);
    return [entry, `${where}[${index}]`];
  });
}

/** The workspace a seed's `workspace_id` (an id or a slug) names. */
function seedWorkspace(
  state: SandboxState,
  entry: Record<string, unknown>,
  where: string,
): Workspace {
  const ref = entry.workspace_id;
  const workspace = typeof ref === 'string' ? state.store.find(ref) : undefined;
  if (workspace === undefined) {
    throw new Error(`${where}: "workspace_id" must be the id or slug of a seeded workspace`);
  }
  return workspace;
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}

/**
 * Seeds everything but the workspaces, in dependency order (models and organization members
 * first), with the same checks a request would get; every problem is a plain Error naming
 * `source` and the entry.
 */
function seedResources(state: SandboxState, seed: ResourceSeed, source: string): void {
  const { resources } = state;
  const fail = (where: string) => plainError(where);
  if (seed.models !== undefined) {
    resources.setModels(
      entries(seed.models, `${source}: models`).map(([entry, where]) => {
        const issues = checkSeedModel(entry);
        if (issues.length > 0) throw new Error(`${where}: ${issues.join('; ')}`);
        return materializeModel(entry as SeedModel);
      }),
    );
  }
  for (const [entry, where] of entries(
    seed.organization_members,
    `${source}: organization_members`,
  )) {
    const { id, email, first_name, last_name, role, has_active_keys, scim_managed } = entry;
    if (typeof id !== 'string' || id === '' || typeof email !== 'string' || email === '') {
      throw new Error(`${where}: "id" and "email" must be non-empty strings`);
    }
    if (role !== undefined && role !== 'org:admin' && role !== 'org:member') {
      throw new Error(`${where}: "role" must be "org:admin" or "org:member"`);
    }
    const member: OrganizationMember = {
      id,
      email,
      first_name: stringOr(first_name, null),
      last_name: stringOr(last_name, null),
      role: role ?? 'org:member',
    };
    if (has_active_keys === true) member.has_active_keys = true;
    if (scim_managed === true) member.scim_managed = true;
    resources.setOrganizationMember(member);
  }
  for (const [entry, where] of entries(seed.workspace_members, `${source}: workspace_members`)) {
    const workspace = seedWorkspace(state, entry, where);
    if (typeof entry.user_id !== 'string') throw new Error(`${where}: "user_id" must be a string`);
    const role = entry.role === 'admin' || entry.role === 'member' ? entry.role : undefined;
    const extra: { id?: string; created_at?: string; role?: 'admin' | 'member' } = {};
    if (typeof entry.id === 'string') extra.id = entry.id;
    if (typeof entry.created_at === 'string') extra.created_at = entry.created_at;
    if (role !== undefined) extra.role = role;
    resources.addMembers(workspace, [entry.user_id], fail(where), extra);
  }
  for (const [entry, where] of entries(seed.budgets, `${source}: budgets`)) {
    const workspace = seedWorkspace(state, entry, where);
    const interval =
      entry.interval ?? (entry.reset_interval === null ? 'lifetime' : entry.reset_interval);
    if (typeof interval !== 'string' || !isBudgetInterval(interval)) {
      throw new Error(`${where}: "interval" must be one of ${BUDGET_INTERVALS.join(', ')}`);
    }
    const issues = checkBudgetBody({ limit_usd: entry.limit_usd });
    if (issues.length > 0) throw new Error(`${where}: ${issues.join('; ')}`);
    const times: { id?: string; created_at?: string; updated_at?: string } = {};
    if (typeof entry.id === 'string') times.id = entry.id;
    if (typeof entry.created_at === 'string') times.created_at = entry.created_at;
    if (typeof entry.updated_at === 'string') times.updated_at = entry.updated_at;
    resources.putBudget(
      workspace,
      interval,
      entry.limit_usd as number,
      undefined,
      fail(where),
      times,
    );
  }
  for (const [entry, where] of entries(seed.guardrails, `${source}: guardrails`)) {
    const workspace = seedWorkspace(state, entry, where);
    const { id, name, created_at, updated_at, ...fields } = entry;
    delete fields.workspace_id;
    if (id !== undefined && id !== workspace.default_guardrail_id) {
      throw new Error(
        `${where}: "id" must be the workspace's default_guardrail_id (${workspace.default_guardrail_id})`,
      );
    }
    const issues = checkGuardrailBody(fields);
    if (issues.length > 0) throw new Error(`${where}: ${issues.join('; ')}`);
    resources.seedGuardrail(workspace, { ...fields, name, created_at, updated_at }, fail(where));
  }
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
  const presentation: Presentation = {
    maxPageSize: checkPageSize(options.maxPageSize),
    reorderArrays: options.reorderArrays ?? false,
  };

  let saver: StateSaver | undefined;
  const state = new SandboxState(() => saver?.schedule());
  const seedSource = fromFile === undefined ? 'seed' : (stateFile ?? 'seed');
  const seeds: readonly unknown[] = fromFile?.workspaces ?? options.seed ?? [];
  seeds.forEach((seed, index) => {
    addSeed(state, seed, `${seedSource}: workspace ${index}`);
  });
  seedResources(state, fromFile ?? options.resources ?? {}, seedSource);
  if (stateFile !== undefined) saver = new StateSaver(stateFile, () => snapshotState(state));

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
        reply = handleApi(state, presentation, request, method, path, params, body);
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
    state: () => structuredClone(snapshotState(state)),
    saveError: () => saver?.lastError,
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
