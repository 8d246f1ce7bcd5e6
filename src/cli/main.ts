#!/usr/bin/env node
// The entry point. It loads only the argument parser; each command's modules are imported
// when that command runs, so `orws --version` and `orws --help` start as fast as node does.
import { CommanderError } from 'commander';
import { createProgram, type CommandHandlers } from './program.js';
import { readToolVersion } from './version.js';

const commands = (): Promise<typeof import('./commands.js')> => import('./commands.js');

const handlers: CommandHandlers = {
  validate: async (options) => (await commands()).runValidate(options),
  plan: async (options) => (await commands()).runPlan(options),
  apply: async (planFile, options) => (await commands()).runApply(planFile, options),
  export: async (options) => (await commands()).runExport(options),
  schema: async () => (await commands()).runSchema(),
  sandbox: async (options) => (await import('./sandbox-command.js')).runSandbox(options),
};

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

const { program, exitCode } = createProgram(handlers, readToolVersion());

// `orws help plan` is `orws plan --help`, and `orws help plna` the same one-line "unknown
// command" error as `orws plna` (commander's own help command prints all the help instead).
const args = process.argv.slice(2);
if (args[0] === 'help' && args[1] !== undefined) {
  const known = program.commands.some((command) => command.name() === args[1]);
  args.splice(0, 2, args[1], ...(known ? ['--help'] : []));
}
try {
  await program.parseAsync(args, { from: 'user' });
  process.exitCode = exitCode();
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every usage error (unknown command or option, bad value) has
    // been printed as one line by the program's outputError, and exits 1.
    process.exitCode = error.exitCode === 0 ? 0 : 1;
  } else {
    process.stderr.write(`orws: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  }
}
