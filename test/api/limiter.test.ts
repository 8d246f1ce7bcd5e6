import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import { AdaptiveLimiter, type Slot } from '../../src/api/limiter.js';

/** Lets every settled promise's continuations run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

async function acquireAll(limiter: AdaptiveLimiter, n: number): Promise<Slot[]> {
  const slots: Slot[] = [];
  for (let i = 0; i < n; i++) slots.push(await limiter.acquire());
  return slots;
}

describe('AdaptiveLimiter', () => {
  test('grants at most `max` slots, then makes the next wait for a release', async () => {
    const limiter = new AdaptiveLimiter(2);
    const [a] = await acquireAll(limiter, 2);
    let third = false;
    const pending = limiter.acquire().then((slot) => {
      third = true;
      return slot;
    });
    await flush();
    expect(third).toBe(false);
    expect(limiter.state).toEqual({ limit: 2, max: 2, inFlight: 2, waiting: 1 });
    a?.release('neutral');
    await pending;
    expect(third).toBe(true);
    expect(limiter.state.inFlight).toBe(2);
  });

  test('serves waiters first in, first out', async () => {
    const limiter = new AdaptiveLimiter(1);
    const first = await limiter.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      limiter.acquire().then((slot) => {
        order.push(n);
        slot.release('neutral');
      }),
    );
    first.release('neutral');
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  test('a throttle halves the limit, rounding down, never below 1', async () => {
    const limiter = new AdaptiveLimiter(8);
    const expected = [4, 2, 1, 1];
    for (const limit of expected) {
      const slot = await limiter.acquire();
      slot.release('throttled');
      expect(limiter.state.limit).toBe(limit);
    }
    const odd = new AdaptiveLimiter(5);
    (await odd.acquire()).release('throttled');
    expect(odd.state.limit).toBe(2);
  });

  test('each success raises the limit by one, never above max', async () => {
    const limiter = new AdaptiveLimiter(4);
    (await limiter.acquire()).release('throttled');
    expect(limiter.state.limit).toBe(2);
    const limits: number[] = [];
    for (let i = 0; i < 4; i++) {
      (await limiter.acquire()).release('success');
      limits.push(limiter.state.limit);
    }
    expect(limits).toEqual([3, 4, 4, 4]);
  });

  test('a neutral outcome leaves the limit alone', async () => {
    const limiter = new AdaptiveLimiter(4);
    (await limiter.acquire()).release('throttled');
    (await limiter.acquire()).release('neutral');
    expect(limiter.state.limit).toBe(2);
  });

  test('a burst of throttles from slots granted before the decrease halves once', async () => {
    const limiter = new AdaptiveLimiter(8);
    const slots = await acquireAll(limiter, 8);
    for (const slot of slots) slot.release('throttled');
    expect(limiter.state.limit).toBe(4);
  });

  test('a throttle from a slot granted after the decrease halves again', async () => {
    const limiter = new AdaptiveLimiter(8);
    const [early, late] = await acquireAll(limiter, 2);
    early?.release('throttled');
    expect(limiter.state.limit).toBe(4);
    late?.release('throttled'); // granted before the decrease: same overload
    expect(limiter.state.limit).toBe(4);
    (await limiter.acquire()).release('throttled');
    expect(limiter.state.limit).toBe(2);
  });

  test('after a decrease, slots already held drain before a new one is granted', async () => {
    const limiter = new AdaptiveLimiter(4);
    const slots = await acquireAll(limiter, 4);
    slots[0]?.release('throttled'); // limit 2, 3 still in flight
    let granted = false;
    const pending = limiter.acquire().then((slot) => {
      granted = true;
      return slot;
    });
    slots[1]?.release('neutral'); // 2 in flight: still not below the limit
    await flush();
    expect(granted).toBe(false);
    slots[2]?.release('neutral'); // 1 in flight
    await pending;
    expect(granted).toBe(true);
    expect(limiter.state).toMatchObject({ limit: 2, inFlight: 2, waiting: 0 });
  });

  test('a success grants a waiter the extra slot it opens', async () => {
    const limiter = new AdaptiveLimiter(2);
    (await limiter.acquire()).release('throttled'); // limit 1
    const held = await limiter.acquire();
    let granted = 0;
    const waiters = [limiter.acquire(), limiter.acquire()].map((p) =>
      p.then((slot) => {
        granted++;
        return slot;
      }),
    );
    held.release('success'); // limit 2, 0 in flight: both waiters go
    await Promise.all(waiters);
    expect(granted).toBe(2);
    expect(limiter.state).toMatchObject({ limit: 2, inFlight: 2 });
  });

  test('releasing a slot twice counts once', async () => {
    const limiter = new AdaptiveLimiter(3);
    const slot = await limiter.acquire();
    await limiter.acquire();
    slot.release('throttled');
    slot.release('throttled');
    expect(limiter.state).toMatchObject({ limit: 1, inFlight: 1 });
  });

  test('run() releases the slot with success on resolve and neutral on reject', async () => {
    const limiter = new AdaptiveLimiter(2);
    (await limiter.acquire()).release('throttled'); // limit 1
    await expect(limiter.run(() => Promise.resolve(7))).resolves.toBe(7);
    expect(limiter.state).toMatchObject({ limit: 2, inFlight: 0 });
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limiter.state).toMatchObject({ limit: 2, inFlight: 0 });
  });

  test('never has more than `limit` tasks running under load', async () => {
    const limiter = new AdaptiveLimiter(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await flush();
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  test('a waiter whose signal aborts leaves the queue without a slot; the next waiter is served', async () => {
    const limiter = new AdaptiveLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const given: string[] = [];
    const aborted = limiter.acquire(controller.signal).then(
      () => given.push('aborted waiter'),
      () => given.push('rejected'),
    );
    const next = limiter.acquire().then((slot) => {
      given.push('next');
      return slot;
    });
    expect(limiter.state.waiting).toBe(2);
    controller.abort();
    await aborted;
    expect(limiter.state.waiting).toBe(1);
    held.release('neutral');
    (await next).release('neutral');
    expect(given).toEqual(['rejected', 'next']);
    expect(limiter.state).toMatchObject({ inFlight: 0, waiting: 0 });
    await expect(limiter.acquire(controller.signal)).rejects.toThrow();
  });

  test('thirty waiters on one signal add one listener to it, and its abort rejects them all', async () => {
    const limiter = new AdaptiveLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waits = Array.from({ length: 30 }, () =>
      limiter.acquire(controller.signal).then(
        () => 'granted',
        () => 'rejected',
      ),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(await Promise.all(waits)).toEqual(Array.from({ length: 30 }, () => 'rejected'));
    expect(limiter.state).toMatchObject({ inFlight: 1, waiting: 0 });
    held.release('neutral');
  });

  test('the listener goes once no waiter is left on the signal', async () => {
    const limiter = new AdaptiveLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waits = [limiter.acquire(controller.signal), limiter.acquire(controller.signal)];
    held.release('neutral');
    (await waits[0])?.release('neutral');
    (await waits[1])?.release('neutral');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test.each([0, -1, 1.5, Number.NaN])('refuses a max of %s', (max) => {
    expect(() => new AdaptiveLimiter(max)).toThrow(RangeError);
  });
});
