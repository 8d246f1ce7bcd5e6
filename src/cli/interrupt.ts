import { readSignalExitCode, type CliSignal, type CliSignals } from './io.js';

/**
 * How a run learns it was asked to stop. The first SIGINT or SIGTERM aborts `signal` (no new
 * change is started, and the client stops sending); the second means "now": the run returns at
 * once without waiting for the requests in flight.
 */
export interface Interrupt {
  /** Aborted at the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  received(): CliSignal | undefined;
  /** Resolves with the exit code (130, 143) at the first signal; never resolves without one. */
  readonly first: Promise<number>;
  /** Resolves with the exit code at the second signal. */
  readonly second: Promise<number>;
  /** Stops listening. */
  dispose(): void;
}

/** Listens to `signals` (if any) for the length of one run. */
export function createInterrupt(signals: CliSignals | undefined): Interrupt {
  const controller = new AbortController();
  let firstSignal: CliSignal | undefined;
  let count = 0;
  let resolveFirst: (code: number) => void = () => undefined;
  let resolveSecond: (code: number) => void = () => undefined;
  const first = new Promise<number>((resolve) => (resolveFirst = resolve));
  const second = new Promise<number>((resolve) => (resolveSecond = resolve));
  const off =
    signals?.on((signal) => {
      count += 1;
      if (count === 1) {
        firstSignal = signal;
        controller.abort();
        resolveFirst(readSignalExitCode(signal));
      } else if (count === 2) {
        resolveSecond(readSignalExitCode(firstSignal ?? signal));
      }
    }) ?? (() => undefined);
  return {
    signal: controller.signal,
    received: () => firstSignal,
    first,
    second,
    dispose: off,
  };
}
