/**
 * The workspaces endpoints over a `Transport`: list, get, create, update. No domain decision
 * is made here: a create refused because the slug is taken is reported as such
 * (`SlugConflictError`), and the caller decides whether that workspace may be its own.
 */
import { ApiError, SlugConflictError } from '../errors.js';
import type { Workspace, WorkspaceFields } from '../schema/fields.js';
import {
  validateListWorkspacesResponse,
  validateWorkspaceEnvelope,
} from '../schema/generated/validate-response.js';
import { isApiNotFound } from './not-found.js';
import { listAllPages, type ListOptions } from './paging.js';
import type { Transport } from './transport.js';

/** How to list workspaces: progress and where restarts are logged. */
export type ListWorkspacesOptions = Omit<ListOptions<Workspace>, 'idOf'>;

interface WorkspaceEnvelope {
  data: Workspace;
}

/**
 * Every workspace of the account, each once, in the API's order, as `listAllPages` reads
 * them: complete and consistent, or a `ListingError`.
 */
export function listWorkspaces(
  transport: Transport,
  options: ListWorkspacesOptions = {},
): Promise<Workspace[]> {
  return listAllPages<Workspace>(transport, '/workspaces', validateListWorkspacesResponse, {
    ...options,
    idOf: (workspace) => workspace.id,
  });
}

/**
 * The workspace with this id or slug, or `undefined` when the API itself answers 404
 * (`isApiNotFound`: an HTML 404 from a proxy stays an error).
 */
export async function getWorkspace(
  transport: Transport,
  idOrSlug: string,
): Promise<Workspace | undefined> {
  try {
    const envelope = await transport.request<WorkspaceEnvelope>({
      method: 'GET',
      path: `/workspaces/${encodeURIComponent(idOrSlug)}`,
      validate: validateWorkspaceEnvelope,
    });
    return envelope.data;
  } catch (error) {
    if (isApiNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Creates a workspace (POST) and returns it as the API made it.
 *
 * @throws SlugConflictError when the slug is taken (409, or 400 whose message says the slug
 *   exists); ApiError otherwise.
 */
export async function createWorkspace(
  transport: Transport,
  body: Partial<WorkspaceFields>,
): Promise<Workspace> {
  try {
    const envelope = await transport.request<WorkspaceEnvelope>({
      method: 'POST',
      path: '/workspaces',
      json: body,
      validate: validateWorkspaceEnvelope,
    });
    return envelope.data;
  } catch (error) {
    if (error instanceof ApiError && isSlugTaken(error)) {
      throw new SlugConflictError(error.message, error, { cause: error.cause });
    }
    throw error;
  }
}

/** Updates a workspace (PATCH) with `body`, which holds absolute values; returns it as the API now has it. */
export async function updateWorkspace(
  transport: Transport,
  id: string,
  body: Partial<WorkspaceFields>,
): Promise<Workspace> {
  const envelope = await transport.request<WorkspaceEnvelope>({
    method: 'PATCH',
    path: `/workspaces/${encodeURIComponent(id)}`,
    json: body,
    validate: validateWorkspaceEnvelope,
  });
  return envelope.data;
}

/** 409, or a 400 whose API message says the slug exists. */
function isSlugTaken(error: ApiError): boolean {
  if (error.status === 409) return true;
  const message = error.apiMessage ?? '';
  return (
    error.status === 400 &&
    /slug/i.test(message) &&
    /exist|taken|already|in use|duplicate|unique/i.test(message)
  );
}
