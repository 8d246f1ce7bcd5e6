import { DEFAULT_BASE_URL, MAX_RETRIES, MAX_TIMER_SECONDS } from '../api/settings.js';
import { DEFAULT_MAX_UPDATE_PERCENT } from '../plan/thresholds.js';
import { KIND_NAMES, type KindName } from '../plan/types.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { escapeText } from '../safe-text.js';

/** The options every command that talks to the API takes. */
export interface CommonOptions {
  /** Always set: the option, else OPENROUTER_BASE_URL, else the default. */
  baseUrl: string;
  concurrency: number;
  timeout: number;
  maxRetries: number;
  logLevel: string;
  color: boolean;
}

/** Where the config is read from: `-f`, or its default when `fileIsDefault`. */
export interface ConfigFileOptions {
  file: string;
  /** True when `-f` was not given (an explicit `-f workspaces.yaml` is not the default). */
  fileIsDefault: boolean;
}

/** `orws validate`: the config and the log level only. */
export interface ValidateOptions extends ConfigFileOptions {
  logLevel: string;
}

export interface FileOptions extends CommonOptions, ConfigFileOptions {}

/** The safety limits of plan and apply (see `checkThresholds`). */
export interface ThresholdOptions {
  maxUpdatePercent?: number;
  maxCreatePercent?: number;
  force?: boolean;
}

export interface PlanOptions extends FileOptions, ThresholdOptions {
  out?: string;
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  target: string[];
}

export interface ApplyOptions extends FileOptions, ThresholdOptions {
  autoApprove?: boolean;
  format: 'text' | 'json';
  target: string[];
}

export interface ShowOptions {
  format: 'text' | 'json' | 'markdown';
  color: boolean;
}

export interface ExportOptions extends CommonOptions {
  out?: string;
  target: string[];
  kinds: KindName[];
  force?: boolean;
  schemaUrl?: string;
}

export interface SandboxOptions {
  port: number;
  state?: string;
  faults?: string;
  latency?: number;
  maxPageSize?: number;
  reorderArrays?: boolean;
}

/** What each command does; `createProgram` only parses and dispatches. */
export interface CommandHandlers {
  validate(options: ValidateOptions): Promise<number>;
  plan(options: PlanOptions): Promise<number>;
  apply(planFile: string | undefined, options: ApplyOptions): Promise<number>;
  show(planFile: string, options: ShowOptions): Promise<number>;
  export(options: ExportOptions): Promise<number>;
  schema(): Promise<number>;
  sandbox(options: SandboxOptions): Promise<number>;
}

/** `--kinds workspace,budgets`: known kind names, each once. */
function parseKinds(value: string): KindName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(KIND_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(
      `--kinds takes a comma-separated list of ${KIND_NAMES.join(', ')}${unknown.length > 0 ? ` (not ${unknown.map((n) => JSON.stringify(escapeText(n))).join(', ')})` : ''}.`,
    );
  }
  return [...new Set(names)] as KindName[];
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The ports fetch refuses to connect to (the "bad ports" of the Fetch standard): a sandbox on
 * one of them could never be reached by orws itself.
 */
const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

function parseInteger(name: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `${name} must be a whole number of at least ${min}.`
          : `${name} must be a whole number from ${min} to ${max}.`,
      );
    }
    return parsed;
  };
}

/** A timeout in seconds: above 0, and within what Node's timers hold (a longer one fires at once). */
function parseTimeout(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('--timeout must be a number greater than 0.');
  }
  if (parsed > MAX_TIMER_SECONDS) {
    throw new InvalidArgumentError(
      `--timeout must be at most ${MAX_TIMER_SECONDS} seconds (about 24 days).`,
    );
  }
  return parsed;
}

