/**
 * The client: one transport (its limiter, retries and key) with the workspace calls of
 * ./workspaces.ts and the paged listing bound to it. The CLI, apply and every kind reach the
 * API through it; kinds see it as `Api` (src/kinds/types.ts), without its counters.
 */
import type { Workspace, WorkspaceFields } from '../schema/fields.js';
import type { ValidateFunction } from '../schema/generated/validate-response.js';
import { listAllPages } from './paging.js';
import { createTransport, type TransportRequest } from './transport.js';
import type { TransportOptions } from './transport-options.js';
import { createWorkspace, getWorkspace, listWorkspaces, updateWorkspace } from './workspaces.js';

/** How to reach the API and how hard to try, plus the listing's progress. */
export interface ClientOptions extends TransportOptions {
  /** Called after each list page arrives; `pagesTotal` is known from the first page. Restarts at 1 if the listing restarts. */
  onListProgress?: (pagesDone: number, pagesTotal: number) => void;
}

/** The API, as orws uses it: the workspace calls, and any request the part kinds make. Every method rejects with `ApiError` or a subclass only. */
export interface Client {
  /** The normalised base URL requests go to (no trailing slash). */
  readonly baseUrl: string;
  /** Every workspace, complete and consistent, or a `ListingError` (see `listAllPages`). */
  listWorkspaces(): Promise<Workspace[]>;
  /** The workspace with this id or slug, or `undefined` if the API answers its own 404. */
  getWorkspace(idOrSlug: string): Promise<Workspace | undefined>;
  /** Creates a workspace (POST); a taken slug rejects with `SlugConflictError`. */
  createWorkspace(body: Partial<WorkspaceFields>): Promise<Workspace>;
  /** Updates a workspace (PATCH) with `body`, which holds absolute values, and returns it as the API now has it. */
  updateWorkspace(id: string, body: Partial<WorkspaceFields>): Promise<Workspace>;
  /** One request to any endpoint (see `Transport.request`). */
  request<T>(request: TransportRequest): Promise<T>;
  /** Every item of a paged `{ data, total_count }` listing, each once (see `listAllPages`). */
  listPages<T>(
    path: string,
    validatePage: ValidateFunction,
    idOf: (item: T) => string,
  ): Promise<T[]>;
  /** Counted over the client's life: every attempt is a request; `retries` counts attempts after a first. */
  readonly stats: { requests: number; retries: number };
}

/** Creates a client; throws `UsageError` as `createTransport` does. */
export function createClient(options: ClientOptions): Client {
  const { onListProgress, ...transportOptions } = options;
  const transport = createTransport(transportOptions);
  return {
    baseUrl: transport.baseUrl,
    listWorkspaces: () =>
      listWorkspaces(transport, {
        ...(onListProgress === undefined ? {} : { onProgress: onListProgress }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      }),
    getWorkspace: (idOrSlug) => getWorkspace(transport, idOrSlug),
    createWorkspace: (body) => createWorkspace(transport, body),
    updateWorkspace: (id, body) => updateWorkspace(transport, id, body),
    request: (request) => transport.request(request),
    listPages: (path, validatePage, idOf) =>
      listAllPages(transport, path, validatePage, {
        idOf,
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      }),
    get stats() {
      return transport.stats;
    },
  };
}
