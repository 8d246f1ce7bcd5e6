import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runOrws, sandboxEnv } from '../helpers/cli.js';
import { DRIFT_ALERT } from '../package/drift-alert.js';

// The README's examples, run as written against the sandbox `npm run demo` starts (seeded from
// examples/sandbox-state.json): a README that drifts from what orws prints fails here.

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

let sandbox: Sandbox;

beforeEach(async () => {
  const state = join(mkdtempSync(join(tmpdir(), 'orws-readme-')), 'state.json');
  copyFileSync(join(ROOT, 'examples/sandbox-state.json'), state);
  sandbox = await startSandbox({ stateFile: state });
});

afterEach(async () => {
  await sandbox.close();
});

/** The fenced blocks of a language, in order. */
function blocks(language: string): string[] {
  return [...README.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map(
    (match) => match[1] ?? '',
  );
}

/** The session block cut at its `$ orws …` lines: the command, and what the README says it prints. */
function sessionSteps(): { command: string; shown: string }[] {
  const session = README.slice(README.indexOf('## A session'));
  const text = /```text\n([\s\S]*?)```/.exec(session)?.[1] ?? '';
  const steps: { command: string; shown: string }[] = [];
  for (const part of text.split(/^\$ /m).slice(1)) {
    const newline = part.indexOf('\n');
    steps.push({ command: part.slice(0, newline), shown: part.slice(newline + 1) });
  }
  return steps.filter((step) => step.command.startsWith('orws '));
}

/** The arguments of a shown command (`orws plan -f x; echo …` → ['plan', '-f', 'x']). */
function argsOf(command: string): string[] {
  return command.replace(/;.*$/, '').trim().split(/\s+/).slice(1);
}

describe('README examples run as written against the demo sandbox', () => {
  it('"A session" shows exactly what plan, apply and the second plan print', async () => {
    const steps = sessionSteps();
    expect(steps.map((s) => s.command)).toEqual([
      'orws plan -f examples/workspaces.yaml',
      'orws apply -f examples/workspaces.yaml --auto-approve',
      'orws plan -f examples/workspaces.yaml --detailed-exitcode; echo "exit $?"',
    ]);
    const env = sandboxEnv(sandbox.baseUrl);
    const [plan, apply, again] = steps as [(typeof steps)[0], (typeof steps)[0], (typeof steps)[0]];

    const planned = await runOrws(argsOf(plan.command), { env, cwd: ROOT });
    expect(planned.exitCode).toBe(0);
    expect(planned.stdout).toBe(plan.shown.replace(/\n$/, ''));

    const applied = await runOrws(argsOf(apply.command), { env, cwd: ROOT });
    expect(applied.exitCode).toBe(0);
    // The README elides the plan that apply prints first; the results follow it. A created
    // workspace's id is new every run.
    const results = applied.stdout.slice(applied.stdout.indexOf('\n+ workspace') + 1);
    const shownResults = apply.shown.replace(/^… \(the same plan\) …\n/, '');
    const created = /"data-science" \(([0-9a-f-]{36})\)/.exec(results)?.[1] ?? 'none';
    expect(results.replaceAll(created, '<id>')).toBe(
      shownResults.replace(/e98bccc4-fc39-47ed-840d-2cf2858197d0/g, '<id>').replace(/\n$/, ''),
    );
    expect(applied.stdout.startsWith(planned.stdout)).toBe(true);

    const second = await runOrws(argsOf(again.command), { env, cwd: ROOT });
    expect(second.exitCode).toBe(0);
    expect(`${second.stdout}exit ${String(second.exitCode)}\n`).toBe(again.shown);
  });

  it('every YAML config in the README validates and plans against the demo sandbox', async () => {
    const configs = blocks('yaml').filter((text) => /^version: 1$/m.test(text));
    expect(configs.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'orws-readme-yaml-'));
    for (const [index, text] of configs.entries()) {
      const file = join(dir, `example-${index}.yaml`);
      writeFileSync(file, text);
      const valid = await runOrws(['validate', '-f', file]);
      expect(valid.stderr).toBe('');
      expect(valid.exitCode).toBe(0);
      const plan = await runOrws(['plan', '-f', file, '--detailed-exitcode'], {
        env: sandboxEnv(sandbox.baseUrl),
      });
      expect(plan.stderr).toBe('');
      expect([0, 2]).toContain(plan.exitCode);
    }
  });

  it('the plan document shown is the shape plan --format json prints', async () => {
    const shown = JSON.parse(blocks('json')[0] ?? '{}') as Record<string, unknown>;
    const result = await runOrws(['plan', '-f', 'examples/workspaces.yaml', '--format', 'json'], {
      env: sandboxEnv(sandbox.baseUrl),
      cwd: ROOT,
    });
    const printed = JSON.parse(result.stdout) as Record<string, unknown> & {
      changes: Record<string, unknown>[];
    };
    expect(Object.keys(printed).filter((k) => k !== 'targets')).toEqual(Object.keys(shown));
    const shownChanges = shown.changes as Record<string, unknown>[];
    for (const change of shownChanges) {
      const same = printed.changes.find((c) => c.kind === change.kind && c.slug === change.slug);
      expect(same).toBeDefined();
      expect(Object.keys(same ?? {})).toEqual(Object.keys(change));
    }
    expect(Object.keys(printed.summary as object)).toEqual(Object.keys(shown.summary as object));
  });
});

describe('README blocks that other tests run', () => {
  it('the drift alert is the script the package test runs (test/package/drift-alert.ts)', () => {
    const shown = blocks('js');
    expect(shown).toHaveLength(1);
    expect(shown[0]?.replace(/\n$/, '')).toBe(DRIFT_ALERT.replace(/\n$/, ''));
  });

  it('the validate session prints exactly the four errors shown, sends nothing, exits 1', async () => {
    const block = blocks('text').find((text) => text.startsWith('$ orws validate '));
    expect(block).toBeDefined();
    const [command = '', ...shown] = (block ?? '').replace(/\n$/, '').split('\n');
    expect(command).toBe('$ orws validate -f workspaces.yaml');
    // The fixture is the config the errors point into, named workspaces.yaml as in the README.
    // In process, orws names the file resolved against its cwd: that path is the README's name.
    const dir = join(ROOT, 'test/fixtures/readme-validate');
    const result = await runOrws(argsOf(command.slice(2)), {
      cwd: dir,
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.replaceAll(join(dir, 'workspaces.yaml'), 'workspaces.yaml')).toBe(
      shown.join('\n') + '\n',
    );
    expect(sandbox.requests).toEqual([]);
  });
});
