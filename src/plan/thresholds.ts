/** How many managed workspaces must exist before a percentage limit applies. */
export const THRESHOLD_MIN_MANAGED = 10;

/** The default of `--max-update-percent`. */
export const DEFAULT_MAX_UPDATE_PERCENT = 30;

/** What a plan would do, counted for the safety limits. */
export interface ThresholdCounts {
  /** Workspaces the plan updates. */
  updates: number;
  /** Workspaces the plan creates. */
  creates: number;
  /** Managed workspaces that exist remotely (updated or unchanged). */
  managedExisting: number;
}

/** The limits, in percent of the managed workspaces that exist; `undefined` turns one off. */
export interface ThresholdLimits {
  maxUpdatePercent: number | undefined;
  maxCreatePercent: number | undefined;
}

/**
 * The limits a plan breaks, one message each; empty when it breaks none. A config mistake (a
 * wrong `defaults`, a file merged twice) tends to touch many workspaces at once, so a plan that
 * would change a larger share than the limit is held back until a person says `--force`. Small
 * accounts (fewer than {@link THRESHOLD_MIN_MANAGED} managed workspaces) are exempt: there one
 * change is already a large share.
 */
export function checkThresholds(counts: ThresholdCounts, limits: ThresholdLimits): string[] {
  const messages: string[] = [];
  if (counts.managedExisting < THRESHOLD_MIN_MANAGED) return messages;
  const check = (count: number, limit: number | undefined, verb: string): void => {
    if (limit === undefined) return;
    if (count * 100 <= limit * counts.managedExisting) return;
    const percent = Math.round((count * 100) / counts.managedExisting);
    messages.push(
      `${count} of ${counts.managedExisting} managed workspaces (${percent}%) would be ${verb}; the limit is ${limit}%: use --force if this is intended`,
    );
  };
  check(counts.updates, limits.maxUpdatePercent, 'updated');
  check(counts.creates, limits.maxCreatePercent, 'created');
  return messages;
}
