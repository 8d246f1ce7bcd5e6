// Where the time of one `orws` command goes: runs it under `node --cpu-prof` against the
// bench sandbox (10,000 workspaces, 1% drifted, 20 ms latency, in its own process) and
// prints the top self-time functions and the self time per module, from the .cpuprofile.
// The `-parts` commands use the parts workload instead (every workspace managing budgets and
// a guardrail, every monthly budget changed; bench/fixtures.mjs).
//
// Usage (after `npm run build`):
//   node bench/profile.mjs [plan|apply|validate|version|plan-parts|apply-parts|validate-parts] [COUNT] [TOP]
// Defaults: plan 10000 25. Pass KEEP=1 to keep the .cpuprofile (its path is printed).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configYaml, partsConfigYaml } from './fixtures.mjs';
import {
  cliEnv,
  detectRssMethod,
  runNode,
  snapshotBuild,
  startSandboxProcess,
} from './harness.mjs';

/** Paths under this directory are shown relative to it: the snapshot of the build, once made. */
let shownRoot = fileURLToPath(new URL('..', import.meta.url));
const LATENCY_MS = 20;

const COMMANDS = [
  'plan',
  'apply',
  'validate',
  'version',
  'plan-parts',
  'apply-parts',
  'validate-parts',
];
const command = process.argv[2] ?? 'plan';
const parts = command.endsWith('-parts');
const verb = command.replace(/-parts$/, '');
const count = Number(process.argv[3] ?? '10000');
const top = Number(process.argv[4] ?? '25');
if (!COMMANDS.includes(command) || !Number.isSafeInteger(count) || !Number.isSafeInteger(top)) {
  throw new Error(`usage: node bench/profile.mjs [${COMMANDS.join('|')}] [COUNT] [TOP]`);
}

/** Where a call frame's code lives, short: `yaml/dist/parse/lexer.js`, `dist/config/parse.js`, `node:internal/…`. */
function moduleOf(url) {
  if (url === '') return '(native or V8)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) return path.slice(modules + '/node_modules/'.length);
  return path.startsWith(shownRoot) ? relative(shownRoot, path) : path;
}

/**
 * The bucket a frame's self time is added to: an npm package, a part of orws's dist/, or a
 * kind of Node internals; frames without a script are V8's own (GC, idle, regular
 * expressions, native functions).
 */
function bucketOf(frame) {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName.startsWith('RegExp:')) return '(regular expressions)';
    if (functionName.startsWith('(')) return functionName;
    return '(native functions)';
  }
  if (url.startsWith('wasm://')) return "wasm (undici's llhttp HTTP parser)";
  if (url.startsWith('node:')) {
    if (url.includes('undici')) return 'node: undici (fetch)';
    if (url.startsWith('node:internal/modules') || url.includes('bootstrap')) {
      return 'node: module loading';
    }
    return 'node: other built-ins';
  }
  const module = moduleOf(url);
  if (!url.includes('/node_modules/')) {
    return module.startsWith('dist/') ? `orws ${module.split('/').slice(0, 2).join('/')}` : module;
  }
  const parts = module.split('/');
  const name =
    parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? module);
  return `npm: ${name}`;
}

/**
 * Self time per call frame: each sample is charged the interval until the next sample
 * (`timeDeltas[i + 1]`), which is how DevTools attributes it.
 */
function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const us = deltas[i + 1] ?? 0;
    total += us;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + us);
  }
  const byFunction = new Map();
  const byPackage = new Map();
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const where = frame.url === '' ? '' : `${moduleOf(frame.url)}:${String(frame.lineNumber + 1)}`;
    const key = where === '' ? name : `${name} ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = bucketOf(frame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { totalUs: total, functions: sorted(byFunction), packages: sorted(byPackage) };
}

function table(title, rows, totalUs, limit) {
  const lines = [`| ${title} | Self time | Share |`, '| --- | ---: | ---: |'];
  for (const [name, us] of rows.slice(0, limit)) {
    lines.push(
      `| \`${name.replaceAll('|', '\\|')}\` | ${(us / 1000).toFixed(1)} ms | ${((100 * us) / totalUs).toFixed(1)}% |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const tmpDir = mkdtempSync(join(tmpdir(), 'orws-profile-'));
  // A private copy of the build: others rebuild (and so empty dist/) while we measure.
  const root = snapshotBuild(join(tmpDir, 'orws'));
  shownRoot = root;
  const cli = join(root, 'dist', 'cli', 'main.js');
  const profileDir = join(tmpDir, 'profiles');
  const config = join(tmpDir, `workspaces-${String(count)}.yaml`);
  writeFileSync(config, parts ? partsConfigYaml(count) : configYaml(count));
  const sandbox =
    verb === 'plan' || verb === 'apply'
      ? await startSandboxProcess(count, LATENCY_MS, root, parts ? 'parts' : 'workspaces')
      : undefined;
  try {
    const env = cliEnv(sandbox?.baseUrl);
    const args = {
      plan: ['plan', '-f', config],
      // The parts workload changes every workspace, over the default 30% safety limit.
      apply: ['apply', '-f', config, '--auto-approve', '--max-update-percent', '100'],
      validate: ['validate', '-f', config],
      version: ['--version'],
    }[verb];
    await sandbox?.reset();
    const result = await runNode(['--cpu-prof', '--cpu-prof-dir', profileDir, cli, ...args], {
      env,
      rssMethod: detectRssMethod(tmpDir),
      tmpDir,
    });
    if (result.code !== 0)
      throw new Error(`orws ${args.join(' ')} exited ${String(result.code)}:\n${result.stderr}`);
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('no .cpuprofile was written');
    const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
    const summary = summarizeProfile(profile);
    const wall = (profile.endTime - profile.startTime) / 1000;
    process.stdout.write(
      `\`node --cpu-prof dist/cli/main.js ${verb === 'version' ? '--version' : `${args[0] ?? ''} … (T = ${String(count)}${parts ? ', budgets + guardrail' : ''})`}\`: ` +
        `profiled span ${wall.toFixed(0)} ms, sampled ${(summary.totalUs / 1000).toFixed(0)} ms, process wall ${result.wallMs.toFixed(0)} ms (profiling adds overhead).\n\n` +
        `${table('Function (self time)', summary.functions, summary.totalUs, top)}\n\n` +
        `${table('Where (self time)', summary.packages, summary.totalUs, 15)}\n`,
    );
    if (process.env.KEEP === '1') {
      const kept = join(tmpdir(), `orws-${command}-${String(count)}.cpuprofile`);
      writeFileSync(kept, JSON.stringify(profile));
      process.stderr.write(`profile kept at ${kept}\n`);
    }
  } finally {
    await sandbox?.stop();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

await main();
