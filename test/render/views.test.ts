import { describe, expect, it } from 'vitest';
import { renderApplySummary, renderResultLine } from '../../src/render/apply.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
import { renderPlanText } from '../../src/render/text.js';
import { computePlan } from '../../src/plan/index.js';
import { makeChange } from '../../src/plan/change.js';
import { membersKind } from '../../src/kinds/members.js';
import { desiredState, entry, planOf, workspace } from '../helpers/factories.js';

const BASE = 'https://openrouter.ai/api/v1';

describe('what a reviewer reads', () => {
  it('a key-id list shows what was added and removed, not two whole arrays', () => {
    const before = Array.from({ length: 10 }, (_, i) => 100 + i);
    const after = [...before.slice(7), ...Array.from({ length: 9 }, (_, i) => 200 + i)];
    const remote = workspace({ slug: 'p', io_logging_api_key_ids: before });
    const text = renderPlanText(
      planOf([entry({ slug: 'p', io_logging_api_key_ids: after })], [remote]),
      { color: false },
    );
    expect(text).toContain('~ io_logging_api_key_ids: +9 −7');
    const few = renderPlanText(
      planOf(
        [entry({ slug: 'p', io_logging_api_key_ids: [100, 101, 5] })],
        [workspace({ slug: 'p', io_logging_api_key_ids: [100, 101, 102] })],
      ),
      { color: false },
    );
    expect(few).toContain('~ io_logging_api_key_ids: +5 −102');
  });

  it('long and multi-line values are shortened with a marker in text, whole in JSON and markdown', () => {
    const long = 'word '.repeat(60) + 'END';
    const result = planOf(
      [entry({ slug: 'p', description: `${long}\nsecond line` })],
      [workspace({ slug: 'p' })],
    );
    const text = renderPlanText(result, { color: false });
    const line = text.split('\n').find((l) => l.includes('description:')) ?? '';
    expect(line).toContain('(shortened)');
    expect(line).not.toContain('END');
    expect(line.length).toBeLessThan(200);
    expect(text).not.toContain('second line\n');
    expect(renderPlanMarkdown(result)).toContain('END');
  });

  it('escapes control, bidirectional and zero-width characters in every value shown', () => {
    const remote = workspace({ slug: 'p', name: 'Prod\u200b', description: 'a\u001b]8;;x\u0007b' });
    const forged = workspace({ slug: 'evil\r\nPlan: 0 to create', id: 'id\u202eevil' });
    const text = renderPlanText(
      planOf([entry({ slug: 'p', name: 'Prod', description: 'ok' })], [remote, forged]),
      { color: false },
    );
    expect(text).toContain('"Prod\\u200b" → "Prod"');
    expect(text).toContain('\\u001b]8;;x\\u0007b');
    expect(text).toContain('evil\\u000d\\u000aPlan: 0 to create (id\\u202eevil)');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u200b\u202e]/);
    expect(text.split('\n').filter((l) => l.startsWith('Plan:'))).toHaveLength(1);
  });

  it('a missing workspace is its own change, counted in the summary, in text and markdown', () => {
    const id = '11111111-1111-4111-8111-111111111111';
    const result = planOf([entry({ slug: 'x', name: 'X' }, { id })], []);
    const text = renderPlanText(result, { color: false });
    expect(text).toContain(`! workspace "x" (${id}) is missing: it was deleted outside orws`);
    expect(text).toContain('Plan: 0 to create, 0 to update, 0 unchanged, 0 unmanaged, 1 missing.');
    const md = renderPlanMarkdown(result);
    expect(md).toContain('| ❗ missing (deleted outside orws) | 1 |');
    expect(md).toContain('missing <code>x</code>');
  });

  it('forbidden unmanaged workspaces are said to be drift', () => {
    const result = computePlan({
      desired: { ...desiredState(), unmanaged: 'forbid' },
      current: [workspace({ slug: 'stray' })],
      baseUrl: BASE,
      createdAt: '2026-11-28T10:00:00.000Z',
      toolVersion: '0.2.0',
    });
    const text = renderPlanText(result, { color: false });
    expect(text).toContain('the config forbids them');
    expect(text).toContain('1 unmanaged (forbidden).');
    expect(renderPlanMarkdown(result)).toContain('1 unmanaged workspace (forbidden by the config)');
  });

  it('a targeted plan says it is partial, in text and markdown', () => {
    const result = planOf(
      [
        entry({ slug: 'a', name: 'A' }),
        entry({ slug: 'b', name: 'B' }),
        entry({ slug: 'c', name: 'C' }),
      ],
      [],
      { targets: ['a'] },
    );
    expect(renderPlanText(result, { color: false })).toContain(
      'Partial plan: limited by --target to "a"; 2 workspaces of the config left out.',
    );
    expect(renderPlanMarkdown(result)).toContain('**Partial plan**');
  });

  it('the markdown names its source and version, with singulars right, and one summary line', () => {
    const result = planOf([entry({ slug: 'a', name: 'A' })], [workspace({ slug: 'z' })], {
      baseUrl: BASE,
    });
    const md = renderPlanMarkdown(result);
    expect(md).toContain('against <code>openrouter.ai</code>, orws 0.1.0');
    expect(md).toContain('1 unmanaged workspace</summary>');
    expect(md.match(/Plan: /g)).toHaveLength(1);
  });

  it('a created workspace result counts its fields instead of listing them', () => {
    const line = renderResultLine(
      {
        kind: 'workspace',
        action: 'create',
        slug: 'new',
        id: 'abc',
        status: 'applied',
        fields: ['name', 'slug', 'description'],
        body: {},
      },
      false,
    );
    expect(line).toBe('+ workspace "new" (abc): created (3 fields)');
    expect(
      renderApplySummary(
        {
          results: [],
          summary: {
            applied: 0,
            already_applied: 0,
            failed: 0,
            unknown: 0,
            missing: 0,
            not_attempted: 0,
          },
          interrupted: false,
        },
        false,
      ),
    ).toBe('Apply complete: 0 applied, 0 already applied, 0 failed, 0 not attempted.\n');
  });
});

