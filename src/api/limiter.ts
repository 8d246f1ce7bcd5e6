/**
 * An adaptive concurrency limiter (AIMD, as TCP congestion control): at most `limit`
 * tasks hold a slot at once; the limit starts at `max`, is halved (never below 1) when the
 * server says it is overloaded (HTTP 429), and grows by one with each success, never above
 * `max`. A client owns one, and every attempt of every request goes through it, so a rate
 * limit hit by one request slows all of them down.
 */
import { onAbort } from './abort.js';

/** How the attempt that held a slot went; it decides how the limit moves. */
export type SlotOutcome = 'success' | 'throttled' | 'neutral';

/** A slot held by one task. Release it exactly once; later calls do nothing. */
export interface Slot {
  release(outcome: SlotOutcome): void;
}

type Waiter = (epoch: number) => void;

/** A snapshot of the limiter, for logs and tests. */
export interface LimiterState {
  /** Slots that may be held at once right now: 1 ≤ limit ≤ max. */
  limit: number;
  max: number;
  inFlight: number;
  waiting: number;
}

/**
 * The limiter. Invariants: `1 ≤ limit ≤ max`; `inFlight ≤ limit` except right after a
 * decrease (slots already held are not taken back: they drain, and no new slot is granted
 * until `inFlight < limit`); waiters are served first in, first out.
 *
 * A burst of 429s caused by one overload halves the limit once, not once per response:
 * a throttle only counts if its slot was granted after the last decrease. Otherwise eight
 * requests in flight that all meet the same rate limit would take the limit from 8 to 1.
 */
export class AdaptiveLimiter {
  readonly max: number;
  #limit: number;
  #inFlight = 0;
  /** Bumped at each decrease; a slot remembers the epoch it was granted in. */
  #epoch = 0;
  readonly #waiters: Waiter[] = [];

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`the concurrency must be a whole number ≥ 1 (got ${String(max)})`);
    }
    this.max = max;
    this.#limit = max;
  }

  /** The current state. */
  get state(): LimiterState {
    return {
      limit: this.#limit,
      max: this.max,
      inFlight: this.#inFlight,
      waiting: this.#waiters.length,
    };
  }

  /**
   * Waits for a free slot and takes it. If `signal` aborts first, the wait is given up (the
   * waiter leaves the queue, no slot is taken) and the promise rejects with the signal's reason.
   * However many wait, the signal gets one listener (./abort.ts).
   */
  async acquire(signal?: AbortSignal): Promise<Slot> {
    signal?.throwIfAborted();
    let epoch = this.#epoch;
    if (this.#inFlight < this.#limit && this.#waiters.length === 0) {
      this.#inFlight++;
    } else {
      // #dispatch counts the slot and passes the epoch it grants it in, so no one overtakes.
      epoch = await new Promise<number>((resolve, reject) => {
        const waiter: Waiter = (granted) => {
          stopWatching();
          resolve(granted);
        };
        const stopWatching =
          signal === undefined
            ? () => undefined
            : onAbort(signal, () => {
                const index = this.#waiters.indexOf(waiter);
                if (index >= 0) this.#waiters.splice(index, 1);
                reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
              });
        this.#waiters.push(waiter);
      });
    }
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.#inFlight--;
        if (outcome === 'success') {
          this.#limit = Math.min(this.max, this.#limit + 1);
        } else if (outcome === 'throttled' && epoch === this.#epoch) {
          this.#limit = Math.max(1, Math.floor(this.#limit / 2));
          this.#epoch++;
        }
        this.#dispatch();
      },
    };
  }

  /** Runs `task` in a slot; the outcome is `success` if it resolves, `neutral` if it throws. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    try {
      const result = await task();
      slot.release('success');
      return result;
    } catch (error) {
      slot.release('neutral');
      throw error;
    }
  }

  #dispatch(): void {
    while (this.#inFlight < this.#limit) {
      const next = this.#waiters.shift();
      if (!next) return;
      this.#inFlight++;
      next(this.#epoch);
    }
  }
}
