// `npm run bench`: orws's performance targets, as medians of BENCH_RUNS runs (default 5),
// printed as markdown. See BENCHMARKS.md for what each figure means and how it is measured.
//
// Layout: the sandbox runs in a child process of its own (bench/sandbox-process.mjs), seeded
// with T workspaces and 20 ms of added latency, and records every request; this process
// asks it for the count after each run. Each `orws` command runs as another child process,
// so its wall time includes node's start-up and its peak RSS is its own (the sandbox's CPU
// and memory are in neither). The two baselines run in this process with plain fetch,
// against the same sandbox, already warm (no start-up, no YAML to parse): that favours
// them, so the ratios understate orws's advantage rather than overstate it. A second workload
// (1,000 workspaces that also manage budgets and a guardrail) has its own sandbox process;
// there the plan is judged against requests ÷ concurrency × latency + the config's parse.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { configYaml, driftedIndices, partsConfigYaml, workspaceId } from './fixtures.mjs';
import {
  cliEnv,
  detectRssMethod,
  listSequentially,
  median,
  otherCpus,
  readCpuTicks,
  refreshPerObject,
  REPO_ROOT,
  runNode,
  snapshotBuild,
  startSandboxProcess,
  timeInProcess,
} from './harness.mjs';

const SIZES = [1_000, 10_000];
/** Workspaces of the parts workload: each manages its budgets and its guardrail. */
const PARTS_COUNT = 1_000;
const LATENCY_MS = 20;
const PAGE_LIMIT = 100;
/** orws's default `--concurrency`, which the bench leaves as it is. */
const CONCURRENCY = 8;
const PER_OBJECT_IN_FLIGHT = 10;
const RUNS = readRuns();
const STARTUP_RUNS = Math.max(10, 2 * RUNS);
/** The whole bench gives up after this long (it takes about three minutes). */
const WATCHDOG_MS = 15 * 60 * 1000;

const TARGETS = {
  planWallMs: 1_000,
  perObjectRatio: 20,
  rssMB: 150,
  validateWallMs: 1_000,
  versionRatio: 1.5,
  /** Plan of the parts workload ≤ this × (requests ÷ concurrency × latency + config parse). */
  partsPlanFactor: 1.3,
};

function readRuns() {
  const text = process.env.BENCH_RUNS ?? '5';
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > 50) {
    throw new Error(`BENCH_RUNS must be an integer from 1 to 50, not "${text}"`);
  }
  return runs;
}

const progress = (line) => process.stderr.write(`${line}\n`);
const thousands = (n) => n.toLocaleString('en-US');
const ms = (value) => `${thousands(Math.round(value))} ms`;
const mb = (kib) => (kib === undefined ? 'n/a' : `${((kib * 1024) / 1e6).toFixed(1)} MB`);
const ratio = (value) => `${value.toFixed(1)}×`;
const passMiss = (ok) => (ok ? 'PASS' : 'MISS');

/** Summary of several measured runs: median and range of wall time, RSS, requests. */
function summarize(runs) {
  const walls = runs.map((r) => r.wallMs);
  const rss = runs.map((r) => r.rssKiB).filter((v) => v !== undefined);
  return {
    wallMs: median(walls),
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    rssKiB: rss.length === 0 ? undefined : median(rss),
    rssMaxKiB: rss.length === 0 ? undefined : Math.max(...rss),
    requests: runs.map((r) => r.requests).filter((v) => v !== undefined),
    byRoute: runs.map((r) => r.byRoute).filter((v) => v !== undefined),
  };
}

/**
 * Runs `once` RUNS times and summarizes the runs, with the CPU that other processes (not this
 * bench, its children or the live processes `pids`) took meanwhile.
 */
async function repeat(label, pids, once) {
  const before = readCpuTicks(pids);
  const runs = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const result = await once();
    runs.push(result);
    const requests =
      result.requests === undefined ? '' : `, ${thousands(result.requests)} requests`;
    const rss = result.rssKiB === undefined ? '' : `, ${mb(result.rssKiB)}`;
    progress(`${label} run ${String(run)}/${String(RUNS)}: ${ms(result.wallMs)}${requests}${rss}`);
  }
  return { ...summarize(runs), others: otherCpus(before, readCpuTicks(pids), cpus().length) };
}

