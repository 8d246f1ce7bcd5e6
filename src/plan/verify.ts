import { kindOf } from '../kinds/registry.js';
import { describeChange, formatShortValue, formatValue, showText } from '../render/values.js';
import type { Change, FieldChange } from './types.js';

/**
 * What a saved change finds when what it touches is read again:
 * - `pending`: the resource still has the values the plan saw; send the change;
 * - `applied`: it already holds every planned value (a retried apply job); send nothing;
 * - `stale`: something else changed it; the whole plan must not be applied.
 */
export type ChangeState =
  { state: 'pending' } | { state: 'applied' } | { state: 'stale'; reasons: string[] };

/**
 * Checks one change of a saved plan against its resource as it is now, given as the kind's
 * field values (`now` is undefined when the workspace does not exist). For an update, each
 * `test` operation must still hold (or the field already hold its `after`); for a create, the
 * workspace must still not exist (or already hold every planned value).
 */
export function verifyChange(change: Change, state: object | undefined): ChangeState {
  const now = state as Record<string, unknown> | undefined;
  const kind = kindOf(change.kind);
  const label = describeChange(change);
  if (change.action === 'missing') {
    return now === undefined
      ? { state: 'pending' }
      : { state: 'stale', reasons: [`${label} was missing when planned, and exists again`] };
  }
  if (change.action === 'create') {
    if (now === undefined) return { state: 'pending' };
    const differing = missedFields(change, now);
    if (differing.length === 0) return { state: 'applied' };
    if (change.kind !== 'workspace') return { state: 'pending' };
    return {
      state: 'stale',
      reasons: [
        `${label} was to be created, but a workspace with that slug appeared since the plan (id ${typeof now.id === 'string' ? showText(now.id) : formatValue(now.id)})`,
      ],
    };
  }
  if (now === undefined) return { state: 'stale', reasons: [`${label} no longer exists`] };
  const reasons: string[] = [];
  let pending = 0;
  for (const field of change.fields) {
    const value = now[field.field];
    if (kind.equal(field.field, value, field.before)) pending += 1;
    else if (!kind.equal(field.field, value, field.after)) {
      reasons.push(
        `${label}: ${field.field} was ${formatShortValue(field.before)} when planned, now ${formatShortValue(value)}`,
      );
    }
  }
  if (reasons.length > 0) return { state: 'stale', reasons };
  return pending === 0 ? { state: 'applied' } : { state: 'pending' };
}

/** The fields of `change` whose value in `values` (the kind's field values) is not the planned one. */
export function missedFields(change: Change, values: Record<string, unknown>): FieldChange[] {
  const kind = kindOf(change.kind);
  return change.fields.filter((f) => !kind.equal(f.field, values[f.field], f.after));
}
