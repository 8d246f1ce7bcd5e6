import type { Kind } from '../kinds/types.js';
import type { Change, ChangeAction, FieldChange, PatchOperation } from './types.js';

/**
 * Makes a change from its one truth, the fields that differ: the body and the operations are
 * derived here and only here, so the views of one change cannot disagree.
 */
export function makeChange(
  kind: Kind,
  action: ChangeAction,
  workspace: { id?: string | undefined; slug: string },
  fields: FieldChange[],
  labels?: Record<string, string>,
): Change {
  const change: Change = {
    kind: kind.name,
    action,
    ...(workspace.id === undefined ? {} : { id: workspace.id }),
    slug: workspace.slug,
    fields,
    body: undefined,
    operations: deriveOperations(action, fields),
  };
  if (labels !== undefined && Object.keys(labels).length > 0) change.labels = labels;
  change.body = action === 'missing' ? {} : kind.bodyOf(change);
  return change;
}

/**
 * The RFC 6902 operations of a change: for an update, a `test` of each field's current value
 * then its `replace` (whole fields: a set-valued field is one value, not a list of element
 * edits); for a create, the `add`s; a missing workspace has none.
 */
export function deriveOperations(
  action: ChangeAction,
  fields: readonly FieldChange[],
): PatchOperation[] {
  if (action === 'missing') return [];
  if (action === 'create') {
    return fields.map((f) => ({ op: 'add', path: pointer(f.field), value: f.after }));
  }
  return fields.flatMap((f): PatchOperation[] => [
    { op: 'test', path: pointer(f.field), value: f.before ?? null },
    { op: 'replace', path: pointer(f.field), value: f.after },
  ]);
}

/** `/field`, escaped as RFC 6901 says. */
function pointer(field: string): string {
  return `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
