import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv } from '../helpers/cli.js';

// What only a real process shows: the built binary turns SIGINT into exit 130, and a second
// signal ends it at once even while a request hangs (main.ts must not wait for sockets).

let sandbox: Sandbox;
let file: string;

beforeEach(async () => {
  const seed = [
    { slug: 'ws-a', name: 'old a' },
    { slug: 'ws-b', name: 'old b' },
  ];
  sandbox = await startSandbox({ seed });
  sandbox.faults.add({ method: 'PATCH', path: '/workspaces/*', delayMs: 20_000, times: 0 });
  file = join(mkdtempSync(join(tmpdir(), 'orws-sigp-')), 'workspaces.yaml');
  writeFileSync(
    file,
    'version: 1\nworkspaces:\n  - slug: ws-a\n    name: new a\n  - slug: ws-b\n    name: new b\n',
  );
});

afterEach(async () => {
  await sandbox.close();
});

it('two SIGINTs while a PATCH hangs: the process exits 130 at once, naming what is unknown', async () => {
  let sentAt = 0;
  const result = await runCli(['apply', '-f', file, '--auto-approve', '--concurrency', '1'], {
    env: sandboxEnv(sandbox.baseUrl),
    onSpawn: (child) => {
      const timer = setInterval(() => {
        if (sandbox.requests.some((r) => r.method === 'PATCH')) {
          clearInterval(timer);
          sentAt = Date.now();
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGINT'), 100);
        }
      }, 20);
    },
  });
  expect(result.exitCode).toBe(130);
  expect(Date.now() - sentAt).toBeLessThan(2000);
  expect(result.stderr).toContain('SIGINT received');
  // The PATCH in flight was aborted at the first signal: its outcome is reported unknown.
  expect(`${result.stdout}${result.stderr}`).toMatch(/Outcome unknown|without an answer yet/);
  expect(sandbox.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
});
