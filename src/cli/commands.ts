import { lstat, readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { applyPlan, type ApplyReport, type WorkspaceResult } from '../apply/index.js';
import { summarize } from '../apply/apply.js';
import { loadConfig } from '../config/load.js';
import type { DesiredState, DesiredWorkspace } from '../config/types.js';
import { renderExport } from '../config/export.js';
import { ConfigError, OrwsError, PlanFileError, TargetError, UsageError } from '../errors.js';
import { readForExport } from '../kinds/export.js';
import { readCurrent } from '../kinds/read.js';
import {
  computePlan,
  hasDrift,
  parsePlanDocument,
  type CurrentState,
  type Plan,
} from '../plan/index.js';
import { selectTargets } from '../plan/compute.js';
import { slugCycles, swapAdvice } from '../plan/renames.js';
import { checkThresholds } from '../plan/thresholds.js';
import {
  checkBaseUrl,
  createClient,
  readManagementKey,
  type Client,
  type ClientOptions,
} from '../api/index.js';
import { renderApplyJson, renderApplySummary, renderResultLine } from '../render/apply.js';
import { renderPlanJson } from '../render/json.js';
import { describeChange } from '../render/values.js';
import { renderPlanText } from '../render/text.js';
import type { Workspace } from '../schema/fields.js';
import { escapeText, foreignText } from '../safe-text.js';
import type { Interrupt } from './interrupt.js';
import { readSignalExitCode, type CliSignal, type RunContext } from './io.js';
import type {
  ApplyOptions,
  CommonOptions,
  ExportOptions,
  PlanOptions,
  ShowOptions,
  ValidateOptions,
} from './program.js';
import { createProgress } from './progress.js';
import { readToolVersion } from '../version.js';

const SCHEMA_FILE = new URL('../../schema/workspaces.schema.json', import.meta.url);

/** The `$schema` modeline of an exported config: where `npm install orws` puts the schema. */
export const EXPORT_SCHEMA_PATH = './node_modules/orws/schema/workspaces.schema.json';

/** How long the requests in flight get after the first signal before the run stops anyway. */
export const SIGNAL_GRACE_MS = 1500;

/** The most characters of a foreign error message printed. */
const FOREIGN_MESSAGE_MAX = 2000;

/** A plan file larger than this is not read back to check whether it may be overwritten. */
const MAX_PLAN_FILE_BYTES = 256 * 1024 * 1024;

/** One run of one command: its context and its interrupt. */
export interface CommandRun {
  context: RunContext;
  interrupt: Interrupt;
}

/** Runs a command, mapping every expected error to its message and exit code 1. */
async function guard(run: CommandRun, work: () => Promise<number>): Promise<number> {
  const { context } = run;
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConfigError) context.err(`orws: ${error.message}\n`);
    else if (error instanceof OrwsError) context.err(`orws: error: ${error.message}\n`);
    else {
      // Not orws's own words: a library's message may quote anything, the key included.
      const message = error instanceof Error ? error.message : String(error);
      context.err(
        `orws: internal error (please report it): ${foreignText(message, context.key, FOREIGN_MESSAGE_MAX)}\n`,
      );
    }
    return 1;
  }
}

/** Escape codes are allowed unless --no-color or NO_COLOR (any non-empty value) says no. */
function isColorAllowed(run: CommandRun, options: { color: boolean }): boolean {
  const noColor = run.context.io.env.NO_COLOR;
  return options.color && (noColor === undefined || noColor === '');
}

function shouldColorStdout(run: CommandRun, options: { color: boolean }): boolean {
  return isColorAllowed(run, options) && run.context.io.stdout.isTTY === true;
}

/** A path as the user gave it, against the run's working directory when it has its own. */
function resolvePath(run: CommandRun, path: string): string {
  const { cwd } = run.context.io;
  return cwd === undefined ? path : resolve(cwd, path);
}

/** Writes a file orws was asked to write; a failure names the file and the reason. */
async function writeOutput(run: CommandRun, path: string, text: string): Promise<void> {
  try {
    await writeFile(resolvePath(run, path), text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'write failed';
    throw new UsageError(`cannot write ${escapeText(path)}: ${code}`);
  }
}

/** Whether a file exists at `path` (a dangling link counts: writing would follow it). */
async function findExisting(
  run: CommandRun,
  path: string,
): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(resolvePath(run, path));
  } catch {
    return undefined;
  }
}

