import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { CLI, ROOT, childEnv, runCli, runOrws, sandboxEnv } from '../helpers/cli.js';

/**
 * orws on a real pseudo-terminal: util-linux `script` runs it with stdin, stdout and stderr on
 * a pty (so all three are TTYs) and copies everything the pty shows to its own stdout.
 */
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout.includes(
  'util-linux',
);

const FIELDS_EXAMPLE = join(ROOT, 'test/fixtures/workspaces-fields-only.yaml');
const ESC = '\u001b';
const GREEN = `${ESC}[32m`;
const YELLOW = `${ESC}[33m`;
const RED = `${ESC}[31m`;
/** Enough unmanaged workspaces for three list pages, so listing progress has something to count. */
const seed = [
  ...(
    JSON.parse(readFileSync(join(ROOT, 'examples/sandbox-state.json'), 'utf8')) as {
      workspaces: never[];
    }
  ).workspaces,
  ...Array.from({ length: 250 }, (_, i) => ({
    slug: `extra-${String(i)}`,
    name: `Extra ${String(i)}`,
  })),
];

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

interface TtyResult {
  exitCode: number | null;
  /** stdout and stderr as the terminal showed them, interleaved. */
  screen: string;
}

/** Runs orws on a pty; `input` is typed into it. The environment is runCli's: no NO_COLOR unless given. */
function runInTerminal(
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<TtyResult> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: childEnv({ TERM: 'xterm-256color', ...env }),
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      resolve({ exitCode, screen });
    });
    child.stdin.end(input);
  });
}

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ seed });
});

afterEach(async () => {
  await sandbox.close();
});

