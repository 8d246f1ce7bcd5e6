import type { DesiredWorkspace } from '../config/types.js';
import type { Change, FieldChange } from '../plan/types.js';
import {
  isMembersChangeAnswer,
  isMembersPage,
  isPeoplePage,
  type MemberItem,
  type PersonItem,
} from './answers.js';
import { setsEqual, sortedSet } from './sets.js';
import type { Kind, KnownWorkspace, PlanContext } from './types.js';

/** A workspace's members, as user ids. */
export interface MembersState {
  user_ids: string[];
}

/** What a members change sends: adds, then removes, each in calls of at most 100 user ids. */
export interface MembersBody {
  add: string[];
  remove: string[];
}

/** The API takes at most this many user ids in one add or remove call. */
export const MEMBERS_PER_CALL = 100;

/**
 * The members kind: exactly the members the config lists, as a set of user ids. The config may
 * name a member by email or by user id; both resolve through the organization's member list
 * (read once per run, only when an entry manages members), so an email and the user id it
 * resolves to are the same member. The change is adds then removes, never a replacement.
 */
export const membersKind: Kind<MembersState> = {
  name: 'members',
  fields: ['members'],
  manages: (entry) => entry.members !== undefined,

  async readContext(api) {
    const people = await api.listPages<PersonItem>(
      '/organization/members',
      isPeoplePage,
      (p) => p.id,
    );
    const idByEmail = new Map<string, string>();
    const emailById = new Map<string, string>();
    for (const person of people) {
      idByEmail.set(person.email.toLowerCase(), person.id);
      emailById.set(person.id, person.email);
    }
    return { people: { idByEmail, emailById } };
  },

  diff(entry: DesiredWorkspace, current: MembersState | undefined, context: PlanContext) {
    const desired = entry.members?.members ?? [];
    const issues: string[] = [];
    const ids: string[] = [];
    for (const name of desired) {
      const id = resolve(name, context);
      if (id === undefined) {
        issues.push(
          `members: ${JSON.stringify(name)} is no member of the organization (GET /organization/members)`,
        );
        continue;
      }
      ids.push(id);
    }
    const after = sortedSet([...new Set(ids)]);
    // From pairs: an id such as `__proto__` is a key like any other, never the object's prototype.
    const labels: Record<string, string> = Object.fromEntries(
      [...after, ...(current?.user_ids ?? [])].flatMap((id) => {
        const email = context.people?.emailById.get(id);
        return email === undefined ? [] : [[id, email]];
      }),
    );
    const fields: FieldChange[] = [];
    if (current === undefined) {
      if (after.length > 0) fields.push({ field: 'members', after });
    } else if (!setsEqual(current.user_ids, after)) {
      fields.push({ field: 'members', before: sortedSet(current.user_ids), after });
    }
    return { fields, issues, labels };
  },

  valuesOf: (current) => ({ members: sortedSet(current.user_ids) }),
  equal: (_field, a, b) => setsEqual(a, b),

  bodyOf(change: Change): MembersBody {
    const field = change.fields.find((f) => f.field === 'members');
    const before = new Set(Array.isArray(field?.before) ? (field.before as string[]) : []);
    const after = new Set(Array.isArray(field?.after) ? (field.after as string[]) : []);
    return {
      add: [...after].filter((id) => !before.has(id)),
      remove: [...before].filter((id) => !after.has(id)),
    };
  },

  async read(api, workspace) {
    const key = workspace.id ?? workspace.slug;
    const members = await api.listPages<MemberItem>(
      `/workspaces/${encodeURIComponent(key)}/members`,
      isMembersPage,
      (m) => m.user_id,
    );
    return { user_ids: sortedSet(members.map((m) => m.user_id)) };
  },

  async write(api, change, workspace: KnownWorkspace | undefined) {
    if (workspace === undefined) throw new Error('members are written to an existing workspace');
    const { add, remove } = membersKind.bodyOf(change) as MembersBody;
    const base = `/workspaces/${encodeURIComponent(workspace.id)}/members`;
    for (const [verb, ids] of [
      ['add', add],
      ['remove', remove],
    ] as const) {
      for (let i = 0; i < ids.length; i += MEMBERS_PER_CALL) {
        await api.request({
          method: 'POST',
          path: `${base}/${verb}`,
          json: { user_ids: ids.slice(i, i + MEMBERS_PER_CALL) },
          validate: isMembersChangeAnswer,
        });
      }
    }
    const after = await membersKind.read(api, workspace);
    if (after === undefined)
      throw new Error(`the members of workspace ${workspace.id} cannot be read`);
    return after;
  },
};

/** The user id a config names (an email, matched without case, or a user id of the organization). */
function resolve(name: string, context: PlanContext): string | undefined {
  if (name.includes('@')) return context.people?.idByEmail.get(name.toLowerCase());
  return context.people?.emailById.has(name) === true ? name : undefined;
}
