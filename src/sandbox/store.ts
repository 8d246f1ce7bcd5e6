/**
 * The sandbox's in-memory workspaces. Built for 10,000+ of them: an array in creation
 * order (the list order) and maps by id and by slug, so that every request but a list
 * costs O(1), and a list page is one slice.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Workspace } from '../schema/fields.js';

/** A workspace to start with: `slug` and `name`, anything else defaults as a create would. */
export type SeedWorkspace = Partial<Workspace> & { slug: string; name: string };

/** The `created_by` of every workspace the sandbox creates. */
export const SANDBOX_USER = 'user_sandbox';

/** RFC 4122 URL namespace; any fixed namespace gives stable guardrail ids. */
const GUARDRAIL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * The default guardrail id of a workspace: a UUID v5 of its id, so that it is stable for a
 * given id (the API documents it as "deterministic ID derived from the workspace ID").
 */
export function deriveGuardrailId(workspaceId: string): string {
  const hash = createHash('sha1').update(GUARDRAIL_NAMESPACE).update(workspaceId, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A full workspace from a seed: missing fields take the values the API gives a new
 * workspace. The key order is fixed so that every response lists fields alike.
 */
export function materializeWorkspace(seed: SeedWorkspace, now: Date): Workspace {
  const id = seed.id ?? randomUUID();
  return {
    id,
    name: seed.name,
    slug: seed.slug,
    description: seed.description ?? null,
    default_text_model: seed.default_text_model ?? null,
    default_image_model: seed.default_image_model ?? null,
    default_provider_sort: seed.default_provider_sort ?? null,
    is_observability_io_logging_enabled: seed.is_observability_io_logging_enabled ?? false,
    is_observability_broadcast_enabled: seed.is_observability_broadcast_enabled ?? false,
    is_data_discount_logging_enabled: seed.is_data_discount_logging_enabled ?? true,
    io_logging_sampling_rate: seed.io_logging_sampling_rate ?? 1,
    io_logging_api_key_ids:
      seed.io_logging_api_key_ids === undefined || seed.io_logging_api_key_ids === null
        ? null
        : [...seed.io_logging_api_key_ids],
    default_guardrail_id: seed.default_guardrail_id ?? deriveGuardrailId(id),
    include_byok_in_budgets: seed.include_byok_in_budgets ?? false,
    created_at: seed.created_at ?? now.toISOString(),
    updated_at: seed.updated_at ?? null,
    created_by: seed.created_by === undefined ? SANDBOX_USER : seed.created_by,
  };
}

/**
 * The `updated_at` for a change made at `now`: strictly later than the workspace's
 * `created_at` and previous `updated_at`, so that two changes within one millisecond
 * still give two different timestamps (a stale-plan check relies on it changing).
 */
export function nextUpdatedAt(workspace: Workspace, now: Date): string {
  const floor = Math.max(
    Date.parse(workspace.created_at),
    workspace.updated_at === null ? Number.NEGATIVE_INFINITY : Date.parse(workspace.updated_at),
  );
  const time = Number.isNaN(floor) || now.getTime() > floor ? now.getTime() : floor + 1;
  return new Date(time).toISOString();
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((value, i) => value === b[i]);
  }
  return a === b;
}

/** The workspaces, indexed by id and slug, in creation order. */
export class WorkspaceStore {
  /** Creation order; a deleted workspace leaves a hole until the next list compacts it. */
  private order: (Workspace | undefined)[] = [];
  private holes = 0;
  private readonly position = new Map<Workspace, number>();
  private readonly byId = new Map<string, Workspace>();
  private readonly bySlug = new Map<string, Workspace>();

  /** The number of workspaces. */
  get count(): number {
    return this.byId.size;
  }

  /** The workspace with this id, else the one with this slug (ids win, as the path is "ID (UUID) or slug"). */
  find(idOrSlug: string): Workspace | undefined {
    return this.byId.get(idOrSlug) ?? this.bySlug.get(idOrSlug);
  }

  /** The workspace that holds `slug`, if any. */
  findBySlug(slug: string): Workspace | undefined {
    return this.bySlug.get(slug);
  }

  /** Whether a workspace has this id. */
  hasId(id: string): boolean {
    return this.byId.has(id);
  }

  /** Adds a workspace at the end of the list. The caller has checked that its id and slug are free. */
  insert(workspace: Workspace): void {
    this.position.set(workspace, this.order.length);
    this.order.push(workspace);
    this.byId.set(workspace.id, workspace);
    this.bySlug.set(workspace.slug, workspace);
  }

  /**
   * Sets `fields` on `workspace` (already validated; a new slug already checked free) and
   * returns whether any value changed. Arrays are copied and compared element by element.
   */
  update(workspace: Workspace, fields: Partial<Workspace>): boolean {
    let changed = false;
    const target = workspace as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields) as [string, unknown][]) {
      if (sameValue(target[key], value)) continue;
      changed = true;
      if (key === 'slug' && typeof value === 'string') {
        this.bySlug.delete(workspace.slug);
        this.bySlug.set(value, workspace);
      }
      target[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
    return changed;
  }

  /** Removes a workspace. O(1): its place in the list becomes a hole. */
  remove(workspace: Workspace): void {
    const index = this.position.get(workspace);
    if (index === undefined) return;
    this.position.delete(workspace);
    this.byId.delete(workspace.id);
    this.bySlug.delete(workspace.slug);
    this.order[index] = undefined;
    this.holes += 1;
  }

  /** The workspaces from `offset`, at most `limit` of them, in creation order (live objects: serialize, do not hand out). */
  page(offset: number, limit: number): Workspace[] {
    this.compact();
    return (this.order as Workspace[]).slice(offset, offset + limit);
  }

  /** Every workspace in creation order (live objects). */
  all(): Workspace[] {
    this.compact();
    return (this.order as Workspace[]).slice();
  }

  private compact(): void {
    if (this.holes === 0) return;
    this.order = this.order.filter((workspace) => workspace !== undefined);
    this.order.forEach((workspace, index) => {
      if (workspace !== undefined) this.position.set(workspace, index);
    });
    this.holes = 0;
  }
}
