// An experiment, not part of `npm run bench`: how fast `orws plan` could be if the config
// were parsed on a worker thread while the main thread lists the workspaces, instead of one
// after the other as src/cli/commands.ts (makePlan) does now. It drives the same dist/
// modules in fresh processes, two ways, against the bench sandbox (10,000 workspaces, 20 ms):
//   serial   loadConfig, then listWorkspaces (what the CLI does; the control)
//   overlap  loadConfig in a worker thread || listWorkspaces on the main thread
// and prints the medians beside `orws plan` itself.
//
// Usage (after `npm run build`): node bench/overlap.mjs [RUNS] [COUNT]   (default 5 10000)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** The build to drive: the driver's snapshot of dist/ (see snapshotBuild), passed on to children and workers. */
const DIST =
  process.env.ORWS_BENCH_DIST === undefined
    ? new URL('../dist/', import.meta.url)
    : pathToFileURL(`${process.env.ORWS_BENCH_DIST}/`);
const SELF = fileURLToPath(import.meta.url);

/** In the worker: load the config, hand the desired state to the main thread. */
async function runWorker() {
  const { loadConfig } = await import(new URL('config/load.js', DIST).href);
  parentPort?.postMessage(await loadConfig(workerData.file));
}

/** In a child process: one plan, the `serial` or the `overlap` way. */
async function runPlanChild(mode, file, baseUrl) {
  const [{ loadConfig }, { createClient }, { computePlan }, { renderPlanText }] = await Promise.all(
    ['config/load.js', 'api/index.js', 'plan/index.js', 'render/text.js'].map(
      (path) => import(new URL(path, DIST).href),
    ),
  );
  const client = createClient({ baseUrl, apiKey: 'bench-key' });
  let desired;
  let current;
  if (mode === 'serial') {
    desired = await loadConfig(file);
    current = await client.listWorkspaces();
  } else {
    const worker = new Worker(SELF, { workerData: { file } });
    const loaded = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    [desired, current] = await Promise.all([loaded, client.listWorkspaces()]);
    await worker.terminate();
  }
  const plan = computePlan({
    desired,
    current,
    baseUrl,
    createdAt: new Date().toISOString(),
    toolVersion: 'bench',
    targets: [],
  });
  process.stdout.write(renderPlanText(plan, { color: false }));
}

/** The driver: sandbox, runs, table. */
async function runDriver(runs, count) {
  const { configYaml } = await import('./fixtures.mjs');
  const { cliEnv, detectRssMethod, median, runNode, snapshotBuild, startSandboxProcess } =
    await import('./harness.mjs');
  const tmpDir = mkdtempSync(join(tmpdir(), 'orws-overlap-'));
  const root = snapshotBuild(join(tmpDir, 'orws'));
  const file = join(tmpDir, 'workspaces.yaml');
  writeFileSync(file, configYaml(count));
  const rssMethod = detectRssMethod(tmpDir);
  const sandbox = await startSandboxProcess(count, 20, root);
  try {
    const env = cliEnv(sandbox.baseUrl, { ORWS_BENCH_DIST: join(root, 'dist') });
    const variants = {
      '`orws plan` (the CLI)': [join(root, 'dist', 'cli', 'main.js'), 'plan', '-f', file],
      'serial: loadConfig, then listWorkspaces': [SELF, 'serial', file, sandbox.baseUrl],
      'overlap: loadConfig on a worker ‖ listWorkspaces': [SELF, 'overlap', file, sandbox.baseUrl],
    };
    const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    for (let run = 0; run <= runs; run += 1) {
      // Interleaved, so that all variants see the same machine; run 0 warms the file cache.
      for (const [name, args] of Object.entries(variants)) {
        await sandbox.reset();
        const result = await runNode(args, { env, rssMethod, tmpDir });
        const requests = await sandbox.requests();
        if (result.code !== 0 || !result.stdout.includes(`${String(count / 100)} to update`)) {
          throw new Error(`${name} failed (exit ${String(result.code)}):\n${result.stderr}`);
        }
        if (run > 0) results[name].push({ ...result, requests: requests.total });
      }
    }
    const lines = [
      `Plan of ${count.toLocaleString('en-US')} workspaces at 20 ms, medians of ${String(runs)} interleaved runs:`,
      '',
      '| Variant | Wall (median) | Peak RSS (median) | Requests |',
      '| --- | ---: | ---: | ---: |',
    ];
    for (const [name, list] of Object.entries(results)) {
      const wall = median(list.map((r) => r.wallMs));
      const rss = median(list.map((r) => r.rssKiB ?? 0));
      lines.push(
        `| ${name} | ${wall.toFixed(0)} ms | ${((rss * 1024) / 1e6).toFixed(1)} MB | ${String(list[0]?.requests ?? '–')} |`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await sandbox.stop();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (!isMainThread) {
  await runWorker();
} else if (process.argv[2] === 'serial' || process.argv[2] === 'overlap') {
  await runPlanChild(process.argv[2], process.argv[3] ?? '', process.argv[4] ?? '');
} else {
  const runs = Number(process.argv[2] ?? '5');
  const count = Number(process.argv[3] ?? '10000');
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(count) || count < 100) {
    throw new Error('usage: node bench/overlap.mjs [RUNS] [COUNT]');
  }
  await runDriver(runs, count);
}
