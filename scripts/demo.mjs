// `npm run demo`: plans and applies examples/workspaces.yaml against the local sandbox,
// seeded from a copy of examples/sandbox-state.json, then plans again to show convergence.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'orws-demo-'));
const state = join(work, 'sandbox-state.json');
copyFileSync(join(root, 'examples/sandbox-state.json'), state);

const sandbox = spawn(process.execPath, [cli, 'sandbox', '--port', '0', '--state', state], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const baseUrl = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: sandbox.stdout });
  lines.on('line', (line) => {
    const match = /(http:\/\/127\.0\.0\.1:\d+\/api\/v1)/.exec(line);
    if (match) resolve(match[1]);
  });
  sandbox.on('exit', (code) =>
    reject(new Error(`the sandbox exited (${code}) before it was ready`)),
  );
});

const env = {
  ...process.env,
  OPENROUTER_BASE_URL: baseUrl,
  OPENROUTER_MANAGEMENT_KEY: process.env.OPENROUTER_MANAGEMENT_KEY || 'sandbox-demo-key',
};
const steps = [
  { args: ['plan', '-f', 'examples/workspaces.yaml'], expect: 0 },
  { args: ['apply', '-f', 'examples/workspaces.yaml', '--auto-approve'], expect: 0 },
  { args: ['plan', '-f', 'examples/workspaces.yaml', '--detailed-exitcode'], expect: 0 },
];
let failed = false;
console.log(`Sandbox: ${baseUrl} (seeded from examples/sandbox-state.json)\n`);
for (const step of steps) {
  console.log(`$ orws ${step.args.join(' ')}`);
  const run = spawnSync(process.execPath, [cli, ...step.args], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  console.log(`(exit ${run.status})\n`);
  if (run.status !== step.expect) {
    console.error(
      `demo: expected exit ${step.expect} from "orws ${step.args.join(' ')}", got ${run.status}`,
    );
    failed = true;
    break;
  }
}
sandbox.kill('SIGTERM');
await new Promise((resolve) => sandbox.on('exit', resolve));
rmSync(work, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
