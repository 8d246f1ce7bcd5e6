/**
 * Reading an answer safely: the body under a byte cap, and what a failed fetch says about
 * the network (its code, and whether the request can have reached the server).
 */
import type { ReadableStream } from 'node:stream/web';
import { isRecord } from './messages.js';

/** Network codes meaning no byte of the request reached a server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A body over the cap; it is never retried. */
export class TooLargeError extends Error {
  override name = 'TooLargeError';
}

/**
 * The body as text, read chunk by chunk with a running count of decompressed bytes; above
 * `maxBytes` the download is aborted and a `TooLargeError` thrown, so a hostile answer cannot
 * fill the memory.
 */
export async function readCapped(
  response: Response,
  maxBytes: number,
  controller: AbortController,
): Promise<string> {
  const tooLarge = () =>
    new TooLargeError(`the response is larger than ${formatBytes(maxBytes)}; refused`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (!encoded && declared > maxBytes) {
    controller.abort();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    const value = chunk.value;
    size += value.byteLength;
    if (size > maxBytes) {
      controller.abort();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0
    ? `${String(bytes / 1024 / 1024)} MiB`
    : `${String(bytes)} bytes`;
}

/** Whether a fetch failure happened before any byte of the request could reach a server. */
export function notSent(error: unknown): boolean {
  return NOT_SENT_CODES.has(networkCode(error));
}

/** The most telling code of a network error: `ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`, … */
export function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && (isRecord(current) || current instanceof Error); depth++) {
    const record = current as {
      code?: unknown;
      errors?: unknown;
      cause?: unknown;
      message?: unknown;
    };
    if (typeof record.code === 'string' && record.code !== '') return record.code;
    if (Array.isArray(record.errors) && record.errors.length > 0) {
      current = record.errors[0];
    } else if (record.cause === undefined) {
      return typeof record.message === 'string' && record.message !== ''
        ? record.message
        : 'network error';
    } else {
      current = record.cause;
    }
  }
  return 'network error';
}
