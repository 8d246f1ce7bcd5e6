/**
 * src/api: the current state, read from (and written to) OpenRouter's API. Third-party types
 * stop here: callers see `Workspace`, `ApiError` and its subclasses, never ky's or fetch's.
 */
export { createClient, type Client, type ClientOptions } from './client.js';
export { listAllPages, MAX_LIST_PAGES, PAGE_LIMIT } from './paging.js';
export { isApiNotFound } from './not-found.js';
export {
  checkBaseUrl,
  DEFAULT_BASE_URL,
  MANAGEMENT_KEY_VARIABLE,
  MAX_TIMER_SECONDS,
  readManagementKey,
} from './settings.js';
export { createTransport, type Transport, type TransportRequest } from './transport.js';
export { type Clock, type TransportOptions } from './transport-options.js';
export { createWorkspace, getWorkspace, listWorkspaces, updateWorkspace } from './workspaces.js';
