import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, childEnv } from '../helpers/cli.js';

// What only a real process shows: which modules a run of the built binary loads. A module
// hook (node --import) writes the URL of every ES module loaded to stderr.

/** Runs the built orws with `args`; resolves with its exit code, stdout and the modules loaded. */
function runWithLoadLog(
  args: string[],
): Promise<{ code: number | null; stdout: string; loaded: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'orws-startup-'));
  writeFileSync(
    join(dir, 'hook.mjs'),
    "import { writeSync } from 'node:fs';\n" +
      'export async function load(url, context, next) {\n' +
      '  writeSync(2, `LOADED ${url}\\n`);\n' +
      '  return next(url, context);\n' +
      '}\n',
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    "import { register } from 'node:module';\nregister('./hook.mjs', import.meta.url);\n",
  );
  const register = pathToFileURL(join(dir, 'register.mjs')).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', register, CLI, ...args], {
      cwd: ROOT,
      env: childEnv(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const loaded = [...stderr.matchAll(/^LOADED (\S+)$/gm)].map((match) => match[1] ?? '');
      resolve({ code, stdout, loaded });
    });
    child.stdin.end();
  });
}

describe('start-up', () => {
  it.each([['--version'], ['--help'], ['plna']])(
    'orws %s loads neither the logger nor pino',
    async (arg) => {
      const { code, loaded } = await runWithLoadLog([arg]);
      expect(code).toBe(arg === 'plna' ? 1 : 0);
      // The hook sees the modules that are loaded: the argument parser is.
      expect(loaded.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
      expect(loaded.filter((url) => url.includes('/node_modules/pino/'))).toEqual([]);
      expect(loaded.filter((url) => url.endsWith('/dist/log.js'))).toEqual([]);
    },
  );

  it('a command loads the logger with its modules', async () => {
    const { code, loaded } = await runWithLoadLog(['validate', '-f', 'examples/workspaces.yaml']);
    expect(code).toBe(0);
    expect(loaded.some((url) => url.endsWith('/dist/log.js'))).toBe(true);
  });
});
