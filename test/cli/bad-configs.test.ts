import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, TEST_KEY, runOrws, sandboxEnv } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'test/fixtures/config');
const bad = readdirSync(FIXTURES).filter((name) => name.startsWith('bad-'));

/** The `# expect: LINE:COL message` header lines of a fixture. */
function expectations(name: string): { line: number; col: number; text: string }[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .map((line) => /^# expect: (\d+):(\d+) (.+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ line: Number(match[1]), col: Number(match[2]), text: match[3] ?? '' }));
}

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: [{ slug: 'prod', name: 'Prod' }] });
});

afterAll(async () => {
  await sandbox.close();
});

describe('every bad config, through the CLI', () => {
  it('has a corpus of at least 40 bad configs, each with an expected message and position', () => {
    expect(bad.length).toBeGreaterThanOrEqual(40);
    for (const name of bad) expect(expectations(name).length, name).toBeGreaterThan(0);
  });

  // One `orws plan` per fixture would spawn 80 processes; a plan of the whole folder reads
  // every file and must report every file's issues in one run, and still send nothing.
  it('plan on the folder of them reports each at FILE:LINE:COL, exits 1 and sends no request', async () => {
    const result = await runOrws(['plan', '-f', FIXTURES, '--log-level', 'trace'], {
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.exitCode).toBe(1);
    for (const name of bad) {
      for (const { line, col, text } of expectations(name)) {
        const location = `${join(FIXTURES, name)}:${line}:${col}: `;
        const reported = result.stderr
          .split('\n')
          .find((l) => l.includes(location) && l.includes(text));
        expect(reported, `${name}: ${location}${text}`).toBeDefined();
      }
    }
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.stderr).not.toContain(TEST_KEY);
    expect(sandbox.requests).toEqual([]);
  });

  it('validate names the file alone too, with no key set and no request', async () => {
    const name = 'bad-unknown-key.yaml';
    const result = await runOrws(['validate', '-f', join(FIXTURES, name)]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `${join(FIXTURES, name)}:5:5: unknown key "descripton" (did you mean "description"?)`,
    );
    expect(sandbox.requests).toEqual([]);
  });
});
