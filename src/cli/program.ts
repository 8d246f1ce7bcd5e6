import { DEFAULT_BASE_URL } from '../api/settings.js';
import { Command, InvalidArgumentError, Option } from 'commander';

/** The options every command that talks to the API takes (SPEC §2). */
export interface CommonOptions {
  /** Always set: commander fills in OPENROUTER_BASE_URL or the default. */
  baseUrl: string;
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

const API_OPTIONS = 'API options:';
const OUTPUT_OPTIONS = 'Output options:';

function addLogOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--log-level <level>', 'level of the log (JSON lines on stderr)')
        .choices(LOG_LEVELS)
        .default('warn')
        .helpGroup(OUTPUT_OPTIONS),
    )
    .addOption(
      new Option(
        '--no-color',
        'no escape codes: no color, no progress line (default: both on a terminal, neither when piped; env: NO_COLOR, if not empty)',
      ).helpGroup(OUTPUT_OPTIONS),
    );
}

function addCommonOptions(command: Command): Command {
  command
    .addOption(
      new Option('--base-url <url>', 'API base URL; http:// only to a loopback host')
        .env('OPENROUTER_BASE_URL')
        .default(DEFAULT_BASE_URL)
        .helpGroup(API_OPTIONS),
    )
    .addOption(
      new Option('--concurrency <n>', 'requests in flight at most')
        .argParser(positiveInteger('--concurrency'))
        .default(8)
        .helpGroup(API_OPTIONS),
    )
    .addOption(
      new Option('--timeout <seconds>', 'time allowed to one request')
        .argParser(positiveNumber('--timeout'))
        .default(30)
        .helpGroup(API_OPTIONS),
    )
    .addOption(
      new Option(
        '--max-retries <n>',
        'retries of a request on 429, 5xx, timeouts and network errors',
      )
        .argParser(nonNegativeInteger('--max-retries'))
        .default(4)
        .helpGroup(API_OPTIONS),
    );
  return addLogOptions(command);
}

function addFileOption(command: Command): Command {
  return command.option(
    '-f, --file <path>',
    'config file, or a directory of *.yaml/*.yml files (merged, sorted by name)',
    'workspaces.yaml',
  );
}

function targetOption(verb: string): Option {
  return new Option('--target <slug-or-id>', `${verb} only this workspace; repeat for several`)
    .argParser(collect)
    .default([], 'every workspace of the config');
}

const ENV_KEY =
  '  OPENROUTER_MANAGEMENT_KEY  the management key; read from nowhere else, never printed';
const ENV_BASE_URL = '  OPENROUTER_BASE_URL        API base URL, as --base-url';
const ENV_NO_COLOR = '  NO_COLOR                   if set and not empty: as --no-color';

/** Help text after a command's options: examples, exit codes, environment. */
function helpAfter(sections: {
  examples: string[];
  exitCodes: string[];
  environment?: string[];
}): string {
  const parts = [`Examples:\n${sections.examples.map((line) => `  ${line}`).join('\n')}`];
  parts.push(`Exit codes:\n${sections.exitCodes.map((line) => `  ${line}`).join('\n')}`);
  if (sections.environment !== undefined)
    parts.push(`Environment:\n${sections.environment.join('\n')}`);
  return `\n${parts.join('\n\n')}`;
}

const ERROR_EXIT = '1  error: invalid config or usage, API error';

/**
 * A usage error as one line on stderr, as `orws: error: …`. Commander reports an unknown
 * command or option on two lines, the second "(Did you mean plan?)"; that becomes
 * `(did you mean 'plan'?)` on the same line. When nothing is close enough to suggest, the line
 * names the commands (for a command) or the help to read instead.
 */