function fail(what, result, detail) {
  const excerpt = (text) => text.slice(-2000);
  throw new Error(
    `${what}: ${detail}\n--- exit code ${String(result.code)}\n--- stdout (end)\n${excerpt(result.stdout)}\n--- stderr (end)\n${excerpt(result.stderr)}`,
  );
}

async function checkedRequests(sandbox, what) {
  const summary = await sandbox.requests();
  if (summary.failures > 0) {
    throw new Error(
      `${what}: ${String(summary.failures)} request(s) did not succeed: ${JSON.stringify(summary)}`,
    );
  }
  return summary;
}

/** Plan, apply and the two baselines against a sandbox of `count` workspaces. */
async function measureSize(count, context) {
  const { tmpDir, rssMethod } = context;
  const config = join(tmpDir, `workspaces-${String(count)}.yaml`);
  writeFileSync(config, configYaml(count));
  const changes = driftedIndices(count).length;
  const listFloor = Math.ceil(count / PAGE_LIMIT);
  const ids = Array.from({ length: count }, (_, i) => workspaceId(i + 1));

  const sandbox = await startSandboxProcess(count, LATENCY_MS, context.root);
  context.stopSandbox = sandbox.stop;
  try {
    const env = cliEnv(sandbox.baseUrl);
    const runCli = (args) => runNode([context.cli, ...args], { env, rssMethod, tmpDir });
    const planLine = `Plan: 0 to create, ${String(changes)} to update, ${String(count - changes)} unchanged, 0 unmanaged.`;
    const applyLine = `Apply complete: ${String(changes)} applied, 0 already applied, 0 failed, 0 not attempted.`;

    // One unmeasured run of each kind first: the file cache and the sandbox's JIT are warm
    // for every measured run alike.
    await sandbox.reset();
    await runCli(['plan', '-f', config]);
    await listSequentially(sandbox.baseUrl, listFloor + 1);

    const t = `T=${thousands(count)}`;
    const pids = [sandbox.pid];
    const plan = await repeat(`plan ${t}`, pids, async () => {
      await sandbox.reset();
      const result = await runCli(['plan', '-f', config]);
      if (result.code !== 0 || !result.stdout.includes(planLine)) {
        fail(`plan ${t}`, result, `expected exit 0 and "${planLine}"`);
      }
      const requests = await checkedRequests(sandbox, 'plan');
      return { ...result, requests: requests.total, byRoute: requests.byKind };
    });

    const apply = await repeat(`apply ${t}`, pids, async () => {
      await sandbox.reset();
      const result = await runCli(['apply', '-f', config, '--auto-approve']);
      if (result.code !== 0 || !result.stdout.includes(applyLine)) {
        fail(`apply ${t}`, result, `expected exit 0 and "${applyLine}"`);
      }
      const requests = await checkedRequests(sandbox, 'apply');
      if (requests.byKind['PATCH /workspaces/{id}'] !== changes) {
        throw new Error(
          `apply ${t}: expected ${String(changes)} PATCHes, got ${JSON.stringify(requests.byKind)}`,
        );
      }
      return { ...result, requests: requests.total, byRoute: requests.byKind };
    });

    const perObject = await repeat(`per-object refresh ${t}`, pids, async () => {
      await sandbox.reset();
      const { wallMs, value } = await timeInProcess(() =>
        refreshPerObject(sandbox.baseUrl, ids, PER_OBJECT_IN_FLIGHT),
      );
      if (value.length !== count || value.some((w, i) => w?.id !== ids[i])) {
        throw new Error(`per-object refresh ${t}: did not read every workspace`);
      }
      const requests = await checkedRequests(sandbox, 'per-object refresh');
      return { wallMs, requests: requests.total };
    });

    const sequential = await repeat(`sequential paging ${t}`, pids, async () => {
      await sandbox.reset();
      const { wallMs, value } = await timeInProcess(() =>
        listSequentially(sandbox.baseUrl, listFloor + 1),
      );
      if (value.length !== count) {
        throw new Error(`sequential paging ${t}: read ${String(value.length)} workspaces`);
      }
      const requests = await checkedRequests(sandbox, 'sequential paging');
      return { wallMs, requests: requests.total };
    });

    return {
      count,
      changes,
      listFloor,
      applyFloor: listFloor + changes,
      planRoutes: { 'GET /workspaces': listFloor },
      applyRoutes: { 'GET /workspaces': listFloor, 'PATCH /workspaces/{id}': changes },
      plan,
      apply,
      perObject,
      sequential,
    };
  } finally {
    await sandbox.stop();
    context.stopSandbox = undefined;
  }
}