/**
 * Refuses `plan --out FILE` over a file that is not an orws plan document, so that a slip
 * (`--out workspaces.yaml`) cannot destroy a config. An older plan (any `format_version`) may
 * be overwritten: that is what `--out` is for. A symbolic link is judged by what it points
 * at, since writing through it replaces that file: a link to a config is refused like the
 * config itself (a dangling link has nothing to destroy).
 */
async function assertPlanOutWritable(run: CommandRun, path: string): Promise<void> {
  let target: Awaited<ReturnType<typeof stat>>;
  try {
    target = await stat(resolvePath(run, path));
  } catch {
    return;
  }
  if (!target.isFile()) return;
  const refuse = (): never => {
    throw new UsageError(
      `refusing to overwrite ${escapeText(path)}: it is not an orws plan file. Choose another --out path, or remove the file first.`,
    );
  };
  if (target.size > MAX_PLAN_FILE_BYTES) refuse();
  let value: unknown;
  try {
    value = JSON.parse(await readFile(resolvePath(run, path), 'utf8'));
  } catch {
    refuse();
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !('format_version' in value) ||
    !('changes' in value) ||
    !Array.isArray(value.changes)
  ) {
    refuse();
  }
}

/** Reads the key and checks the base URL before any request; then makes the client. */
function connect(run: CommandRun, options: CommonOptions): { baseUrl: string; client: Client } {
  const { context } = run;
  const key = readManagementKey(context.io.env);
  context.key = key;
  const baseUrl = checkBaseUrl(options.baseUrl);
  const progress = createProgress(
    context.io.stderr,
    isColorAllowed(run, options) && context.io.stderr.isTTY === true,
  );
  // `signal` stops the client's own retries and waits once the run is interrupted.
  const clientOptions: ClientOptions = {
    baseUrl,
    apiKey: key,
    timeoutSeconds: options.timeout,
    concurrency: options.concurrency,
    maxRetries: options.maxRetries,
    logger: context.createLogger(options.logLevel),
    signal: run.interrupt.signal,
    onListProgress: (done, total) => {
      progress.update(`Listing workspaces: ${done}/${total} pages`);
      if (done === total) progress.done();
    },
  };
  return { baseUrl, client: createClient(clientOptions) };
}

/** Loads the config, logging at `info` every file of a config directory that was not read. */
async function loadDesired(
  run: CommandRun,
  options: { file: string; fileIsDefault: boolean; logLevel: string },
): Promise<DesiredState> {
  const desired = await loadConfig(resolvePath(run, options.file), {
    isDefault: options.fileIsDefault,
  });
  if (desired.skipped !== undefined && desired.skipped.length > 0) {
    const logger = run.context.createLogger(options.logLevel);
    for (const file of desired.skipped) {
      logger.info({ file: escapeText(file) }, 'skipped: not a config file (*.yaml, *.yml)');
    }
  }
  return desired;
}

/** Lists the workspaces and plans the config against them. */
async function planAgainstRemote(
  run: CommandRun,
  desired: DesiredState,
  options: CommonOptions & { target: string[] },
): Promise<{ plan: Plan; client: Client; current: CurrentState }> {
  const { baseUrl, client } = connect(run, options);
  const current = await readCurrent(client, desired, options.target);
  const plan = computePlan({
    desired,
    current,
    baseUrl,
    createdAt: new Date().toISOString(),
    toolVersion: readToolVersion(),
    targets: options.target,
  });
  if (plan.targets !== undefined && plan.targets.left_out > 0) {
    run.context.err(
      `orws: warning: this plan is partial: --target left out ${plan.targets.left_out} of the config's ${plan.targets.left_out + countWorkspaces(plan)} workspaces.\n`,
    );
  }
  for (const cycle of slugCycles(plan.changes)) {
    run.context.err(`orws: warning: ${swapAdvice(escapeText(cycle))}\n`);
  }
  return { plan, client, current };
}

/** The workspaces a plan covers: with a change of any kind, or unchanged. */
function countWorkspaces(plan: Plan): number {
  return new Set(plan.changes.map((c) => c.slug)).size + plan.unchanged.length;
}

