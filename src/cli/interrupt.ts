import type { CliSignal, CliSignals } from './io.js';

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
  /**
   * Resolves with the first signal when it comes; never resolves without one. Its exit code
   * is `readSignalExitCode`'s.
   */
  readonly first: Promise<CliSignal>;
  /** Resolves with the first signal (the one the run stops for) at the second. */
  readonly second: Promise<CliSignal>;
  /** Stops listening. */
  dispose(): void;
}

/** Listens to `signals` (if any) for the length of one run. */
export function createInterrupt(signals: CliSignals | undefined): Interrupt {
  const controller = new AbortController();
  let firstSignal: CliSignal | undefined;
  let count = 0;
  let resolveFirst: (signal: CliSignal) => void = () => undefined;
  let resolveSecond: (signal: CliSignal) => void = () => undefined;
  const first = new Promise<CliSignal>((resolve) => (resolveFirst = resolve));
  const second = new Promise<CliSignal>((resolve) => (resolveSecond = resolve));
  const off =
    signals?.on((signal) => {
      count += 1;
      if (count === 1) {
        firstSignal = signal;
        controller.abort();
        resolveFirst(signal);
      } else if (count === 2) {
        resolveSecond(firstSignal ?? signal);
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
