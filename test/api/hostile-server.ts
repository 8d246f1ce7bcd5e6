import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { Workspace } from '../../src/schema/fields.js';
import { workspace } from '../helpers/factories.js';

/** A request a hostile server received. */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
}

/** A node:http server on 127.0.0.1 that answers as `handler` says, closed after the test. */
export interface Hostile {
  /** `http://127.0.0.1:PORT/api/v1` */
  baseUrl: string;
  origin: string;
  seen: Seen[];
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** Starts a server that misbehaves on purpose; `handler` gets the parsed query too. */
export async function hostileServer(
  handler: (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void,
): Promise<Hostile> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams });
    handler(req, res, url.searchParams);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  open.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  const origin = `http://127.0.0.1:${String(port)}`;
  return { baseUrl: `${origin}/api/v1`, origin, seen };
}

/** Answers `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** `n` valid workspaces `w-<start>` … with ids that follow from the number. */
export function fakeWorkspaces(n: number, start = 0): Workspace[] {
  return Array.from({ length: n }, (_, i) => {
    const k = start + i;
    return workspace({
      slug: `w-${String(k)}`,
      id: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
    });
  });
}
