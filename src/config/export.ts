import { Document, visit, type YAMLMap } from 'yaml';
import { escapeText } from '../safe-text.js';
import type { ExportEntry } from '../kinds/export.js';
import type { KindName } from '../plan/types.js';
import { WRITABLE_FIELDS } from '../schema/fields.js';
import { GUARDRAIL_KEYS } from './blocks.js';
import { BUDGET_INTERVALS } from './types.js';

/** What `renderExport` writes besides the entries. */
export interface ExportOptions {
  /** The `$schema` of the modeline. */
  schemaPath: string;
  /** The kinds to write of each entry (the workspace's own fields, budgets, guardrail, members). */
  kinds?: readonly KindName[];
  /** `forbid` when the export covers the whole account, so that a later stray workspace is drift. */
  unmanaged?: 'forbid';
}

/**
 * Writes remote workspaces as a config that `orws plan` finds clean: every writable field set,
 * `id` pinned (so a later slug change in the file renames rather than creates), entries sorted
 * by slug, lists on one line, and the modeline that points editors at the schema. Budgets are
 * written for every interval (`null` where there is none), the guardrail with every key
 * (`null` where unset, as a guardrail never written is), so that a later change to any of them
 * is drift; members as emails where known.
 */
export function renderExport(entries: readonly ExportEntry[], options: ExportOptions): string {
  const kinds = new Set<KindName>(
    options.kinds ?? ['workspace', 'budgets', 'guardrail', 'members'],
  );
  const document = new Document({
    version: 1,
    ...(options.unmanaged === undefined ? {} : { unmanaged: options.unmanaged }),
    workspaces: [] as unknown[],
  });
  const sorted = [...entries].sort((a, b) =>
    a.workspace.slug < b.workspace.slug ? -1 : a.workspace.slug > b.workspace.slug ? 1 : 0,
  );
  const node = (value: unknown) => document.createNode(value, { flow: Array.isArray(value) });
  for (const { workspace, budgets, guardrail, members } of sorted) {
    const entry = document.createNode({ id: workspace.id }) as YAMLMap;
    if (kinds.has('workspace')) {
      for (const field of WRITABLE_FIELDS) entry.set(field, node(workspace[field]));
    } else entry.set('slug', node(workspace.slug));
    if (budgets !== undefined) {
      const block: Record<string, unknown> = {};
      for (const interval of [...BUDGET_INTERVALS].reverse()) {
        block[interval] = budgets.limits[interval] ?? null;
      }
      block.include_byok = budgets.include_byok;
      entry.set('budgets', document.createNode(block));
    }
    if (guardrail !== undefined) {
      const block = document.createNode({}) as YAMLMap;
      for (const key of GUARDRAIL_KEYS) {
        const value = guardrail.values[key] ?? null;
        block.set(key, value === null ? null : exportValue(key, value, document));
      }
      entry.set('guardrail', block);
    }
    if (members !== undefined) entry.set('members', node([...members].sort()));
    document.addIn(['workspaces'], entry);
  }
  // Text from the server may hold characters that act on a terminal or hide themselves (C1
  // controls, bidirectional overrides, zero-width ones), which yaml writes as they are: such a
  // string is written double-quoted, where each of them is then written as its \u escape.
  visit(document, {
    Scalar(_, scalar) {
      if (typeof scalar.value === 'string' && escapeText(scalar.value) !== scalar.value) {
        scalar.type = 'QUOTE_DOUBLE';
      }
    },
  });
  const text = document
    .toString({ lineWidth: 0 })
    .split('\n')
    .map((line) => escapeText(line))
    .join('\n');
  return `# yaml-language-server: $schema=${options.schemaPath}\n${text}`;
}

/** Content filters written as a config says them (a builtin: slug and action). */
function exportValue(key: string, value: unknown, document: Document): unknown {
  if (key === 'content_filter_builtins' && Array.isArray(value)) {
    return document.createNode(
      value.map((item: { slug?: unknown; action?: unknown }) => ({
        slug: item.slug,
        action: item.action,
      })),
      { flow: true },
    );
  }
  if (key === 'content_filters' && Array.isArray(value)) {
    return document.createNode(
      value.map((item: { pattern?: unknown; action?: unknown; label?: unknown }) =>
        item.label === undefined || item.label === null
          ? { pattern: item.pattern, action: item.action }
          : { pattern: item.pattern, action: item.action, label: item.label },
      ),
      { flow: true },
    );
  }
  return document.createNode(value, { flow: Array.isArray(value) });
}
