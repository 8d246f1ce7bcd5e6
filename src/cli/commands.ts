import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { applyPlan, type ApplyReport } from '../apply/index.js';
import { loadConfig } from '../config/load.js';
import type { DesiredState } from '../config/types.js';
import { renderExport } from '../config/export.js';
import { ConfigError, OrwsError, PlanFileError, UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { computePlan, parsePlanDocument, type Plan } from '../plan/index.js';
import { checkBaseUrl, createClient, readManagementKey, type Client } from '../remote/index.js';
import { renderApplyJson, renderApplySummary, renderResultLine } from '../render/apply.js';
import { renderPlanJson } from '../render/json.js';
import { renderPlanText } from '../render/text.js';
import type {
  ApplyOptions,
  CommonOptions,
  ExportOptions,
  FileOptions,
  PlanOptions,
} from './program.js';
import { createProgress } from './progress.js';
import { readToolVersion } from './version.js';

const SCHEMA_FILE = new URL('../../schema/workspaces.schema.json', import.meta.url);

/** The management key, once read: every text orws prints passes through `redact`. */
let secret: string | undefined;

function redact(text: string): string {
  return secret === undefined || secret === '' ? text : text.split(secret).join('[REDACTED]');
}

function out(text: string): void {
  process.stdout.write(redact(text));
}

function err(text: string): void {
  process.stderr.write(redact(text));
}

/** Runs a command, mapping every expected error to its message and exit code 1. */
async function guard(work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConfigError) err(`orws: ${error.message}\n`);
    else if (error instanceof OrwsError) err(`orws: error: ${error.message}\n`);
    else
      err(
        `orws: internal error (please report it): ${error instanceof Error ? error.message : String(error)}\n`,
      );
    return 1;
  }
}

/** Escape codes are allowed unless --no-color or NO_COLOR (any non-empty value) says no. */
function colorAllowed(options: { color: boolean }): boolean {
  const noColor = process.env.NO_COLOR;
  return options.color && (noColor === undefined || noColor === '');
}

function useColor(options: { color: boolean }): boolean {
  return colorAllowed(options) && process.stdout.isTTY;
}

/** Writes a file orws was asked to write; a failure names the file and the reason. */
async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write ${path}: ${code}`);
  }
}

interface Connection {
  baseUrl: string;
  client: Client;
}

/** Reads the key and checks the base URL before any request; then makes the client. */
function connect(options: CommonOptions): Connection {
  secret = readManagementKey(process.env);
  const baseUrl = checkBaseUrl(options.baseUrl);
  const progress = createProgress(process.stderr, colorAllowed(options) && process.stderr.isTTY);
  const client = createClient({
    baseUrl,
    apiKey: secret,
    timeoutSeconds: options.timeout,
    concurrency: options.concurrency,
    maxRetries: options.maxRetries,
    logger: createLogger(options.logLevel),
    onListProgress: (done, total) => {
      progress.update(`Listing workspaces: ${done}/${total} pages`);
      if (done === total) progress.done();
    },
  });
  return { baseUrl, client };
}

/** Lists the workspaces and plans the config against them. */
async function planAgainstRemote(
  desired: DesiredState,
  options: CommonOptions & { target: string[] },
): Promise<{ plan: Plan; client: Client }> {
  const { baseUrl, client } = connect(options);
  const current = await client.listWorkspaces();
  const plan = computePlan({
    desired,
    current,
    baseUrl,
    createdAt: new Date().toISOString(),
    toolVersion: readToolVersion(),
    targets: options.target,
  });
  return { plan, client };
}

/** `orws validate`: the config alone; no key needed, no request sent. */
export function runValidate(options: FileOptions): Promise<number> {
  return guard(async () => {
    const desired = await loadConfig(options.file);
    const files = desired.files.length === 1 ? '1 file' : `${desired.files.length} files`;
    out(`The configuration is valid: ${desired.workspaces.length} workspaces in ${files}.\n`);
    return 0;
  });
}

/** `orws plan`: exit 0, or with --detailed-exitcode 0 (no changes) / 2 (changes). */
export function runPlan(options: PlanOptions): Promise<number> {
  return guard(async () => {
    const { plan } = await planAgainstRemote(await loadConfig(options.file), options);
    if (options.out !== undefined) await writeOutput(options.out, renderPlanJson(plan));
    if (options.format === 'json') out(renderPlanJson(plan));
    else if (options.format === 'markdown') {
      const { renderPlanMarkdown } = await import('../render/markdown.js');
      out(renderPlanMarkdown(plan));
    } else out(renderPlanText(plan, { color: useColor(options) }));
    return options.detailedExitcode === true && plan.changes.length > 0 ? 2 : 0;
  });
}

/** `orws apply [PLANFILE]`. */
export function runApply(planFile: string | undefined, options: ApplyOptions): Promise<number> {
  return guard(async () => {
    if (planFile !== undefined) return applySavedPlan(planFile, options);
    const desired = await loadConfig(options.file);
    if (options.autoApprove !== true && !process.stdin.isTTY) {
      throw new UsageError(
        'refusing to apply: standard input is not a terminal, so nobody can confirm. Pass --auto-approve, or apply a saved plan file. Nothing was sent.',
      );
    }
    const { plan, client } = await planAgainstRemote(desired, options);
    const color = useColor(options);
    if (options.format === 'text') out(renderPlanText(plan, { color }));
    if (plan.changes.length === 0) {
      if (options.format === 'json') out(renderApplyJson(emptyReport(), meta(plan)));
      return 0;
    }
    const interactive = options.autoApprove !== true;
    if (interactive && !(await confirm())) {
      err('orws: apply cancelled; nothing was sent.\n');
      return 1;
    }
    // The world may move while a person reads the plan: after a confirmation, the workspaces
    // the plan touches are re-read and a stale plan is refused, as for a plan file. With
    // --auto-approve nothing waits between the listing and the writes, so nothing is re-read.
    return runApplyPlan(plan, client, options, interactive);
  });
}

async function applySavedPlan(planFile: string, options: ApplyOptions): Promise<number> {
  if (options.target.length > 0) {
    throw new UsageError(
      '--target cannot be combined with a plan file: the plan file is applied exactly as saved.',
    );
  }
  let text: string;
  try {
    text = await readFile(planFile, 'utf8');
  } catch (error) {
    throw new PlanFileError(
      `cannot read plan file ${planFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const plan = parsePlanDocument(text, planFile);
  const { baseUrl, client } = connect(options);
  if (checkBaseUrl(plan.base_url) !== baseUrl) {
    throw new PlanFileError(
      `${planFile} was made against ${plan.base_url}, not ${baseUrl}; nothing was sent. Set --base-url (or OPENROUTER_BASE_URL) to the plan's, or make a new plan.`,
    );
  }
  if (plan.changes.length === 0) {
    out(
      options.format === 'json'
        ? renderApplyJson(emptyReport(), meta(plan))
        : 'No changes in the plan; nothing to apply.\n',
    );
    return 0;
  }
  return runApplyPlan(plan, client, options, true);
}

