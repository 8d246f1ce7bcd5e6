import { describe, expect, test } from 'vitest';
import {
  decideRetry,
  describeFailure,
  readServerDelayMs,
  type AttemptFailure,
} from '../../src/api/retry.js';

const NOW = Date.parse('2026-11-28T10:00:00.000Z');
const policy = { maxRetries: 4, maxWaitMs: 60_000 };
const fresh = { retriesDone: 0, waitedMs: 0 };

function status(code: number, headers: Record<string, string> = {}): AttemptFailure {
  return { kind: 'status', status: code, headers: new Headers(headers) };
}

describe('readServerDelayMs', () => {
  test.each([
    ['Retry-After seconds', { 'retry-after': '2' }, 2000],
    ['Retry-After with a fraction', { 'retry-after': '0.25' }, 250],
    ['Retry-After zero', { 'retry-after': '0' }, 0],
    ['Retry-After HTTP date', { 'retry-after': 'Sat, 28 Nov 2026 10:00:05 GMT' }, 5000],
    ['Retry-After date in the past', { 'retry-after': 'Sat, 28 Nov 2026 09:00:00 GMT' }, 0],
    ['X-RateLimit-Reset epoch ms (OpenRouter)', { 'x-ratelimit-reset': String(NOW + 1500) }, 1500],
    ['X-RateLimit-Reset epoch seconds', { 'x-ratelimit-reset': String(NOW / 1000 + 3) }, 3000],
    ['X-RateLimit-Reset seconds from now', { 'x-ratelimit-reset': '4' }, 4000],
    ['X-RateLimit-Reset HTTP date', { 'x-ratelimit-reset': 'Sat, 28 Nov 2026 10:00:01 GMT' }, 1000],
    [
      'Retry-After wins over X-RateLimit-Reset',
      { 'retry-after': '1', 'x-ratelimit-reset': '9' },
      1000,
    ],
    [
      'unreadable Retry-After falls back',
      { 'retry-after': 'soon', 'x-ratelimit-reset': '2' },
      2000,
    ],
  ])('%s', (_name, headers, expected) => {
    expect(readServerDelayMs(new Headers(headers), NOW)).toBe(expected);
  });

  test.each([{}, { 'retry-after': 'soon' }, { 'retry-after': '-3' }, { 'x-ratelimit-reset': '' }])(
    'no usable header %j gives undefined',
    (headers) => {
      expect(readServerDelayMs(new Headers(headers), NOW)).toBeUndefined();
    },
  );
});

describe('decideRetry', () => {
  test.each([408, 429, 500, 502, 503, 504])('retries status %i', (code) => {
    expect(decideRetry(status(code), fresh, policy, NOW, () => 0.5)).toMatchObject({
      action: 'retry',
      reason: String(code),
    });
  });

  test.each([400, 401, 403, 404, 409, 413, 422, 501])('does not retry status %i', (code) => {
    expect(decideRetry(status(code), fresh, policy, NOW, () => 0.5)).toEqual({
      action: 'fail',
      reason: String(code),
    });
  });

  test('retries timeouts and network errors, naming them', () => {
    expect(decideRetry({ kind: 'timeout' }, fresh, policy, NOW, () => 0)).toMatchObject({
      action: 'retry',
      reason: 'timeout',
    });
    expect(
      decideRetry({ kind: 'network', code: 'ECONNRESET' }, fresh, policy, NOW, () => 0),
    ).toMatchObject({
      action: 'retry',
      reason: 'ECONNRESET',
    });
  });

  test('backoff is full jitter under 300 ms · 2^n', () => {
    const at = (retriesDone: number, random: number) =>
      decideRetry(status(503), { retriesDone, waitedMs: 0 }, policy, NOW, () => random);
    expect(at(0, 0.999_999)).toMatchObject({ delaySource: 'backoff' });
    expect(at(0, 0.5)).toMatchObject({ delayMs: 150 });
    expect(at(1, 0.5)).toMatchObject({ delayMs: 300 });
    expect(at(3, 0.5)).toMatchObject({ delayMs: 1200 });
    expect(at(3, 0)).toMatchObject({ delayMs: 0 });
  });

  test('backoff is clipped to the wait budget left', () => {
    expect(
      decideRetry(status(500), { retriesDone: 3, waitedMs: 59_900 }, policy, NOW, () => 0.999),
    ).toMatchObject({ action: 'retry', delayMs: 100 });
  });

  test('once the wait budget is spent, gives up rather than retrying without a wait', () => {
    const many = { maxRetries: 100, maxWaitMs: 60_000 };
    const failures: AttemptFailure[] = [
      status(500),
      status(429, { 'retry-after': '0' }),
      { kind: 'timeout' },
    ];
    for (const failure of failures)
      expect(
        decideRetry(failure, { retriesDone: 9, waitedMs: 60_000 }, many, NOW, () => 0.5),
      ).toEqual({ action: 'budget-spent', reason: describeFailure(failure) });
  });

  test('obeys the server on 429 and 503, without jitter', () => {
    for (const code of [429, 503]) {
      expect(
        decideRetry(status(code, { 'retry-after': '7' }), fresh, policy, NOW, () => 0),
      ).toEqual({
        action: 'retry',
        delayMs: 7000,
        reason: String(code),
        delaySource: 'server',
      });
    }
  });

  test('ignores Retry-After on statuses that do not carry it (500)', () => {
    expect(
      decideRetry(status(500, { 'retry-after': '30' }), fresh, policy, NOW, () => 0.5),
    ).toMatchObject({
      delaySource: 'backoff',
      delayMs: 150,
    });
  });

  test('a server wait beyond the budget left gives up rather than retrying early', () => {
    expect(
      decideRetry(
        status(429, { 'retry-after': '30' }),
        { retriesDone: 1, waitedMs: 40_000 },
        policy,
        NOW,
        () => 0,
      ),
    ).toEqual({ action: 'over-budget', reason: '429', requestedMs: 30_000, remainingMs: 20_000 });
  });

  test('stops after maxRetries', () => {
    expect(decideRetry(status(503), { retriesDone: 4, waitedMs: 0 }, policy, NOW, () => 0)).toEqual(
      {
        action: 'fail',
        reason: '503',
      },
    );
  });
});