/** The safety limits a plan breaks (see `checkThresholds`); empty with `--force`. */
function findThresholdBreaches(
  plan: Plan,
  options: { force?: boolean; maxUpdatePercent?: number; maxCreatePercent?: number },
): string[] {
  if (options.force === true) return [];
  // Counted in workspaces, not changes: a workspace whose budgets and members change is one
  // workspace updated.
  const updated = new Set(plan.changes.filter((c) => c.action === 'update').map((c) => c.slug));
  const creates = plan.changes.filter((c) => c.kind === 'workspace' && c.action === 'create');
  return checkThresholds(
    {
      updates: updated.size,
      creates: creates.length,
      managedExisting: updated.size + plan.unchanged.length,
    },
    { maxUpdatePercent: options.maxUpdatePercent, maxCreatePercent: options.maxCreatePercent },
  );
}

/** `orws validate`: the config alone; no key needed, no request sent. */
export function runValidate(run: CommandRun, options: ValidateOptions): Promise<number> {
  return guard(run, async () => {
    const desired = await loadDesired(run, options);
    const files = desired.files.length === 1 ? '1 file' : `${desired.files.length} files`;
    run.context.out(
      `The configuration is valid: ${desired.workspaces.length} workspaces in ${files}.\n`,
    );
    return 0;
  });
}

/** Prints a plan in the chosen format. */
async function printPlan(
  run: CommandRun,
  plan: Plan,
  format: 'text' | 'json' | 'markdown',
  options: { color: boolean },
): Promise<void> {
  if (format === 'json') run.context.out(renderPlanJson(plan));
  else if (format === 'markdown') {
    const { renderPlanMarkdown } = await import('../render/markdown.js');
    run.context.out(renderPlanMarkdown(plan));
  } else run.context.out(renderPlanText(plan, { color: shouldColorStdout(run, options) }));
}

/** `orws plan`: exit 0, or with --detailed-exitcode 0 (no changes) / 2 (changes). */
export function runPlan(run: CommandRun, options: PlanOptions): Promise<number> {
  return guard(run, async () => {
    if (options.out !== undefined) await assertPlanOutWritable(run, options.out);
    const { plan } = await planAgainstRemote(run, await loadDesired(run, options), options);
    if (options.out !== undefined) await writeOutput(run, options.out, renderPlanJson(plan));
    await printPlan(run, plan, options.format, options);
    for (const message of findThresholdBreaches(plan, options)) {
      run.context.err(`orws: warning: apply would refuse this plan: ${message}\n`);
    }
    return options.detailedExitcode === true && hasDrift(plan) ? 2 : 0;
  });
}

/** `orws show PLANFILE`: a saved plan, rendered; no key, no request. */
export function runShow(run: CommandRun, planFile: string, options: ShowOptions): Promise<number> {
  return guard(run, async () => {
    const plan = await readPlanFile(run, planFile);
    await printPlan(run, plan, options.format, options);
    return 0;
  });
}

/** `orws apply [PLANFILE]`. */
export function runApply(
  run: CommandRun,
  planFile: string | undefined,
  options: ApplyOptions,
): Promise<number> {
  return guard(run, async () => {
    if (planFile !== undefined) return applySavedPlan(run, planFile, options);
    const desired = await loadDesired(run, options);
    const interactive = options.autoApprove !== true;
    if (interactive && run.context.io.stdin.isTTY !== true) {
      throw new UsageError(
        'refusing to apply: standard input is not a terminal, so nobody can confirm. Pass --auto-approve, or apply a saved plan file. Nothing was sent.',
      );
    }
    const { plan, client, current } = await planAgainstRemote(run, desired, options);
    if (options.format === 'text') {
      run.context.out(renderPlanText(plan, { color: shouldColorStdout(run, options) }));
    }
    if (plan.changes.length === 0) {
      if (options.format === 'json') run.context.out(renderApplyJson(emptyReport(), meta(plan)));
      return 0;
    }
    assertWithinThresholds(plan, options);
    if (interactive && !(await confirm(run))) {
      run.context.err('orws: apply cancelled; nothing was sent.\n');
      return 1;
    }
    // The world may move while a person reads the plan: after a confirmation, what the plan
    // touches (workspaces and parts) is read again and a stale plan is refused, as for a plan file. With
    // --auto-approve nothing waits between the listing and the writes, so nothing is re-read.
    return runApplyPlan(run, plan, client, options, interactive, current.workspaces);
  });
}

