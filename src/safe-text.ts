/**
 * Text from outside (a server's answer, a config value, a library's error message) made safe
 * to print. Three steps, in this order: `scrubSecret` first (on the raw text, so no cut or
 * escape can split a fragment of the key out of its reach), then `escapeText` (so nothing
 * foreign acts on the terminal), then `cutText`. orws's own words never pass through here: they
 * hold no key and need no change.
 */

/** The shortest run of the key's characters that counts as a fragment of it. */
export const SECRET_FRAGMENT = 8;

/** What stands where a fragment of the key was. */
export const SCRUBBED = '[REDACTED]';

/**
 * Removes from `text` every run of 8 or more characters that is also a run of `secret` (a
 * whole key, or any piece of it), so that an echo of the request headers, cut or not, shows
 * nothing of the key. Linear in `text.length × secret.length` at worst, which is bounded by
 * the callers (a response body is capped, the key is one header).
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  const hidden = markSecret(text, secret);
  return hidden === undefined ? text : replaceMarked(text, hidden, text.length);
}

/**
 * The start of `scrubSecret(text, secret)`: the same characters, more than `length` of them
 * when the scrubbed text has that many, else all of it. Only as much of `text` is read as that
 * takes, so a huge text costs no more than a short one unless it is mostly the key.
 *
 * Cutting the text before scrubbing it is not enough: scrubbing shortens it (a 73-character
 * key becomes `[REDACTED]`), which pulls unscrubbed text into the part kept, and a fragment cut
 * in two at the edge is no longer recognised. So a window of the text is scrubbed, and only
 * the characters whose fate the window decides are kept (the last 7 could still begin a
 * fragment that goes on past it); the window doubles until what is kept is long enough.
 */
export function scrubbedStart(text: string, secret: string | undefined, length: number): string {
  const undecided = Math.min(SECRET_FRAGMENT, secret?.length ?? 0) - 1;
  for (let read = length + 4 * SECRET_FRAGMENT; ; read *= 2) {
    if (read >= text.length) return scrubSecret(text, secret);
    const window = text.slice(0, read);
    const hidden = markSecret(window, secret);
    const decided = read - Math.max(0, undecided);
    const kept =
      hidden === undefined ? window.slice(0, decided) : replaceMarked(window, hidden, decided);
    if (kept.length > length) return kept;
  }
}

/** Where the runs of `secret` in `text` are (1 = hidden), or undefined when there are none. */
function markSecret(text: string, secret: string | undefined): Uint8Array | undefined {
  if (secret === undefined || secret.length === 0 || text.length === 0) return undefined;
  const fragment = Math.min(SECRET_FRAGMENT, secret.length);
  const grams = new Set<string>();
  for (let i = 0; i + fragment <= secret.length; i++) grams.add(secret.slice(i, i + fragment));
  const hidden = new Uint8Array(text.length);
  let found = false;
  for (let i = 0; i + fragment <= text.length; i++) {
    if (grams.has(text.slice(i, i + fragment))) {
      hidden.fill(1, i, i + fragment);
      found = true;
    }
  }
  return found ? hidden : undefined;
}

/** `text` up to `end`, each run of hidden characters written as one `SCRUBBED`. */
function replaceMarked(text: string, hidden: Uint8Array, end: number): string {
  let out = '';
  for (let i = 0; i < end;) {
    if (hidden[i] === 1) {
      while (i < end && hidden[i] === 1) i++;
      out += SCRUBBED;
    } else {
      out += text.charAt(i);
      i++;
    }
  }
  return out;
}

/**
 * Characters that must not reach a terminal as they are: C0 and C1 controls (ESC, CR, LF, BEL,
 * …), DEL, the bidirectional overrides and isolates, zero-width and invisible formatting
 * characters, the line and paragraph separators, and lone surrogates.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` with every unsafe character written as a visible escape (`\u001b`, `\u200b`), so a
 * value cannot move the cursor, forge a line, reorder what is shown or hide a character. Safe
 * text is returned unchanged.
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` cut to at most `max` UTF-16 units (never inside a surrogate pair), with `…` when cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Server or library text as orws prints it: key fragments scrubbed, escaped, then cut to `max`
 * with `…`. What is shown is the start of the whole text scrubbed (`scrubbedStart`), however
 * the cut falls, and only as much of a huge text is read as that needs.
 */
export function foreignText(text: string, secret: string | undefined, max: number): string {
  return cutText(escapeText(scrubbedStart(text, secret, max)), max);
}
