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

const { program, exitCode } = createProgram(handlers, readToolVersion());
try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode();
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every usage error (unknown command or option, bad value) exits 1.
    process.exitCode = error.exitCode === 0 ? 0 : 1;
  } else {
    process.stderr.write(`orws: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  }
}