/**
 * The parts workload (bench/fixtures.mjs): PARTS_COUNT workspaces that each manage their
 * budgets and their default guardrail, the guardrail naming models. Plan and apply of that
 * config, and `orws validate` of the same file for the cost of parsing it. Every monthly budget
 * differs remotely, so the plan shows PARTS_COUNT budget changes and the apply sends one PUT and
 * one re-read per workspace.
 */
async function measureParts(context) {
  const { tmpDir, rssMethod } = context;
  const count = PARTS_COUNT;
  const config = join(tmpDir, `parts-${String(count)}.yaml`);
  writeFileSync(config, partsConfigYaml(count));
  const listFloor = Math.ceil(count / PAGE_LIMIT);
  // One budgets read and one guardrail read per managing workspace, the model catalog once.
  const planRoutes = {
    'GET /workspaces': listFloor,
    'GET /workspaces/{id}/budgets': count,
    'GET /guardrails/{id}': count,
    'GET /models': 1,
  };
  // Each changed budgets block: one PUT, then one GET that reads back what took.
  const applyRoutes = {
    ...planRoutes,
    'GET /workspaces/{id}/budgets': 2 * count,
    'PUT /workspaces/{id}/budgets/monthly': count,
  };
  const t = `T=${thousands(count)}`;

  const validateEnv = { ...process.env, NO_COLOR: '1' };
  const validateLine = `The configuration is valid: ${String(count)} workspaces in 1 file.`;
  const validateOnce = () =>
    runNode([context.cli, 'validate', '-f', config], { env: validateEnv, rssMethod, tmpDir });
  await validateOnce();
  const validate = await repeat(`validate parts ${t}`, [], async () => {
    const result = await validateOnce();
    if (result.code !== 0 || !result.stdout.includes(validateLine)) {
      fail(`validate parts ${t}`, result, `expected exit 0 and "${validateLine}"`);
    }
    return result;
  });

  const sandbox = await startSandboxProcess(count, LATENCY_MS, context.root, 'parts');
  context.stopSandbox = sandbox.stop;
  try {
    const env = cliEnv(sandbox.baseUrl);
    const runCli = (args) => runNode([context.cli, ...args], { env, rssMethod, tmpDir });
    const planLine = `Plan: 0 to create, ${String(count)} to update, 0 unchanged, 0 unmanaged.`;
    const applyLine = `Apply complete: ${String(count)} applied, 0 already applied, 0 failed, 0 not attempted.`;

    await sandbox.reset();
    await runCli(['plan', '-f', config]);

    const pids = [sandbox.pid];
    const plan = await repeat(`plan parts ${t}`, pids, async () => {
      await sandbox.reset();
      const result = await runCli(['plan', '-f', config]);
      if (result.code !== 0 || !result.stdout.includes(planLine)) {
        fail(`plan parts ${t}`, result, `expected exit 0 and "${planLine}"`);
      }
      const requests = await checkedRequests(sandbox, 'plan parts');
      return { ...result, requests: requests.total, byRoute: requests.byKind };
    });

    const apply = await repeat(`apply parts ${t}`, pids, async () => {
      await sandbox.reset();
      // Every workspace changes, which the default safety limit (30% updated) refuses.
      const result = await runCli([
        'apply',
        '-f',
        config,
        '--auto-approve',
        '--max-update-percent',
        '100',
      ]);
      if (result.code !== 0 || !result.stdout.includes(applyLine)) {
        fail(`apply parts ${t}`, result, `expected exit 0 and "${applyLine}"`);
      }
      const requests = await checkedRequests(sandbox, 'apply parts');
      return { ...result, requests: requests.total, byRoute: requests.byKind };
    });

    return {
      count,
      validate,
      plan,
      apply,
      planRoutes,
      applyRoutes,
      planFloor: sumRoutes(planRoutes),
      applyFloor: sumRoutes(applyRoutes),
    };
  } finally {
    await sandbox.stop();
    context.stopSandbox = undefined;
  }
}

