import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run, type CliSignal } from '../../src/cli/run.js';
import type { ResourceSeed, SeedWorkspace } from '../../src/sandbox/index.js';

/** The built CLI (npm test builds before vitest runs). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A distinctive key: any occurrence of it in an output is a leak. */
export const TEST_KEY = 'sk-or-mgmt-TESTKEY-9f8e7d6c5b4a-secret';

export interface CliResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** Called once the child is running (to send it a signal, say). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

/**
 * The environment a spawned orws gets: the test process's, less every OPENROUTER_*, NO_COLOR
 * and FORCE_COLOR variable, plus `extra` (where `undefined` removes a variable).
 */
export function childEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !name.startsWith('OPENROUTER_') &&
      name !== 'NO_COLOR' &&
      name !== 'FORCE_COLOR'
    ) {
      env[name] = value;
    }
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) Reflect.deleteProperty(env, name);
    else env[name] = value;
  }
  return env;
}

/**
 * Spawns `orws` asynchronously, so a sandbox served by this same test process keeps
 * answering while it runs (spawnSync would block the event loop and the server with it).
 * The environment is `childEnv(options.env)`.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env = childEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      resolve({ exitCode, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
    options.onSpawn?.(child);
  });
}

/** The environment that points orws at a sandbox with the test key. */
export function sandboxEnv(baseUrl: string): Record<string, string> {
  return { OPENROUTER_BASE_URL: baseUrl, OPENROUTER_MANAGEMENT_KEY: TEST_KEY };
}

/** The example config `npm run demo` plans: workspace fields, budgets, a guardrail, members. */
export const EXAMPLE = join(ROOT, 'examples/workspaces.yaml');

/**
 * The example config as it was before it managed budgets, guardrail and members: the tests
 * that check exact workspace bodies, counts and terminal output plan it against the demo
 * sandbox, where its parts stay unmanaged.
 */
export const FIELDS_EXAMPLE = join(ROOT, 'test/fixtures/workspaces-fields-only.yaml');

/** The demo's whole sandbox state (examples/sandbox-state.json): workspaces and every part. */
export function exampleState(): { seed: SeedWorkspace[]; resources: ResourceSeed } {
  const state = JSON.parse(readFileSync(join(ROOT, 'examples/sandbox-state.json'), 'utf8')) as {
    workspaces: SeedWorkspace[];
  } & ResourceSeed;
  const { workspaces, ...resources } = state;
  return { seed: workspaces, resources };
}

/** The workspaces of examples/sandbox-state.json (drifted from the example config). */
export function exampleSeed(): SeedWorkspace[] {
  const state = JSON.parse(readFileSync(join(ROOT, 'examples/sandbox-state.json'), 'utf8')) as {
    workspaces: SeedWorkspace[];
  };
  return state.workspaces;
}

/** What an in-process run is given besides its arguments. */
export interface InProcessOptions {
  /** The whole environment of the run (nothing of the test process's leaks in). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Standard input; ended after it is written. */
  input?: string;
  /** Standard input and output are a terminal (the prompt, color, progress). */
  tty?: boolean;
  /** Called with each piece of stdout as it is written, and a way to send the run a signal. */
  onStdout?: (text: string, send: (signal: CliSignal) => void) => void;
}

/**
 * Runs orws in this process with `run(argv, io)`: in-memory streams, the given environment,
 * and a signal source the test fires. Much faster than spawning node, and a sandbox started
 * by the test keeps answering while it runs.
 */
export async function runOrws(args: string[], options: InProcessOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const handlers = new Set<(signal: CliSignal) => void>();
  const send = (signal: CliSignal): void => {
    for (const handler of handlers) handler(signal);
  };
  const stdin = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  stdin.end(options.input ?? '');
  const exitCode = await run(args, {
    stdout: {
      isTTY: options.tty === true,
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(text, send);
      },
    },
    stderr: {
      isTTY: options.tty === true,
      write: (text: string) => {
        stderr += text;
      },
    },
    stdin,
    env: options.env ?? {},
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    signals: {
      on(handler) {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
    },
  });
  return { exitCode, signal: null, stdout, stderr };
}
