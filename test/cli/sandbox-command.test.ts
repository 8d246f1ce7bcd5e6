import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createSandboxOptions } from '../../src/cli/sandbox-command.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { CLI, ROOT, childEnv } from '../helpers/cli.js';

/** Starts `orws sandbox ARGS` and resolves with the base URL it prints when ready. */
function startSandboxCommand(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', ...args], {
    cwd: ROOT,
    env: childEnv(),
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/api\/v1)/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('close', (code) => {
      reject(new Error(`orws sandbox exited (${String(code)}) before it was ready`));
    });
  });
  return { child, ready, exited };
}

describe('orws sandbox', () => {
  it('prints its base URL, wants a bearer key, seeds from --state and saves to it on SIGTERM', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'orws-sandbox-')), 'state.json');
    writeFileSync(state, JSON.stringify({ workspaces: [{ slug: 'seeded', name: 'Seeded' }] }));
    const sandbox = startSandboxCommand(['--state', state]);
    const baseUrl = await sandbox.ready;

    const anonymous = await fetch(`${baseUrl}/workspaces`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: { code: 401, message: expect.any(String) as string },
    });

    const headers = { authorization: 'Bearer any-key', 'content-type': 'application/json' };
    const list = (await (await fetch(`${baseUrl}/workspaces`, { headers })).json()) as {
      data: { slug: string }[];
      total_count: number;
    };
    expect(list.total_count).toBe(1);
    expect(list.data.map((w) => w.slug)).toEqual(['seeded']);
    const created = await fetch(`${baseUrl}/workspaces`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'New', slug: 'new' }),
    });
    expect(created.status).toBe(201);

    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { workspaces: { slug: string }[] };
    expect(saved.workspaces.map((w) => w.slug)).toEqual(['seeded', 'new']);
  });

  it('refuses a faults file it cannot use, naming it', async () => {
    const faults = join(mkdtempSync(join(tmpdir(), 'orws-sandbox-')), 'faults.json');
    writeFileSync(faults, JSON.stringify({ rules: [{ method: 'GET', stauts: 500 }] }));
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--faults', faults], {
      cwd: ROOT,
      env: childEnv(),
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot use --faults ${faults}`);
    expect(stderr).toContain('unknown key "stauts" (did you mean "status"?)');
  });

  it('keeps no record of the requests it serves, so a long run does not grow without bound', async () => {
    const options = createSandboxOptions({ port: 0 }, { rules: [] });
    expect(options).toEqual({ port: 0, faults: [], logRequests: false });
    const sandbox = await startSandbox(options);
    try {
      const answer = await fetch(`${sandbox.baseUrl}/workspaces`, {
        headers: { authorization: 'Bearer any-key' },
      });
      expect(answer.status).toBe(200);
      expect(sandbox.requests).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
