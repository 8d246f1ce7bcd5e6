import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { renderPlanJson } from '../../src/render/json.js';
import { MARKDOWN_LIMIT, renderPlanMarkdown } from '../../src/render/markdown.js';
import { renderPlanText } from '../../src/render/text.js';
import type { Workspace } from '../../src/schema/fields.js';
import { entry, planOf, workspace } from '../helpers/factories.js';

function plan(entries: ReturnType<typeof entry>[], current: Workspace[]): Plan {
  return planOf(entries, current, { baseUrl: 'https://openrouter.ai/api/v1' });
}

const ESC = '\u001b[';

describe('renderPlanText', () => {
  const prod = workspace({ slug: 'production', default_text_model: 'openai/gpt-4o' });
  const sample = plan(
    [
      entry({ slug: 'production', default_text_model: 'anthropic/claude-sonnet-4' }),
      entry({ slug: 'research', name: 'Research' }),
    ],
    [prod, workspace({ slug: 'sandbox' })],
  );

  it('shows each changed field as before → after, hides the rest with a count, and ends with the summary', () => {
    const text = renderPlanText(sample, { color: false });
    expect(text).toContain(`~ workspace "production" (${prod.id})`);
    expect(text).toContain('~ default_text_model: "openai/gpt-4o" → "anthropic/claude-sonnet-4"');
    expect(text).toContain('(10 unchanged fields hidden)');
    expect(text).toContain('+ workspace "research"');
    expect(text).toContain('+ name: "Research"');
    expect(text).toContain('sandbox');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'Plan: 1 to create, 1 to update, 0 unchanged, 1 unmanaged.',
    );
    expect(text).not.toContain(ESC);
  });

  it('colors only when asked', () => {
    expect(renderPlanText(sample, { color: true })).toContain(ESC);
  });

  it('says "No changes." when there are none', () => {
    const text = renderPlanText(plan([entry({ slug: 'production' })], [prod]), { color: false });
    expect(text).toContain('No changes.');
    expect(text).toContain('Plan: 0 to create, 0 to update, 1 unchanged, 0 unmanaged.');
  });
});

describe('renderPlanJson', () => {
  it('is the plan document itself', () => {
    const sample = plan([entry({ slug: 'a', name: 'A' })], []);
    expect(JSON.parse(renderPlanJson(sample))).toEqual(sample);
  });
});

describe('renderPlanMarkdown', () => {
  it('starts with a complete summary table and has one <details> per change', () => {
    const current = [workspace({ slug: 'a', name: 'old' }), workspace({ slug: 'b', name: 'old' })];
    const md = renderPlanMarkdown(
      plan([entry({ slug: 'a', name: 'A' }), entry({ slug: 'b', name: 'B' })], current),
    );
    expect(md).toMatch(/\| ✏️ update \| 2 \|/);
    expect(md.match(/<details>/g)).toHaveLength(2);
    expect(md).not.toContain(ESC);
  });

  it('escapes values so a description cannot break the table or inject HTML', () => {
    const evil = 'a | b `code` <script>alert(1)</script> @someone **bold**';
    const md = renderPlanMarkdown(
      plan([entry({ slug: 'a', description: evil })], [workspace({ slug: 'a' })]),
    );
    const row = md.split('\n').find((line) => line.startsWith('| description'));
    expect(row).toBeDefined();
    // Exactly the 4 cell separators of a 3-column row: the value's own `|` is escaped.
    expect(row?.split('|')).toHaveLength(5);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('`code`');
    expect(md).not.toContain('@someone');
  });

  it('stays under the comment limit for 5,000 changes, with a complete summary and a count of the rest', () => {
    const current: Workspace[] = [];
    const entries = [];
    for (let i = 0; i < 5000; i += 1) {
      const slug = `ws-${String(i).padStart(5, '0')}`;
      current.push(workspace({ slug, description: 'x'.repeat(200) }));
      entries.push(
        entry({ slug, description: 'y'.repeat(200), default_text_model: 'openai/gpt-4o' }),
      );
    }
    const md = renderPlanMarkdown(plan(entries, current));
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toContain('| ✏️ update | 5000 |');
    const shown = md.match(/<details><summary>✏️/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(md).toContain(`… and ${5000 - shown} more changes`);
  });
});
