import type { DesiredState, DesiredWorkspace } from '../../src/config/types.js';
import { computePlan, type Plan } from '../../src/plan/index.js';
import type { Workspace, WorkspaceFields } from '../../src/schema/fields.js';

let counter = 0;

/** A remote workspace with the API's defaults, overridden by `fields`. */
export function workspace(fields: Partial<Workspace> & { slug: string }): Workspace {
  counter += 1;
  const id = fields.id ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    id,
    name: fields.slug,
    description: null,
    default_text_model: null,
    default_image_model: null,
    default_provider_sort: null,
    is_observability_io_logging_enabled: false,
    is_observability_broadcast_enabled: false,
    is_data_discount_logging_enabled: true,
    io_logging_sampling_rate: 1,
    io_logging_api_key_ids: null,
    default_guardrail_id: '595d5849-7e86-51fd-a7c0-705c34e4afff',
    include_byok_in_budgets: false,
    created_at: '2025-08-24T10:30:00Z',
    updated_at: null,
    created_by: 'user_test',
    ...fields,
  };
}

/** A config entry managing exactly `fields` (plus its slug). */
export function entry(
  fields: Partial<WorkspaceFields> & { slug: string },
  options: { id?: string; line?: number } = {},
): DesiredWorkspace {
  const desired: DesiredWorkspace = {
    slug: fields.slug,
    fields: { ...fields },
    source: { file: 'workspaces.yaml', line: options.line ?? 1, col: 5 },
  };
  if (options.id !== undefined) desired.id = options.id;
  return desired;
}

export function desiredState(...workspaces: DesiredWorkspace[]): DesiredState {
  return { files: ['workspaces.yaml'], workspaces, unmanaged: 'allow' };
}

/** The plan of `entries` against `current`, with a fixed clock, version and base URL. */
export function planOf(
  entries: readonly DesiredWorkspace[],
  current: readonly Workspace[],
  options: { targets?: string[]; baseUrl?: string } = {},
): Plan {
  return computePlan({
    desired: desiredState(...entries),
    current,
    baseUrl: options.baseUrl ?? 'http://127.0.0.1:1/api/v1',
    createdAt: '2026-11-28T10:00:00.000Z',
    toolVersion: '0.1.0',
    ...(options.targets === undefined ? {} : { targets: options.targets }),
  });
}
