// `npm test`: the build, then the four checks at once (eslint, prettier, tsc of the tests, vitest),
// since on a 2-core machine each leaves a core idle much of the time. Each check's output is
// printed whole when it ends (vitest's last, so the run closes on its summary), and the run
// fails if any check fails.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Runs a command to its end; resolves with its exit code and everything it printed. */
function run(name, command, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({ name, code: code ?? 1, signal, output, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

function report(result) {
  const status = result.code === 0 ? 'ok' : `failed (exit ${result.code})`;
  process.stdout.write(
    `\n── ${result.name}: ${status} in ${result.seconds?.toFixed(1) ?? '?'} s\n`,
  );
  process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
}

const build = await run('build', 'npm', ['run', '--silent', 'build']);
report(build);
if (build.code !== 0) process.exit(build.code);

const checks = [
  run('eslint', bin('eslint'), ['.']),
  run('prettier --check', bin('prettier'), ['--check', '.']),
  run('typecheck (tests, bench, scripts)', bin('tsc'), ['-p', 'tsconfig.test.json']),
];
const vitest = run('vitest', bin('vitest'), ['run']);
const results = await Promise.all(checks);
for (const result of results) report(result);
const tests = await vitest;
report(tests);
const failed = [...results, tests].filter((result) => result.code !== 0);
if (failed.length > 0) {
  process.stdout.write(`\nnpm test failed: ${failed.map((r) => r.name).join(', ')}\n`);
  process.exitCode = 1;
}
