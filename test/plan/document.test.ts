import { describe, expect, it } from 'vitest';
import { parsePlanDocument } from '../../src/plan/index.js';
import { PlanFileError } from '../../src/errors.js';

const update = {
  kind: 'workspace',
  action: 'update',
  id: '550e8400-e29b-41d4-a716-446655440000',
  slug: 'production',
  body: { name: 'P' },
  fields: [{ field: 'name', before: 'Q', after: 'P' }],
  operations: [
    { op: 'test', path: '/name', value: 'Q' },
    { op: 'replace', path: '/name', value: 'P' },
  ],
};

const valid = {
  format_version: 2,
  tool_version: '0.2.0',
  created_at: '2026-11-28T10:00:00.000Z',
  base_url: 'https://openrouter.ai/api/v1',
  unmanaged_policy: 'allow',
  changes: [update],
  unchanged: [],
  unmanaged: [],
  summary: { create: 0, update: 1, unchanged: 0, unmanaged: 0, missing: 0 },
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
      { ...valid, format_version: 3 },
      /format_version 3; this orws applies format_version 2 only. Make the plan again/,
    ],
    [
      'a version-1 plan, saying to plan again',
      { ...valid, format_version: 1 },
      /format_version 1; this orws applies format_version 2 only. Run `orws plan` again/,
    ],
    [
      'no tool_version (what every view names the plan by)',
      { ...valid, tool_version: undefined },
      /must have required property 'tool_version'/,
    ],
    [
      'an update without id',
      { ...valid, changes: [{ ...update, id: undefined }] },
      /at \/changes\/0/,
    ],
    [
      'a body that gained a field no operation tests',
      { ...valid, changes: [{ ...update, body: { name: 'P', description: 'INJECTED' } }] },
      /changes\[0\] \(workspace "production" workspace\): its body does not match its fields/,
    ],
    [
      'a body with a read-only field',
      { ...valid, changes: [{ ...update, body: { created_at: 'x' } }] },
      /its body does not match its fields/,
    ],
    [
      'operations that test another value than the fields say',
      {
        ...valid,
        changes: [
          {
            ...update,
            operations: [
              { op: 'test', path: '/name', value: 'X' },
              { op: 'replace', path: '/name', value: 'P' },
            ],
          },
        ],
      },
      /its operations does not match its fields/,
    ],
    [
      'a field the kind does not have',
      {
        ...valid,
        changes: [{ ...update, fields: [{ field: 'created_at', before: 'a', after: 'b' }] }],
      },
      /names workspace field "created_at" which does not exist/,
    ],
    [
      'an update field without before',
      { ...valid, changes: [{ ...update, fields: [{ field: 'name', after: 'P' }] }] },
      /field "name" of an update has no "before"/,
    ],
    [
      'an unknown kind',
      { ...valid, changes: [{ ...update, kind: 'keys' }] },
      /at \/changes\/0\/kind/,
    ],
    [
      'an unknown action',
      { ...valid, changes: [{ ...update, action: 'delete' }] },
      /at \/changes\/0\/action/,
    ],
    [
      'a summary that does not count the changes',
      { ...valid, summary: { ...valid.summary, update: 0 } },
      /its summary does not count its changes/,
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
