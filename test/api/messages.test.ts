import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  validateListWorkspacesResponse,
  validateWorkspaceEnvelope,
} from '../../src/schema/generated/validate-response.js';
import {
  describeSchemaError,
  excerpt,
  formatSeconds,
  readApiMessage,
  statusLine,
} from '../../src/api/messages.js';
import {
  cutText,
  escapeText,
  foreignText,
  scrubSecret,
  SCRUBBED,
  SECRET_FRAGMENT,
} from '../../src/safe-text.js';

import { workspace } from '../helpers/factories.js';

const SECRET = 'sk-or-v1-"quote\\slash-9d8c7b6a';

/** A key of OpenRouter's length (73), the length whose scrubbing shortens a text the most. */
const LONG_KEY = `sk-or-v1-${'0123456789abcdef'.repeat(4)}`;

/** The runs of `secret`, SECRET_FRAGMENT long or longer, that `shown` contains. */
function fragmentsIn(shown: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + SECRET_FRAGMENT <= secret.length; i++) {
    const gram = secret.slice(i, i + SECRET_FRAGMENT);
    if (shown.includes(gram)) found.push(gram);
  }
  return found;
}

/** Texts made of pieces of `secret` and filler, so that scrubbing shortens them by any amount. */
function echoes(secret: string) {
  const piece = fc.oneof(
    fc
      .tuple(fc.nat(secret.length), fc.nat(secret.length))
      .map(([a, b]) => secret.slice(Math.min(a, b), Math.max(a, b))),
    fc.nat(160).map((n) => 'z'.repeat(n)),
    fc.string({ maxLength: 12 }),
  );
  return fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(''));
}

function firstError(validate: typeof validateListWorkspacesResponse, data: unknown): string {
  expect(validate(data)).toBe(false);
  return describeSchemaError(validate.errors?.[0], data);
}

describe('excerpt', () => {
  test('quotes short text as is', () => {
    expect(excerpt('<html>', SECRET)).toBe('"<html>"');
  });
  test('cuts at 200 characters and says so', () => {
    const text = 'x'.repeat(500);
    expect(excerpt(text, SECRET)).toBe(`"${'x'.repeat(200)}"…`);
  });
  test('escapes control characters, so a body cannot drive the terminal', () => {
    expect(excerpt('a\u001b[31mred\nb\tc\u0000\u009b', SECRET)).toBe(
      '"a\\u001b[31mred\\nb\\tc\\u0000\\u009b"',
    );
  });
  test('scrubs the key before cutting, so a fragment cut at the edge is gone too', () => {
    const echoed = `${'p'.repeat(166)}authorization: Bearer ${SECRET}`;
    const shown = excerpt(echoed, SECRET);
    expect(shown).toContain('[REDACTED]');
    for (let i = 0; i + 8 <= SECRET.length; i++)
      expect(shown).not.toContain(SECRET.slice(i, i + 8));
  });
  test('shows the start of the whole text scrubbed, wherever the cut falls', () => {
    fc.assert(
      fc.property(echoes(LONG_KEY), (text) => {
        const whole = scrubSecret(text, LONG_KEY);
        const expected =
          whole.length > 200
            ? `${escapeText(JSON.stringify(cutText(whole, 200).slice(0, -1)))}…`
            : escapeText(JSON.stringify(whole));
        expect(excerpt(text, LONG_KEY)).toBe(expected);
      }),
    );
  });
});

