/**
 * src/remote: the current state, read from (and written to) OpenRouter's workspaces API.
 * Third-party types stop here: callers see `Workspace` and `ApiError`, never ky's or fetch's.
 */
export {
  createClient,
  isSlugConflict,
  MAX_LIST_ROUNDS,
  PAGE_LIMIT,
  type Client,
  type ClientOptions,
} from './client.js';
export { AdaptiveLimiter, type LimiterState, type Slot, type SlotOutcome } from './limiter.js';
export {
  checkBaseUrl,
  DEFAULT_BASE_URL,
  MANAGEMENT_KEY_VARIABLE,
  readManagementKey,
} from './settings.js';