async function runApplyPlan(
  plan: Plan,
  client: Client,
  options: ApplyOptions,
  verify: boolean,
): Promise<number> {
  const color = useColor(options);
  const controller = new AbortController();
  let signalCode = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalCode = signal === 'SIGINT' ? 130 : 143;
    err(`\norws: ${signal} received: sending no new request, waiting for those in flight.\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: ApplyReport;
  const progress = createProgress(process.stderr, colorAllowed(options) && process.stderr.isTTY);
  let done = 0;
  progress.update(`Applying: 0/${plan.changes.length}`);
  try {
    report = await applyPlan(plan, client, {
      concurrency: options.concurrency,
      verify,
      signal: controller.signal,
      onResult: (result) => {
        progress.done();
        if (options.format === 'text') out(renderResultLine(result, color) + '\n');
        progress.update(`Applying: ${++done}/${plan.changes.length}`);
      },
    });
  } finally {
    progress.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (options.format === 'json') out(renderApplyJson(report, meta(plan)));
  else out('\n' + renderApplySummary(report, color));
  if (signalCode !== 0) return signalCode;
  return report.summary.failed + report.summary.not_attempted > 0 ? 1 : 0;
}

function emptyReport(): ApplyReport {
  return {
    results: [],
    summary: {
      applied: 0,
      already_applied: 0,
      failed: 0,
      unknown: 0,
      missing: 0,
      not_attempted: 0,
    },
    interrupted: false,
  };
}

function meta(plan: Plan): { toolVersion: string; baseUrl: string } {
  return { toolVersion: readToolVersion(), baseUrl: plan.base_url };
}

async function confirm(): Promise<boolean> {
  // terminal: false leaves echo and line editing to the terminal itself: readline's own
  // editing would write cursor escape codes, even under NO_COLOR or --no-color.
  const prompt = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
  try {
    const answer = await prompt.question(
      "\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ",
    );
    return answer.trim() === 'yes';
  } finally {
    prompt.close();
  }
}

/** `orws export`: the remote workspaces as a config that plans clean. */
export function runExport(options: ExportOptions): Promise<number> {
  return guard(async () => {
    const { client } = connect(options);
    const workspaces = await client.listWorkspaces();
    const target = options.out === undefined ? process.cwd() : dirname(resolve(options.out));
    const schemaPath = relative(target, fileURLToPath(SCHEMA_FILE)).split('\\').join('/');
    const text = renderExport(workspaces, schemaPath);
    if (options.out === undefined) out(text);
    else {
      await writeOutput(options.out, text);
      err(`Exported ${workspaces.length} workspaces to ${options.out}.\n`);
    }
    return 0;
  });
}

/** `orws schema`: the JSON Schema file shipped with orws, as it is. */
export function runSchema(): Promise<number> {
  return guard(async () => {
    out(await readFile(SCHEMA_FILE, 'utf8'));
    return 0;
  });
}
