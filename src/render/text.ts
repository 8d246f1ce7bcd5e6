import { kindOf } from '../kinds/registry.js';
import type { Change, FieldChange, Plan } from '../plan/types.js';
import { createStyle, type Style } from './style.js';
import {
  describeChange,
  formatItem,
  formatSetChange,
  formatShortValue,
  formatValue,
  MISSING_ADVICE,
  showText,
} from './values.js';

/** Options of the text renderer. */
export interface TextOptions {
  color: boolean;
}

/**
 * Renders a plan the way Terraform does: per change a header (`+ workspace "slug"` to create,
 * `~ workspace "slug" (id)` to update, `~ workspace "slug" (id) budgets` for a part,
 * `! workspace "slug" (id) is missing`), one line per changed field `before → after` (sets as
 * what is added and removed), a count of the fields not shown, the unmanaged workspaces, and
 * the summary line. Every value from outside is escaped; long values are shortened.
 */
export function renderPlanText(plan: Plan, options: TextOptions): string {
  const style = createStyle(options.color);
  const lines: string[] = [];
  if (plan.targets !== undefined) {
    lines.push(
      style.yellow(
        `Partial plan: limited by --target to ${plan.targets.names.map((n) => formatValue(n)).join(', ')}; ${countOf(plan.targets.left_out, 'workspace')} of the config left out.`,
      ),
      '',
    );
  }
  if (plan.changes.length === 0) {
    lines.push(style.green('No changes.') + ' The workspaces match the configuration.', '');
  } else {
    lines.push('orws will perform the following actions:', '');
    for (const change of plan.changes) lines.push(...renderChange(change, style), '');
  }
  if (plan.unmanaged.length > 0) {
    const forbidden = plan.unmanaged_policy === 'forbid';
    lines.push(
      forbidden
        ? style.red(
            `Unmanaged, and the config forbids them (\`unmanaged: forbid\`): ${plan.unmanaged.length}. orws never deletes a workspace: add an entry for each, or delete it yourself.`,
          )
        : `Unmanaged (in the account, not in the config; never touched): ${plan.unmanaged.length}`,
    );
    for (const ref of plan.unmanaged) {
      lines.push(style.dim(`  ${showText(ref.slug)} (${showText(ref.id)})`));
    }
    lines.push('');
  }
  lines.push(summaryLine(plan));
  return lines.join('\n') + '\n';
}

/** `Plan: 1 to create, 2 to update, 5 unchanged, 3 unmanaged.` (and `, 1 missing` when some are). */
export function summaryLine(plan: Plan): string {
  const { create, update, unchanged, unmanaged, missing } = plan.summary;
  const forbidden = plan.unmanaged_policy === 'forbid' && unmanaged > 0 ? ' (forbidden)' : '';
  const parts = [
    `${create} to create`,
    `${update} to update`,
    `${unchanged} unchanged`,
    `${unmanaged} unmanaged${forbidden}`,
  ];
  if (missing > 0) parts.push(`${missing} missing`);
  return `Plan: ${parts.join(', ')}.`;
}

/** `1 workspace`, `2 workspaces`. */
export function countOf(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

function renderChange(change: Change, style: Style): string[] {
  const title = describeChange(change);
  if (change.action === 'missing') {
    return [
      style.red(`  ! ${title} is missing: it was deleted outside orws`),
      style.dim(`      apply will not recreate it: ${MISSING_ADVICE}`),
    ];
  }
  if (change.action === 'create') {
    const verb = change.kind === 'workspace' ? 'will be created' : 'will be set';
    const lines = [style.green(`  + ${title}`) + ` ${verb}`];
    for (const field of change.fields) {
      lines.push(style.green(`      + ${field.field}: ${formatAfter(change, field)}`));
    }
    return lines;
  }
  const lines = [style.yellow(`  ~ ${title}`) + ' will be updated'];
  for (const field of change.fields)
    lines.push(`      ${style.yellow('~')} ${fieldLine(change, field, style)}`);
  const hidden = kindOf(change.kind).fields.length - change.fields.length;
  if (hidden > 0 && change.kind === 'workspace') {
    lines.push(style.dim(`        (${countOf(hidden, 'unchanged field')} hidden)`));
  }
  return lines;
}

function fieldLine(change: Change, field: FieldChange, style: Style): string {
  const set = formatSetChange(field.before, field.after, change.labels);
  if (set !== undefined) return `${field.field}: ${set}`;
  return `${field.field}: ${style.red(formatShortValue(field.before))} → ${style.green(formatShortValue(field.after))}`;
}

function formatAfter(change: Change, field: FieldChange): string {
  if (Array.isArray(field.after) && change.labels !== undefined) {
    return `[${field.after.map((item) => formatItem(item, change.labels)).join(', ')}]`;
  }
  return formatShortValue(field.after);
}
