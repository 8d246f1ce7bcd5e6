import { describe, expect, test } from 'vitest';
import { createTransport, listWorkspaces, MAX_LIST_PAGES } from '../../src/api/index.js';
import { ApiError, ListingError } from '../../src/errors.js';
import { KEY, rejection } from './helpers.js';
import { fakeWorkspaces, hostileServer, sendJson } from './hostile-server.js';

const PREFIX = 'the listing of /workspaces could not be made complete and consistent: ';

/** A transport to `baseUrl` with fast test settings. */
function transport(baseUrl: string) {
  return createTransport({ baseUrl, apiKey: KEY, timeoutSeconds: 2, maxRetries: 0 });
}

/** A server listing `items`, with `page` free to misanswer any page. */
async function listingServer(
  page: (offset: number, limit: number) => { data: unknown[]; total_count: unknown },
) {
  return hostileServer((_req, res, query) => {
    sendJson(res, 200, page(Number(query.get('offset')), Number(query.get('limit'))));
  });
}

describe('a listing is never trusted blindly', () => {
  test('a server that ignores offset (every page is the first 100 of 250): ListingError after 3 rounds', async () => {
    const all = fakeWorkspaces(250);
    const api = await listingServer(() => ({ data: all.slice(0, 100), total_count: 250 }));
    const error = await rejection(listWorkspaces(transport(api.baseUrl)));
    expect(error).toBeInstanceOf(ListingError);
    expect(error.message).toBe(`${PREFIX}200 item(s) appear on more than one page (3 rounds)`);
    expect(api.seen).toHaveLength(3 * 3);
  });

  test('pages that add up but whose total_counts differ: ListingError, not the list', async () => {
    const all = fakeWorkspaces(150);
    const api = await listingServer((offset) => ({
      data: all.slice(offset, offset + 100),
      total_count: offset === 0 ? 150 : 151,
    }));
    const error = await rejection(listWorkspaces(transport(api.baseUrl)));
    expect(error).toBeInstanceOf(ListingError);
    expect(error.message).toBe(
      `${PREFIX}the pages give different total_counts (150, 151) (3 rounds)`,
    );
    expect(api.seen).toHaveLength(3 * 2);
  });

  test('pages that do not add up to total_count: ListingError', async () => {
    const all = fakeWorkspaces(150);
    const api = await listingServer((offset) => ({
      data: offset === 0 ? all.slice(0, 100) : all.slice(100, 130),
      total_count: 150,
    }));
    const error = await rejection(listWorkspaces(transport(api.baseUrl)));
    expect(error.message).toBe(
      `${PREFIX}the pages hold 130 items, total_count says 150 (3 rounds)`,
    );
  });

  test('an inconsistency that clears on the next round gives the whole list', async () => {
    const all = fakeWorkspaces(150);
    let calls = 0;
    const api = await listingServer((offset) => {
      calls++;
      return { data: all.slice(offset, offset + 100), total_count: calls === 2 ? 151 : 150 };
    });
    const listed = await listWorkspaces(transport(api.baseUrl));
    expect(listed.map((w) => w.id)).toEqual(all.map((w) => w.id));
    expect(api.seen).toHaveLength(4);
  });
});

describe('total_count is bounded before it is used', () => {
  test.each([76_231_026, 1e9, 1e13])(
    'total_count %d with 3 items: a clear ListingError after 1 request, fast',
    async (total) => {
      const api = await listingServer(() => ({ data: fakeWorkspaces(3), total_count: total }));
      const started = performance.now();
      const error = await rejection(listWorkspaces(transport(api.baseUrl)));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(ListingError);
      expect(error.message).toBe(
        `${PREFIX}total_count ${String(total)} is above the 100000 items orws lists at most`,
      );
      expect(api.seen).toHaveLength(1);
    },
  );

  test.each([1.5, -4])('total_count %d is refused after 1 request', async (total) => {
    const api = await listingServer(() => ({ data: fakeWorkspaces(3), total_count: total }));
    const error = await rejection(listWorkspaces(transport(api.baseUrl)));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(/total_count/);
    expect(api.seen).toHaveLength(1);
  });

  test('pages are issued lazily: an empty page stops the listing, not 1,000 requests built up front', async () => {
    const all = fakeWorkspaces(100);
    const api = await listingServer((offset) => ({
      data: offset === 0 ? all : [],
      total_count: 100_000,
    }));
    const error = await rejection(listWorkspaces(transport(api.baseUrl)));
    expect(error.message).toMatch(
      /^the listing of \/workspaces .*: page \d+ of 1000 is empty \(3 rounds\)$/,
    );
    // Per round: the first page, then at most the window of 8 already asked for when the empty one comes back.
    expect(api.seen.length).toBeLessThanOrEqual(3 * 9);
  });

  test('a page holding more than the limit asked for is refused at once', async () => {
    const api = await listingServer(() => ({ data: fakeWorkspaces(150), total_count: 150 }));
    const error = await rejection(listWorkspaces(transport(api.baseUrl)));
    expect(error).toBeInstanceOf(ListingError);
    expect(error.message).toBe(
      `${PREFIX}page 1 holds 150 items, more than the limit of 100 asked for`,
    );
    expect(api.seen).toHaveLength(1);
  });

  test('a server that caps limit at 10 is followed at its own pace', async () => {
    const all = fakeWorkspaces(35);
    const api = await listingServer((offset, limit) => ({
      data: all.slice(offset, offset + Math.min(limit, 10)),
      total_count: 35,
    }));
    const listed = await listWorkspaces(transport(api.baseUrl));
    expect(listed.map((w) => w.slug)).toEqual(all.map((w) => w.slug));
    expect(api.seen.map((r) => Number(r.query.get('offset'))).sort((a, b) => a - b)).toEqual([
      0, 10, 20, 30,
    ]);
  });

  test('a server paging by 1 with total_count 20000 hits the page ceiling at once', async () => {
    const all = fakeWorkspaces(3);
    const api = await listingServer((offset) => ({
      data: all.slice(offset % 3, (offset % 3) + 1),
      total_count: 20_000,
    }));
    const error = await rejection(listWorkspaces(transport(api.baseUrl)));
    expect(error).toBeInstanceOf(ListingError);
    expect(error.message).toBe(
      `${PREFIX}the server pages by 1, so its 20000 items would take 20000 requests, above the ${String(MAX_LIST_PAGES)} pages orws makes at most`,
    );
    expect(api.seen).toHaveLength(1);
  });
});
