/**
 * Listing an `{ data: T[], total_count }` endpoint page by page (`offset`, `limit`), and never
 * trusting the pages blindly: a listing is returned only when its pages agree on the total,
 * hold no item twice and add up to it. The server's `total_count` is bounded before any
 * request is built from it, and pages are issued lazily, a few at a time, through the
 * transport's limiter.
 */
import { ListingError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ValidateFunction } from '../schema/generated/validate-response.js';
import type { Transport } from './transport.js';

/** Page size asked for: the API's maximum. */
export const PAGE_LIMIT = 100;

/** How many times a listing is read in all when its pages keep disagreeing. */
const MAX_LIST_ROUNDS = 3;

/** Ceiling on the requests of one listing round: above it the listing is refused, not attempted. */
export const MAX_LIST_PAGES = 1000;

/** Ceiling on the items of one listing (`total_count`). */
const MAX_LIST_ITEMS = 100_000;

/** Pages asked for at once after the first; the limiter may allow fewer. */
const PAGE_WINDOW = 8;

/** A page of a listing endpoint, once validated. */
export interface Page<T> {
  data: T[];
  total_count: number;
}

/** How to list. */
export interface ListOptions<T> {
  /** The item's identity: an id seen twice means the pages overlap. */
  idOf(item: T): string;
  /** Called after each page; `pagesTotal` is known from the first page. Restarts at 1 if the listing restarts. */
  onProgress?: (pagesDone: number, pagesTotal: number) => void;
  /** Where a restart is logged (`info`). */
  logger?: Logger;
}

/**
 * Every item of `path`, each once, in the API's order. One request when the total fits a
 * page; otherwise ceil(total / page size) requests, the page size being what the server
 * actually returned on the first page (a server that caps `limit` is followed at its pace).
 *
 * @throws ListingError when `total_count` is not a whole number ≥ 0, is above
 *   `MAX_LIST_ITEMS` or needs more than `MAX_LIST_PAGES` pages (at once, before paging), or
 *   when `MAX_LIST_ROUNDS` rounds all came back inconsistent. ApiError when a page fails.
 */
export async function listAllPages<T>(
  transport: Transport,
  path: string,
  validatePage: ValidateFunction,
  options: ListOptions<T>,
): Promise<T[]> {
  let reason = '';
  for (let round = 1; round <= MAX_LIST_ROUNDS; round++) {
    const result = await listOnce(transport, path, validatePage, options);
    if (typeof result !== 'string') return result;
    reason = result;
    if (round < MAX_LIST_ROUNDS)
      options.logger?.info({ path, round, reason }, 'the listing was inconsistent; listing again');
  }
  throw listingError(path, `${reason} (${String(MAX_LIST_ROUNDS)} rounds)`);
}

/** One round: the items, or why the pages cannot be trusted. */
async function listOnce<T>(
  transport: Transport,
  path: string,
  validatePage: ValidateFunction,
  options: ListOptions<T>,
): Promise<T[] | string> {
  const fetchPage = (offset: number) =>
    transport.request<Page<T>>({
      method: 'GET',
      path,
      query: { offset, limit: PAGE_LIMIT },
      validate: validatePage,
    });
  const first = await fetchPage(0);
  const total = first.total_count;
  if (!Number.isSafeInteger(total) || total < 0)
    throw listingError(path, `total_count ${describeCount(total)} is not a whole number ≥ 0`);
  if (total > MAX_LIST_ITEMS)
    throw listingError(
      path,
      `total_count ${String(total)} is above the ${String(MAX_LIST_ITEMS)} items orws lists at most`,
    );
  const served = first.data.length;
  checkPageSize(path, 1, served);
  const pageSize = served > 0 && served < Math.min(PAGE_LIMIT, total) ? served : PAGE_LIMIT;
  const pagesTotal = Math.max(1, Math.ceil(total / pageSize));
  if (pagesTotal > MAX_LIST_PAGES)
    throw listingError(
      path,
      `the server pages by ${String(pageSize)}, so its ${String(total)} items would take ${String(pagesTotal)} requests, above the ${String(MAX_LIST_PAGES)} pages orws makes at most`,
    );
  const pages: (T[] | undefined)[] = [first.data];
  const problems: string[] = [];
  let pagesDone = 1;
  options.onProgress?.(pagesDone, pagesTotal);
  let next = 1;
  let stop = served === 0;
  if (stop && total > 0) problems.push('the first page is empty');
  const work = async () => {
    while (!stop && next < pagesTotal) {
      const index = next++;
      try {
        const page = await fetchPage(index * pageSize);
        checkPageSize(path, index + 1, page.data.length);
        pages[index] = page.data;
        if (page.total_count !== total)
          problems.push(
            `the pages give different total_counts (${String(total)}, ${describeCount(page.total_count)})`,
          );
        if (page.data.length === 0) {
          stop = true;
          problems.push(`page ${String(index + 1)} of ${String(pagesTotal)} is empty`);
        }
      } catch (error) {
        stop = true;
        throw error;
      }
      pagesDone++;
      options.onProgress?.(pagesDone, pagesTotal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PAGE_WINDOW, pagesTotal - 1) }, work));

  const items: T[] = [];
  const seen = new Set<string>();
  let repeated = 0;
  for (const page of pages) {
    for (const item of page ?? []) {
      const id = options.idOf(item);
      if (seen.has(id)) repeated++;
      else seen.add(id);
      items.push(item);
    }
  }
  if (repeated > 0) problems.push(`${String(repeated)} item(s) appear on more than one page`);
  if (problems.length === 0 && items.length !== total)
    problems.push(
      `the pages hold ${String(items.length)} items, total_count says ${String(total)}`,
    );
  return problems.length === 0 ? items : (problems[0] ?? 'inconsistent pages');
}

/** A page over the limit asked for breaks paging itself (and would let memory grow unbounded). */
function checkPageSize(path: string, page: number, size: number): void {
  if (size > PAGE_LIMIT)
    throw listingError(
      path,
      `page ${String(page)} holds ${String(size)} items, more than the limit of ${String(PAGE_LIMIT)} asked for`,
    );
}

function listingError(path: string, reason: string): ListingError {
  return new ListingError(
    `the listing of ${path} could not be made complete and consistent: ${reason}`,
    { method: 'GET', path, sent: true },
  );
}

/** A count from the server, shown only when it is a number (any other value only by its type). */
function describeCount(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : `of type ${typeof value}`;
}
