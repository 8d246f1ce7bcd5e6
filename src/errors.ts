/**
 * The errors orws expects. `src/cli` maps each to an exit code and prints its message
 * without a stack trace; anything else is a bug and is reported as one.
 */

import { escapeText } from './safe-text.js';

/** A place in a config file, 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** One thing wrong with a config, at a place in a file. */
export interface ConfigIssue extends SourcePosition {
  message: string;
}

/** Formats an issue as `FILE:LINE:COL: message`. */
export function formatIssue(issue: ConfigIssue): string {
  // A message quotes values of the config: they are escaped, so that a control, bidirectional
  // or zero-width character in a key or value shows as what it is.
  return `${escapeText(issue.file)}:${issue.line}:${issue.col}: ${escapeText(issue.message)}`;
}

/** The base of every expected error. */
export class OrwsError extends Error {
  override name = 'OrwsError';
}

/** The config is invalid: every issue found in every file, in file order. */
export class ConfigError extends OrwsError {
  override name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 error' : `${issues.length} errors`;
    super(`invalid config (${count}):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.issues = issues;
  }
}

/** The command line or the environment is wrong (missing key, unsafe base URL, bad option). */
export class UsageError extends OrwsError {
  override name = 'UsageError';
}

/** What an `ApiError` knows about the request that failed. */
export interface ApiErrorDetails {
  method: string;
  path: string;
  status?: number | undefined;
  apiMessage?: string | undefined;
  sent?: boolean;
}

/**
 * A request to the API failed: names the method, path, status and OpenRouter's message.
 * `apiMessage` is set only when the body was the API's own JSON error (`{"error":{"message"}}`),
 * already scrubbed of the key, escaped and cut. `sent` is true when the request may have
 * reached the server (so a write may have taken effect); false only when no attempt got past
 * connecting.
 */
export class ApiError extends OrwsError {
  override name = 'ApiError';
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly apiMessage: string | undefined;
  readonly sent: boolean;

  constructor(message: string, details: ApiErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.apiMessage = details.apiMessage;
    this.sent = details.sent ?? true;
  }
}

/**
 * A create refused because the slug is taken (409, or 400 whose message says the slug
 * exists). The API layer makes no decision about it: the caller knows whether the
 * workspace may be its own.
 */
export class SlugConflictError extends ApiError {
  override name = 'SlugConflictError';
}

/**
 * A listing that could not be made complete and consistent (pages that disagree, repeat
 * items or do not add up, even after listing again; or a `total_count` beyond the ceiling).
 * A partial list is never returned in its place.
 */
export class ListingError extends ApiError {
  override name = 'ListingError';
}

/** A request stopped by the caller's abort signal: no attempt starts after the signal. */
export class InterruptedError extends ApiError {
  override name = 'InterruptedError';
}

/** A saved plan no longer describes the world: nothing was sent. */
export class StalePlanError extends OrwsError {
  override name = 'StalePlanError';
  readonly reasons: readonly string[];

  constructor(reasons: readonly string[]) {
    super(
      `the plan is stale; nothing was sent:\n${reasons.map((r) => `  - ${r}`).join('\n')}\nRun \`orws plan\` again.`,
    );
    this.reasons = reasons;
  }
}

/** A plan file that cannot be read or is not an orws plan. */
export class PlanFileError extends OrwsError {
  override name = 'PlanFileError';
}

/**
 * An answer to a write that is not about what was written (another workspace's id, another
 * slug): the write's outcome is unknown until the resource is read again.
 */
export class UnexpectedAnswerError extends OrwsError {
  override name = 'UnexpectedAnswerError';
}

/** Targets that name no entry of the config: nothing was planned. Each is shown quoted and escaped, as any text from outside. */
export class TargetError extends OrwsError {
  override name = 'TargetError';
  readonly targets: readonly string[];

  constructor(targets: readonly string[]) {
    super(
      `target ${targets.map((t) => escapeText(JSON.stringify(t))).join(', ')} names no workspace of the config (give the slug or id of an entry)`,
    );
    this.targets = targets;
  }
}
