import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, type CallOptions, type CallResult } from './helpers.js';
import { specHasAnswer, specProblems } from './spec.js';

/**
 * One request to the sandbox, its answer checked against the spec's full response schema of
 * that operation and status. `template` is the spec's path (`/workspaces/{id}/budgets`),
 * `args` fill its `{…}` in order, `query` is appended. A status the spec does not document
 * for the operation fails the test unless listed in `undocumented` (e.g. the sandbox's 409).
 */
export async function api(
  sandbox: Sandbox,
  method: string,
  template: string,
  args: string[] = [],
  options: CallOptions & { query?: string; undocumented?: number[] } = {},
): Promise<CallResult> {
  let index = 0;
  const path = template.replace(/\{[^}]+\}/g, () => encodeURIComponent(args[index++] ?? ''));
  const result = await call(sandbox, method, `${path}${options.query ?? ''}`, options);
  if (specHasAnswer(method, template, result.status)) {
    expect(
      specProblems(method, template, result.status, result.body),
      `${method} ${template} ${result.status}: ${result.text.slice(0, 300)}`,
    ).toEqual([]);
  } else {
    expect(
      options.undocumented ?? [],
      `${method} ${template} answered ${result.status}, which the spec does not document`,
    ).toContain(result.status);
  }
  return result;
}

/** The `error.message` of an error answer. */
export function messageOf(result: CallResult): string {
  return (result.body as { error: { message: string } }).error.message;
}