describe.runIf(HAS_SCRIPT)('on a terminal', () => {
  it('plan colors creates green, updates yellow, removed values red, and shows listing progress', async () => {
    const result = await runInTerminal(['plan', '-f', FIELDS_EXAMPLE], sandboxEnv(sandbox.baseUrl));
    expect(result.exitCode).toBe(0);
    expect(result.screen).toContain(`${GREEN}  + workspace "data-science"`);
    expect(result.screen).toContain(`${YELLOW}  ~ workspace "production"`);
    expect(result.screen).toContain(
      `${RED}"openai/gpt-4o"${ESC}[39m → ${GREEN}"anthropic/claude-sonnet-4"`,
    );
    expect(result.screen).toContain(`\r${ESC}[KListing workspaces: 3/3 pages`);
    expect(result.screen).toContain('Plan: 1 to create, 2 to update, 1 unchanged, 251 unmanaged.');
  });

  it('apply colors each result line and counts the workspaces applied (n/N)', async () => {
    const result = await runInTerminal(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve'],
      sandboxEnv(sandbox.baseUrl),
    );
    expect(result.exitCode).toBe(0);
    expect(result.screen).toContain(`${GREEN}+ workspace "data-science"`);
    expect(result.screen).toMatch(
      new RegExp(`\\u001b\\[33m~ workspace "production" \\([^)]+\\): updated`),
    );
    for (const n of [0, 1, 2, 3])
      expect(result.screen).toContain(`\r${ESC}[KApplying: ${String(n)}/3`);
    expect(result.screen).toContain(`${GREEN}Apply complete: 3 applied`);
  });

  it('apply asks, and any answer but "yes" cancels: exit 1, nothing sent', async () => {
    const result = await runInTerminal(
      ['apply', '-f', FIELDS_EXAMPLE],
      sandboxEnv(sandbox.baseUrl),
      'y\n',
    );
    expect(result.exitCode).toBe(1);
    expect(result.screen).toContain("Only 'yes' will be accepted to approve.");
    expect(result.screen).toContain('apply cancelled; nothing was sent');
    expect(sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('with NO_COLOR=1: the prompt, the answer read from the terminal, a debug log, and not one escape code', async () => {
    const env = { ...sandboxEnv(sandbox.baseUrl), NO_COLOR: '1' };
    const result = await runInTerminal(
      ['apply', '-f', FIELDS_EXAMPLE, '--log-level', 'debug'],
      env,
      'yes\n',
    );
    expect(result.exitCode).toBe(0);
    expect(result.screen).toContain('Enter a value:');
    expect(result.screen).toContain('"msg":"http request"');
    expect(result.screen).toContain('Apply complete: 3 applied');
    expect(result.screen).not.toContain(ESC);
  });
});

// The same rules in-process, with stdin, stdout and stderr flagged as terminals: what needs no
// real pseudo-terminal does not pay for one.
it('an empty NO_COLOR does not turn color off (no-color.org: "present and not an empty string")', async () => {
  const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE], {
    env: { ...sandboxEnv(sandbox.baseUrl), NO_COLOR: '' },
    tty: true,
  });
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain(GREEN);
});

describe.each([
  ['NO_COLOR=1', [] as string[], { NO_COLOR: '1' }],
  ['--no-color', ['--no-color'], {}],
])('on a terminal in-process, with %s: not one escape code', (_name, flags, extraEnv) => {
  it('plan (with listing progress and a debug log)', async () => {
    const env = { ...sandboxEnv(sandbox.baseUrl), ...extraEnv };
    const result = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--log-level', 'debug', ...flags], {
      env,
      tty: true,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Plan: 1 to create, 2 to update, 1 unchanged, 251 unmanaged.');
    expect(result.stderr).toContain('"msg":"http request"');
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  it('apply, confirmed at the prompt', async () => {
    const env = { ...sandboxEnv(sandbox.baseUrl), ...extraEnv };
    const result = await runOrws(['apply', '-f', FIELDS_EXAMPLE, ...flags], {
      env,
      tty: true,
      input: 'yes\n',
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).toContain('Enter a value:');
    expect(result.stdout).toContain('Apply complete: 3 applied');
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  it('apply re-reads after the confirmation and refuses what moved meanwhile', async () => {
    const env = { ...sandboxEnv(sandbox.baseUrl), ...extraEnv };
    const production = sandbox.workspaces().find((w) => w.slug === 'production');
    if (production === undefined) throw new Error('the seed has production');
    // Someone edits production while the plan is on screen: the edit lands just before the
    // re-read that follows the confirmation (the listing before the plan does not trigger it).
    sandbox.faults.add({
      method: 'GET',
      path: `/workspaces/${production.id}`,
      edit: { target: production.id, fields: { default_text_model: 'someone/else' } },
    });
    const result = await runOrws(['apply', '-f', FIELDS_EXAMPLE, ...flags], {
      env,
      tty: true,
      input: 'yes\n',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      'default_text_model was "openai/gpt-4o" when planned, now "someone/else"',
    );
    expect(sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a usage error and the help', async () => {
    const env = { ...sandboxEnv(sandbox.baseUrl), ...extraEnv };
    const [error, help] = await Promise.all([
      runOrws(['plna', ...flags], { env, tty: true }),
      runOrws(['plan', '--help', ...flags], { env, tty: true }),
    ]);
    expect(error.exitCode).toBe(1);
    expect(help.exitCode).toBe(0);
    expect(error.stdout + error.stderr + help.stdout + help.stderr).not.toContain(ESC);
  });
});

describe('off a terminal (pipes): not one escape code on stdout or stderr', () => {
  it('plan, apply and a failing plan (the apply in a real process, on real pipes)', async () => {
    const env = sandboxEnv(sandbox.baseUrl);
    const plan = await runOrws(['plan', '-f', FIELDS_EXAMPLE, '--log-level', 'debug'], { env });
    const apply = await runCli(
      ['apply', '-f', FIELDS_EXAMPLE, '--auto-approve', '--log-level', 'debug'],
      { env },
    );
    const failed = await runOrws(['plan', '-f', join(ROOT, 'examples/no-such-file.yaml')], {
      env,
    });
    expect([plan.exitCode, apply.exitCode, failed.exitCode]).toEqual([0, 0, 1]);
    // The output is there: these are the runs that would color on a terminal.
    expect(plan.stdout).toContain('+ workspace "data-science"');
    expect(apply.stdout).toContain('Apply complete: 3 applied');
    expect(apply.stderr).toContain('"msg":"http request"');
    for (const result of [plan, apply, failed]) {
      expect(result.stdout + result.stderr).not.toContain(ESC);
    }
  });
});
