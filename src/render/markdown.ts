import type { Change, FieldChange, Plan } from '../plan/types.js';
import { escapeText } from '../safe-text.js';
import { formatSetChange, formatValue, labelled, MISSING_ADVICE } from './values.js';
import { countOf, summaryLine } from './text.js';

/** GitHub refuses comments over 65,536 characters; stay clear of it. */
export const MARKDOWN_LIMIT = 65_000;

/**
 * Renders a plan for a pull-request comment: where it came from, a summary table first (always
 * complete), then one collapsible `<details>` per change with its field diffs as a table, cut
 * with "… and N more changes" so the whole stays under `limit` characters. No ANSI codes;
 * every value is escaped so that `|`, backticks or HTML in a description cannot break the table.
 */
export function renderPlanMarkdown(plan: Plan, limit: number = MARKDOWN_LIMIT): string {
  const { create, update, unchanged, unmanaged, missing } = plan.summary;
  const host = hostOf(plan.base_url);
  const forbidden = plan.unmanaged_policy === 'forbid';
  const head = [
    '### orws plan',
    '',
    `<sub>against <code>${escape(host)}</code>, orws ${escape(plan.tool_version)}</sub>`,
    '',
    ...(plan.targets === undefined
      ? []
      : [
          `> **Partial plan**: limited by \`--target\` to ${plan.targets.names.map((n) => `<code>${escape(n)}</code>`).join(', ')}; ${countOf(plan.targets.left_out, 'workspace')} of the config left out.`,
          '',
        ]),
    '| Action | Count |',
    '| --- | ---: |',
    `| ➕ create | ${create} |`,
    `| ✏️ update | ${update} |`,
    ...(missing > 0 ? [`| ❗ missing (deleted outside orws) | ${missing} |`] : []),
    `| unchanged | ${unchanged} |`,
    `| unmanaged (never touched${forbidden ? '; forbidden by the config' : ''}) | ${unmanaged} |`,
    '',
    `**${summaryLine(plan)}**`,
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
    const list = `<details><summary>${countOf(plan.unmanaged.length, 'unmanaged workspace')}${forbidden ? ' (forbidden by the config)' : ''}</summary>\n\n${plan.unmanaged
      .map((ref) => `- <code>${escape(ref.slug)}</code> (${escape(ref.id)})`)
      .join('\n')}\n\n</details>\n`;
    if (text.length + list.length <= limit) text += list;
  }
  return text;
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

function moreLine(count: number): string {
  return `\n… and ${countOf(count, 'more change')}\n`;
}

function renderChange(change: Change): string {
  const part = change.kind === 'workspace' ? '' : ` ${change.kind}`;
  const id = change.id === undefined ? '' : ` (${escape(change.id)})`;
  const name = `<code>${escape(change.slug)}</code>${id}${part}`;
  if (change.action === 'missing') {
    return `<details><summary>❗ missing ${name}: deleted outside orws</summary>\n\napply will not recreate it: ${MISSING_ADVICE}.\n\n</details>\n`;
  }
  const title = change.action === 'create' ? `➕ create ${name}` : `✏️ update ${name}`;
  const rows = change.fields.map((field) =>
    change.action === 'create'
      ? `| ${escape(field.field)} | ${cell(field.after, change)} |`
      : `| ${escape(field.field)} | ${cell(field.before, change)} | ${cell(field.after, change)}${setChange(field, change)} |`,
  );
  const header =
    change.action === 'create'
      ? '| Field | Value |\n| --- | --- |'
      : '| Field | Before | After |\n| --- | --- | --- |';
  return `<details><summary>${title}: ${countOf(change.fields.length, 'field')}</summary>\n\n${header}\n${rows.join('\n')}\n\n</details>\n`;
}

function cell(value: unknown, change: Change): string {
  const shown = Array.isArray(value) ? value.map((item) => labelled(item, change.labels)) : value;
  return `<code>${escape(formatValue(shown))}</code>`;
}

/**
 * Under the whole lists of a set-valued field, what changed as the text view says it
 * (`+erin@example.com −bob@example.com`); nothing for any other field.
 */
function setChange(field: FieldChange, change: Change): string {
  const delta = formatSetChange(field.before, field.after, change.labels);
  return delta === undefined ? '' : `<br>${escape(delta)}`;
}

/**
 * Outside text for the comment: first escaped as the terminal views do (control, bidirectional
 * and invisible characters as visible `\u…`: an HTML entity would bring them back), then every
 * character that Markdown or HTML could read as syntax written as a numeric entity, so a value
 * shows as it is and cannot end a cell, open a code span or inject a tag.
 */
function escape(text: string): string {
  return escapeText(text).replace(
    /[^A-Za-z0-9 ,.-]/gu,
    (char) => `&#${char.codePointAt(0) ?? 32};`,
  );
}
