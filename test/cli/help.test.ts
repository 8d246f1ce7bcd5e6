import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram, type CommandHandlers } from '../../src/cli/program.js';
import { DEFAULT_CONFIG_PATH } from '../../src/config/index.js';
import { ROOT, runOrws } from '../helpers/cli.js';

const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

const never = (): Promise<number> => Promise.reject(new Error('no command runs in a help test'));
const handlers: CommandHandlers = {
  validate: never,
  plan: never,
  apply: never,
  export: never,
  schema: never,
  show: never,
  sandbox: never,
};
/** The real command line, to enumerate every command and option the help must show. */
const { program } = createProgram(handlers, VERSION);
const COMMANDS = program.commands.map((command) => command.name());

/** Options that take a value but have no default: leaving them out means "not done". */
const NO_DEFAULT = new Set(['plan --out', 'export --out']);

/** Help text with its wrapping undone, so a phrase split over two lines is found. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('orws --help', () => {
  it('shows usage, every command, examples, exit codes and environment on stdout; exit 0', async () => {
    const result = await runOrws(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: orws <command> \[options\]/);
    for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(result.stdout).toContain('\nExamples:\n');
    expect(result.stdout).toMatch(
      /\nExit codes:\n {2}0 {2}success\n {2}1 {2}error.*\n {2}2 {2}only from plan --detailed-exitcode/,
    );
    for (const variable of ['OPENROUTER_MANAGEMENT_KEY', 'OPENROUTER_BASE_URL', 'NO_COLOR']) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${variable}\\s`, 'm'));
    }
  });

  it('`orws help` and `orws -h` print the same', async () => {
    const [help, long, short] = await Promise.all([
      runOrws(['help']),
      runOrws(['--help']),
      runOrws(['-h']),
    ]);
    expect(help.stdout).toBe(long.stdout);
    expect(short.stdout).toBe(long.stdout);
  });

  it('--version prints the package version', async () => {
    const result = await runOrws(['--version']);
    expect(result).toMatchObject({ exitCode: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('orws <command> --help', () => {
  it.each(COMMANDS)(
    '%s: every option with its default and environment variable, examples, exit codes',
    async (name) => {
      const command = program.commands.find((c) => c.name() === name);
      if (command === undefined) throw new Error(name);
      const [result, viaHelp] = await Promise.all([
        runOrws([name, '--help']),
        runOrws(['help', name]),
      ]);
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toBe('');
      expect(viaHelp.stdout).toBe(result.stdout);
      expect(result.stdout).toMatch(new RegExp(`^Usage: orws ${name} `));
      const text = flat(result.stdout);
      for (const option of command.options) {
        const flag = option.long ?? option.flags;
        expect(text, flag).toContain(option.flags);
        if (option.defaultValue !== undefined && !option.negate) {
          const shown = option.defaultValueDescription ?? JSON.stringify(option.defaultValue);
          expect(text, `${name} ${flag} shows its default`).toContain(`default: ${shown}`);
        } else if ((option.required || option.optional) && !NO_DEFAULT.has(`${name} ${flag}`)) {
          // A value option without a commander default says in words what leaving it out means.
          const start = text.indexOf(option.flags);
          expect(
            text.slice(start, text.indexOf(' -', start + option.flags.length)),
            `${name} ${flag}`,
          ).toContain('default:');
        }
        if (option.envVar !== undefined) expect(text).toContain(`env: ${option.envVar}`);
      }
      if (command.options.some((option) => option.long === '--no-color'))
        expect(text).toContain('env: NO_COLOR');
      expect(result.stdout).toContain('\nExamples:\n  orws ');
      expect(result.stdout).toMatch(/\nExit codes:\n {2}0 {2}\S/);
    },
  );

  it('every command that reaches the API names the key, the base URL variable and the API options', async () => {
    for (const name of ['plan', 'apply', 'export']) {
      const result = await runOrws([name, '--help']);
      const text = flat(result.stdout);
      expect(text).toContain('OPENROUTER_MANAGEMENT_KEY');
      expect(text).toContain(
        '--base-url <url> API base URL; http:// only to a loopback host (default: "https://openrouter.ai/api/v1", env: OPENROUTER_BASE_URL)',
      );
      expect(text).toContain('--concurrency <n> requests in flight at most (default: 8)');
      expect(text).toContain('--timeout <seconds> time allowed to one request (default: 30)');
    }
  });

  it('plan documents exit code 2 of --detailed-exitcode', async () => {
    const result = await runOrws(['plan', '--help']);
    expect(result.stdout).toMatch(
      /^ {2}2 {2}only with --detailed-exitcode: success and there are changes$/m,
    );
  });
});

describe('usage errors: one line on stderr, exit 1, nothing on stdout', () => {
  const cases: [string, string[], string][] = [
    ['a mistyped command', ['plna'], "orws: error: unknown command 'plna' (did you mean 'plan'?)"],
    [
      'a mistyped command after help',
      ['help', 'aply'],
      "orws: error: unknown command 'aply' (did you mean 'apply'?)",
    ],
    [
      'a command like nothing',
      ['frobnicate'],
      "orws: error: unknown command 'frobnicate' (commands: validate, plan, apply, show, export, schema, sandbox; see 'orws --help')",
    ],
    [
      'a mistyped option',
      ['plan', '--fromat', 'json'],
      "orws: error: unknown option '--fromat' (did you mean '--format'?)",
    ],
    [
      'a mistyped global option',
      ['--verison'],
      "orws: error: unknown option '--verison' (did you mean '--version'?)",
    ],
    [
      'a short option in the wrong case',
      ['validate', '-F', 'x.yaml'],
      "orws: error: unknown option '-F' (did you mean '-f'?)",
    ],
    [
      'an option like nothing',
      ['apply', '--xyzzy'],
      "orws: error: unknown option '--xyzzy' (see 'orws apply --help')",
    ],
    [
      'an option of another command',
      ['validate', '--base-url', 'https://example.com'],
      "orws: error: unknown option '--base-url' (see 'orws validate --help')",
    ],
    [
      'a value outside the choices',
      ['plan', '--format', 'yaml'],
      "orws: error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json, markdown.",
    ],
    [
      'a bad number',
      ['plan', '--concurrency', '0'],
      "orws: error: option '--concurrency <n>' argument '0' is invalid. --concurrency must be a whole number of at least 1.",
    ],
    [
      'retries beyond the bound',
      ['plan', '--max-retries', '101'],
      "orws: error: option '--max-retries <n>' argument '101' is invalid. --max-retries must be a whole number from 0 to 100.",
    ],
    [
      'a missing value',
      ['plan', '--out'],
      "orws: error: option '--out <planfile>' argument missing (see 'orws plan --help')",
    ],
    [
      'an extra argument',
      ['plan', 'workspaces.yaml'],
      "orws: error: too many arguments for 'plan'. Expected 0 arguments but got 1. (see 'orws plan --help')",
    ],
  ];

  it.each(cases)('%s', async (_name, args, line) => {
    const result = await runOrws(args);
    expect(result).toMatchObject({ exitCode: 1, stdout: '', stderr: `${line}\n` });
  });

  it('no command at all shows the help on stderr and exits 1', async () => {
    const result = await runOrws([]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: orws <command> \[options\]/);
  });
});

describe('help from one table of options', () => {
  const sections = (text: string): string[] =>
    text
      .split('\n')
      .filter((line) => /^[A-Z][A-Za-z ]+:$/.test(line) || line.startsWith('Usage:'))
      .map((line) => line.replace(/^Usage:.*/, 'Usage:'));

  it('every command shows its sections in the same order', async () => {
    const order = [
      'Usage:',
      'Arguments:',
      'Options:',
      'Safety options:',
      'API options:',
      'Output options:',
      'Examples:',
      'Exit codes:',
      'Environment:',
    ];
    for (const name of COMMANDS) {
      const result = await runOrws([name, '--help']);
      const shown = sections(result.stdout);
      expect(shown, name).toEqual(order.filter((section) => shown.includes(section)));
      expect(shown, name).toContain('Examples:');
      expect(shown, name).toContain('Exit codes:');
    }
  });

  it('export reads no config: no "invalid config" in its exit codes; NO_COLOR is listed', async () => {
    const result = await runOrws(['export', '--help']);
    expect(result.stdout).not.toContain('invalid config');
    expect(result.stdout).toMatch(/^ {2}NO_COLOR\s/m);
  });

  it('sandbox has no --no-color to list', async () => {
    const result = await runOrws(['sandbox', '--help']);
    expect(result.stdout).not.toContain('--no-color');
    expect(result.stdout).toContain('--max-page-size <n>');
    expect(result.stdout).toContain('--reorder-arrays');
  });

  it('sandbox takes no --log-level: it writes no log', async () => {
    const result = await runOrws(['sandbox', '--log-level', 'debug']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("unknown option '--log-level'");
  });

  it('-f defaults to DEFAULT_CONFIG_PATH of the config module', () => {
    for (const command of program.commands) {
      const file = command.options.find((option) => option.long === '--file');
      if (file !== undefined) expect(file.defaultValue, command.name()).toBe(DEFAULT_CONFIG_PATH);
    }
  });

  it('commands that read a config name invalid config in exit code 1', async () => {
    for (const name of ['validate', 'plan', 'apply']) {
      const result = await runOrws([name, '--help']);
      expect(result.stdout, name).toMatch(/^ {2}1 {2}error: invalid config or usage/m);
    }
  });
});