export function formatUsageError(message: string, command: Command): string {
  const [first = '', ...rest] = message.trim().split('\n');
  let text = first.replace(/^error: /, '');
  const suggestion = /^\(Did you mean (?:one of )?(.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
  const short = /^unknown option '(-[^-])'$/.exec(text)?.[1];
  const closeShort = short === undefined ? undefined : findShortFlag(command, short);
  if (suggestion !== undefined) {
    const names = suggestion.split(', ').map((name) => `'${name}'`);
    text +=
      names.length === 1
        ? ` (did you mean ${names.join('')}?)`
        : ` (did you mean one of ${names.join(', ')}?)`;
  } else if (closeShort !== undefined) {
    text += ` (did you mean '${closeShort}'?)`;
  } else if (text.startsWith('unknown command')) {
    const names = command.commands.map((sub) => sub.name());
    text += ` (commands: ${names.join(', ')}; see '${commandPath(command)} --help')`;
  } else if (!/ is invalid\b/.test(text)) {
    text += ` (see '${commandPath(command)} --help')`;
  }
  return `orws: error: ${text}\n`;
}

/** A short flag that differs from `flag` only in case (`-F` → `-f`), in the command or its parents. */
function findShortFlag(command: Command, flag: string): string | undefined {
  for (let current: Command | null = command; current !== null; current = current.parent) {
    const match = current.options.find(
      (option) => option.short?.toLowerCase() === flag.toLowerCase(),
    );
    if (match?.short !== undefined) return match.short;
  }
  return undefined;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current !== null; current = current.parent)
    names.unshift(current.name());
  return names.join(' ');
}

/**
 * Builds the command line of SPEC §2. Parsing is all it does: every action is a handler, so
 * tests (and the CI workflow check) can parse real invocations without running them.
 *
 * Usage errors are not thrown past commander: each prints one line (see
 * {@link formatUsageError}) and `parseAsync` rejects with a `CommanderError`, which the caller
 * maps to exit code 1 (0 for `--help` and `--version`).
 */
export function createProgram(
  handlers: CommandHandlers,
  version: string,
): { program: Command; exitCode: () => number } {
  const program = new Command('orws')
    .description(
      'OpenRouter workspaces as code: plan and apply workspace settings from YAML kept in git.',
    )
    .usage('<command> [options]')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show the help of a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText(
      'after',
      helpAfter({
        examples: [
          'orws validate                          # check workspaces.yaml; no key, no request',
          'orws plan                              # what would change',
          'orws apply                             # plan, show, ask for yes, apply',
          'orws plan --out plan.json              # on a pull request: save the reviewed plan ...',
          'orws apply plan.json                   # ... and apply exactly it on merge',
          'orws plan --detailed-exitcode          # drift check: 0 clean, 2 drift, 1 error',
          'orws export --out workspaces.yaml      # adopt an existing account',
          'orws sandbox                           # a local stand-in of the API to try it all',
          'orws <command> --help                  # every option of a command',
        ],
        exitCodes: [
          '0  success',
          `${ERROR_EXIT}, stale plan, refused or partly failed apply`,
          '2  only from plan --detailed-exitcode: success, and there are changes',
          '130, 143  apply interrupted by SIGINT, SIGTERM (no new request was sent)',
        ],
        environment: [ENV_KEY, ENV_BASE_URL, ENV_NO_COLOR],
      }),
    );
  let exitCode = 0;
  const run = (work: Promise<number>): Promise<void> =>
    work.then((code) => {
      exitCode = code;
    });

  addFileOption(
    program
      .command('validate')
      .description('check the config against the schema; needs no key, sends no request'),
  )
    .addHelpText(
      'after',
      helpAfter({
        examples: [
          'orws validate',
          'orws validate -f workspaces/          # every *.yaml/*.yml file of the directory',
        ],
        exitCodes: [
          '0  the config is valid',
          '1  it is not: every issue is listed as FILE:LINE:COL: message',
        ],
      }),
    )
    .action((options: FileOptions) => run(handlers.validate(options)));

  addCommonOptions(
    addFileOption(
      program
        .command('plan')
        .description('show what differs between the config and the API; changes nothing'),
    ),
  )
    .option(
      '--out <planfile>',
      'also write the plan document (JSON) to this file, for apply PLANFILE',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when there are none')
    .addOption(targetOption('plan'))
    .addHelpText(
      'after',
      helpAfter({
        examples: [
          'orws plan -f workspaces.yaml',
          'orws plan --out plan.json --format markdown > comment.md   # pull request',
          'orws plan --detailed-exitcode                              # cron drift check',
          'orws plan --target production --target staging-eu',
        ],
        exitCodes: [
          '0  success (with --detailed-exitcode: success and no changes)',
          ERROR_EXIT,
          '2  only with --detailed-exitcode: success and there are changes',
        ],
        environment: [ENV_KEY, ENV_BASE_URL, ENV_NO_COLOR],
      }),
    )
    .action((options: PlanOptions) => run(handlers.plan(options)));

  addCommonOptions(
    addFileOption(
      program
        .command('apply')
        .description('make the API match the config, or apply a saved plan file exactly')
        .argument(
          '[planfile]',
          'a plan written by plan --out: checked against the API, then applied without asking',
        ),
    ),
  )
    .option('--auto-approve', 'do not ask for yes (needed when standard input is not a terminal)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addOption(targetOption('apply'))
    .addHelpText(
      'after',
      helpAfter({
        examples: [
          'orws apply -f workspaces.yaml          # plan, show, ask for yes',
          'orws apply --auto-approve              # in CI',
          'orws apply plan.json                   # exactly the saved plan, if nothing moved since',
        ],
        exitCodes: [
          '0  every change applied (or nothing to do)',
          `${ERROR_EXIT}, stale plan (nothing sent), refused (no terminal, no --auto-approve) or partly failed apply`,
          '130, 143  interrupted by SIGINT, SIGTERM: no new request was sent',
        ],
        environment: [ENV_KEY, ENV_BASE_URL, ENV_NO_COLOR],
      }),
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
    .addHelpText(
      'after',
      helpAfter({
        examples: ['orws export --out workspaces.yaml && orws plan   # plans clean: "No changes."'],
        exitCodes: ['0  success', `${ERROR_EXIT}, cannot write the file`],
        environment: [ENV_KEY, ENV_BASE_URL],
      }),
    )
    .action((options: ExportOptions) => run(handlers.export(options)));

  program
    .command('schema')
    .description('print the JSON Schema of the config file')
    .addHelpText(
      'after',
      helpAfter({
        examples: ['orws schema > workspaces.schema.json'],
        exitCodes: ['0  success'],
      }),
    )
    .action(() => run(handlers.schema()));

  addLogOptions(
    program
      .command('sandbox')
      .description(
        'serve a local, in-memory stand-in of the OpenRouter workspaces API until stopped',
      )
      .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', nonNegativeInteger('--port'), 0)
      .option(
        '--state <file>',
        'seed from, and save to, this JSON file (default: start empty, keep nothing)',
      )
      .option('--faults <file>', 'inject the faults this JSON file describes (default: none)')
      .option(
        '--latency <ms>',
        "add this many milliseconds to every response (default: 0, or the faults file's)",
        nonNegativeInteger('--latency'),
      ),
  )
    .addHelpText(
      'after',
      helpAfter({
        examples: [
          'orws sandbox --port 8080 --state sandbox.json',
          'OPENROUTER_BASE_URL=http://127.0.0.1:8080/api/v1 OPENROUTER_MANAGEMENT_KEY=any orws plan',
        ],
        exitCodes: [
          '0  stopped by SIGINT or SIGTERM (the state file is saved)',
          '1  cannot start: bad --faults file, port in use',
        ],
      }),
    )
    .action((options: SandboxOptions) => run(handlers.sandbox(options)));

  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      outputError: (message, write) => {
        write(formatUsageError(message, command));
      },
    });
  }
  return { program, exitCode: () => exitCode };
}
