import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createProgram, type CommandHandlers } from '../../src/cli/program.js';
import { ROOT } from '../helpers/cli.js';

const CI = join(ROOT, 'examples/ci');
const files = readdirSync(CI, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.yml'))
  .map((name) => join(CI, name));

/** Every string in a parsed YAML document (run:, script: and the like). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The arguments of each `npx [--yes] orws ...` command in a shell script. */
function orwsInvocations(script: string): string[][] {
  const invocations: string[][] = [];
  for (const command of script.split(/\n|;|&&|\|\|/)) {
    const match = /\bnpx(?:\s+--yes)?\s+orws(?:@[\w.-]+)?\s+(.*)$/.exec(command);
    if (match === null) continue;
    const words = (match[1] ?? '').trim().split(/\s+/);
    const end = words.findIndex((word) => /^(?:[12]?>|\||<|#)/.test(word));
    invocations.push(end === -1 ? words : words.slice(0, end));
  }
  return invocations;
}

/** Parses `args` with orws's own command line; returns the command it dispatched to. */
async function parseWithOrws(args: string[]): Promise<string> {
  let dispatched = '';
  const record = (name: string) => (): Promise<number> => {
    dispatched = name;
    return Promise.resolve(0);
  };
  const handlers: CommandHandlers = {
    validate: record('validate'),
    plan: record('plan'),
    apply: record('apply'),
    export: record('export'),
    schema: record('schema'),
    show: record('show'),
    sandbox: record('sandbox'),
  };
  const { program } = createProgram(handlers, '0.0.0');
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  for (const command of program.commands)
    command.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await program.parseAsync(['node', 'orws', ...args]);
  return dispatched;
}

describe('the CI examples', () => {
  it('are the four files the README names', () => {
    expect(files.map((f) => f.slice(CI.length + 1)).sort()).toEqual([
      'github/orws-apply.yml',
      'github/orws-drift.yml',
      'github/orws-plan.yml',
      'gitlab/gitlab-ci.yml',
    ]);
  });

  for (const file of files) {
    describe(file.slice(CI.length + 1), () => {
      const document = parse(readFileSync(file, 'utf8')) as unknown;
      const invocations = strings(document).flatMap(orwsInvocations);

      it('is valid YAML that runs orws', () => {
        expect(invocations.length).toBeGreaterThan(0);
      });

      it('pins the orws version it was written for, and says how to use a tarball', () => {
        const text = readFileSync(file, 'utf8');
        const code = text
          .split('\n')
          .filter((line) => !line.trimStart().startsWith('#'))
          .join('\n');
        const calls = code.match(/\bnpx(?:\s+--yes)?\s+orws\S*/g) ?? [];
        expect(calls.length).toBeGreaterThan(0);
        for (const call of calls) expect(call).toMatch(/ orws@0\.2$/);
        expect(text).toContain('npm install ./orws-0.2.0.tgz');
      });

      it('calls only orws commands and options that exist', async () => {
        for (const args of invocations) {
          await expect(parseWithOrws(args), `orws ${args.join(' ')}`).resolves.toBe(args[0]);
        }
      });

      it('pins Node 20 or newer and takes the key from a secret', () => {
        const text = readFileSync(file, 'utf8');
        expect(text).toMatch(/node-version: 2\d|image: node:2\d/);
        if (file.includes('github'))
          expect(text).toContain('${{ secrets.OPENROUTER_MANAGEMENT_KEY }}');
      });
    });
  }

  it('the check itself catches a wrong option', async () => {
    await expect(parseWithOrws(['plan', '--detailed-exit-code'])).rejects.toThrow(/unknown option/);
    await expect(parseWithOrws(['aply'])).rejects.toThrow(/unknown command/);
  });
});