describe('bounded output of values from outside', () => {
  it('a huge reason from the server is cut on the result line', () => {
    const line = renderResultLine(
      {
        kind: 'workspace',
        action: 'update',
        slug: 'a',
        id: 'x',
        status: 'failed',
        fields: ['name'],
        body: {},
        error: `PATCH /workspaces/x: 400 Bad Request: ${'y'.repeat(100_000)}`,
      },
      false,
    );
    expect(line.length).toBeLessThan(1100);
    expect(line.endsWith('…')).toBe(true);
  });

  it('a huge member label from the server is cut in the set change', () => {
    const result = planOf([], []);
    result.changes.push(
      makeChange(
        membersKind,
        'create',
        { slug: 'p' },
        [{ field: 'members', after: ['user_1', 'user_2'] }],
        { user_2: `${'e'.repeat(10_000)}@example.com` },
      ),
    );
    const text = renderPlanText(result, { color: false });
    expect(text).toContain('+ members: [user_1, eeee');
    expect(text).toContain('…]');
    expect(text.length).toBeLessThan(2000);
  });

  it('an item named like an object property ("constructor") is shown as itself, in text and markdown', () => {
    const result = planOf([], [workspace({ slug: 'p' })]);
    result.changes.push(
      makeChange(
        membersKind,
        'update',
        { slug: 'p', id: 'id-p' },
        [{ field: 'members', before: ['constructor'], after: ['toString', 'user_2'] }],
        { user_2: 'erin@example.com' },
      ),
    );
    expect(renderPlanText(result, { color: false })).toContain(
      '~ members: +toString +erin@example.com −constructor',
    );
    const markdown = renderPlanMarkdown(result);
    expect(markdown).toContain('&#34;constructor&#34;');
    expect(markdown).toContain('&#43;toString &#43;erin&#64;example.com &#8722;constructor');
  });

  it('target names and markdown text from outside are escaped, not handed to the terminal or to GitHub raw', () => {
    const result = planOf(
      [entry({ slug: 'a', name: 'A' }), entry({ slug: 'b', name: 'B' })],
      [workspace({ slug: 'a\u202eb', id: 'id\u009b31m' })],
      { targets: ['a', 'b'] },
    );
    result.targets = { names: ['x\u009b31m\u202ey'], left_out: 0 };
    const text = renderPlanText(result, { color: false });
    expect(text).toContain('limited by --target to "x\\u009b31m\\u202ey"');
    const markdown = renderPlanMarkdown(result);
    // An HTML entity of a bidirectional override is the override again, once GitHub renders it.
    expect(markdown).not.toMatch(/&#(8238|155);/);
    expect(markdown).toContain('x&#92;u009b31m&#92;u202ey');
    expect(text + markdown).not.toMatch(/[\u0080-\u009f\u202e]/);
  });
});
