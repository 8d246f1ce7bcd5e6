/**
 * The sandbox's state beside the workspaces: budgets, default guardrails, workspace members,
 * organization members and the model catalog, with the rules the spec states for them in
 * prose (budget ordering, "not materialized" guardrails, default guardrail names, canonical
 * model slugs, undeletable members). Request bodies reach here already checked against the
 * spec's schemas (validate.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Workspace } from '../schema/fields.js';
import { defaultModels, type CatalogModel } from './catalog.js';

/** Builds the error of a refused operation: an HTTP problem for a request, a plain Error for a seed. */
export type Fail = (status: number, message: string) => Error;

/** The budget intervals, widest first: a budget's limit must be below every wider one's. */
export const BUDGET_INTERVALS = ['lifetime', 'monthly', 'weekly', 'daily'] as const;
/** A budget interval as the path names it. */
export type BudgetInterval = (typeof BUDGET_INTERVALS)[number];

/** A budget as the spec's `WorkspaceBudget` (a lifetime budget has `reset_interval: null`). */
export interface WorkspaceBudget {
  id: string;
  workspace_id: string;
  limit_usd: number;
  reset_interval: 'daily' | 'weekly' | 'monthly' | null;
  created_at: string;
  updated_at: string;
}

/** A guardrail as the spec's `Guardrail`. */
export interface Guardrail {
  id: string;
  name: string;
  description: string | null;
  allowed_models: string[] | null;
  allowed_providers: string[] | null;
  ignored_models: string[] | null;
  ignored_providers: string[] | null;
  content_filter_builtins: unknown[] | null;
  content_filters: unknown[] | null;
  enable_free_model_publication: boolean | null;
  enable_free_model_training: boolean | null;
  enable_paid_model_training: boolean | null;
  enforce_zdr: boolean | null;
  enforce_zdr_anthropic: boolean | null;
  enforce_zdr_google: boolean | null;
  enforce_zdr_openai: boolean | null;
  enforce_zdr_other: boolean | null;
  enforce_zdr_xai: boolean | null;
  include_byok_in_budgets: boolean;
  limit_usd: number | null;
  reset_interval: 'daily' | 'weekly' | 'monthly' | null;
  created_at: string;
  updated_at: string | null;
  workspace_id: string;
}

/** A membership as the spec's `WorkspaceMember`. */
export interface WorkspaceMember {
  id: string;
  workspace_id: string;
  user_id: string;
  role: 'admin' | 'member';
  created_at: string;
}

/**
 * An organization member as `GET /organization/members` lists it, plus two sandbox-only
 * flags (never sent) that make a member impossible to remove from a workspace, as the spec
 * says of "members with active API keys in the workspace" and "SCIM-managed members".
 */
export interface OrganizationMember {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: 'org:admin' | 'org:member';
  has_active_keys?: boolean;
  scim_managed?: boolean;
}

/** The sandbox state other than workspaces, as a state file holds it (the spec's shapes). */
export interface ResourceSeed {
  /** Budgets; `workspace_id` may be a slug; `interval` may stand for `reset_interval`. */
  budgets?: unknown[];
  /** Materialized default guardrails; `workspace_id` (id or slug) names the workspace. */
  guardrails?: unknown[];
  /** Memberships `{ workspace_id, user_id, role?, id?, created_at? }`. */
  workspace_members?: unknown[];
  /** Organization members `{ id, email, first_name?, last_name?, role?, has_active_keys?, scim_managed? }`. */
  organization_members?: unknown[];
  /** The model catalog; the built-in one when absent. */
  models?: unknown[];
}

/** Collection fields of a guardrail: set-valued, stored as sent (replace semantics). */
export const GUARDRAIL_SET_FIELDS = [
  'allowed_models',
  'allowed_providers',
  'ignored_models',
  'ignored_providers',
] as const;
const ZDR_FIELDS = [
  'enforce_zdr_anthropic',
  'enforce_zdr_google',
  'enforce_zdr_openai',
  'enforce_zdr_other',
  'enforce_zdr_xai',
] as const;

/**
 * Values from a request, quoted for an error message: at most 10, each cut to 100 characters,
 * so that a 1 MiB body cannot come back as a 1 MiB message.
 */
export function quoteValues(values: readonly string[]): string {
  const shown = values
    .slice(0, 10)
    .map((value) => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value));
  return values.length > 10
    ? `${shown.join(', ')} and ${values.length - 10} more`
    : shown.join(', ');
}

