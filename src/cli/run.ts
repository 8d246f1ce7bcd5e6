import { CommanderError } from 'commander';
import { foreignText } from '../safe-text.js';
import type { CommandRun } from './commands.js';
import { createInterrupt } from './interrupt.js';
import { createRunContext, readSignalExitCode, type CliIo } from './io.js';
import { createProgram, findSingleDashOption, type CommandHandlers } from './program.js';
import { readToolVersion } from '../version.js';

export type { CliInput, CliIo, CliOutput, CliSignal, CliSignals } from './io.js';

/** The most characters of an unexpected error's message printed. */
const INTERNAL_MESSAGE_MAX = 2000;

/**
 * Runs orws once with `argv` (the arguments after `orws`) and returns its exit code. Everything
 * the run reads and writes goes through `io`: it touches no `process` state and keeps nothing
 * between runs, so tests call it in-process, many times, with strings for streams.
 *
 * Each command's modules, and the logger, are imported when that command runs, so
 * `orws --version` and `orws --help` load the argument parser and the few small modules that
 * describe the options (a test checks that pino is not among them).
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  // The commands that log are the ones of commands.ts: the log module is loaded with them.
  let log: typeof import('../log.js') | undefined;
  const context = createRunContext(io, (level, destination) => {
    if (log === undefined) throw new Error('a logger was asked for before the commands loaded');
    return log.createLogger(level, destination);
  });
  const interrupt = createInterrupt(io.signals);
  const commandRun: CommandRun = { context, interrupt };
  const commands = async (): Promise<typeof import('./commands.js')> => {
    const [module, logModule] = await Promise.all([import('./commands.js'), import('../log.js')]);
    log = logModule;
    return module;
  };
  const handlers: CommandHandlers = {
    validate: async (options) => (await commands()).runValidate(commandRun, options),
    plan: async (options) => (await commands()).runPlan(commandRun, options),
    apply: async (planFile, options) => (await commands()).runApply(commandRun, planFile, options),
    show: async (planFile, options) => (await commands()).runShow(commandRun, planFile, options),
    export: async (options) => (await commands()).runExport(commandRun, options),
    schema: async () => (await commands()).runSchema(commandRun),
    sandbox: async (options) =>
      (await import('./sandbox-command.js')).runSandbox(commandRun, options),
  };
  const { program, exitCode } = createProgram(handlers, readToolVersion(), io.env, {
    writeOut: (text) => {
      context.out(text);
    },
    writeErr: (text) => {
      context.err(text);
    },
    columns: io.stdout.isTTY === true && io.stdout.columns !== undefined ? io.stdout.columns : 80,
  });

  // `orws help plan` is `orws plan --help`, and `orws help plna` the same one-line "unknown
  // command" error as `orws plna` (commander's own help command prints all the help instead).
  const args = [...argv];
  if (args[0] === 'help' && args[1] !== undefined) {
    const known = program.commands.some((command) => command.name() === args[1]);
    args.splice(0, 2, args[1], ...(known ? ['--help'] : []));
  }
  const singleDash = findSingleDashOption(args, program);
  if (singleDash !== undefined) {
    context.err(singleDash);
    interrupt.dispose();
    return 1;
  }
  try {
    // Reading commands stop at once on a signal; apply handles its own (it has writes in flight).
    const parsed = program.parseAsync(args, { from: 'user' }).then(() => exitCode());
    const stopped =
      args[0] === 'apply' || args[0] === 'sandbox'
        ? new Promise<never>(() => undefined)
        : interrupt.first.then(readSignalExitCode);
    return await Promise.race([parsed, stopped]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every usage error (unknown command or option, bad value) has
      // been printed as one line by the program's outputError, and exits 1.
      return error.exitCode === 0 ? 0 : 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    context.err(
      `orws: internal error: ${foreignText(message, context.key, INTERNAL_MESSAGE_MAX)}\n`,
    );
    return 1;
  } finally {
    interrupt.dispose();
  }
}
