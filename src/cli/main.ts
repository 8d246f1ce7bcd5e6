#!/usr/bin/env node
// The entry point, and the only module that touches `process`: its arguments, environment,
// streams, signals and exit code are handed to `run`, which does the rest.
import { run } from './run.js';
import { readSignalExitCode as readExitCode, type CliSignal } from './io.js';

// A reader that goes away (`orws plan | head`) is not an error, and must not cut an apply
// short: the command finishes, its further output is dropped. Any other failure to write
// the output (a full disk under `orws export > file`) makes the run fail.
let outputFailed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    outputFailed = true;
  });
}
process.on('exit', () => {
  if (outputFailed) process.exitCode = 1;
});

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signals: {
    on(handler) {
      const listener = (signal: CliSignal): void => {
        handler(signal);
      };
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  },
});
process.exitCode = code;
// A signal after the run has given its account means "stop now": nothing is left to wait for.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(code === 0 ? readExitCode(signal) : code));
}
if (code === readExitCode('SIGINT') || code === readExitCode('SIGTERM')) {
  // Interrupted: requests still in flight (whose outcome was reported as unknown) must not
  // keep the process alive. The output is flushed first; process.exit would cut it short.
  let pending = 2;
  const done = (): void => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
