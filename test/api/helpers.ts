import { pino, type Logger } from 'pino';
import { afterEach } from 'vitest';
import { createClient, type Client, type ClientOptions, type Clock } from '../../src/api/index.js';
import {
  startSandbox,
  type RecordedRequest,
  type Sandbox,
  type SandboxOptions,
  type SeedWorkspace,
} from '../../src/sandbox/index.js';

/** A distinctive key: finding it anywhere but the Authorization header is a leak. */
export const KEY = 'sk-or-v1-REMOTE-TEST-KEY-5f3a9c2e7b1d';

/** `n` workspaces `w-000`, `w-001`, … */
export function seeds(n: number, prefix = 'w'): SeedWorkspace[] {
  return Array.from({ length: n }, (_, i) => ({
    slug: `${prefix}-${String(i).padStart(3, '0')}`,
    name: `W ${String(i)}`,
  }));
}

const running: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
});

/** Starts a sandbox that is closed after the test. */
export async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = await startSandbox(options);
  running.push(started);
  return started;
}

/** A client of `target` with fast test defaults (small timeouts and waits) and the test key. */
export function client(target: Sandbox | string, options: Partial<ClientOptions> = {}): Client {
  return createClient({
    baseUrl: typeof target === 'string' ? target : target.baseUrl,
    apiKey: KEY,
    timeoutSeconds: 2,
    maxRetries: 2,
    maxRetryWaitSeconds: 5,
    ...options,
  });
}

/** The list requests (GET /workspaces) the sandbox received. */
export function listRequests(target: Sandbox): RecordedRequest[] {
  return target.requests.filter((r) => r.method === 'GET' && r.path === '/workspaces');
}

/** A pino logger at `level` whose JSON lines are kept in memory. */
export function captureLogs(level = 'trace'): {
  logger: Logger;
  text: () => string;
  entries: () => Record<string, unknown>[];
} {
  const lines: string[] = [];
  const logger = pino({ level, base: null }, { write: (line: string) => void lines.push(line) });
  return {
    logger,
    text: () => lines.join(''),
    entries: () =>
      lines
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** A clock that records each wait and returns at once; `now` stands still, `random` is fixed. */
export function recordingClock(nowMs = Date.now(), random = 0.5): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    random: () => random,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}
