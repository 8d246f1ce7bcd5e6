// The sandbox the benchmark measures against, in a process of its own (forked by
// bench/harness.mjs), so that its CPU and memory are never counted as the CLI's or the
// baselines'. It answers the bench over IPC:
//   { id, type: 'reset' }    put the drift back (see WORKLOAD) and forget the recorded requests
//   { id, type: 'requests' } a summary of the requests recorded since the last reset
//   { id, type: 'stop' }     close and exit
// Usage: node bench/sandbox-process.mjs COUNT LATENCY_MS [ROOT] [WORKLOAD]
// ROOT is the build to serve the sandbox of (default: this repository's dist/). WORKLOAD is
// `workspaces` (default: the 1% of workspaces drifted) or `parts` (every workspace with budgets
// and a guardrail, every monthly budget lower than the config's; see bench/fixtures.mjs).
// It also exits when the bench goes away (IPC disconnect) or after a hard ten-minute limit.
/* global fetch, AbortSignal */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DRIFTED_DESCRIPTION,
  driftedIndices,
  partsSeed,
  remoteMonthly,
  remoteSeed,
  workspaceId,
} from './fixtures.mjs';

const HARD_LIMIT_MS = 10 * 60 * 1000;
/** Requests in flight while the parts workload's budgets are put back. */
const RESET_IN_FLIGHT = 64;
/** Longest one of those requests may take. */
const RESET_REQUEST_MS = 30_000;

const count = Number(process.argv[2]);
const latencyMs = Number(process.argv[3]);
const workload = process.argv[5] ?? 'workspaces';
if (
  !Number.isSafeInteger(count) ||
  count < 0 ||
  !Number.isFinite(latencyMs) ||
  latencyMs < 0 ||
  (workload !== 'workspaces' && workload !== 'parts')
) {
  process.stderr.write(
    'usage: node bench/sandbox-process.mjs COUNT LATENCY_MS [ROOT] [workspaces|parts]\n',
  );
  process.exit(2);
}
const root = process.argv[4] ?? fileURLToPath(new URL('..', import.meta.url));
const { startSandbox } = await import(
  pathToFileURL(join(root, 'dist', 'sandbox', 'index.js')).href
);

const seed =
  workload === 'parts' ? partsSeed(count) : { workspaces: remoteSeed(count), resources: {} };
const sandbox = await startSandbox({
  seed: seed.workspaces,
  resources: seed.resources,
  latencyMs,
  logRequests: true,
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await sandbox.close();
  process.exit(code);
}

const limit = setTimeout(() => {
  process.stderr.write('bench sandbox: hard time limit reached, exiting\n');
  void stop(1);
}, HARD_LIMIT_MS);
limit.unref();

/**
 * Puts every monthly budget back to its seeded value through the sandbox's own API (the only
 * way to change a budget), RESET_IN_FLIGHT at a time; the requests are forgotten afterwards.
 */
async function resetBudgets() {
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const i = next;
      next += 1;
      const response = await fetch(
        `${sandbox.baseUrl}/workspaces/${workspaceId(i)}/budgets/monthly`,
        {
          method: 'PUT',
          headers: { Authorization: 'Bearer bench-reset', 'Content-Type': 'application/json' },
          body: JSON.stringify({ limit_usd: remoteMonthly(i) }),
          signal: AbortSignal.timeout(RESET_REQUEST_MS),
        },
      );
      await response.arrayBuffer();
      if (!response.ok) {
        throw new Error(`reset of workspace ${String(i)}'s budget: ${String(response.status)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RESET_IN_FLIGHT, count) }, worker));
}

/** Puts the workload's drift back and clears the request log. */
async function reset() {
  if (workload === 'parts') {
    await resetBudgets();
  } else {
    for (const i of driftedIndices(count)) {
      sandbox.edit(workspaceId(i), { description: DRIFTED_DESCRIPTION });
    }
  }
  sandbox.clearRequests();
}

/** A recorded path as a route: every UUID segment becomes {id}. */
function routeOf(path) {
  return path.replace(
    /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/g,
    '/{id}',
  );
}

/** What the bench needs to know of the recorded requests, small enough to send over IPC. */
function summarizeRequests() {
  const byKind = {};
  let failures = 0;
  for (const request of sandbox.requests) {
    const kind = `${request.method} ${routeOf(request.path)}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (request.status < 200 || request.status > 299) failures += 1;
  }
  return { total: sandbox.requests.length, byKind, failures };
}

process.on('disconnect', () => {
  void stop(0);
});

process.on('message', (message) => {
  const { id, type } = message;
  const answer = async () => {
    if (type === 'reset') {
      await reset();
      return undefined;
    }
    if (type === 'requests') return summarizeRequests();
    throw new Error(`unknown message type ${String(type)}`);
  };
  if (type === 'stop') {
    process.send({ id, ok: true }, () => {
      void stop(0);
    });
    return;
  }
  answer().then(
    (value) => process.send({ id, ok: true, value }),
    (error) =>
      process.send({
        id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});

process.send({ type: 'ready', baseUrl: sandbox.baseUrl });
