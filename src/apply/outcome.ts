import { ApiError } from '../errors.js';

/**
 * What a failed write tells of its outcome. `refused`: the write changed nothing, because it
 * was never sent (no attempt got past connecting: `ApiError.sent` is false) or because the
 * API answered that it would not do it (a 4xx other than 408 and 429). Anything else (no
 * answer, a cut or unreadable answer, a timeout, a 5xx, an answer about something else) may
 * have landed. `retryable` is false when the API refused the values themselves (400, 422):
 * running apply again sends the same values and cannot help.
 */
export function outcomeOf(error: unknown): {
  refused: boolean;
  retryable: boolean;
  message: string;
} {
  const message = messageOf(error);
  if (error instanceof ApiError && !error.sent) return { refused: true, retryable: true, message };
  if (!(error instanceof ApiError) || error.status === undefined) {
    return { refused: false, retryable: true, message };
  }
  const { status } = error;
  const refused = status >= 400 && status < 500 && status !== 408 && status !== 429;
  if (!refused) return { refused, retryable: true, message };
  if (status === 400 || status === 422) {
    return { refused, retryable: false, message: `the API refused the values sent: ${message}` };
  }
  return { refused, retryable: true, message };
}

/** What an error says, for a result's reason: its message, or the value itself. */
export function messageOf(error: unknown): string {
  return error instanceof Error && error.message !== '' ? error.message : String(error);
}
