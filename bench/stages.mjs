// The stages of `orws plan`, timed one by one in one process, with the memory after each:
// what bounds the plan's wall time and peak RSS. It calls the same dist/ modules the CLI
// calls, in the same order (src/cli/commands.ts, makePlan), against the bench sandbox
// (its own process, 20 ms latency).
//
// Usage (after `npm run build`): node --expose-gc bench/stages.mjs [COUNT]   (default 10000)
// With --expose-gc, "retained" is the heap left after a full GC at the end of each stage.
import { readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { configYaml } from './fixtures.mjs';
import { startSandboxProcess } from './harness.mjs';

const count = Number(process.argv[2] ?? '10000');
if (!Number.isSafeInteger(count) || count < 1)
  throw new Error('usage: node --expose-gc bench/stages.mjs [COUNT]');
const LATENCY_MS = 20;
const collect = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;

const rows = [];
const keep = [];
async function stage(name, work) {
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  const { rss } = process.memoryUsage();
  keep.push(value);
  collect?.();
  const retained = process.memoryUsage().heapUsed;
  const peak = process.resourceUsage().maxRSS * 1024;
  rows.push({ name, wallMs, rss, retained, peak });
  return value;
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

const tmpDir = mkdtempSync(join(tmpdir(), 'orws-stages-'));
const config = join(tmpDir, `workspaces-${String(count)}.yaml`);
writeFileSync(config, configYaml(count));
const sandbox = await startSandboxProcess(count, LATENCY_MS);
try {
  await sandbox.reset();
  rows.push({
    name: 'before: node, this script, the sandbox started',
    wallMs: undefined,
    rss: process.memoryUsage().rss,
    retained: process.memoryUsage().heapUsed,
    peak: process.resourceUsage().maxRSS * 1024,
  });
  const modules = await stage('import config, remote, plan, render (dist/)', async () => ({
    load: await import('../dist/config/load.js'),
    source: await import('../dist/config/yaml-source.js'),
    remote: await import('../dist/api/index.js'),
    plan: await import('../dist/plan/index.js'),
    text: await import('../dist/render/text.js'),
  }));
  const desired = await stage('loadConfig: read, parse, schema-check, build desired', () =>
    modules.load.loadConfig(config),
  );
  const client = modules.remote.createClient({ baseUrl: sandbox.baseUrl, apiKey: 'bench-key' });
  const current = await stage(
    `listWorkspaces: ${String(Math.ceil(count / 100))} pages at ${String(LATENCY_MS)} ms, 8 in flight`,
    () => client.listWorkspaces(),
  );
  const plan = await stage('computePlan', () =>
    modules.plan.computePlan({
      desired,
      current,
      baseUrl: sandbox.baseUrl,
      createdAt: new Date().toISOString(),
      toolVersion: 'bench',
      targets: [],
    }),
  );
  await stage('renderPlanText', () => modules.text.renderPlanText(plan, { color: false }));
  const text = readFileSync(config, 'utf8');
  await stage('afterwards, for scale: parseYamlSource alone (yaml parseDocument, warm JIT)', () =>
    modules.source.parseYamlSource(text, config),
  );
  const requests = await sandbox.requests();

  const lines = [
    `Stages of \`orws plan\` in one process, T = ${count.toLocaleString('en-US')}, ${String(requests.total)} requests${collect === undefined ? ' (run with --expose-gc for the retained heap)' : ''}:`,
    '',
    '| Stage | Wall | RSS after | Heap retained after | Peak RSS so far |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.wallMs === undefined ? '–' : `${r.wallMs.toFixed(0)} ms`} | ${mb(r.rss)} | ${collect === undefined ? 'n/a' : mb(r.retained)} | ${mb(r.peak)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await sandbox.stop();
  rmSync(tmpDir, { recursive: true, force: true });
}