/** The path interval to the `reset_interval` a `WorkspaceBudget` carries. */
export function resetIntervalOf(interval: BudgetInterval): WorkspaceBudget['reset_interval'] {
  return interval === 'lifetime' ? null : interval;
}

function intervalOf(budget: WorkspaceBudget): BudgetInterval {
  return budget.reset_interval ?? 'lifetime';
}

/** The name the API gives a workspace's default guardrail: derived from the workspace, not editable. */
export function defaultGuardrailName(workspace: Workspace): string {
  return `${workspace.name} (default guardrail)`;
}

/** Budgets, guardrails, members, organization members and models. */
export class Resources {
  private readonly budgets = new Map<string, Map<BudgetInterval, WorkspaceBudget>>();
  private readonly guardrails = new Map<string, Guardrail>();
  private readonly members = new Map<string, WorkspaceMember[]>();
  private readonly orgMembers = new Map<string, OrganizationMember>();
  private models: CatalogModel[] = defaultModels();
  private canonical = new Map<string, string>();

  constructor(private readonly onChange: () => void) {
    this.indexModels();
  }

  // ---- models -------------------------------------------------------------------------------

  /** Replaces the catalog. */
  setModels(models: CatalogModel[]): void {
    this.models = models;
    this.indexModels();
  }

  /** The catalog in list order (live objects). */
  listModels(): CatalogModel[] {
    return this.models;
  }

  private indexModels(): void {
    this.canonical = new Map();
    for (const model of this.models) {
      this.canonical.set(model.id, model.canonical_slug);
      this.canonical.set(model.canonical_slug, model.canonical_slug);
    }
  }

  /**
   * The canonical slugs of `models` (each a slug or a canonical slug), without duplicates, in
   * the order given; the API stores and returns canonical slugs.
   */
  canonicalModels(models: readonly string[], field: string, fail: Fail): string[] {
    const unknown = models.filter((model) => !this.canonical.has(model));
    if (unknown.length > 0) {
      throw fail(
        400,
        `Invalid request parameters: "${field}" names models that do not exist: ${quoteValues(unknown)}`,
      );
    }
    return [...new Set(models.map((model) => this.canonical.get(model) ?? model))];
  }

  // ---- budgets ------------------------------------------------------------------------------

  /** The budgets of a workspace, widest interval first. */
  listBudgets(workspace: Workspace): WorkspaceBudget[] {
    const byInterval = this.budgets.get(workspace.id);
    if (byInterval === undefined) return [];
    return BUDGET_INTERVALS.flatMap((interval) => byInterval.get(interval) ?? []);
  }

  /** The budget of one interval, if set. */
  getBudget(workspace: Workspace, interval: BudgetInterval): WorkspaceBudget | undefined {
    return this.budgets.get(workspace.id)?.get(interval);
  }

  /**
   * Creates or updates a budget. Limits must strictly decrease as the interval narrows
   * (lifetime > monthly > weekly > daily) across the budgets that exist after the write; a
   * write that breaks it is refused and changes nothing. `include_byok_in_budgets`, when
   * given, is set on the workspace (it applies to every interval).
   */
  putBudget(
    workspace: Workspace,
    interval: BudgetInterval,
    limitUsd: number,
    includeByok: boolean | undefined,
    fail: Fail,
    times: { created_at?: string; updated_at?: string; id?: string } = {},
  ): WorkspaceBudget {
    const limits = new Map(this.listBudgets(workspace).map((b) => [intervalOf(b), b.limit_usd]));
    limits.set(interval, limitUsd);
    const present = BUDGET_INTERVALS.filter((i) => limits.has(i));
    for (let wide = 0; wide < present.length; wide++) {
      for (let narrow = wide + 1; narrow < present.length; narrow++) {
        const wider = present[wide] as BudgetInterval;
        const narrower = present[narrow] as BudgetInterval;
        const wideLimit = limits.get(wider) ?? 0;
        const narrowLimit = limits.get(narrower) ?? 0;
        if (!(wideLimit > narrowLimit)) {
          throw fail(
            400,
            `Invalid request parameters: budget limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily), but the ${wider} limit ${wideLimit} is not greater than the ${narrower} limit ${narrowLimit}`,
          );
        }
      }
    }
    let byInterval = this.budgets.get(workspace.id);
    if (byInterval === undefined) {
      byInterval = new Map();
      this.budgets.set(workspace.id, byInterval);
    }
    const now = new Date().toISOString();
    const existing = byInterval.get(interval);
    const budget: WorkspaceBudget = existing ?? {
      id: times.id ?? randomUUID(),
      workspace_id: workspace.id,
      limit_usd: limitUsd,
      reset_interval: resetIntervalOf(interval),
      created_at: times.created_at ?? now,
      updated_at: times.updated_at ?? now,
    };
    if (existing !== undefined && existing.limit_usd !== limitUsd) {
      existing.limit_usd = limitUsd;
      existing.updated_at = now;
    }
    byInterval.set(interval, budget);
    if (includeByok !== undefined) workspace.include_byok_in_budgets = includeByok;
    this.onChange();
    return budget;
  }

