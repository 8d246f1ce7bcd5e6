import { WRITABLE_FIELDS, formatValue } from '../schema/fields.js';
import type { Change, Plan } from '../plan/types.js';
import { createStyle, type Style } from './style.js';

/** Options of the text renderer. */
export interface TextOptions {
  color: boolean;
}

/**
 * Renders a plan the way Terraform does: per change `~ workspace "slug" (id)` (update) or
 * `+ workspace "slug"` (create), one line per changed field `before → after`, a count of the
 * fields not shown, the unmanaged workspaces, and the summary line.
 */
export function renderPlanText(plan: Plan, options: TextOptions): string {
  const style = createStyle(options.color);
  const lines: string[] = [];
  if (plan.changes.length === 0) {
    lines.push(style.green('No changes.') + ' The workspaces match the configuration.', '');
  } else {
    lines.push('orws will perform the following actions:', '');
    for (const change of plan.changes) lines.push(...renderChange(change, style), '');
  }
  if (plan.unmanaged.length > 0) {
    lines.push(
      `Unmanaged (in the account, not in the config; never touched): ${plan.unmanaged.length}`,
    );
    for (const ref of plan.unmanaged) lines.push(style.dim(`  ${ref.slug} (${ref.id})`));
    lines.push('');
  }
  lines.push(summaryLine(plan));
  return lines.join('\n') + '\n';
}

/** `Plan: 1 to create, 2 to update, 5 unchanged, 3 unmanaged.` */
export function summaryLine(plan: Plan): string {
  const { create, update, unchanged, unmanaged } = plan.summary;
  return `Plan: ${create} to create, ${update} to update, ${unchanged} unchanged, ${unmanaged} unmanaged.`;
}

function renderChange(change: Change, style: Style): string[] {
  if (change.action === 'create') {
    const lines = [style.green(`  + workspace "${change.slug}"`) + ' will be created'];
    for (const field of change.fields) {
      lines.push(style.green(`      + ${field.field}: ${formatValue(field.after)}`));
    }
    return lines;
  }
  const lines = [
    style.yellow(`  ~ workspace "${change.slug}" (${change.id ?? ''})`) + ' will be updated',
  ];
  for (const field of change.fields) {
    lines.push(
      `      ${style.yellow('~')} ${field.field}: ${style.red(formatValue(field.before))} → ${style.green(formatValue(field.after))}`,
    );
  }
  const hidden = WRITABLE_FIELDS.length - change.fields.length;
  if (hidden > 0) {
    lines.push(
      style.dim(`        (${hidden} unchanged ${hidden === 1 ? 'field' : 'fields'} hidden)`),
    );
  }
  return lines;
}
