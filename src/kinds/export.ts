import type { KindName } from '../plan/types.js';
import type { Workspace } from '../schema/fields.js';
import { budgetsKind, type BudgetsState } from './budgets.js';
import { guardrailKind, type GuardrailState } from './guardrail.js';
import { membersKind } from './members.js';
import type { Api } from './types.js';

/** One workspace as `orws export` writes it: its fields, and the parts asked for. */
export interface ExportEntry {
  workspace: Workspace;
  budgets?: BudgetsState;
  guardrail?: GuardrailState;
  /** Members as emails where the organization's member list has them, else user ids. */
  members?: string[];
}

/**
 * Reads what `export` writes of each workspace: for each kind asked for, its state (one read per
 * workspace and kind, concurrently within the API's limit), and the organization's members
 * once, to write members as emails.
 */
export async function readForExport(
  api: Api,
  workspaces: readonly Workspace[],
  kinds: readonly KindName[],
): Promise<ExportEntry[]> {
  const wants = new Set(kinds);
  const people = wants.has('members') ? await membersKind.readContext?.(api, []) : undefined;
  return Promise.all(
    workspaces.map(async (workspace) => {
      const entry: ExportEntry = { workspace };
      const [budgets, guardrail, members] = await Promise.all([
        wants.has('budgets') ? budgetsKind.read(api, workspace) : undefined,
        wants.has('guardrail') ? guardrailKind.read(api, workspace) : undefined,
        wants.has('members') ? membersKind.read(api, workspace) : undefined,
      ]);
      if (budgets !== undefined) entry.budgets = budgets;
      if (guardrail !== undefined) entry.guardrail = guardrail;
      if (members !== undefined) {
        entry.members = members.user_ids.map((id) => people?.people?.emailById.get(id) ?? id);
      }
      return entry;
    }),
  );
}
