import { Command, InvalidArgumentError, Option } from 'commander';

/** The options every command that talks to the API takes (SPEC §2). */
export interface CommonOptions {
  baseUrl?: string;
  concurrency: number;
  timeout: number;
  maxRetries: number;
  logLevel: string;
  color: boolean;
}

export interface FileOptions extends CommonOptions {
  file: string;
}

export interface PlanOptions extends FileOptions {
  out?: string;
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  target: string[];
}

export interface ApplyOptions extends FileOptions {
  autoApprove?: boolean;
  format: 'text' | 'json';
  target: string[];
}

export interface ExportOptions extends CommonOptions {
  out?: string;
}

export interface SandboxOptions {
  port: number;
  state?: string;
  faults?: string;
  latency?: number;
  logLevel: string;
}

/** What each command does; `createProgram` only parses and dispatches. */
export interface CommandHandlers {
  validate(options: FileOptions): Promise<number>;
  plan(options: PlanOptions): Promise<number>;
  apply(planFile: string | undefined, options: ApplyOptions): Promise<number>;
  export(options: ExportOptions): Promise<number>;
  schema(): Promise<number>;
  sandbox(options: SandboxOptions): Promise<number>;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveInteger(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new InvalidArgumentError(`${name} must be a whole number of at least 1.`);
    }
    return parsed;
  };
}

function nonNegativeInteger(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) {
      throw new InvalidArgumentError(`${name} must be a whole number of at least 0.`);
    }
    return parsed;
  };
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new InvalidArgumentError(`${name} must be a number greater than 0.`);
    }
    return parsed;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function addLogOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--log-level <level>', 'log level of the JSON lines on stderr')
        .choices(LOG_LEVELS)
        .default('warn'),
    )
    .option('--no-color', 'no color in the output (also when NO_COLOR is set)');
}

function addCommonOptions(command: Command): Command {
  command
    .addOption(
      new Option('--base-url <url>', 'API base URL (default: https://openrouter.ai/api/v1)').env(
        'OPENROUTER_BASE_URL',
      ),
    )
    .option('--concurrency <n>', 'requests in flight at most', positiveInteger('--concurrency'), 8)
    .option('--timeout <seconds>', 'timeout of one request', positiveNumber('--timeout'), 30)
    .option(
      '--max-retries <n>',
      'retries of a request on 429, 5xx, timeouts and network errors',
      nonNegativeInteger('--max-retries'),
      4,
    );
  return addLogOptions(command);
}

function addFileOption(command: Command): Command {
  return command.option(
    '-f, --file <path>',
    'config file, or a directory of *.yaml/*.yml files',
    'workspaces.yaml',
  );
}

const EXIT_CODES = `
Exit codes:
  0  success (with --detailed-exitcode: success and no changes)
  1  error: invalid config, API error, stale plan, refused or partly failed apply
  2  only with plan --detailed-exitcode: success and there are changes

Environment:
  OPENROUTER_MANAGEMENT_KEY  the management key (required by plan, apply, export)
  OPENROUTER_BASE_URL        API base URL, like --base-url
  NO_COLOR                   no color, like --no-color`;

/**
 * Builds the command line of SPEC §2. Parsing is all it does: every action is a handler, so
 * tests (and the CI workflow check) can parse real invocations without running them.
 */
export function createProgram(
  handlers: CommandHandlers,
  version: string,
): { program: Command; exitCode: () => number } {
  const program = new Command('orws')
    .description('OpenRouter workspaces as code: plan and apply workspace settings from YAML.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText('after', EXIT_CODES);
  let exitCode = 0;
  const run = (work: Promise<number>): Promise<void> =>
    work.then((code) => {
      exitCode = code;
    });

  addFileOption(program.command('validate').description('check the config; sends no request'))
    .action((options: FileOptions) => run(handlers.validate(options)));

  addCommonOptions(
    addFileOption(
      program.command('plan').description('show what differs between the config and the API'),
    ),
  )
    .option('--out <planfile>', 'also write the plan document (JSON) to this file')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'),
    )
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when there are none')
    .option('--target <slug-or-id>', 'plan only this workspace (repeatable)', collect, [])
    .addHelpText(
      'after',
      '\nExamples:\n  orws plan -f workspaces.yaml\n  orws plan --out plan.json --format markdown\n  orws plan --detailed-exitcode   # cron drift check: 0 clean, 2 drift, 1 error',
    )
    .action((options: PlanOptions) => run(handlers.plan(options)));

  addCommonOptions(
    addFileOption(
      program
        .command('apply')
        .description('make the API match the config, or apply a saved plan file exactly')
        .argument('[planfile]', 'a plan written by plan --out; applied without asking'),
    ),
  )
    .option('--auto-approve', 'do not ask for confirmation')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--target <slug-or-id>', 'apply only this workspace (repeatable)', collect, [])
    .addHelpText(
      'after',
      '\nExamples:\n  orws apply -f workspaces.yaml            # plan, show, ask for yes\n  orws apply --auto-approve                # in CI\n  orws apply plan.json                     # exactly the saved plan, if nothing moved',
    )
    .action((planFile: string | undefined, options: ApplyOptions) =>
      run(handlers.apply(planFile, options)),
    );

  addCommonOptions(
    program
      .command('export')
      .description('write the current workspaces as a config, to adopt an existing account'),
  )
    .option('--out <path>', 'write to this file instead of stdout')
    .action((options: ExportOptions) => run(handlers.export(options)));

  program
    .command('schema')
    .description('print the JSON Schema of the config file')
    .action(() => run(handlers.schema()));

  addLogOptions(
    program
      .command('sandbox')
      .description('serve a local, in-memory stand-in of the OpenRouter workspaces API'),
  )
    .option('--port <n>', 'port (0: any free port)', nonNegativeInteger('--port'), 0)
    .option('--state <file>', 'seed from, and save to, this JSON file')
    .option('--faults <file>', 'inject the faults this JSON file describes')
    .option('--latency <ms>', 'add this many milliseconds to every response', nonNegativeInteger('--latency'))
    .action((options: SandboxOptions) => run(handlers.sandbox(options)));

  return { program, exitCode: () => exitCode };
}