function parsePort(value: string): number {
  const port = parseInteger('--port', 0, 65535)(value);
  if (FETCH_BAD_PORTS.has(port)) {
    throw new InvalidArgumentError(
      `port ${port} is one that fetch refuses to connect to, so orws could not reach the sandbox; choose another (or 0 for any free port).`,
    );
  }
  return port;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const MANY = Number.MAX_SAFE_INTEGER;
const API = 'API options:';
const OUTPUT = 'Output options:';
const SAFETY = 'Safety options:';

/** The help groups, in the order every command shows them. */
const GROUPS = ['Options:', SAFETY, API, OUTPUT];

/**
 * Every option of every command, once. A command lists the names it takes; its help, its
 * environment section and the words of its exit codes follow from that list, so two commands
 * cannot describe one option differently.
 */
function createOptionTable(env: Record<string, string | undefined>) {
  const baseUrl = env.OPENROUTER_BASE_URL;
  return {
    file: () =>
      new Option(
        '-f, --file <path>',
        'config file, or a directory of *.yaml/*.yml files (merged, sorted by name)',
      ).default('workspaces.yaml'),
    planOut: () =>
      new Option(
        '--out <planfile>',
        'also write the plan document (JSON) to this file, for apply PLANFILE; an existing file is replaced only if it is an orws plan',
      ),
    exportOut: () =>
      new Option(
        '--out <path>',
        'write to this file instead of stdout; never over an existing one',
      ),
    planFormat: () =>
      new Option('--format <format>', 'output format')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    applyFormat: () =>
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    detailedExitcode: () =>
      new Option('--detailed-exitcode', 'exit 2 when there are changes, 0 when there are none'),
    autoApprove: () =>
      new Option(
        '--auto-approve',
        'do not ask for yes (needed when standard input is not a terminal)',
      ),
    planTarget: () => targetOption('plan'),
    applyTarget: () => targetOption('apply'),
    exportTarget: () =>
      new Option('--target <slug-or-id>', 'export only this workspace; repeat for several')
        .argParser(collect)
        .default([], 'every workspace of the account'),
    exportForce: () => new Option('--force', 'replace the --out file if it exists'),
    exportKinds: () =>
      new Option(
        '--kinds <list>',
        `what to export of each workspace, comma-separated: ${KIND_NAMES.join(', ')}`,
      )
        .argParser(parseKinds)
        .default([...KIND_NAMES], KIND_NAMES.join(',')),
    schemaUrl: () =>
      new Option(
        '--schema-url <url>',
        'the $schema the exported file points editors at (default: the schema of the orws installed beside it, ./node_modules/orws/schema/workspaces.schema.json)',
      ),
    maxUpdatePercent: () =>
      new Option(
        '--max-update-percent <n>',
        'refuse to apply when more than this share of the managed workspaces would be updated (from 10 of them on)',
      )
        .argParser(parseInteger('--max-update-percent', 0, 100))
        .default(DEFAULT_MAX_UPDATE_PERCENT)
        .helpGroup(SAFETY),
    maxCreatePercent: () =>
      new Option('--max-create-percent <n>', 'the same for creates (default: no limit)')
        .argParser(parseInteger('--max-create-percent', 0, MANY))
        .helpGroup(SAFETY),
    force: () =>
      new Option('--force', 'apply even when a --max-*-percent limit is exceeded').helpGroup(
        SAFETY,
      ),
    baseUrl: () =>
      new Option('--base-url <url>', 'API base URL; http:// only to a loopback host')
        .default(
          baseUrl === undefined || baseUrl === '' ? DEFAULT_BASE_URL : baseUrl,
          `"${DEFAULT_BASE_URL}", env: OPENROUTER_BASE_URL`,
        )
        .helpGroup(API),
    concurrency: () =>
      new Option('--concurrency <n>', 'requests in flight at most')
        .argParser(parseInteger('--concurrency', 1, MANY))
        .default(8)
        .helpGroup(API),
    timeout: () =>
      new Option('--timeout <seconds>', 'time allowed to one request')
        .argParser(parseTimeout)
        .default(30)
        .helpGroup(API),
    maxRetries: () =>
      new Option(
        '--max-retries <n>',
        'retries of a request on 429, 5xx, timeouts and network errors',
      )
        .argParser(parseInteger('--max-retries', 0, MAX_RETRIES))
        .default(4)
        .helpGroup(API),
    logLevel: () =>
      new Option('--log-level <level>', 'level of the log (JSON lines on stderr)')
        .choices(LOG_LEVELS)
        .default('warn')
        .helpGroup(OUTPUT),
    color: () =>
      new Option(
        '--no-color',
        'no escape codes: no color, no progress line (default: both on a terminal, neither when piped; env: NO_COLOR, if not empty)',
      ).helpGroup(OUTPUT),
    port: () =>
      new Option('--port <n>', 'port on 127.0.0.1 (0: any free port)')
        .argParser(parsePort)
        .default(0),
    state: () =>
      new Option(
        '--state <file>',
        'seed from, and save to, this JSON file (default: start empty, keep nothing)',
      ),
    faults: () =>
      new Option('--faults <file>', 'inject the faults this JSON file describes (default: none)'),
    latency: () =>
      new Option(
        '--latency <ms>',
        "add this many milliseconds to every response (default: 0, or the faults file's)",
      ).argParser(parseInteger('--latency', 0, MANY)),
    maxPageSize: () =>
      new Option(
        '--max-page-size <n>',
        'answer at most this many workspaces per list page, whatever limit is asked (default: 100)',
      ).argParser(parseInteger('--max-page-size', 1, MANY)),
    reorderArrays: () =>
      new Option(
        '--reorder-arrays',
        'answer arrays (io_logging_api_key_ids) in another order than stored, as the API may',
      ),
  };
}

type OptionName = keyof ReturnType<typeof createOptionTable>;

const API_OPTION_NAMES: OptionName[] = [
  'baseUrl',
  'concurrency',
  'timeout',
  'maxRetries',
  'logLevel',
  'color',
];

function targetOption(verb: string): Option {
  return new Option('--target <slug-or-id>', `${verb} only this workspace; repeat for several`)
    .argParser(collect)
    .default([], 'every workspace of the config');
}

/** One command of the table: its words, its options, its examples and exit codes. */
interface CommandSpec {
  name: keyof CommandHandlers;
  description: string;
  argument?: { name: string; description: string };
  options: OptionName[];
  examples: string[];
  /** Exit codes other than 1 (whose words follow from the options). */
  exitCodes: string[];
  /** What else makes this command exit 1, after what its options imply. */
  errors?: string;
}

const COMMANDS: CommandSpec[] = [
  {
    name: 'validate',
    description: 'check the config against the schema; needs no key, sends no request',
    options: ['file', 'logLevel'],
    examples: [
      'orws validate',
      'orws validate -f workspaces/          # every *.yaml/*.yml file of the directory',
    ],
    exitCodes: ['0  the config is valid'],
    errors: 'every issue is listed as FILE:LINE:COL: message',
  },
  {
    name: 'plan',
    description: 'show what differs between the config and the API; changes nothing',
    options: [
      'file',
      'planOut',
      'planFormat',
      'detailedExitcode',
      'planTarget',
      'maxUpdatePercent',
      'maxCreatePercent',
      ...API_OPTION_NAMES,
    ],
    examples: [
      'orws plan -f workspaces.yaml',
      'orws plan --out plan.json --format markdown > comment.md   # pull request',
      'orws plan --detailed-exitcode                              # cron drift check',
      'orws plan --target production --target staging-eu',
    ],
    exitCodes: [
      '0  success (with --detailed-exitcode: success and no changes)',
      '2  only with --detailed-exitcode: success and there are changes',
    ],
  },
  {
    name: 'apply',
    description: 'make the API match the config, or apply a saved plan file exactly',
    argument: {
      name: '[planfile]',
      description:
        'a plan written by plan --out: checked against the API, then applied without asking',
    },
    options: [
      'file',
      'autoApprove',
      'applyFormat',
      'applyTarget',
      'maxUpdatePercent',
      'maxCreatePercent',
      'force',
      ...API_OPTION_NAMES,
    ],
    examples: [
      'orws apply -f workspaces.yaml          # plan, show, ask for yes',
      'orws apply --auto-approve              # in CI',
      'orws apply plan.json                   # exactly the saved plan, if nothing moved since',
    ],
    exitCodes: [
      '0  every change applied (or nothing to do)',
      '130, 143  interrupted by SIGINT, SIGTERM: no change was started after the signal',
    ],
    errors:
      'stale plan (nothing sent), refused (no terminal and no --auto-approve, a --max-*-percent limit) or partly failed apply',
  },
  {
    name: 'show',
    description: 'print a saved plan file as plan would; needs no key, sends no request',
    argument: { name: '<planfile>', description: 'a plan written by plan --out' },
    options: ['planFormat', 'color'],
    examples: ['orws show plan.json', 'orws show plan.json --format markdown > comment.md'],
    exitCodes: ['0  success'],
    errors: 'the file cannot be read or is not an orws plan',
  },
  {
    name: 'export',
    description: 'write the current workspaces as a config, to adopt an existing account',
    options: [
      'exportOut',
      'exportTarget',
      'exportKinds',
      'exportForce',
      'schemaUrl',
      ...API_OPTION_NAMES,
    ],
    examples: ['orws export --out workspaces.yaml && orws plan   # plans clean: "No changes."'],
    exitCodes: ['0  success'],
    errors: 'cannot write the file, or it exists (without --force)',
  },
  {
    name: 'schema',
    description: 'print the JSON Schema of the config file',
    options: [],
    examples: ['orws schema > workspaces.schema.json'],
    exitCodes: ['0  success'],
  },
  {
    name: 'sandbox',
    description: 'serve a local, in-memory stand-in of the OpenRouter workspaces API until stopped',
    options: ['port', 'state', 'faults', 'latency', 'maxPageSize', 'reorderArrays'],
    examples: [
      'orws sandbox --port 8080 --state sandbox.json',
      'OPENROUTER_BASE_URL=http://127.0.0.1:8080/api/v1 OPENROUTER_MANAGEMENT_KEY=any orws plan',
    ],
    exitCodes: ['0  stopped by SIGINT or SIGTERM (the state file is saved)'],
    errors: 'cannot start: bad --faults file, port in use',
  },
];

const ENV_KEY =
  '  OPENROUTER_MANAGEMENT_KEY  the management key; read from nowhere else, never printed';
const ENV_BASE_URL = '  OPENROUTER_BASE_URL        API base URL, as --base-url';
const ENV_NO_COLOR = '  NO_COLOR                   if set and not empty: as --no-color';

/** The words of exit code 1, from what a command reads and talks to. */
function describeErrorExit(spec: CommandSpec): string {
  const causes = [spec.options.includes('file') ? 'invalid config' : undefined, 'usage'];
  const words = [`error: ${causes.filter((c) => c !== undefined).join(' or ')}`];
  if (spec.options.includes('baseUrl')) words.push('API error');
  if (spec.errors !== undefined) words.push(spec.errors);
  return `1  ${words.join(', ')}`;
}

/**
 * Help text after a command's options, in one order for every command: examples, exit
 * codes, environment (only the variables the command's options read).
 */
function renderHelpAfter(spec: CommandSpec): string {
  const exitCodes = [...spec.exitCodes];
  exitCodes.splice(1, 0, describeErrorExit(spec));
  const environment: string[] = [];
  if (spec.options.includes('baseUrl')) environment.push(ENV_KEY, ENV_BASE_URL);
  if (spec.options.includes('color')) environment.push(ENV_NO_COLOR);
  const parts = [
    `Examples:\n${spec.examples.map((line) => `  ${line}`).join('\n')}`,
    `Exit codes:\n${exitCodes.map((line) => `  ${line}`).join('\n')}`,
  ];
  if (environment.length > 0) parts.push(`Environment:\n${environment.join('\n')}`);
  return `\n${parts.join('\n\n')}`;
}

/**
 * A usage error as one line on stderr, as `orws: error: …`. Commander reports an unknown
 * command or option on two lines, the second "(Did you mean plan?)"; that becomes
 * `(did you mean 'plan'?)` on the same line. When nothing is close enough to suggest, the line
 * names the commands (for a command) or the help to read instead. The arguments quoted in it
 * are the user's, and escaped.
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
  return `orws: error: ${escapeText(text)}\n`;
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
 * A Terraform habit: `-auto-approve`, `-out=plan`, `-var x=1`. An argument that starts with
 * one dash and a word of two letters or more is a long option spelled with one dash, unless it
 * is a short option of orws with its value attached (`-fworkspaces.yaml`). Returns the usage
 * error naming the double-dash spelling, or `undefined`. Arguments after `--`, and the value
 * of an option that takes one, are not options and are skipped.
 */
export function findSingleDashOption(
  args: readonly string[],
  program: Command,
): string | undefined {
  const valued = new Set<string>();
  const shorts = new Set<string>();
  for (const command of [program, ...program.commands]) {
    for (const option of command.options) {
      if (option.required || option.optional) {
        if (option.long !== undefined) valued.add(option.long);
        if (option.short !== undefined) {
          valued.add(option.short);
          shorts.add(option.short.slice(1));
        }
      } else if (option.short !== undefined) shorts.add(option.short.slice(1));
    }
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return undefined;
    if (valued.has(arg)) {
      i += 1;
      continue;
    }
    const match = /^-([A-Za-z][A-Za-z0-9-]+)(?:=.*)?$/s.exec(arg);
    if (match === null) continue;
    const word = match[1] ?? '';
    const long = `--${word}`;
    if (shorts.has(word.charAt(0)) && !valued.has(long) && !isKnownLong(program, long)) continue;
    return `orws: error: unknown option '${escapeText(arg.split('=')[0] ?? arg)}' (did you mean '${escapeText(long)}'?)\n`;
  }
  return undefined;
}

function isKnownLong(program: Command, long: string): boolean {
  return [program, ...program.commands].some((command) =>
    command.options.some((option) => option.long === long),
  );
}

/** Where commander writes: the run's own streams. */
export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** Help is wrapped to this width. */
  columns: number;
}

