import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { foreignText } from '../safe-text.js';
import {
  parseFaults,
  startSandbox,
  StateSaveError,
  type FaultRule,
  type SandboxOptions as StartOptions,
} from '../sandbox/index.js';
import type { CommandRun } from './commands.js';
import type { SandboxOptions } from './program.js';

/** The key the ready line suggests: the sandbox takes any non-empty one. */
export const SANDBOX_KEY = 'sandbox-key';

/** The most characters of a library's error message printed. */
const MESSAGE_MAX = 500;

/**
 * What `orws sandbox` asks of `startSandbox`: the command line's options, the faults file's
 * rules and latency, and paths read against the run's directory (`resolvePath`). It keeps no
 * record of the requests (`logRequests: false`): nothing reads it, and a sandbox left running
 * would grow it without bound.
 */
export function createSandboxOptions(
  options: SandboxOptions,
  faults: { latencyMs?: number; rules: FaultRule[] },
  resolvePath: (file: string) => string = (file) => file,
): StartOptions {
  const latencyMs = options.latency ?? faults.latencyMs;
  return {
    port: options.port,
    faults: faults.rules,
    logRequests: false,
    ...(options.state === undefined ? {} : { stateFile: resolvePath(options.state) }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(options.maxPageSize === undefined ? {} : { maxPageSize: options.maxPageSize }),
    ...(options.reorderArrays === true ? { reorderArrays: true } : {}),
  };
}

/**
 * `orws sandbox`: serves the local API until SIGINT or SIGTERM, printing its base URL and a
 * line that pastes into a shell (the lines scripts wait for) when it is ready.
 */
export async function runSandbox(run: CommandRun, options: SandboxOptions): Promise<number> {
  const { context } = run;
  const cwd = context.io.cwd;
  const path = (file: string): string => (cwd === undefined ? file : resolve(cwd, file));
  let faults: { latencyMs?: number; rules: FaultRule[] } = { rules: [] };
  try {
    if (options.faults !== undefined) {
      const text = await readFile(path(options.faults), 'utf8');
      faults = parseFaults(JSON.parse(text) as unknown, options.faults);
    }
  } catch (error) {
    const message = foreignText((error as Error).message, undefined, MESSAGE_MAX);
    context.err(
      `orws: error: ${new UsageError(`cannot use --faults ${foreignText(options.faults ?? '', undefined, MESSAGE_MAX)}: ${message}`).message}\n`,
    );
    return 1;
  }
  let sandbox;
  try {
    sandbox = await startSandbox(createSandboxOptions(options, faults, path));
  } catch (error) {
    context.err(
      `orws: error: cannot start the sandbox: ${foreignText((error as Error).message, undefined, MESSAGE_MAX)}\n`,
    );
    return 1;
  }
  context.out(
    `orws sandbox serving ${sandbox.baseUrl}\n` +
      `  export OPENROUTER_BASE_URL=${sandbox.baseUrl} OPENROUTER_MANAGEMENT_KEY=${SANDBOX_KEY}\n`,
  );
  const signal = await run.interrupt.first;
  try {
    await sandbox.close();
  } catch (error) {
    if (!(error instanceof StateSaveError)) throw error;
    context.err(
      `orws: error: the sandbox stopped (${signal}) but cannot save its state to ${foreignText(error.file, undefined, MESSAGE_MAX)}: ${foreignText(error.code, undefined, MESSAGE_MAX)}; the changes of this run are lost\n`,
    );
    return 1;
  }
  context.out(
    `orws sandbox stopped (${signal})${options.state === undefined ? '' : `; state saved to ${foreignText(options.state, undefined, MESSAGE_MAX)}`}\n`,
  );
  return 0;
}
