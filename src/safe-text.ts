/**
 * Text from outside (a server's answer, a config value, a library's error message) made safe
 * to print. Two steps, in this order: `scrubSecret` first (on the raw text, so no cut or escape
 * can split a fragment of the key out of its reach), then `escapeText` (so nothing foreign acts
 * on the terminal), then `cutText`. orws's own words never pass through here: they hold no key
 * and need no change.
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
  if (secret === undefined || secret.length === 0 || text.length === 0) return text;
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
  if (!found) return text;
  let out = '';
  for (let i = 0; i < text.length;) {
    if (hidden[i] === 1) {
      while (i < text.length && hidden[i] === 1) i++;
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
 * with `…`. Only the start of a huge text is read (a fragment of the key that ends within what
 * is kept starts within what is read), so a message of megabytes costs no more than a short one.
 */
export function foreignText(text: string, secret: string | undefined, max: number): string {
  const scanned = text.slice(0, max + 4 * SECRET_FRAGMENT);
  const shown = cutText(escapeText(scrubSecret(scanned, secret)), max);
  return scanned.length < text.length && !shown.endsWith('…') ? `${shown}…` : shown;
}
