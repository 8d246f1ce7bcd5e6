import type { Change, Plan } from '../plan/types.js';
import { formatValue } from '../schema/fields.js';
import { summaryLine } from './text.js';

/** GitHub refuses comments over 65,536 characters; stay clear of it. */
export const MARKDOWN_LIMIT = 65_000;

/**
 * Renders a plan for a pull-request comment: a summary table first (always complete), then one
 * collapsible `<details>` per change with its field diffs as a table, cut with
 * "… and N more workspaces" so the whole stays under `limit` characters. No ANSI codes; every
 * value is escaped so that `|`, backticks or HTML in a description cannot break the table.
 */
export function renderPlanMarkdown(plan: Plan, limit: number = MARKDOWN_LIMIT): string {
  const { create, update, unchanged, unmanaged } = plan.summary;
  const head = [
    '### orws plan',
    '',
    '| Action | Workspaces |',
    '| --- | ---: |',
    `| ➕ create | ${create} |`,
    `| ✏️ update | ${update} |`,
    `| unchanged | ${unchanged} |`,
    `| unmanaged (never touched) | ${unmanaged} |`,
    '',
    `**${summaryLine(plan)}**${plan.changes.length === 0 ? ' No changes.' : ''}`,
    '',
  ].join('\n');

  let body = '';
  let shown = 0;
  for (const change of plan.changes) {
    const section = renderChange(change);
    const rest = plan.changes.length - shown - 1;
    const reserve = rest > 0 ? moreLine(rest).length : 0;
    if (head.length + body.length + section.length + reserve > limit) break;
    body += section;
    shown += 1;
  }
  const hidden = plan.changes.length - shown;
  let text = head + body + (hidden > 0 ? moreLine(hidden) : '');
  if (plan.unmanaged.length > 0) {
    const list = `<details><summary>${plan.unmanaged.length} unmanaged workspaces</summary>\n\n${plan.unmanaged
      .map((ref) => `- <code>${escape(ref.slug)}</code> (${escape(ref.id)})`)
      .join('\n')}\n\n</details>\n`;
    if (text.length + list.length <= limit) text += list;
  }
  return text;
}

function moreLine(count: number): string {
  return `\n… and ${count} more ${count === 1 ? 'workspace' : 'workspaces'}\n`;
}

function renderChange(change: Change): string {
  const title =
    change.action === 'create'
      ? `➕ create <code>${escape(change.slug)}</code>`
      : `✏️ update <code>${escape(change.slug)}</code> (${escape(change.id ?? '')})`;
  const rows = change.fields.map((field) =>
    change.action === 'create'
      ? `| ${field.field} | ${cell(field.after)} |`
      : `| ${field.field} | ${cell(field.before)} | ${cell(field.after)} |`,
  );
  const header =
    change.action === 'create'
      ? '| Field | Value |\n| --- | --- |'
      : '| Field | Before | After |\n| --- | --- | --- |';
  return `<details><summary>${title}: ${change.fields.length} ${change.fields.length === 1 ? 'field' : 'fields'}</summary>\n\n${header}\n${rows.join('\n')}\n\n</details>\n`;
}

function cell(value: unknown): string {
  return `<code>${escape(formatValue(value))}</code>`;
}

/**
 * Escapes every character that Markdown or HTML could read as syntax as a numeric entity, so
 * a value shows as it is and cannot end a cell, open a code span or inject a tag.
 */
function escape(text: string): string {
  return text.replace(/[^A-Za-z0-9 ,.-]/gu, (char) =>
    char === '\n' ? '<br>' : `&#${char.codePointAt(0) ?? 32};`,
  );
}