/** The number of requests a route table adds up to. */
function sumRoutes(routes) {
  return Object.values(routes).reduce((sum, n) => sum + n, 0);
}

/**
 * The wall time a plan cannot beat by much: its requests sent `CONCURRENCY` at a time, each
 * taking the sandbox's latency, after the config is parsed (`orws validate` of the same file:
 * node's start-up, module loading and the parse, which a plan does before its first request).
 */
function partsPlanModel(parts) {
  const networkMs = (parts.planFloor / CONCURRENCY) * LATENCY_MS;
  return { networkMs, parseMs: parts.validate.wallMs, totalMs: networkMs + parts.validate.wallMs };
}

/** `orws validate` of the 10,000-entry file: no sandbox, no request. */
async function measureValidate(context) {
  const { tmpDir, rssMethod } = context;
  const count = 10_000;
  const config = join(tmpDir, `workspaces-${String(count)}.yaml`);
  writeFileSync(config, configYaml(count));
  const env = { ...process.env, NO_COLOR: '1' };
  const expected = `The configuration is valid: ${String(count)} workspaces in 1 file.`;
  await runNode([context.cli, 'validate', '-f', config], { env, rssMethod, tmpDir });
  const summary = await repeat(`validate T=${thousands(count)}`, [], async () => {
    const result = await runNode([context.cli, 'validate', '-f', config], {
      env,
      rssMethod,
      tmpDir,
    });
    if (result.code !== 0 || !result.stdout.includes(expected)) {
      fail('validate', result, `expected exit 0 and "${expected}"`);
    }
    return result;
  });
  return { count, ...summary };
}

/** `orws --version` beside `node -e 0`, interleaved so that both see the same machine. */
async function measureStartup(context) {
  const { tmpDir, rssMethod } = context;
  const env = { ...process.env, NO_COLOR: '1' };
  const version = JSON.parse(readFileSync(join(context.root, 'package.json'), 'utf8')).version;
  await runNode(['-e', '0'], { env, rssMethod, tmpDir });
  await runNode([context.cli, '--version'], { env, rssMethod, tmpDir });
  const before = readCpuTicks();
  const bare = [];
  const orws = [];
  for (let run = 1; run <= STARTUP_RUNS; run += 1) {
    bare.push(await runNode(['-e', '0'], { env, rssMethod, tmpDir }));
    const result = await runNode([context.cli, '--version'], { env, rssMethod, tmpDir });
    if (result.code !== 0 || result.stdout.trim() !== version) {
      fail('--version', result, `expected exit 0 and "${String(version)}"`);
    }
    orws.push(result);
  }
  progress(
    `startup: node -e 0 ${ms(median(bare.map((r) => r.wallMs)))}, orws --version ${ms(median(orws.map((r) => r.wallMs)))} (medians of ${String(STARTUP_RUNS)})`,
  );
  const others = otherCpus(before, readCpuTicks(), cpus().length);
  return { node: { ...summarize(bare), others }, version: { ...summarize(orws), others } };
}

/** The commit the measured build was made from, and whether src/ differed from it. */
function describeBuild() {
  const git = (args) =>
    spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 10_000 });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'a build of unknown commit';
  const dirty = git(['status', '--porcelain', '--', 'src', 'scripts', 'package.json']);
  const changed = dirty.status === 0 && dirty.stdout.trim() !== '';
  return `the build of ${head.stdout.trim()}${changed ? ' with uncommitted changes in src/' : ''}`;
}

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // not Linux: fall back to os.cpus()
  }
  return cpus()[0]?.model ?? 'unknown';
}

