import type { Sandbox } from '../../src/sandbox/index.js';
import { specProblems } from './spec.js';

/** Any non-empty key is accepted by the sandbox. */
export const KEY = 'sk-or-v1-sandbox-test';

export interface CallOptions {
  /** Sent as JSON (with Content-Type: application/json). */
  json?: unknown;
  /** Sent as is; give `contentType` to label it. */
  raw?: string;
  contentType?: string;
  /** The bearer key; null sends no Authorization header. */
  key?: string | null;
  authorization?: string;
  signal?: AbortSignal;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: unknown;
}

/** One HTTP request to the sandbox with the global fetch; `path` is relative to the base URL. */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? KEY : options.key;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  } else if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  }
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  if (options.signal !== undefined) init.signal = options.signal;
  const response = await fetch(`${sandbox.baseUrl}${path}`, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** The `{"error":{...}}` body the API sends with every error status. */
export function errorBody(code: number, message: string): unknown {
  return { error: { code, message } };
}

/** `count` seeds named ws-0, ws-1, … */
export function seeds(count: number): { slug: string; name: string }[] {
  return Array.from({ length: count }, (_, i) => ({ slug: `ws-${i}`, name: `Workspace ${i}` }));
}

/**
 * Whether `workspace` has the documented `Workspace` shape, checked against the spec's FULL
 * schema (every required field, its type and format), not the client's tolerant validator, so
 * that a mistake in one is not agreed on by the other; the problems otherwise.
 */
export function workspaceShapeProblem(workspace: unknown): string | undefined {
  const problems = specProblems('GET', '/workspaces/{id}', 200, { data: workspace });
  return problems.length === 0 ? undefined : problems.join('; ');
}
