import { ApiError } from '../errors.js';

/**
 * Whether `error` is the API itself saying "not found": a 404 with its own JSON error body
 * (`apiMessage` is set). A 404 without it (a proxy's HTML page, a wrong base URL) stays an
 * error, so that it cannot make every resource look missing.
 */
export function isApiNotFound(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 404 && error.apiMessage !== undefined;
}
