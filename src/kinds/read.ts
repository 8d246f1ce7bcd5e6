import type { DesiredState } from '../config/types.js';
import { matchEntries, selectTargets, type CurrentState } from '../plan/compute.js';
import type { KindName } from '../plan/types.js';
import { KINDS } from './registry.js';
import type { Api, PlanContext } from './types.js';

/**
 * Reads what a plan of `desired` needs, and nothing more: the workspace listing; then, for
 * each kind but the workspace's, the state of every existing workspace whose entry manages it
 * (an entry without `budgets:` causes no budget request); then what those diffs need of the
 * account, once. Requests run concurrently within the API's own limit of requests in flight.
 *
 * @throws ConfigError when the entries cannot be matched to the account (before any part is read).
 */
export async function readCurrent(
  api: Api,
  desired: DesiredState,
  targets?: readonly string[],
): Promise<CurrentState> {
  const workspaces = await api.listWorkspaces();
  const { matches } = matchEntries(desired, workspaces);
  const selected = selectTargets(matches, targets);
  const parts = new Map<KindName, Map<string, unknown>>();
  const reads: Promise<void>[] = [];
  const contexts: Promise<PlanContext>[] = [];
  for (const kind of KINDS) {
    if (kind.name === 'workspace') continue;
    const managing = selected.filter((m) => !m.missing && kind.manages(m.entry));
    if (managing.length === 0) continue;
    if (kind.readContext !== undefined) {
      contexts.push(
        kind.readContext(
          api,
          managing.map((m) => m.entry),
        ),
      );
    }
    const states = new Map<string, unknown>();
    parts.set(kind.name, states);
    for (const { remote } of managing) {
      if (remote === undefined) continue;
      reads.push(
        kind.read(api, remote).then((state) => {
          if (state !== undefined) states.set(remote.id, state);
        }),
      );
    }
  }
  const [, found] = await Promise.all([Promise.all(reads), Promise.all(contexts)]);
  return { workspaces, parts, context: Object.assign({}, ...found) as PlanContext };
}
