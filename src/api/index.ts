/**
 * src/api: the current state, read from (and written to) OpenRouter's API. Third-party types
 * stop here: callers see `Workspace`, `ApiError` and its subclasses, never ky's or fetch's.
 */
export { createClient, type Client, type ClientOptions } from './client.js';
export { AdaptiveLimiter, type LimiterState, type Slot, type SlotOutcome } from './limiter.js';
export {
  listAllPages,
  MAX_LIST_ITEMS,
  MAX_LIST_PAGES,
  MAX_LIST_ROUNDS,
  PAGE_LIMIT,
  type ListOptions,
  type Page,
} from './paging.js';
export { isApiNotFound } from './not-found.js';
export {
  checkBaseUrl,
  DEFAULT_BASE_URL,
  MANAGEMENT_KEY_VARIABLE,
  readManagementKey,
} from './settings.js';
export {
  createTransport,
  DEFAULT_MAX_RESPONSE_BYTES,
  MAX_TIMER_SECONDS,
  type Clock,
  type HttpMethod,
  type Transport,
  type TransportOptions,
  type TransportRequest,
} from './transport.js';
export {
  createWorkspace,
  getWorkspace,
  listWorkspaces,
  updateWorkspace,
  type ListWorkspacesOptions,
} from './workspaces.js';
