/**
 * orws as a library: the same steps the CLI runs, for scripts of your own (a custom drift
 * alert, a report, a bot that comments on pull requests).
 *
 * read   `loadConfig` / `parseConfigText` (YAML → {@link DesiredState}),
 *        `createClient` + `fetchWorkspaces` (API → {@link Workspace}[])
 * decide `computePlan` (desired + current → {@link Plan}, pure)
 * show   `renderPlan` (text, JSON or Markdown), `renderExport`
 * write  `applyPlan` (Plan + client → {@link ApplyReport})
 *
 * Every expected failure is an {@link OrwsError} subclass. The main entry loads no command
 * line parser and no sandbox; a local stand-in of the API for your own tests is in
 * `orws/sandbox`.
 *
 * @packageDocumentation
 */
import {
  computePlan as computePlanValue,
  type PlanInput as PurePlanInput,
} from './plan/compute.js';
import type { Plan } from './plan/types.js';
import type { Client } from './api/client.js';
import type { Workspace } from './schema/fields.js';
import { readToolVersion } from './version.js';
import { UsageError } from './errors.js';
import { renderPlanJson } from './render/json.js';
import { renderPlanMarkdown } from './render/markdown.js';
import { renderPlanText } from './render/text.js';

// Read: the config.
export {
  loadConfig,
  parseConfigText,
  DEFAULT_CONFIG_PATH,
  MAX_CONFIG_BYTES,
  type LoadConfigOptions,
} from './config/index.js';
export type {
  DesiredState,
  DesiredWorkspace,
  DesiredBudgets,
  DesiredGuardrail,
  DesiredMembers,
  GuardrailFields,
} from './config/types.js';
export { renderExport } from './config/export.js';

// Read: the API.
export {
  createClient,
  checkBaseUrl,
  readManagementKey,
  createTransport,
  listAllPages,
  listWorkspaces,
  getWorkspace,
  createWorkspace,
  updateWorkspace,
  MANAGEMENT_KEY_VARIABLE,
  PAGE_LIMIT,
  type Client,
  type ClientOptions,
  type Transport,
  type TransportOptions,
} from './api/index.js';
export type { Logger } from './log.js';

// Decide.
export {
  verifyChange,
  parsePlanDocument,
  hasDrift,
  matchEntries,
  type ChangeState,
  type CurrentState,
} from './plan/index.js';
export { readCurrent } from './kinds/read.js';
export { KINDS, findKind } from './kinds/registry.js';
export type { Kind, Api, PlanContext, KindDiff } from './kinds/types.js';
export {
  PLAN_FORMAT_VERSION,
  type Plan,
  type Change,
  type FieldChange,
  type ChangeAction,
  type KindName,
  type PlanSummary,
  type PatchOperation,
  type WorkspaceRef,
} from './plan/types.js';

// Write.
export {
  applyPlan,
  type ApplyClient,
  type ApplyOptions,
  type ApplyReport,
  type ApplyStatus,
  type ChangeResult,
  type WorkspaceResult,
} from './apply/index.js';

// The vocabulary.
export {
  WRITABLE_FIELDS,
  READ_ONLY_FIELDS,
  fieldValuesEqual,
  type Workspace,
  type WorkspaceFields,
  type WritableField,
  type ProviderSort,
} from './schema/fields.js';
export {
  OrwsError,
  ConfigError,
  UsageError,
  ApiError,
  SlugConflictError,
  ListingError,
  InterruptedError,
  StalePlanError,
  PlanFileError,
  TargetError,
  UnexpectedAnswerError,
  formatIssue,
  type ConfigIssue,
  type SourcePosition,
} from './errors.js';

export { DEFAULT_BASE_URL } from './api/settings.js';

/** The version of this orws package, as its package.json states it (and plan documents record). */
export { readToolVersion };

/**
 * What a plan is computed from. As the CLI's, except that `createdAt` and `toolVersion`, which
 * only label the plan document, may be left out.
 */
export interface PlanInput extends Omit<PurePlanInput, 'createdAt' | 'toolVersion'> {
  /** The plan's timestamp (ISO 8601). Default: now. */
  createdAt?: string;
  /** Recorded in the plan document. Default: this orws's version ({@link readToolVersion}). */
  toolVersion?: string;
}

/**
 * Computes the plan that makes `current` match `desired`: the requests `apply` would send,
 * and nothing else. Makes no request and changes nothing; the same inputs give the same plan.
 *
 * Invariants: an update's `body` holds exactly the managed fields whose value differs; a
 * field the config does not set is never compared nor sent; key-id lists compare as sets; a
 * remote workspace no entry names is listed as unmanaged and never changed; every list is
 * sorted by slug. `plan.changes.length > 0` is exactly "there is drift".
 *
 * `input.baseUrl` names the API the `current` workspaces came from (`client.baseUrl`):
 * `orws apply PLANFILE` refuses a plan made against another.
 *
 * @throws ConfigError when the config cannot be planned against this account: an `id` no
 *   remote workspace has, two entries naming the same workspace, or a workspace to create
 *   without `name`.
 * @throws UsageError when a target names no entry.
 */
export function computePlan(input: PlanInput): Plan {
  return computePlanValue({
    ...input,
    createdAt: input.createdAt ?? new Date().toISOString(),
    toolVersion: input.toolVersion ?? readToolVersion(),
  });
}

/**
 * Every workspace of the account the client's key manages. A documented alias of
 * `client.listWorkspaces()`: one request per 100 workspaces, the pages after the first
 * fetched concurrently; the listing is read again if the account changes meanwhile.
 *
 * @throws ApiError naming the request, the status and OpenRouter's message.
 */
export function fetchWorkspaces(client: Pick<Client, 'listWorkspaces'>): Promise<Workspace[]> {
  return client.listWorkspaces();
}

/** The formats {@link renderPlan} writes: the CLI's `plan --format` choices. */
export type PlanFormat = 'text' | 'json' | 'markdown';

/** How {@link renderPlan} writes a plan. */
export interface RenderPlanOptions {
  format: PlanFormat;
  /**
   * ANSI colors in the `text` format (creates green, updates yellow, removed values red).
   * Default false: decide it from your own output (a TTY, no `NO_COLOR`). Ignored by the
   * other formats, which never hold escape codes.
   */
  color?: boolean;
}

/**
 * Renders a plan as `orws plan` prints it:
 * - `text`: the human view, per change `before → after`, ending with the
 *   `Plan: 1 to create, 2 to update, 5 unchanged, 3 unmanaged.` summary line;
 * - `json`: the plan document (schema/plan.schema.json), which `orws apply PLANFILE` and
 *   {@link parsePlanDocument} read back;
 * - `markdown`: a pull-request comment (a summary table and a collapsible section per
 *   change), kept under GitHub's comment size limit.
 *
 * Every format ends with a newline.
 */
export function renderPlan(plan: Plan, options: RenderPlanOptions): string {
  switch (options.format) {
    case 'text':
      return renderPlanText(plan, { color: options.color ?? false });
    case 'json':
      return renderPlanJson(plan);
    case 'markdown':
      return renderPlanMarkdown(plan);
  }
  // Reached only from JavaScript that passed something else.
  const format: never = options.format;
  throw new UsageError(`unknown plan format ${JSON.stringify(format)}: use text, json or markdown`);
}
