// Two builds of orws side by side: `orws plan` and `orws validate` of the bench's T-workspace
// config, the runs of the two builds interleaved so that both see the same machine (load from
// other processes moves both alike). It tells a change in the code from a change in the
// machine, which medians taken hours apart cannot.
//
// Usage (after `npm run build`; OTHER is another checkout, built, with node_modules):
//   git worktree add /tmp/orws-old <commit> && (cd /tmp/orws-old && ln -s "$PWD/node_modules" . && npm run build)
//   node bench/compare-builds.mjs /tmp/orws-old [COUNT] [RUNS]     (defaults: 10000 5)
// The sandbox is this build's (workspaces workload, 20 ms latency, its own process).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { configYaml, driftedIndices } from './fixtures.mjs';
import {
  cliEnv,
  detectRssMethod,
  median,
  otherCpus,
  readCpuTicks,
  REPO_ROOT,
  runNode,
  snapshotBuild,
  startSandboxProcess,
} from './harness.mjs';

const other = process.argv[2];
const count = Number(process.argv[3] ?? '10000');
const runs = Number(process.argv[4] ?? '5');
if (
  other === undefined ||
  !Number.isSafeInteger(count) ||
  count < 1 ||
  !Number.isSafeInteger(runs) ||
  runs < 1 ||
  runs > 50
) {
  throw new Error('usage: node bench/compare-builds.mjs OTHER_ROOT [COUNT] [RUNS]');
}

const tmpDir = mkdtempSync(join(tmpdir(), 'orws-compare-'));
try {
  const builds = {
    this: join(snapshotBuild(join(tmpDir, 'orws')), 'dist', 'cli', 'main.js'),
    other: join(resolve(other), 'dist', 'cli', 'main.js'),
  };
  const config = join(tmpDir, `workspaces-${String(count)}.yaml`);
  writeFileSync(config, configYaml(count));
  const rssMethod = detectRssMethod(tmpDir);
  const sandbox = await startSandboxProcess(count, 20, REPO_ROOT);
  try {
    const env = cliEnv(sandbox.baseUrl);
    const planLine = `${String(driftedIndices(count).length)} to update`;
    const walls = { this: { plan: [], validate: [] }, other: { plan: [], validate: [] } };
    const before = readCpuTicks([sandbox.pid]);
    for (let run = 0; run < runs; run += 1) {
      for (const name of ['other', 'this']) {
        await sandbox.reset();
        const plan = await runNode([builds[name], 'plan', '-f', config], {
          env,
          rssMethod,
          tmpDir,
        });
        if (plan.code !== 0 || !plan.stdout.includes(planLine)) {
          throw new Error(`${name}: plan exited ${String(plan.code)}: ${plan.stderr.slice(-500)}`);
        }
        walls[name].plan.push(plan.wallMs);
        const check = await runNode([builds[name], 'validate', '-f', config], {
          env,
          rssMethod,
          tmpDir,
        });
        if (check.code !== 0) throw new Error(`${name}: validate exited ${String(check.code)}`);
        walls[name].validate.push(check.wallMs);
      }
    }
    const load = otherCpus(before, readCpuTicks([sandbox.pid]), cpus().length);
    const cell = (values) => `${Math.round(median(values)).toLocaleString('en-US')} ms`;
    process.stdout.write(
      `| Build | plan of ${count.toLocaleString('en-US')} (median of ${String(runs)}) | validate |\n| --- | ---: | ---: |\n` +
        `| ${resolve(other)} | ${cell(walls.other.plan)} | ${cell(walls.other.validate)} |\n` +
        `| this one | ${cell(walls.this.plan)} | ${cell(walls.this.validate)} |\n\n` +
        `Other processes kept ${load === undefined ? 'an unknown share' : load.toFixed(2)} of the CPUs busy meanwhile.\n`,
    );
  } finally {
    await sandbox.stop();
  }
} finally {
  rmSync(tmpDir, { recursive: true, force: true });
}
