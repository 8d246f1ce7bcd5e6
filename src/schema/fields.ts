import { setsEqual } from '../kinds/sets.js';

/**
 * The fields of an OpenRouter workspace, as the API (workspaces.openapi.yaml) defines them.
 * The rules a config must follow live in schema/workspaces.schema.json; this module names
 * the fields and their TypeScript types so that every other module speaks of them alike.
 */

/** The provider sort preferences the API accepts. */
export type ProviderSort = 'price' | 'throughput' | 'latency' | 'exacto';

/** The writable fields of a workspace: exactly those of `UpdateWorkspaceRequest`. */
export interface WorkspaceFields {
  name: string;
  slug: string;
  description: string | null;
  default_text_model: string | null;
  default_image_model: string | null;
  default_provider_sort: ProviderSort | null;
  is_observability_io_logging_enabled: boolean;
  is_observability_broadcast_enabled: boolean;
  is_data_discount_logging_enabled: boolean;
  io_logging_sampling_rate: number;
  io_logging_api_key_ids: number[] | null;
}

/** One writable field's name. */
export type WritableField = keyof WorkspaceFields;

/** A workspace as the API returns it (schema `Workspace`). */
export interface Workspace extends WorkspaceFields {
  id: string;
  default_guardrail_id: string;
  include_byok_in_budgets?: boolean;
  created_at: string;
  updated_at: string | null;
  created_by: string | null;
}

/** The writable fields, in the order they are shown and sent. */
export const WRITABLE_FIELDS: readonly WritableField[] = [
  'name',
  'slug',
  'description',
  'default_text_model',
  'default_image_model',
  'default_provider_sort',
  'is_observability_io_logging_enabled',
  'is_observability_broadcast_enabled',
  'is_data_discount_logging_enabled',
  'io_logging_sampling_rate',
  'io_logging_api_key_ids',
];

/** Fields the API returns but no request can set; a config that sets one is wrong. */
export const READ_ONLY_FIELDS: readonly string[] = [
  'created_at',
  'updated_at',
  'created_by',
  'default_guardrail_id',
  'include_byok_in_budgets',
];

/** Fields compared as a set of values rather than as an ordered list. */
export const SET_FIELDS: ReadonlySet<WritableField> = new Set(['io_logging_api_key_ids']);

/**
 * Whether two values of `field` are the same for the purpose of a plan: key-id lists are
 * compared as sets (`null` and `[]` differ), everything else by value.
 */
export function fieldValuesEqual(field: WritableField, a: unknown, b: unknown): boolean {
  return SET_FIELDS.has(field) ? setsEqual(a, b) : a === b;
}
