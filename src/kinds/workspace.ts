import type { DesiredWorkspace } from '../config/types.js';
import { UnexpectedAnswerError } from '../errors.js';
import type { Change, FieldChange } from '../plan/types.js';
import {
  WRITABLE_FIELDS,
  fieldValuesEqual,
  type Workspace,
  type WorkspaceFields,
  type WritableField,
} from '../schema/fields.js';
import type { Kind } from './types.js';

/**
 * The workspace's own fields: those of `PATCH /workspaces/{id}` (and of the `POST` that creates
 * it). Its state is the workspace as the listing or a GET returns it.
 */
export const workspaceKind: Kind<Workspace> = {
  name: 'workspace',
  fields: WRITABLE_FIELDS,
  manages: () => true,

  diff(entry: DesiredWorkspace, current: Workspace | undefined) {
    const fields: FieldChange[] = [];
    for (const field of WRITABLE_FIELDS) {
      if (!(field in entry.fields)) continue;
      const after = entry.fields[field];
      if (current === undefined) fields.push({ field, after });
      else if (!fieldValuesEqual(field, current[field], after))
        fields.push({ field, before: current[field], after });
    }
    return { fields, issues: [] };
  },

  valuesOf: (current) => current as unknown as Record<string, unknown>,
  equal: (field, a, b) => fieldValuesEqual(field as WritableField, a, b),

  bodyOf(change: Change): Partial<WorkspaceFields> {
    return Object.fromEntries(change.fields.map((f) => [f.field, f.after]));
  },

  async read(api, workspace) {
    return api.getWorkspace(workspace.id ?? workspace.slug);
  },

  async write(api, change, workspace) {
    const body = workspaceKind.bodyOf(change) as Partial<WorkspaceFields>;
    if (change.action === 'create') {
      const created = await api.createWorkspace(body);
      if (created.slug !== change.slug) {
        throw new UnexpectedAnswerError(
          `POST /workspaces answered with workspace "${created.slug}" (${created.id}), not the "${change.slug}" it was asked to create`,
        );
      }
      return created;
    }
    const id = workspace?.id ?? change.id ?? change.slug;
    const updated = await api.updateWorkspace(id, body);
    if (updated.id !== id) {
      throw new UnexpectedAnswerError(
        `PATCH /workspaces/${id} answered with another workspace (id ${updated.id})`,
      );
    }
    return updated;
  },
};
