import { cutText, escapeText } from '../safe-text.js';

/** Values longer than this are shortened in the text views (never in JSON). */
export const SHORT_VALUE = 120;

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
 * The change of a set-valued field as a person reads it: what was added and what was removed
 * (`+anthropic/claude-sonnet-4 −openai/gpt-4o`), or the counts when the lists are long
 * (`+9 −7`). Null (no list at all) shows as itself.
 */
export function formatSetChange(
  before: unknown,
  after: unknown,
  label: (item: unknown) => string = (item) => formatValue(item),
): string | undefined {
  if (!Array.isArray(before) || !Array.isArray(after)) return undefined;
  const keyOf = (item: unknown): string => JSON.stringify(item);
  const had = new Set(before.map(keyOf));
  const has = new Set(after.map(keyOf));
  const added = after.filter((item) => !had.has(keyOf(item)));
  const removed = before.filter((item) => !has.has(keyOf(item)));
  const items = [...added.map((i) => `+${label(i)}`), ...removed.map((i) => `−${label(i)}`)];
  const listed = items.join(' ');
  if (items.length <= 6 && listed.length <= SHORT_VALUE) return listed;
  return `+${added.length} −${removed.length}`;
}