/**
 * Builds the command line from the table of commands and options. Parsing is all it does:
 * every action is a handler, so tests (and the CI workflow check) can parse real invocations
 * without running them. `env` gives OPENROUTER_BASE_URL (read here, not from `process`).
 *
 * Usage errors are not thrown past commander: each prints one line (see
 * {@link formatUsageError}) and `parseAsync` rejects with a `CommanderError`, which the caller
 * maps to exit code 1 (0 for `--help` and `--version`).
 */
export function createProgram(
  handlers: CommandHandlers,
  version: string,
  env: Record<string, string | undefined> = {},
  output?: ProgramOutput,
): { program: Command; exitCode: () => number } {
  const table = createOptionTable(env);
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
      `
Examples:
  orws validate                          # check workspaces.yaml; no key, no request
  orws plan                              # what would change
  orws apply                             # plan, show, ask for yes, apply
  orws plan --out plan.json              # on a pull request: save the reviewed plan ...
  orws show plan.json                    # ... read it again, no key needed ...
  orws apply plan.json                   # ... and apply exactly it on merge
  orws plan --detailed-exitcode          # drift check: 0 clean, 2 drift, 1 error
  orws export --out workspaces.yaml      # adopt an existing account
  orws sandbox                           # a local stand-in of the API to try it all
  orws <command> --help                  # every option of a command

Exit codes:
  0  success
  1  error: invalid config or usage, API error, stale plan, refused or partly failed apply
  2  only from plan --detailed-exitcode: success, and there are changes
  130, 143  apply interrupted by SIGINT, SIGTERM (no change was started after the signal)

Environment:
${ENV_KEY}
${ENV_BASE_URL}
${ENV_NO_COLOR}`,
    );
  let exitCode = 0;
  const settle = (work: Promise<number>): Promise<void> =>
    work.then((code) => {
      exitCode = code;
    });

  for (const spec of COMMANDS) {
    const command = program.command(spec.name).description(spec.description);
    if (spec.argument !== undefined)
      command.argument(spec.argument.name, spec.argument.description);
    const options = spec.options.map((name) => table[name]());
    for (const group of GROUPS) {
      for (const option of options) {
        if ((option.helpGroupHeading ?? 'Options:') === group) command.addOption(option);
      }
    }
    command.addHelpText('after', renderHelpAfter(spec));
    command.action((...args: unknown[]) => {
      const values = args.slice(0, spec.argument === undefined ? 1 : 2);
      if (spec.options.includes('file')) {
        // Whether -f was given, not what it says: `-f workspaces.yaml` is the user's choice.
        const options = values.pop() as Record<string, unknown>;
        values.push({
          ...options,
          fileIsDefault: command.getOptionValueSource('file') === 'default',
        });
      }
      return settle(dispatch(handlers, spec.name, values));
    });
  }

  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      outputError: (message, write) => {
        write(formatUsageError(message, command));
      },
      ...(output === undefined
        ? {}
        : {
            writeOut: (text: string) => {
              output.writeOut(text);
            },
            writeErr: (text: string) => {
              output.writeErr(text);
            },
            getOutHelpWidth: () => output.columns,
            getErrHelpWidth: () => output.columns,
            getOutHasColors: () => false,
            getErrHasColors: () => false,
          }),
    });
  }
  return { program, exitCode: () => exitCode };
}

/** Calls the handler of `name` with the arguments commander parsed for it. */
function dispatch(
  handlers: CommandHandlers,
  name: keyof CommandHandlers,
  values: unknown[],
): Promise<number> {
  const [first, second] = values;
  switch (name) {
    case 'validate':
      return handlers.validate(first as ValidateOptions);
    case 'plan':
      return handlers.plan(first as PlanOptions);
    case 'apply':
      return handlers.apply(first as string | undefined, second as ApplyOptions);
    case 'show':
      return handlers.show(first as string, second as ShowOptions);
    case 'export':
      return handlers.export(first as ExportOptions);
    case 'schema':
      return handlers.schema();
    case 'sandbox':
      return handlers.sandbox(first as SandboxOptions);
  }
}
