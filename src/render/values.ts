import type { Change } from '../plan/types.js';
import { cutText, escapeText } from '../safe-text.js';

/** Values longer than this are shortened in the text views (never in JSON). */
export const SHORT_VALUE = 120;

/** What to do about a workspace deleted outside orws: every view and the apply account say it. */
export const MISSING_ADVICE = 'remove the entry, or remove its id so that the next plan creates it';

/**
 * A value as orws shows it: JSON, so strings are quoted and null is visible, with every
 * character that could act on a terminal escaped (JSON leaves bidirectional and zero-width
 * characters as they are). `missing` for a field the answer did not have.
 */
export function formatValue(value: unknown): string {
  return value === undefined ? 'missing' : escapeText(JSON.stringify(value));
}

/** A value for a line of the text view: as `formatValue`, cut to 120 characters with a marker. */
export function formatShortValue(value: unknown): string {
  const text = formatValue(value);
  return text.length > SHORT_VALUE ? `${cutText(text, SHORT_VALUE)} (shortened)` : text;
}

/** A name from outside (a slug, an id) for a line of text: escaped, not quoted. */
export function showText(text: string): string {
  return escapeText(text);
}

/**
 * `workspace "production" (550e…)`, or `workspace "production" (550e…) budgets` for a part: how
 * every message, plan line and result line names a change.
 */
export function describeChange(change: Pick<Change, 'kind' | 'id' | 'slug'>): string {
  const id = change.id === undefined ? '' : ` (${showText(change.id)})`;
  const part = change.kind === 'workspace' ? '' : ` ${change.kind}`;
  return `workspace ${formatShortValue(change.slug)}${id}${part}`;
}

/**
 * An item of a set as it is shown: its label when the change has one (members: the email of a
 * user id), else the item itself. Labels come from a plan file or the server: only the
 * change's own string labels count, never what an object inherits (`constructor`).
 */
export function labelled(
  item: unknown,
  labels: Readonly<Record<string, unknown>> | undefined,
): unknown {
  if (typeof item !== 'string' || labels === undefined || !Object.hasOwn(labels, item)) return item;
  const label = labels[item];
  return typeof label === 'string' ? label : item;
}

/** An item of a set for a line of text: its label or itself, a string unquoted; escaped and shortened. */
export function formatItem(item: unknown, labels?: Readonly<Record<string, unknown>>): string {
  const shown = labelled(item, labels);
  return typeof shown === 'string'
    ? showText(cutText(shown, SHORT_VALUE))
    : formatShortValue(shown);
}

/**
 * The change of a set-valued field as a person reads it: what was added and what was removed
 * (`+anthropic/claude-sonnet-4 −openai/gpt-4o`), or the counts when the lists are long
 * (`+9 −7`). Undefined unless both sides are lists (null, no list at all, shows as itself).
 */
export function formatSetChange(
  before: unknown,
  after: unknown,
  labels?: Readonly<Record<string, unknown>>,
): string | undefined {
  if (!Array.isArray(before) || !Array.isArray(after)) return undefined;
  const keyOf = (item: unknown): string => JSON.stringify(item);
  const had = new Set(before.map(keyOf));
  const has = new Set(after.map(keyOf));
  const added = after.filter((item) => !had.has(keyOf(item)));
  const removed = before.filter((item) => !has.has(keyOf(item)));
  const items = [
    ...added.map((i) => `+${formatItem(i, labels)}`),
    ...removed.map((i) => `−${formatItem(i, labels)}`),
  ];
  const listed = items.join(' ');
  if (items.length <= 6 && listed.length <= SHORT_VALUE) return listed;
  return `+${added.length} −${removed.length}`;
}