function requestCell(summary) {
  const counts = [...new Set(summary.requests)];
  return counts.length === 1
    ? thousands(counts[0])
    : `${counts.map(thousands).join(' / ')} (varied)`;
}

/**
 * Whether every run sent exactly `floor` requests and, when `routes` is given (route → count),
 * exactly that many on each route and none elsewhere.
 */
function atFloor(summary, floor, routes) {
  if (summary.requests.length === 0 || !summary.requests.every((n) => n === floor)) return false;
  if (routes === undefined) return true;
  const expected = JSON.stringify(Object.entries(routes).sort());
  return (
    summary.byRoute.length === summary.requests.length &&
    summary.byRoute.every((byRoute) => JSON.stringify(Object.entries(byRoute).sort()) === expected)
  );
}

/** The routes of the runs that did not send exactly `routes`, for a MISS to show. */
function routeMismatches(summary, routes) {
  const expected = JSON.stringify(Object.entries(routes).sort());
  return summary.byRoute
    .filter((byRoute) => JSON.stringify(Object.entries(byRoute).sort()) !== expected)
    .map((byRoute) => JSON.stringify(byRoute));
}

function renderReport(sizes, parts, validate, startup, context) {
  const lines = [];
  const row = (cells) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(
    `orws benchmark, ${new Date().toISOString()}, ${context.build}: node ${process.version}, ${String(cpus().length)} CPUs (${cpuModel()}), ` +
      `sandbox latency ${String(LATENCY_MS)} ms per request, medians of ${String(RUNS)} runs ` +
      `(start-up: ${String(STARTUP_RUNS)}), peak RSS via ${context.rssMethod === 'gnu-time' ? 'GNU time %M' : 'process.resourceUsage().maxRSS'}. ` +
      (context.otherCpus === undefined
        ? 'CPU taken by other processes: unknown (no /proc).'
        : `Other processes kept ${context.otherCpus.toFixed(2)} of ${String(cpus().length)} CPUs busy on average during the run ` +
          '("Other CPU load" below: the same, during each row\'s runs; the higher, the noisier the figures).'),
    '',
  );
  row([
    'Measurement',
    'T',
    'Wall (median)',
    'Wall (min–max)',
    'Requests',
    'Floor',
    'At floor',
    'Peak RSS (median / max)',
    'Other CPU load',
  ]);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:']);
  /**
   * One measured row; `floor` is undefined where no request floor applies, `routes` (route →
   * count) where the floor is checked per route too.
   */
  const measured = (name, t, x, floor, routes) => {
    const requests = x.requests.length === 0 ? '–' : requestCell(x);
    let floorCells = ['–', '–'];
    if (floor !== undefined) {
      floorCells = [thousands(floor), atFloor(x, floor, routes) ? 'yes' : 'no'];
    }
    row([
      name,
      t,
      ms(x.wallMs),
      `${ms(x.minMs)}–${ms(x.maxMs)}`,
      requests,
      ...floorCells,
      x.rssKiB === undefined ? '–' : `${mb(x.rssKiB)} / ${mb(x.rssMaxKiB)}`,
      x.others === undefined ? 'n/a' : x.others.toFixed(2),
    ]);
  };
  for (const s of sizes) {
    const t = thousands(s.count);
    measured('`orws plan`', t, s.plan, s.listFloor, s.planRoutes);
    measured(
      `\`orws apply --auto-approve\` (${thousands(s.changes)} PATCH)`,
      t,
      s.apply,
      s.applyFloor,
      s.applyRoutes,
    );
    measured(
      `baseline (a): per-object GET, ${String(PER_OBJECT_IN_FLIGHT)} in flight`,
      t,
      s.perObject,
      undefined,
    );
    measured('baseline (b): sequential paging, limit=100', t, s.sequential, s.listFloor);
  }
  const pt = thousands(parts.count);
  measured('`orws validate`, budgets + guardrail config', pt, parts.validate, undefined);
  measured('`orws plan`, budgets + guardrail', pt, parts.plan, parts.planFloor, parts.planRoutes);
  measured(
    `\`orws apply --auto-approve\`, budgets + guardrail (${pt} budget PUT)`,
    pt,
    parts.apply,
    parts.applyFloor,
    parts.applyRoutes,
  );
  measured('`orws validate`', thousands(validate.count), validate, undefined);
  measured('`node -e 0`', '–', startup.node, undefined);
  measured('`orws --version`', '–', startup.version, undefined);
  lines.push('');
  row(['Ratio (medians)', ...sizes.map((s) => `T = ${thousands(s.count)}`)]);
  row(['---', ...sizes.map(() => '---:')]);
  row([
    'per-object refresh ÷ `orws plan`',
    ...sizes.map((s) => ratio(s.perObject.wallMs / s.plan.wallMs)),
  ]);
  row([
    'sequential paging ÷ `orws plan`',
    ...sizes.map((s) => ratio(s.sequential.wallMs / s.plan.wallMs)),
  ]);
  lines.push(
    '',
    `\`orws --version\` ÷ \`node -e 0\`: ${(startup.version.wallMs / startup.node.wallMs).toFixed(2)}×`,
  );
  const model = partsPlanModel(parts);
  const applyNetworkMs = (parts.applyFloor / CONCURRENCY) * LATENCY_MS;
  lines.push(
    '',
    `Budgets + guardrail, T = ${pt}, at ${String(CONCURRENCY)} in flight: plan model ` +
      `${thousands(parts.planFloor)} ÷ ${String(CONCURRENCY)} × ${String(LATENCY_MS)} ms = ${ms(model.networkMs)} ` +
      `+ parse ${ms(model.parseMs)} (\`orws validate\` of the file) = ${ms(model.totalMs)}; ` +
      `plan measured ${ms(parts.plan.wallMs)} (${(parts.plan.wallMs / model.totalMs).toFixed(2)}× the model). ` +
      `Apply model ${thousands(parts.applyFloor)} ÷ ${String(CONCURRENCY)} × ${String(LATENCY_MS)} ms = ${ms(applyNetworkMs)} ` +
      `+ parse = ${ms(applyNetworkMs + model.parseMs)}; apply measured ${ms(parts.apply.wallMs)} ` +
      `(${(parts.apply.wallMs / (applyNetworkMs + model.parseMs)).toFixed(2)}×; recorded, no target).`,
  );

  const big = sizes.find((s) => s.count === 10_000);
  const targets = [];
  if (big !== undefined) {
    const rssMB =
      (Math.max(big.plan.rssKiB ?? Infinity, big.apply.rssKiB ?? Infinity) * 1024) / 1e6;
    targets.push(
      [
        `plan of 10,000 at ${String(LATENCY_MS)} ms ≤ ${ms(TARGETS.planWallMs)}`,
        ms(big.plan.wallMs),
        big.plan.wallMs <= TARGETS.planWallMs,
      ],
      [
        `plan of 10,000 ≥ ${String(TARGETS.perObjectRatio)}× faster than per-object refresh`,
        ratio(big.perObject.wallMs / big.plan.wallMs),
        big.perObject.wallMs / big.plan.wallMs >= TARGETS.perObjectRatio,
      ],
      [
        `peak RSS of plan and apply at 10,000 ≤ ${String(TARGETS.rssMB)} MB`,
        `${rssMB.toFixed(1)} MB`,
        rssMB <= TARGETS.rssMB,
      ],
    );
  }
  const planFloors = sizes
    .map((s) => `${requestCell(s.plan)} = ${thousands(s.listFloor)}`)
    .join(', ');
  targets.push([
    'plan requests = ceil(T/100) exactly, by route, every run',
    planFloors,
    sizes.every((s) => atFloor(s.plan, s.listFloor, s.planRoutes)),
  ]);
  const applyFloors = sizes
    .map((s) => `${requestCell(s.apply)} = ${thousands(s.applyFloor)}`)
    .join(', ');
  targets.push([
    'apply requests = ceil(T/100) + changes exactly, by route, every run',
    applyFloors,
    sizes.every((s) => atFloor(s.apply, s.applyFloor, s.applyRoutes)),
  ]);
  const partsRequests = (summary, floor, routes) => {
    const cell = `${requestCell(summary)} = ${thousands(floor)}`;
    const wrong = routeMismatches(summary, routes);
    return wrong.length === 0 ? `${cell}, by route` : `${cell}; routes differ: ${wrong.join('; ')}`;
  };
  const partsBound = TARGETS.partsPlanFactor * model.totalMs;
  targets.push(
    [
      `plan of ${pt} with budgets + guardrail: requests = ceil(T/100) + T budgets + T guardrails + 1 models, by route, every run`,
      partsRequests(parts.plan, parts.planFloor, parts.planRoutes),
      atFloor(parts.plan, parts.planFloor, parts.planRoutes),
    ],
    [
      `plan of ${pt} with budgets + guardrail ≤ ${String(TARGETS.partsPlanFactor)} × (requests ÷ ${String(CONCURRENCY)} × ${String(LATENCY_MS)} ms + parse) = ${ms(partsBound)}`,
      ms(parts.plan.wallMs),
      parts.plan.wallMs <= partsBound,
    ],
    [
      `apply of ${pt} with budgets + guardrail: requests = the plan's + 1 PUT + 1 GET per changed budgets block, by route, every run`,
      partsRequests(parts.apply, parts.applyFloor, parts.applyRoutes),
      atFloor(parts.apply, parts.applyFloor, parts.applyRoutes),
    ],
  );
  targets.push(
    [
      `validate of 10,000 ≤ ${ms(TARGETS.validateWallMs)}`,
      ms(validate.wallMs),
      validate.wallMs <= TARGETS.validateWallMs,
    ],
    [
      `\`orws --version\` ≤ ${String(TARGETS.versionRatio)}× \`node -e 0\``,
      `${(startup.version.wallMs / startup.node.wallMs).toFixed(2)}×`,
      startup.version.wallMs / startup.node.wallMs <= TARGETS.versionRatio,
    ],
  );
  lines.push('');
  row(['Target', 'Measured', 'Result']);
  row(['---', '---:', '---']);
  for (const [name, measured, ok] of targets) row([name, measured, passMiss(ok)]);
  return { text: lines.join('\n') + '\n', missed: targets.filter(([, , ok]) => !ok).length };
}

