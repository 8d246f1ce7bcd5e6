import type { Client } from '../api/client.js';
import type { TransportRequest } from '../api/transport.js';
import type { DesiredWorkspace } from '../config/types.js';
import type { Change, FieldChange, KindName } from '../plan/types.js';
import type { Workspace } from '../schema/fields.js';

/** One request to the API, as a kind's reads and writes make it (path below the base URL). */
export type ApiRequest = TransportRequest;

/**
 * The API as kinds see it: the client (the workspace calls, and one generic request for the
 * others) without its counters. Every method rejects with `ApiError` (or a subclass) only.
 */
export type Api = Omit<Client, 'stats'>;

/**
 * A workspace as the apply engine knows it when it writes a part: at least its id and slug, and
 * the whole workspace when it was listed, read or just written.
 */
export type KnownWorkspace = { id: string; slug: string } & Partial<Workspace>;

/** What the whole account says that a kind's diff needs; read once per run, only when needed. */
export interface PlanContext {
  /**
   * The model catalog (present when a guardrail names models): every slug and canonical slug →
   * its canonical slug, and a canonical slug → the model's slug, for showing it.
   */
  models?: { canonical: ReadonlyMap<string, string>; slugOf: ReadonlyMap<string, string> };
  /** The organization's members (present when an entry manages members). */
  people?: { idByEmail: ReadonlyMap<string, string>; emailById: ReadonlyMap<string, string> };
}

/** A kind's diff of one entry: the fields that differ, or what makes the entry unplannable. */
export interface KindDiff {
  fields: FieldChange[];
  /** Problems only the account reveals (an unknown email, an order against an unmanaged interval). */
  issues: string[];
  labels?: Record<string, string>;
}

/**
 * A kind of resource: how its current state is read, how desired and current are diffed (pure),
 * which requests a change becomes, and how a write is checked. The planner, the stale check,
 * the apply engine, the renderers and the plan document know kinds only through this.
 *
 * A kind's state is a flat record of fields (`valuesOf`): the `test` operations of a change are
 * checked against it, and a write's result is compared with the change's `after` values in it.
 */
export interface Kind<Current = unknown> {
  readonly name: KindName;
  /** Every field the kind can hold, in display order (for "N unchanged fields hidden"). */
  readonly fields: readonly string[];
  /** Whether the entry manages this kind (the workspace kind always does). */
  manages(entry: DesiredWorkspace): boolean;
  /**
   * Reads what the diffs of these entries need of the whole account (the model catalog, the
   * organization's members), once per run; nothing when no entry needs it.
   */
  readContext?(api: Api, entries: readonly DesiredWorkspace[]): Promise<PlanContext>;
  /** Pure: what differs. `current` is undefined when the workspace is to be created. */
  diff(entry: DesiredWorkspace, current: Current | undefined, context: PlanContext): KindDiff;
  /** The state as flat field values, as `test` operations and convergence checks see it. */
  valuesOf(current: Current): Record<string, unknown>;
  /** Whether two values of `field` are the same (sets compare as sets). */
  equal(field: string, a: unknown, b: unknown): boolean;
  /** The request body (or bodies) the change becomes; written to the plan document. */
  bodyOf(change: Change): unknown;
  /**
   * Reads the state of one workspace's resource (the workspace kind: the workspace itself, by
   * id, else by slug). Undefined when the workspace no longer exists. Any other field of
   * `workspace` is as it is now (a listing just made); a kind may use it instead of reading the
   * workspace again, so a caller after a write passes only the id and slug.
   */
  read(
    api: Api,
    workspace: { id?: string; slug: string } & Partial<Workspace>,
  ): Promise<Current | undefined>;
  /**
   * Sends the change's requests and returns the state after. `workspace` is the workspace the
   * change belongs to, as it is now (undefined only for the create of the workspace itself).
   * Rejects with `ApiError` when a request fails, or `UnexpectedAnswerError` when the answer
   * is not about what was written.
   */
  write(api: Api, change: Change, workspace: KnownWorkspace | undefined): Promise<Current>;
}
