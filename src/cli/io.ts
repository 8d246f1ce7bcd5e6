import type { Logger } from '../log.js';

/** Where a run writes: a stream, a terminal, or a string in a test. */
export interface CliOutput {
  write(text: string): unknown;
  /** True on a terminal: color and the progress line are allowed only there. */
  isTTY?: boolean | undefined;
  /** The terminal's width, when it has one (help is wrapped to it). */
  columns?: number | undefined;
}

/** What a run reads answers from: the confirmation prompt reads one line of it. */
export type CliInput = NodeJS.ReadableStream & { isTTY?: boolean | undefined };

/** The two signals a run reacts to. */
export type CliSignal = 'SIGINT' | 'SIGTERM';

/** A source of signals: `on` registers a handler and returns what unregisters it. */
export interface CliSignals {
  on(handler: (signal: CliSignal) => void): () => void;
}

/**
 * Everything a run touches of the world outside it. `main.ts` passes the process's own;
 * tests pass strings, a stream with `isTTY: true` for the prompt, and a signal source they
 * fire themselves. Nothing in `src/cli` reads `process` but `main.ts`.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  env: Record<string, string | undefined>;
  /**
   * The directory relative paths are read against. Absent: the process's own, and paths are
   * passed on as given, so messages name files the way the user did.
   */
  cwd?: string | undefined;
  /** Where SIGINT and SIGTERM come from; without it a run is never interrupted. */
  signals?: CliSignals | undefined;
}

/** The exit code of a run stopped by a signal: 128 + the signal's number, as a shell reports it. */
export function readSignalExitCode(signal: CliSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * What one run of a command holds: its streams, and what it has learned (the key, once read,
 * so that outside text can be scrubbed of it). Made fresh for every run; nothing is kept
 * between runs.
 */
export interface RunContext {
  readonly io: CliIo;
  /** The management key once `connect` has read it. */
  key: string | undefined;
  /** Writes orws's own text to stdout, as it is. */
  out(text: string): void;
  /** Writes orws's own text to stderr, as it is. */
  err(text: string): void;
  /** A logger at `level` writing JSON lines to this run's stderr. */
  createLogger(level: string): Logger;
}

/** Makes a logger at `level` writing JSON lines to `destination`: log.ts's `createLogger`. */
export type LoggerFactory = (level: string, destination: { write(line: string): void }) => Logger;

/**
 * Makes the context of one run. `createLogger` is passed in rather than imported, so that
 * this module, which every run loads, does not load the logger (and pino) for a run that
 * writes no log (`--version`, `--help`, a usage error).
 */
export function createRunContext(io: CliIo, createLogger: LoggerFactory): RunContext {
  return {
    io,
    key: undefined,
    out: (text) => {
      io.stdout.write(text);
    },
    err: (text) => {
      io.stderr.write(text);
    },
    createLogger: (level) =>
      createLogger(level, {
        write: (line: string) => {
          io.stderr.write(line);
        },
      }),
  };
}