async function main() {
  const tmpDir = mkdtempSync(join(tmpdir(), 'orws-bench-'));
  let root;
  let build;
  try {
    root = snapshotBuild(join(tmpDir, 'orws'));
    build = describeBuild();
  } catch (error) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw error;
  }
  const context = {
    tmpDir,
    root,
    cli: join(root, 'dist', 'cli', 'main.js'),
    build,
    rssMethod: detectRssMethod(tmpDir),
    stopSandbox: undefined,
  };
  const watchdog = setTimeout(() => {
    process.stderr.write(
      `bench: still running after ${String(WATCHDOG_MS / 60_000)} minutes; giving up\n`,
    );
    void (context.stopSandbox?.() ?? Promise.resolve()).finally(() => {
      rmSync(tmpDir, { recursive: true, force: true });
      process.exit(1);
    });
  }, WATCHDOG_MS);
  watchdog.unref();
  try {
    progress(
      `bench: ${String(RUNS)} runs per figure, peak RSS via ${context.rssMethod}, temp files in ${tmpDir}`,
    );
    const before = readCpuTicks();
    const sizes = [];
    for (const count of SIZES) sizes.push(await measureSize(count, context));
    const parts = await measureParts(context);
    const validate = await measureValidate(context);
    const startup = await measureStartup(context);
    context.otherCpus = otherCpus(before, readCpuTicks(), cpus().length);
    const report = renderReport(sizes, parts, validate, startup, context);
    process.stdout.write(report.text);
    if (report.missed > 0)
      process.stderr.write(`bench: ${String(report.missed)} target(s) missed\n`);
  } finally {
    clearTimeout(watchdog);
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

await main();
