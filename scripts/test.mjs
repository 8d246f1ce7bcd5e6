// `npm test`: the build and the checks (the typecheck with eslint, prettier, vitest) at
// once, as far as they can start without the build, since on a 2-core machine each leaves a
// core idle much of the time. Each check's output is
// printed whole when it ends (vitest's last, so the run closes on its summary), and the run
// fails if any check fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Runs a command to its end; resolves with its exit code and everything it printed. */
function run(name, command, args, priority = 0) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root });
    if (priority !== 0 && child.pid !== undefined) {
      try {
        setPriority(child.pid, priority);
      } catch {
        // Not allowed here: the check runs at the normal priority.
      }
    }
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

// prettier reads the sources only: it starts at once. The typecheck with eslint (one TypeScript
// program of the sources, tests and scripts) reads the generated validators too, and starts
// once they are written, with the compile. vitest (whose spawned tests run dist/) waits for
// the compile.
const prettier = run('prettier --check', bin('prettier'), ['--check', '.']);
const generate = await run('generate validators', 'npm', ['run', '--silent', 'generate']);
report(generate);
if (generate.code !== 0) {
  report(await prettier);
  process.exit(generate.code);
}
const checks = [
  prettier,
  run('typecheck and eslint', process.execPath, [join(root, 'scripts/typecheck-and-lint.mjs')]),
];
const compile = await run('compile', 'npm', ['run', '--silent', 'compile']);
report(compile);
if (compile.code !== 0) {
  for (const result of await Promise.all(checks)) report(result);
  process.exit(compile.code);
}

// vitest also writes its results as JSON, for the closing count line.
const reportDir = mkdtempSync(join(tmpdir(), 'orws-test-'));
const reportFile = join(reportDir, 'vitest.json');
// The typecheck with eslint is single-threaded and the longest check: vitest (four workers,
// many of them waiting on latency) runs at a lower priority, so it fills what that check leaves
// rather than slowing it.
const vitest = run(
  'vitest',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`],
  10,
);
const results = await Promise.all(checks);
for (const result of results) report(result);
const tests = await vitest;
report(tests);
let counts;
try {
  counts = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch {
  counts = undefined;
}
rmSync(reportDir, { recursive: true, force: true });
if (counts !== undefined) {
  const skipped = counts.numPendingTests + counts.numTodoTests;
  process.stdout.write(
    `\nvitest: ${counts.numPassedTests} passed, ${counts.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`,
  );
}
const failed = [...results, tests].filter((result) => result.code !== 0);
if (counts === undefined || counts.numTotalTests === 0) {
  process.stdout.write('\nnpm test failed: vitest reported no test\n');
  process.exitCode = 1;
}
if (failed.length > 0) {
  process.stdout.write(`\nnpm test failed: ${failed.map((r) => r.name).join(', ')}\n`);
  process.exitCode = 1;
}
