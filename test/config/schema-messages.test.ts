import { describe, expect, it } from 'vitest';
import { describeSchemaErrors, describeValue, suggestKey } from '../../src/schema/messages.js';
import { validateConfigData } from '../../src/schema/validate.js';
import { WRITABLE_FIELDS } from '../../src/schema/fields.js';

describe('suggestKey', () => {
  const candidates = ['id', ...WRITABLE_FIELDS];
  const cases: [string, string | undefined][] = [
    ['descripton', 'description'],
    ['descriptoin', 'description'],
    ['Description', 'description'],
    ['nme', 'name'],
    ['nmae', 'name'],
    ['slugs', 'slug'],
    ['default-text-model', 'default_text_model'],
    ['default_text', 'default_text_model'],
    ['io_logging_sampling', 'io_logging_sampling_rate'],
    ['is_observability_io_logging', 'is_observability_io_logging_enabled'],
    ['ix', 'id'],
    ['x', undefined],
    ['de', undefined],
    ['colour', undefined],
    ['', undefined],
    ['totally_unrelated_key', undefined],
  ];
  it.each(cases)('%j → %j', (key, expected) => {
    expect(suggestKey(key, candidates)).toBe(expected);
  });
});

describe('describeValue', () => {
  const cases: [unknown, string][] = [
    [null, 'null'],
    [undefined, 'nothing'],
    ['yes', '"yes"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['x'.repeat(100), `"${'x'.repeat(60)}…"`],
    [1.5, '1.5'],
    [Number.NaN, '.nan'],
    [Number.POSITIVE_INFINITY, '.inf'],
    [Number.NEGATIVE_INFINITY, '-.inf'],
    [true, 'true'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    [new Date(0), 'a timestamp'],
    [new Set([1]), 'a set'],
    [new Uint8Array(1), 'binary data'],
  ];
  it.each(cases)('%j → %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});

describe('validateConfigData', () => {
  it('accepts a valid document', () => {
    expect(validateConfigData({ version: 1, workspaces: [{ slug: 'a' }] })).toEqual([]);
  });

  it('gives paths into the whole list however long it is', () => {
    const workspaces = Array.from({ length: 2000 }, (_, i) => ({
      slug: i === 1500 ? 'Bad' : `w${i}`,
    }));
    const errors = validateConfigData({ version: 2, workspaces });
    expect(errors.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual([
      '/version const',
      '/workspaces/1500/slug pattern',
    ]);
  });

  it('reports top-level errors once for a long list', () => {
    const workspaces = Array.from({ length: 600 }, (_, i) => ({ slug: `w${i}` }));
    const errors = validateConfigData({ version: 1, extra: true, workspaces });
    expect(errors.map((e) => e.keyword)).toEqual(['additionalProperties']);
  });
});

describe('describeSchemaErrors', () => {
  it('places an unknown key at the key, and a wrong value at the value', () => {
    const data = { version: 1, workspaces: [{ slug: 'a', nmae: 'x', name: '' }] };
    const issues = describeSchemaErrors(validateConfigData(data), data);
    expect(issues).toEqual([
      {
        path: ['workspaces', '0'],
        key: 'nmae',
        message: 'unknown key "nmae" (did you mean "name"?)',
      },
      { path: ['workspaces', '0', 'name'], message: 'name must be 1 to 100 characters (got 0)' },
    ]);
  });

  it('keeps an unknown key as written, slashes and tildes included', () => {
    const data = { version: 1, workspaces: [{ slug: 'a', 'a/b~c': 1 }] };
    const [issue] = describeSchemaErrors(validateConfigData(data), data);
    expect(issue?.key).toBe('a/b~c');
  });
});
