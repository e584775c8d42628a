import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

/** A loopback HTTP server serving fixed documents by path, counting requests per path. */
export interface FeedServer {
  readonly baseUrl: string;
  readonly hits: Map<string, number>;
  set(path: string, body: string | Buffer, contentType?: string): void;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const docs = new Map<string, { body: Buffer; type: string }>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const doc = docs.get(path);
    if (!doc) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': doc.type, 'content-length': doc.body.length }).end(doc.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    hits,
    set(path, body, contentType = 'application/rss+xml; charset=utf-8') {
      docs.set(path, { body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), type: contentType });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sampleFeed(name: string): string {
  return readFileSync(new URL(`../../infra/local/sample-feeds/${name}`, import.meta.url), 'utf8');
}
