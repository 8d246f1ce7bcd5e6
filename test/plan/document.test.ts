import { describe, expect, it } from 'vitest';
import { parsePlanDocument } from '../../src/plan/index.js';
import { PlanFileError } from '../../src/errors.js';

const valid = {
  format_version: 1,
  tool_version: '0.1.0',
  created_at: '2026-11-28T10:00:00.000Z',
  base_url: 'https://openrouter.ai/api/v1',
  changes: [
    {
      action: 'update',
      id: '550e8400-e29b-41d4-a716-446655440000',
      slug: 'production',
      body: { name: 'P' },
      fields: [{ field: 'name', before: 'Q', after: 'P' }],
      operations: [
        { op: 'test', path: '/name', value: 'Q' },
        { op: 'replace', path: '/name', value: 'P' },
      ],
    },
  ],
  unchanged: [],
  unmanaged: [],
  summary: { create: 0, update: 1, unchanged: 0, unmanaged: 0 },
};

describe('parsePlanDocument', () => {
  it('reads a plan document', () => {
    expect(parsePlanDocument(JSON.stringify(valid), 'plan.json')).toEqual(valid);
  });

  const broken: [string, unknown, RegExp][] = [
    ['not JSON', '{', /plan.json is not a plan file/],
    ['no format_version', { changes: [] }, /no format_version/],
    [
      'a newer format',
      { ...valid, format_version: 2 },
      /format_version 2; this orws applies format_version 1 only/,
    ],
    [
      'an update without id',
      { ...valid, changes: [{ ...valid.changes[0], id: undefined }] },
      /at \/changes\/0/,
    ],
    [
      'a body with a read-only field',
      { ...valid, changes: [{ ...valid.changes[0], body: { created_at: 'x' } }] },
      /at \/changes\/0\/body/,
    ],
    [
      'an unknown action',
      { ...valid, changes: [{ ...valid.changes[0], action: 'delete' }] },
      /at \/changes\/0\/action/,
    ],
  ];
  for (const [name, document, message] of broken) {
    it(`refuses ${name}`, () => {
      const text = typeof document === 'string' ? document : JSON.stringify(document);
      expect(() => parsePlanDocument(text, 'plan.json')).toThrow(PlanFileError);
      expect(() => parsePlanDocument(text, 'plan.json')).toThrow(message);
    });
  }
});