  /** Deletes a budget; deleting one that does not exist succeeds too ("deleted (or did not exist)"). */
  deleteBudget(workspace: Workspace, interval: BudgetInterval): void {
    if (this.budgets.get(workspace.id)?.delete(interval) === true) this.onChange();
  }

  // ---- guardrails ---------------------------------------------------------------------------

  /** A materialized guardrail; undefined for an unknown id and for a default guardrail never written. */
  getGuardrail(id: string): Guardrail | undefined {
    return this.guardrails.get(id);
  }

  /** Materialized guardrails, optionally of one workspace, in creation order. */
  listGuardrails(workspaceId: string | undefined): Guardrail[] {
    const all = [...this.guardrails.values()];
    return workspaceId === undefined ? all : all.filter((g) => g.workspace_id === workspaceId);
  }

  /**
   * Updates the default guardrail of `workspace` from a checked `UpdateGuardrailRequest`
   * body, materializing it first when it was never written. Collection fields replace (the
   * sent set is stored whole); models are stored as canonical slugs; the deprecated
   * `enforce_zdr` is copied into each per-provider field the body does not give; the name,
   * derived from the workspace, cannot change.
   */
  patchGuardrail(workspace: Workspace, body: Record<string, unknown>, fail: Fail): Guardrail {
    const existing = this.guardrails.get(workspace.default_guardrail_id);
    const now = new Date().toISOString();
    const guardrail: Guardrail = existing ?? {
      id: workspace.default_guardrail_id,
      name: defaultGuardrailName(workspace),
      description: null,
      allowed_models: null,
      allowed_providers: null,
      ignored_models: null,
      ignored_providers: null,
      content_filter_builtins: null,
      content_filters: null,
      enable_free_model_publication: null,
      enable_free_model_training: null,
      enable_paid_model_training: null,
      enforce_zdr: null,
      enforce_zdr_anthropic: null,
      enforce_zdr_google: null,
      enforce_zdr_openai: null,
      enforce_zdr_other: null,
      enforce_zdr_xai: null,
      include_byok_in_budgets: false,
      limit_usd: null,
      reset_interval: null,
      created_at: now,
      updated_at: null,
      workspace_id: workspace.id,
    };
    if (body.name !== undefined && body.name !== guardrail.name) {
      throw fail(
        400,
        `Invalid request parameters: "name" of a workspace's default guardrail is derived from its workspace and cannot be changed (it is ${JSON.stringify(guardrail.name)})`,
      );
    }
    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === 'name' || key === 'enforce_zdr') continue;
      if ((key === 'allowed_models' || key === 'ignored_models') && Array.isArray(value)) {
        changes[key] = this.canonicalModels(value as string[], key, fail);
      } else if (
        Array.isArray(value) &&
        (GUARDRAIL_SET_FIELDS as readonly string[]).includes(key)
      ) {
        changes[key] = [...new Set(value as string[])];
      } else {
        changes[key] = structuredClone(value);
      }
    }
    if (typeof body.enforce_zdr === 'boolean' || body.enforce_zdr === null) {
      for (const field of ZDR_FIELDS) {
        if (body[field] === undefined) changes[field] = body.enforce_zdr;
      }
    }
    Object.assign(guardrail, changes);
    if (existing === undefined) this.guardrails.set(guardrail.id, guardrail);
    guardrail.updated_at = now;
    this.onChange();
    return guardrail;
  }

  /** Seeds a materialized guardrail as saved (times and name kept). */
  seedGuardrail(workspace: Workspace, fields: Record<string, unknown>, fail: Fail): Guardrail {
    const { name, created_at, updated_at, ...rest } = fields;
    const guardrail = this.patchGuardrail(workspace, rest, fail);
    if (typeof name === 'string') guardrail.name = name;
    if (typeof created_at === 'string') guardrail.created_at = created_at;
    if (typeof updated_at === 'string' || updated_at === null) guardrail.updated_at = updated_at;
    return guardrail;
  }

  // ---- members ------------------------------------------------------------------------------

  /** Adds or replaces an organization member. */
  setOrganizationMember(member: OrganizationMember): void {
    this.orgMembers.set(member.id, member);
  }

  /** The organization members in the order they were added (live objects). */
  listOrganizationMembers(): OrganizationMember[] {
    return [...this.orgMembers.values()];
  }

  /** The members of a workspace in the order they joined (live objects). */
  listMembers(workspace: Workspace): WorkspaceMember[] {
    return this.members.get(workspace.id) ?? [];
  }

  /**
   * Adds organization members to a workspace, each with the role they hold in the
   * organization. Every id must be an organization member, else nothing is added (400).
   * Adding a member again updates their membership. Returns the memberships of the ids given.
   */
  addMembers(
    workspace: Workspace,
    userIds: readonly string[],
    fail: Fail,
    seed: { id?: string; created_at?: string; role?: WorkspaceMember['role'] } = {},
  ): WorkspaceMember[] {
    const strangers = userIds.filter((id) => !this.orgMembers.has(id));
    if (strangers.length > 0) {
      throw fail(
        400,
        `Invalid request parameters: not members of the organization: ${quoteValues(strangers)}`,
      );
    }
    let list = this.members.get(workspace.id);
    if (list === undefined) {
      list = [];
      this.members.set(workspace.id, list);
    }
    const result: WorkspaceMember[] = [];
    for (const userId of new Set(userIds)) {
      const orgRole = this.orgMembers.get(userId)?.role === 'org:admin' ? 'admin' : 'member';
      let membership = list.find((m) => m.user_id === userId);
      if (membership === undefined) {
        membership = {
          id: seed.id ?? randomUUID(),
          workspace_id: workspace.id,
          user_id: userId,
          role: seed.role ?? orgRole,
          created_at: seed.created_at ?? new Date().toISOString(),
        };
        list.push(membership);
      } else {
        membership.role = seed.role ?? orgRole;
      }
      result.push(membership);
    }
    this.onChange();
    return result;
  }

  /**
   * Removes members from a workspace. A member with active API keys, or managed by SCIM,
   * cannot be removed: the whole call is refused (400, naming each and why) and nothing is
   * removed. Ids that are not members are ignored. Returns how many were removed.
   */
  removeMembers(workspace: Workspace, userIds: readonly string[], fail: Fail): number {
    const list = this.listMembers(workspace);
    const wanted = new Set(userIds);
    const leaving = list.filter((m) => wanted.has(m.user_id));
    const refusals: string[] = [];
    for (const membership of leaving) {
      const member = this.orgMembers.get(membership.user_id);
      if (member?.has_active_keys === true) {
        refusals.push(`"${membership.user_id}" has active API keys in the workspace`);
      }
      if (member?.scim_managed === true) {
        refusals.push(
          `"${membership.user_id}" is managed by SCIM (change it in your identity provider)`,
        );
      }
    }
    if (refusals.length > 0) {
      throw fail(400, `Invalid request parameters: cannot remove: ${refusals.join('; ')}`);
    }
    if (leaving.length > 0) {
      this.members.set(
        workspace.id,
        list.filter((m) => !wanted.has(m.user_id)),
      );
      this.onChange();
    }
    return leaving.length;
  }

  /** Forgets everything of a deleted workspace. */
  removeWorkspace(workspace: Workspace): void {
    this.budgets.delete(workspace.id);
    this.guardrails.delete(workspace.default_guardrail_id);
    this.members.delete(workspace.id);
  }

  /** Everything, as a state file holds it (live objects: serialize, do not hand out). */
  snapshot(): Required<ResourceSeed> {
    return {
      budgets: [...this.budgets.values()].flatMap((m) =>
        BUDGET_INTERVALS.flatMap((i) => m.get(i) ?? []),
      ),
      guardrails: [...this.guardrails.values()],
      workspace_members: [...this.members.values()].flat(),
      organization_members: this.listOrganizationMembers(),
      models: this.models,
    };
  }
}
