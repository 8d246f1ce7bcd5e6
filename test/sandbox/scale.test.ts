import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/schema/fields.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, seeds } from './helpers.js';

interface ListBody {
  data: Workspace[];
  total_count: number;
}

const COUNT = 10_000;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: seeds(COUNT), logRequests: false });
});
afterAll(async () => {
  await sandbox.close();
});

describe('10,000 workspaces', () => {
  it('lists every workspace once, in order, in 100 pages of 100 fetched 8 at a time', async () => {
    const offsets = Array.from({ length: COUNT / 100 }, (_, i) => i * 100);
    const pages: ListBody[] = new Array<ListBody>(offsets.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < offsets.length) {
        const index = next++;
        const { status, body } = await call(
          sandbox,
          'GET',
          `/workspaces?offset=${offsets[index] ?? 0}&limit=100`,
        );
        expect(status).toBe(200);
        pages[index] = body as ListBody;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(pages.every((page) => page.total_count === COUNT && page.data.length === 100)).toBe(
      true,
    );
    const slugs = pages.flatMap((page) => page.data.map((w) => w.slug));
    expect(slugs).toEqual(seeds(COUNT).map((s) => s.slug));
    expect(new Set(pages.flatMap((page) => page.data.map((w) => w.id))).size).toBe(COUNT);
    expect(sandbox.requests).toEqual([]);
  });

  it('finds, changes and deletes single workspaces among them', async () => {
    const last = await call(sandbox, 'GET', `/workspaces/ws-${COUNT - 1}`);
    expect((last.body as { data: Workspace }).data.name).toBe(`Workspace ${COUNT - 1}`);
    const patched = await call(sandbox, 'PATCH', '/workspaces/ws-5000', {
      json: { slug: 'renamed' },
    });
    expect(patched.status).toBe(200);
    expect((await call(sandbox, 'DELETE', '/workspaces/ws-0')).status).toBe(200);
    const page = (await call(sandbox, 'GET', '/workspaces?offset=4999&limit=2')).body as ListBody;
    expect(page.total_count).toBe(COUNT - 1);
    expect(page.data.map((w) => w.slug)).toEqual(['renamed', 'ws-5001']);
  });
});
