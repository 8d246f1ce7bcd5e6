// The sandbox the benchmark measures against, in a process of its own (forked by
// bench/harness.mjs), so that its CPU and memory are never counted as the CLI's or the
// baselines'. It answers the bench over IPC:
//   { id, type: 'reset' }    put the drifted 1% back and forget the recorded requests
//   { id, type: 'requests' } a summary of the requests recorded since the last reset
//   { id, type: 'stop' }     close and exit
// Usage: node bench/sandbox-process.mjs COUNT LATENCY_MS [ROOT]
// ROOT is the build to serve the sandbox of (default: this repository's dist/).
// It also exits when the bench goes away (IPC disconnect) or after a hard ten-minute limit.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DRIFTED_DESCRIPTION, driftedIndices, remoteSeed, workspaceId } from './fixtures.mjs';

const HARD_LIMIT_MS = 10 * 60 * 1000;

const count = Number(process.argv[2]);
const latencyMs = Number(process.argv[3]);
if (!Number.isSafeInteger(count) || count < 0 || !Number.isFinite(latencyMs) || latencyMs < 0) {
  process.stderr.write('usage: node bench/sandbox-process.mjs COUNT LATENCY_MS [ROOT]\n');
  process.exit(2);
}
const root = process.argv[4] ?? fileURLToPath(new URL('..', import.meta.url));
const { startSandbox } = await import(
  pathToFileURL(join(root, 'dist', 'sandbox', 'index.js')).href
);

const sandbox = await startSandbox({ seed: remoteSeed(count), latencyMs, logRequests: true });

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

/** Puts every drifted workspace back to its drifted value and clears the request log. */
function reset() {
  for (const i of driftedIndices(count)) {
    sandbox.edit(workspaceId(i), { description: DRIFTED_DESCRIPTION });
  }
  sandbox.clearRequests();
}

/** What the bench needs to know of the recorded requests, small enough to send over IPC. */
function summarizeRequests() {
  const byKind = {};
  let failures = 0;
  for (const request of sandbox.requests) {
    const kind = `${request.method} ${request.path === '/workspaces' ? '/workspaces' : '/workspaces/{id}'}`;
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
  try {
    if (type === 'reset') {
      reset();
      process.send({ id, ok: true });
    } else if (type === 'requests') {
      process.send({ id, ok: true, value: summarizeRequests() });
    } else if (type === 'stop') {
      process.send({ id, ok: true }, () => {
        void stop(0);
      });
    } else {
      process.send({ id, ok: false, error: `unknown message type ${String(type)}` });
    }
  } catch (error) {
    process.send({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});

process.send({ type: 'ready', baseUrl: sandbox.baseUrl });
