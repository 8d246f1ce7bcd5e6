import {
  fieldValuesEqual,
  formatValue,
  type Workspace,
  type WritableField,
} from '../schema/fields.js';
import type { Change } from './types.js';

/**
 * What a saved change finds when the workspace it touches is read again:
 * - `pending`: the workspace still has the values the plan saw; send the body;
 * - `applied`: it already holds every planned value (a retried apply job); send nothing;
 * - `stale`: something else changed it; the whole plan must not be applied.
 */
export type ChangeState =
  | { state: 'pending' }
  | { state: 'applied'; workspace: Workspace }
  | { state: 'stale'; reasons: string[] };

/**
 * Checks one change of a saved plan against the workspace as it is now (`now` is undefined when
 * no workspace has the change's id, or for a create, its slug). The `test` operations are what
 * is checked: each must still hold, key-id lists compared as sets.
 */
export function verifyChange(change: Change, now: Workspace | undefined): ChangeState {
  const label = describe(change);
  if (change.action === 'create') {
    if (now === undefined) return { state: 'pending' };
    const differing = Object.entries(change.body).filter(
      ([field, value]) =>
        !fieldValuesEqual(field as WritableField, now[field as WritableField], value),
    );
    if (differing.length === 0) return { state: 'applied', workspace: now };
    return {
      state: 'stale',
      reasons: [
        `${label} was to be created, but a workspace with that slug appeared since the plan (id ${now.id})`,
      ],
    };
  }
  if (now === undefined) {
    return { state: 'stale', reasons: [`${label} no longer exists`] };
  }
  const reasons: string[] = [];
  let pending = 0;
  let applied = 0;
  for (const operation of change.operations) {
    if (operation.op !== 'test') continue;
    const field = operation.path.slice(1) as WritableField;
    const after = change.body[field];
    const value = now[field];
    if (fieldValuesEqual(field, value, operation.value)) pending += 1;
    else if (fieldValuesEqual(field, value, after)) applied += 1;
    else {
      reasons.push(
        `${label}: ${field} was ${formatValue(operation.value)} when planned, now ${formatValue(value)}`,
      );
    }
  }
  if (reasons.length > 0) return { state: 'stale', reasons };
  if (pending === 0 && applied > 0) return { state: 'applied', workspace: now };
  return { state: 'pending' };
}

function describe(change: Change): string {
  return change.id === undefined
    ? `workspace "${change.slug}"`
    : `workspace "${change.slug}" (${change.id})`;
}
