import { describe, expect, it } from 'vitest';
import { checkThresholds } from '../../src/plan/thresholds.js';

const limits = { maxUpdatePercent: 30, maxCreatePercent: undefined };

describe('checkThresholds', () => {
  it('refuses 40 updates of 100 managed workspaces at the 30% limit', () => {
    expect(checkThresholds({ updates: 40, creates: 0, managedExisting: 100 }, limits)).toEqual([
      '40 of 100 managed workspaces (40%) would be updated; the limit is 30%: use --force if this is intended',
    ]);
  });

  it.each([
    [30, 100, 0],
    [31, 100, 1],
    [3, 10, 0],
    [4, 10, 1],
    [9, 9, 0],
  ])('%i updates of %i managed: %i message(s)', (updates, managedExisting, count) => {
    expect(checkThresholds({ updates, creates: 0, managedExisting }, limits)).toHaveLength(count);
  });

  it('limits creates only when a create limit is given', () => {
    const counts = { updates: 0, creates: 50, managedExisting: 10 };
    expect(checkThresholds(counts, limits)).toEqual([]);
    expect(checkThresholds(counts, { ...limits, maxCreatePercent: 100 })).toEqual([
      '50 of 10 managed workspaces (500%) would be created; the limit is 100%: use --force if this is intended',
    ]);
  });
});
