import type { KindName } from '../plan/types.js';
import type { Kind } from './types.js';
import { budgetsKind } from './budgets.js';
import { guardrailKind } from './guardrail.js';
import { membersKind } from './members.js';
import { workspaceKind } from './workspace.js';

/**
 * Every kind orws manages, in the order a workspace's changes are shown and applied. Adding a
 * kind: write its module (see ./types.ts) and list it here.
 */
export const KINDS: readonly Kind[] = [workspaceKind, budgetsKind, guardrailKind, membersKind];

const byName = new Map<string, Kind>(KINDS.map((kind) => [kind.name, kind]));

/** The kind of that name; undefined for a name this orws does not know. */
export function findKind(name: string): Kind | undefined {
  return byName.get(name);
}

/** The kind of that name. */
export function kindOf(name: KindName): Kind {
  const kind = byName.get(name);
  if (kind === undefined) throw new Error(`no kind ${name}`);
  return kind;
}

/** The position of a kind in `KINDS` (changes of one workspace are sorted by it). */
export function kindRank(name: KindName): number {
  return KINDS.findIndex((kind) => kind.name === name);
}