describe('foreignText', () => {
  test('a fragment of the key that scrubbing pulls into the shown part is scrubbed too', () => {
    // Scrubbing the key (73 characters → 10) pulls the start of the second fragment into the
    // 200 characters shown; a scrub of only the first 232 would have cut it short, unrecognised.
    const text = `${LONG_KEY}${'z'.repeat(152)}${LONG_KEY.slice(20)}`;
    const shown = foreignText(text, LONG_KEY, 200);
    expect(shown).toBe(`${SCRUBBED}${'z'.repeat(152)}${SCRUBBED}`);
    expect(fragmentsIn(shown, LONG_KEY)).toEqual([]);
    expect(shown).not.toContain(LONG_KEY.slice(20, 27));
  });
  test('shows the start of the whole text scrubbed, escaped and cut, wherever the cut falls', () => {
    fc.assert(
      fc.property(echoes(LONG_KEY), fc.integer({ min: 1, max: 300 }), (text, max) => {
        const shown = foreignText(text, LONG_KEY, max);
        expect(shown).toBe(cutText(escapeText(scrubSecret(text, LONG_KEY)), max));
        expect(fragmentsIn(shown, LONG_KEY)).toEqual([]);
      }),
    );
  });
  test('cuts a huge message fast and shows no fragment of the key near the cut', () => {
    const huge = `${'m'.repeat(295)}${SECRET}${'z'.repeat(5_000_000)}`;
    const started = performance.now();
    const shown = foreignText(huge, SECRET, 300);
    expect(performance.now() - started).toBeLessThan(200);
    expect(shown.length).toBeLessThanOrEqual(301);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown).not.toContain(SECRET.slice(0, 5) + SECRET.slice(5, 8));
    for (let i = 0; i + 8 <= SECRET.length; i++)
      expect(shown).not.toContain(SECRET.slice(i, i + 8));
  });
});

describe('describeSchemaError', () => {
  const good = () => workspace({ slug: 'production' });

  test('names the first failing field with an index path and what it got', () => {
    const data = { data: [good(), good(), good(), { ...good(), slug: 42 }], total_count: 4 };
    expect(firstError(validateListWorkspacesResponse, data)).toBe(
      'data[3].slug must be string (got 42)',
    );
  });
  test('names a missing field', () => {
    const nameless: Record<string, unknown> = { ...good() };
    delete nameless.name;
    expect(firstError(validateListWorkspacesResponse, { data: [nameless], total_count: 1 })).toBe(
      'data[0].name is missing',
    );
    expect(firstError(validateListWorkspacesResponse, { data: [] })).toBe('total_count is missing');
    expect(firstError(validateWorkspaceEnvelope, good())).toBe('data is missing');
  });
  test('names a body of the wrong type', () => {
    expect(firstError(validateListWorkspacesResponse, [good()])).toBe(
      'the response body must be object (got an array)',
    );
    expect(firstError(validateWorkspaceEnvelope, null)).toBe(
      'the response body must be object (got null)',
    );
  });
  test('reads nullable types as "or"', () => {
    expect(firstError(validateWorkspaceEnvelope, { data: { ...good(), description: 5 } })).toBe(
      'data.description must be string or null (got 5)',
    );
  });
  test('reports other keywords with ajv’s words', () => {
    expect(firstError(validateListWorkspacesResponse, { data: [], total_count: -1 })).toBe(
      'total_count must be >= 0 (got -1)',
    );
    expect(firstError(validateListWorkspacesResponse, { data: [], total_count: 1.5 })).toBe(
      'total_count must be integer (got 1.5)',
    );
  });
  test('accepts the documented shapes, extra fields included', () => {
    expect(
      validateListWorkspacesResponse({ data: [{ ...good(), new_field: 1 }], total_count: 1 }),
    ).toBe(true);
    expect(validateWorkspaceEnvelope({ data: good() })).toBe(true);
  });
});

describe('readApiMessage, statusLine, formatSeconds', () => {
  test('reads OpenRouter’s error.message, escaped; any other body is not the API’s message', () => {
    expect(readApiMessage('{"error":{"code":400,"message":"Invalid slug"}}', SECRET)).toBe(
      'Invalid slug',
    );
    expect(readApiMessage('{"error":{"message":"a\\u001b[2J"}}', SECRET)).toBe('a\\u001b[2J');
    expect(readApiMessage('{"error":{"code":400}}', SECRET)).toBeUndefined();
    expect(readApiMessage('<h1>Bad gateway</h1>', SECRET)).toBeUndefined();
    expect(readApiMessage('  ', SECRET)).toBeUndefined();
  });
  test('fills in a missing reason phrase', () => {
    expect(statusLine(404, '', SECRET)).toBe('404 Not Found');
    expect(statusLine(404, 'Nope', SECRET)).toBe('404 Nope');
    expect(statusLine(599, '', SECRET)).toBe('599');
  });
  test('formats seconds without noise', () => {
    expect([30_000, 200, 1500, 50, 0].map(formatSeconds)).toEqual([
      '30 s',
      '0.2 s',
      '1.5 s',
      '0.05 s',
      '0 s',
    ]);
  });
});
