import { describe, expect, test } from 'vitest';
import { ListingError } from '../../src/errors.js';
import { captureLogs, client, listRequests, rejection, sandbox, seeds } from './helpers.js';

describe('listWorkspaces: paging at the request-count floor', () => {
  test.each([
    [0, 1],
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])('T = %i takes exactly %i list request(s), each with limit=100', async (total, pages) => {
    const api = await sandbox({ seed: seeds(total) });
    const remote = client(api);
    const listed = await remote.listWorkspaces();

    expect(listed.map((w) => w.id)).toEqual(api.workspaces().map((w) => w.id));
    const requests = listRequests(api);
    expect(requests).toHaveLength(pages);
    expect(requests.map((r) => r.query.limit)).toEqual(Array(pages).fill('100'));
    expect(requests.map((r) => Number(r.query.offset)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: pages }, (_, i) => i * 100),
    );
    expect(api.requests).toHaveLength(pages);
    expect(remote.stats).toEqual({ requests: pages, retries: 0 });
  });

  test('the pages after the first are fetched concurrently, up to `concurrency`', async () => {
    // 1 + 19 pages: the first alone (it gives total_count), then the other 19, 8 at a time.
    const api = await sandbox({ seed: seeds(2000), latencyMs: 50 });
    await client(api, { concurrency: 8 }).listWorkspaces();
    const inFlight = api.requests.map((r) => r.inFlight);
    expect(inFlight[0]).toBe(1);
    expect(Math.max(...inFlight)).toBe(8);

    api.clearRequests();
    await client(api, { concurrency: 1 }).listWorkspaces();
    expect(Math.max(...api.requests.map((r) => r.inFlight))).toBe(1);
  });

  test('reports progress once per page, with the total known from the first page', async () => {
    const api = await sandbox({ seed: seeds(250) });
    const calls: [number, number][] = [];
    await client(api, {
      onListProgress: (done, total) => calls.push([done, total]),
    }).listWorkspaces();
    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  test('reports one page of one for an empty account', async () => {
    const api = await sandbox();
    const calls: [number, number][] = [];
    expect(
      await client(api, {
        onListProgress: (done, total) => calls.push([done, total]),
      }).listWorkspaces(),
    ).toEqual([]);
    expect(calls).toEqual([[1, 1]]);
  });
});

describe('listWorkspaces: the account changes while it is listed', () => {
  test('a workspace added after the first page makes the listing start again and include it', async () => {
    const api = await sandbox({ seed: seeds(250) });
    const logs = captureLogs('info');
    let added = false;
    const remote = client(api, {
      logger: logs.logger,
      onListProgress: (done) => {
        if (done === 1 && !added) {
          added = true;
          api.add({ slug: 'late-arrival', name: 'Late arrival' }); // pages 2 and 3 now say 251
        }
      },
    });
    const listed = await remote.listWorkspaces();

    expect(listed).toHaveLength(251);
    expect(listed.map((w) => w.slug)).toContain('late-arrival');
    expect(listRequests(api)).toHaveLength(3 + 3);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        level: 30,
        msg: 'the listing was inconsistent; listing again',
      }),
    );
  });

  test('a page shifted by a deletion is not taken for the truth: nothing goes missing', async () => {
    const api = await sandbox({ seed: seeds(250) });
    const all = api.workspaces();
    // As if w-000 was deleted after page 1 was read: page 2 starts one later and the total drops.
    api.faults.add({
      method: 'GET',
      path: '/workspaces',
      query: { offset: '100' },
      status: 200,
      body: JSON.stringify({ data: all.slice(101, 201), total_count: 249 }),
    });
    const listed = await client(api).listWorkspaces();

    expect(listed.map((w) => w.id)).toEqual(all.map((w) => w.id));
    expect(listed.map((w) => w.slug)).toContain('w-100');
    expect(listRequests(api)).toHaveLength(6);
  });

  test('a page that keeps repeating items of another is never trusted: ListingError after 3 rounds, no partial list', async () => {
    const api = await sandbox({ seed: seeds(150) });
    const all = api.workspaces();
    // Page 2 keeps repeating an item of page 1 (as if one was inserted before it), every time.
    api.faults.add({
      method: 'GET',
      path: '/workspaces',
      query: { offset: '100' },
      times: 0,
      status: 200,
      body: JSON.stringify({ data: all.slice(99, 149), total_count: 150 }),
    });
    const logs = captureLogs('info');
    const error = await rejection(client(api, { logger: logs.logger }).listWorkspaces());

    expect(error).toBeInstanceOf(ListingError);
    expect(error.message).toBe(
      'the listing of /workspaces could not be made complete and consistent: 1 item(s) appear on more than one page (3 rounds)',
    );
    expect(listRequests(api)).toHaveLength(3 * 2);
    expect(
      logs.entries().filter((e) => e.msg === 'the listing was inconsistent; listing again'),
    ).toHaveLength(2);
  });
});