function assertWithinThresholds(plan: Plan, options: ApplyOptions): void {
  const breaches = findThresholdBreaches(plan, options);
  if (breaches.length > 0) {
    throw new UsageError(`refusing to apply; nothing was sent: ${breaches.join('; ')}`);
  }
}

async function readPlanFile(run: CommandRun, planFile: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(resolvePath(run, planFile), 'utf8');
  } catch (error) {
    throw new PlanFileError(
      `cannot read plan file ${escapeText(planFile)}: ${(error as NodeJS.ErrnoException).code ?? 'read failed'}`,
    );
  }
  return parsePlanDocument(text, escapeText(planFile));
}

async function applySavedPlan(
  run: CommandRun,
  planFile: string,
  options: ApplyOptions,
): Promise<number> {
  if (options.target.length > 0) {
    throw new UsageError(
      '--target cannot be combined with a plan file: the plan file is applied exactly as saved.',
    );
  }
  const plan = await readPlanFile(run, planFile);
  assertWithinThresholds(plan, options);
  const { baseUrl, client } = connect(run, options);
  if (checkBaseUrl(plan.base_url) !== baseUrl) {
    throw new PlanFileError(
      `${escapeText(planFile)} was made against ${escapeText(plan.base_url)}, not ${baseUrl}; nothing was sent. Set --base-url (or OPENROUTER_BASE_URL) to the plan's, or make a new plan.`,
    );
  }
  if (plan.changes.length === 0) {
    run.context.out(
      options.format === 'json'
        ? renderApplyJson(emptyReport(), meta(plan))
        : 'No changes in the plan; nothing to apply.\n',
    );
    return 0;
  }
  if (options.format === 'text') {
    run.context.out(renderPlanText(plan, { color: shouldColorStdout(run, options) }) + '\n');
  }
  return runApplyPlan(run, plan, client, options, true);
}

async function runApplyPlan(
  run: CommandRun,
  plan: Plan,
  client: Client,
  options: ApplyOptions,
  verify: boolean,
  workspaces?: readonly Workspace[],
): Promise<number> {
  const { context, interrupt } = run;
  const color = shouldColorStdout(run, options);
  const progress = createProgress(
    context.io.stderr,
    isColorAllowed(run, options) && context.io.stderr.isTTY === true,
  );
  const results: WorkspaceResult[] = [];
  progress.update(`Applying: 0/${plan.changes.length}`);
  const applying = applyPlan(plan, client, {
    concurrency: options.concurrency,
    verify,
    ...(workspaces === undefined ? {} : { workspaces }),
    signal: interrupt.signal,
    onResult: (result) => {
      results.push(result);
      progress.done();
      if (options.format === 'text') context.out(renderResultLine(result, color) + '\n');
      progress.update(`Applying: ${results.length}/${plan.changes.length}`);
    },
  });
  void interrupt.first.then((signal) => {
    progress.done();
    context.err(
      `\norws: ${signal} received: starting no new change, waiting up to ${SIGNAL_GRACE_MS / 1000} s for those in flight (a second signal stops at once).\n`,
    );
  });
  // After the first signal the requests in flight get a short grace; after the second, none.
  const stopped = Promise.race([
    interrupt.first.then(
      (signal) =>
        new Promise<CliSignal>((done) =>
          setTimeout(() => {
            done(signal);
          }, SIGNAL_GRACE_MS),
        ),
    ),
    interrupt.second,
  ]).then((signal) => ({ stopped: readSignalExitCode(signal) }));
  let outcome: { report: ApplyReport } | { stopped: number };
  try {
    outcome = await Promise.race([applying.then((report) => ({ report })), stopped]);
  } finally {
    progress.done();
  }
  if ('stopped' in outcome) {
    applying.catch(() => undefined);
    context.err(describeStoppedApply(plan, results));
    return outcome.stopped;
  }
  const { report } = outcome;
  if (options.format === 'json') context.out(renderApplyJson(report, meta(plan)));
  else context.out('\n' + renderApplySummary(report, color));
  const signal = interrupt.received();
  if (signal !== undefined) return readSignalExitCode(signal);
  const { failed, unknown, missing, not_attempted } = report.summary;
  return failed + unknown + missing + not_attempted > 0 ? 1 : 0;
}

/**
 * The account of an apply stopped before its requests in flight answered: what is known, and
 * which workspaces may or may not have been changed (a request sent is not a request undone).
 */
