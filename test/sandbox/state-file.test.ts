import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/schema/fields.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, workspaceShapeProblem } from './helpers.js';

let dir = '';
let sandbox: Sandbox | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orws-sandbox-'));
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function readState(file: string): Promise<Workspace[]> {
  return (JSON.parse(await readFile(file, 'utf8')) as { workspaces: Workspace[] }).workspaces;
}

/** Polls until `check` passes, for the debounced save. */
async function eventually(check: () => Promise<void>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('the state file', () => {
  it('seeds from {"workspaces": [...]}, filling defaults, and ignores the seed option', async () => {
    const file = join(dir, 'state.json');
    await writeFile(
      file,
      JSON.stringify({
        workspaces: [
          {
            id: '550e8400-e29b-41d4-a716-446655440000',
            slug: 'production',
            name: 'Production',
            default_provider_sort: 'price',
            created_at: '2025-08-24T10:30:00Z',
            updated_at: '2025-08-24T15:45:00Z',
            created_by: 'user_abc123',
          },
          { slug: 'staging', name: 'Staging' },
        ],
      }),
    );
    sandbox = await startSandbox({ stateFile: file, seed: [{ slug: 'ignored', name: 'I' }] });
    const [production, staging] = sandbox.workspaces();
    expect(production).toMatchObject({
      id: '550e8400-e29b-41d4-a716-446655440000',
      default_provider_sort: 'price',
      created_at: '2025-08-24T10:30:00Z',
      updated_at: '2025-08-24T15:45:00Z',
      created_by: 'user_abc123',
      is_data_discount_logging_enabled: true,
    });
    expect(workspaceShapeProblem(staging)).toBeUndefined();
    expect(sandbox.workspaces()).toHaveLength(2);
  });

  it('seeds from a bare array', async () => {
    const file = join(dir, 'state.json');
    await writeFile(file, JSON.stringify([{ slug: 'a', name: 'A' }]));
    sandbox = await startSandbox({ stateFile: file });
    expect(sandbox.workspaces().map((w) => w.slug)).toEqual(['a']);
  });

  it('starts from the seed option when the file does not exist, and writes it on close', async () => {
    const file = join(dir, 'nested', 'state.json');
    sandbox = await startSandbox({ stateFile: file, seed: [{ slug: 'a', name: 'A' }] });
    const expected = sandbox.workspaces();
    await sandbox.close();
    expect(await readState(file)).toEqual(expected);
  });

  it('saves after a write (debounced) and round-trips through a restart', async () => {
    const file = join(dir, 'state.json');
    await writeFile(file, JSON.stringify({ workspaces: [{ slug: 'a', name: 'A' }] }));
    sandbox = await startSandbox({ stateFile: file });
    const sb = sandbox;
    await call(sb, 'PATCH', '/workspaces/a', { json: { description: 'changed', slug: 'a2' } });
    await call(sb, 'POST', '/workspaces', {
      json: { name: 'B', slug: 'b', io_logging_api_key_ids: [] },
    });
    await eventually(async () => {
      expect(await readState(file)).toEqual(sb.workspaces());
    });
    sb.edit('b', { name: 'B by hand' });
    const final = sb.workspaces();
    await sb.close();
    expect(await readState(file)).toEqual(final);

    sandbox = await startSandbox({ stateFile: file });
    expect(sandbox.workspaces()).toEqual(final);
    const { body } = await call(sandbox, 'GET', '/workspaces/a2');
    expect(body).toEqual({ data: final[0] });
  });

  it('refuses a file that is not JSON, or holds an invalid workspace, naming the file', async () => {
    const file = join(dir, 'state.json');
    await writeFile(file, '{"workspaces": [');
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(
      `${file}: the sandbox state is not valid JSON`,
    );
    await writeFile(
      file,
      JSON.stringify({
        workspaces: [
          { slug: 'a', name: 'A' },
          { slug: 'b', name: 'B', io_logging_sampling_rate: 0 },
        ],
      }),
    );
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(
      `${file}: workspace 1: "io_logging_sampling_rate" must be a number from 0.0001 to 1`,
    );
    await writeFile(file, JSON.stringify({ spaces: [] }));
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(
      /must be \{"workspaces": \[\.\.\.\]\}/,
    );
  });
});