function describeStoppedApply(plan: Plan, results: readonly WorkspaceResult[]): string {
  const summary = summarize(results);
  const keyOf = (c: { slug: string; kind: string }): string => `${c.slug}\u0000${c.kind}`;
  const known = new Set(results.map(keyOf));
  const unknown = plan.changes.filter((change) => !known.has(keyOf(change))).map(describeChange);
  const lines = [
    `orws: apply interrupted: ${summary.applied} applied, ${summary.already_applied} already applied, ${summary.failed} failed, ${summary.not_attempted} not attempted; ${unknown.length} without an answer yet.`,
  ];
  if (unknown.length > 0) {
    lines.push(
      `  These may or may not have been changed; run \`orws plan\` to see: ${unknown.join(', ')}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The report of an apply with nothing to do. */
function emptyReport(): ApplyReport {
  return { results: [], summary: summarize([]), interrupted: false };
}

function meta(plan: Plan): { toolVersion: string; baseUrl: string } {
  return { toolVersion: readToolVersion(), baseUrl: plan.base_url };
}

/**
 * Asks for `yes` on the terminal. The end of input (Ctrl-D) is a "no", as is a signal: either
 * way nothing is sent.
 */
async function confirm(run: CommandRun): Promise<boolean> {
  const { io } = run.context;
  io.stdout.write(
    "\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ",
  );
  // terminal: false leaves echo and line editing to the terminal itself: readline's own
  // editing would write cursor escape codes, even under NO_COLOR or --no-color.
  const lines = createInterface({ input: io.stdin, terminal: false });
  try {
    const answer = await new Promise<string | undefined>((resolveAnswer) => {
      lines.once('line', (line) => {
        resolveAnswer(line);
      });
      lines.once('close', () => {
        resolveAnswer(undefined);
      });
      void run.interrupt.first.then(() => {
        resolveAnswer(undefined);
      });
    });
    if (answer === undefined) io.stdout.write('\n');
    return answer?.trim() === 'yes';
  } finally {
    lines.close();
  }
}

/**
 * The workspaces `targets` name (all of them without targets), by the rule of `plan
 * --target` (`selectTargets`: a slug or id as it is written, letter case included), so that a
 * target means the same to both commands. Each workspace stands for the entry export writes
 * for it: its id pinned, its slug.
 *
 * @throws UsageError when a target names no workspace of the account.
 */
function selectExportTargets(
  workspaces: readonly Workspace[],
  targets: readonly string[],
): Workspace[] {
  const source = { file: '', line: 0, col: 0 };
  const matches = workspaces.map((remote) => {
    const entry: DesiredWorkspace = { id: remote.id, slug: remote.slug, fields: {}, source };
    return { entry, remote };
  });
  try {
    return selectTargets(matches, targets).map(({ remote }) => remote);
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    throw new UsageError(
      `--target names no workspace of the account: ${error.targets.map((name) => escapeText(name)).join(', ')}; nothing was written.`,
    );
  }
}

/** `orws export`: the remote workspaces as a config that plans clean. */
export function runExport(run: CommandRun, options: ExportOptions): Promise<number> {
  return guard(run, async () => {
    if (options.out !== undefined && options.force !== true) {
      if ((await findExisting(run, options.out)) !== undefined) {
        throw new UsageError(
          `refusing to overwrite ${escapeText(options.out)}: it exists. Pass --force to replace it.`,
        );
      }
    }
    const { client } = connect(run, options);
    const workspaces = selectExportTargets(await client.listWorkspaces(), options.target);
    const entries = await readForExport(client, workspaces, options.kinds);
    const text = renderExport(entries, {
      schemaPath: options.schemaUrl ?? EXPORT_SCHEMA_PATH,
      kinds: options.kinds,
      // The whole account is in the file: a workspace that appears later is drift.
      ...(options.target.length === 0 ? { unmanaged: 'forbid' as const } : {}),
    });
    if (options.out === undefined) run.context.out(text);
    else {
      await writeOutput(run, options.out, text);
      run.context.err(`Exported ${workspaces.length} workspaces to ${escapeText(options.out)}.\n`);
    }
    return 0;
  });
}

/** `orws schema`: the JSON Schema file shipped with orws, as it is. */
export function runSchema(run: CommandRun): Promise<number> {
  return guard(run, async () => {
    run.context.out(await readFile(SCHEMA_FILE, 'utf8'));
    return 0;
  });
}
