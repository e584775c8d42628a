import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchFeed, parseRetryAfter } from './fetch-feed.js';

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title></item></channel></rss>';

interface TestServer {
  url: string;
  port: number;
  connections: number;
  closedSockets: number;
  server: Server | TcpServer;
}

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    if ('closeAllConnections' in s.server) s.server.closeAllConnections();
    for (const socket of sockets.get(s.server) ?? []) socket.destroy();
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
  }
});

const sockets = new Map<Server | TcpServer, Socket[]>();

function track(server: Server | TcpServer, ts: Omit<TestServer, 'url' | 'port'>): void {
  server.on('connection', (socket: Socket) => {
    sockets.set(server, [...(sockets.get(server) ?? []), socket]);
    ts.connections += 1;
    socket.on('close', () => {
      ts.closedSockets += 1;
    });
  });
}

async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createHttpServer(handler);
  const ts = { connections: 0, closedSockets: 0, server } as TestServer;
  track(server, ts);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ts.port = (server.address() as AddressInfo).port;
  ts.url = `http://127.0.0.1:${ts.port}`;
  servers.push(ts);
  return ts;
}

/** A raw TCP server that accepts connections and never says anything. */
async function silentServer(): Promise<TestServer> {
  // resume(): read (and drop) what the client sends, so its FIN is seen and the socket can close.
  const server = createTcpServer((socket) => socket.resume());
  const ts = { connections: 0, closedSockets: 0, server } as TestServer;
  track(server, ts);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ts.port = (server.address() as AddressInfo).port;
  ts.url = `http://127.0.0.1:${ts.port}`;
  servers.push(ts);
  return ts;
}

/** Polls `condition` until it holds or the deadline passes (no fixed sleeps). */
async function eventually(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const LOCAL = { allowPrivateAddresses: true } as const;

describe('fetchFeed: success paths', () => {
  it('returns the body with validators, content type and charset', async () => {
    const s = await httpServer((req, res) => {
      expect(req.headers['user-agent']).toMatch(/^Vigie\/0\.1 /);
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=ISO-8859-1', etag: '"v1"', 'last-modified': 'Sat, 01 Mar 2025 10:00:00 GMT' });
      res.end(FEED);
    });
    const r = await fetchFeed(`${s.url}/feed`, LOCAL);
    expect(r).toMatchObject({ kind: 'ok', status: 200, contentType: 'application/rss+xml', charset: 'iso-8859-1', etag: '"v1"', lastModified: 'Sat, 01 Mar 2025 10:00:00 GMT', redirects: 0 });
    if (r.kind === 'ok') expect(r.body.toString()).toBe(FEED);
  });

  it('sends conditional headers and reports 304 as not_modified', async () => {
    const seen: Array<string | undefined> = [];
    const s = await httpServer((req, res) => {
      seen.push(req.headers['if-none-match'], req.headers['if-modified-since']);
      res.writeHead(req.headers['if-none-match'] === '"v1"' ? 304 : 200);
      res.end(req.headers['if-none-match'] === '"v1"' ? undefined : FEED);
    });
    const r = await fetchFeed(s.url, { ...LOCAL, etag: '"v1"', lastModified: 'Sat, 01 Mar 2025 10:00:00 GMT' });
    expect(r.kind).toBe('not_modified');
    expect(seen).toEqual(['"v1"', 'Sat, 01 Mar 2025 10:00:00 GMT']);
  });

  it('decompresses gzip, br and deflate, and sniffs gzip without Content-Encoding', async () => {
    const s = await httpServer((req, res) => {
      if (req.url === '/gzip') res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(FEED));
      else if (req.url === '/br') res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync(FEED));
      else if (req.url === '/sniff') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(gzipSync(FEED));
      else res.writeHead(200, { 'content-encoding': 'deflate' }).end(Buffer.from(FEED));
    });
    for (const path of ['/gzip', '/br', '/sniff']) {
      const r = await fetchFeed(`${s.url}${path}`, LOCAL);
      expect(r.kind === 'ok' && r.body.toString()).toBe(FEED);
    }
    const bad = await fetchFeed(`${s.url}/deflate-lie`, LOCAL);
    expect(bad.kind).toBe('error');
  });

  it('follows redirects, re-checking each hop, and reports a permanent move', async () => {
    const s = await httpServer((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/newer' }).end();
      else if (req.url === '/newer') res.writeHead(308, { location: '/final' }).end();
      else res.writeHead(200).end(FEED);
    });
    const r = await fetchFeed(`${s.url}/old`, LOCAL);
    expect(r).toMatchObject({ kind: 'ok', redirects: 2, finalUrl: `${s.url}/final`, permanentRedirectTo: `${s.url}/final` });
  });
});

describe('fetchFeed: failures are classified', () => {
  it('too_many_redirects after a chain of 6', async () => {
    const s = await httpServer((req, res) => {
      const n = Number((req.url ?? '/0').slice(1));
      res.writeHead(302, { location: `/${n + 1}` }).end();
    });
    const r = await fetchFeed(`${s.url}/0`, LOCAL);
    expect(r).toMatchObject({ kind: 'error', code: 'too_many_redirects' });
  });

  it('redirect_loop', async () => {
    const s = await httpServer((req, res) => res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end());
    expect(await fetchFeed(`${s.url}/a`, LOCAL)).toMatchObject({ kind: 'error', code: 'redirect_loop' });
  });

  it('http_gone, http_blocked, http_not_found, http_server_error', async () => {
    const s = await httpServer((req, res) => res.writeHead(Number(req.url?.slice(1))).end('no'));
    expect(await fetchFeed(`${s.url}/410`, LOCAL)).toMatchObject({ code: 'http_gone', status: 410 });
    expect(await fetchFeed(`${s.url}/403`, LOCAL)).toMatchObject({ code: 'http_blocked', status: 403 });
    expect(await fetchFeed(`${s.url}/401`, LOCAL)).toMatchObject({ code: 'http_blocked', status: 401 });
    expect(await fetchFeed(`${s.url}/404`, LOCAL)).toMatchObject({ code: 'http_not_found' });
    expect(await fetchFeed(`${s.url}/500`, LOCAL)).toMatchObject({ code: 'http_server_error' });
    expect(await fetchFeed(`${s.url}/503`, LOCAL)).toMatchObject({ code: 'http_server_error' });
  });

  it('rate_limited with Retry-After in seconds and as an HTTP date', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    const s = await httpServer((req, res) => {
      if (req.url === '/secs') res.writeHead(429, { 'retry-after': '90' }).end();
      else res.writeHead(503, { 'retry-after': at }).end();
    });
    const a = await fetchFeed(`${s.url}/secs`, LOCAL);
    expect(a).toMatchObject({ kind: 'error', code: 'rate_limited', retryAfterMs: 90_000 });
    const b = await fetchFeed(`${s.url}/date`, LOCAL);
    expect(b).toMatchObject({ kind: 'error', code: 'rate_limited', status: 503 });
    expect(b.kind === 'error' && b.retryAfterMs).toBeGreaterThan(100_000);
    expect(b.kind === 'error' && b.retryAfterMs).toBeLessThanOrEqual(120_000);
    expect(parseRetryAfter('garbage')).toBeUndefined();
  });

  it('bot_challenge for a Cloudflare interstitial, whatever the status', async () => {
    const page = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="cf-challenge-running"></div><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script></body></html>';
    const s = await httpServer((req, res) => res.writeHead(req.url === '/200' ? 200 : 403, { 'content-type': 'text/html' }).end(page));
    expect(await fetchFeed(`${s.url}/403`, LOCAL)).toMatchObject({ kind: 'error', code: 'bot_challenge', status: 403 });
    expect(await fetchFeed(`${s.url}/200`, LOCAL)).toMatchObject({ kind: 'error', code: 'bot_challenge', status: 200 });
  });

  it('too_large when the body passes the cap', async () => {
    const s = await httpServer((_req, res) => res.writeHead(200).end(Buffer.alloc(300_000, 0x41)));
    expect(await fetchFeed(s.url, { ...LOCAL, maxBytes: 100_000 })).toMatchObject({ kind: 'error', code: 'too_large' });
  });

  it.each(['gzip', 'br'])('too_large on a %s decompression bomb, stopping early', async (encoding) => {
    const raw = Buffer.alloc(200 * 1024 * 1024);
    // Zeros compress to almost nothing at the fastest levels too; level 1 keeps the fixture cheap to build.
    const bomb = encoding === 'gzip' ? gzipSync(raw, { level: 1 }) : brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } });
    expect(bomb.length).toBeLessThan(1_000_000);
    const s = await httpServer((_req, res) => res.writeHead(200, { 'content-encoding': encoding }).end(bomb));
    const before = process.memoryUsage().rss;
    const r = await fetchFeed(s.url, { ...LOCAL, maxBytes: 1024 * 1024 });
    expect(r).toMatchObject({ kind: 'error', code: 'too_large' });
    // Stopping early shows in memory: far below the 200 MB the bomb expands to.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('headers timeout destroys the socket', async () => {
    const s = await silentServer();
    const r = await fetchFeed(s.url, { ...LOCAL, headersTimeoutMs: 200 });
    expect(r).toMatchObject({ kind: 'error', code: 'timeout' });
    expect(r.kind === 'error' && r.message).toMatch(/headers timeout/);
    await eventually(() => s.closedSockets === s.connections && s.connections === 1);
  });

  it('connect timeout (TLS handshake never answered) destroys the socket', async () => {
    const s = await silentServer();
    const r = await fetchFeed(`https://127.0.0.1:${s.port}/`, { ...LOCAL, connectTimeoutMs: 200 });
    expect(r).toMatchObject({ kind: 'error', code: 'timeout' });
    expect(r.kind === 'error' && r.message).toMatch(/connect timeout/);
    await eventually(() => s.connections === 1 && s.closedSockets === 1);
  });

  it('total timeout on a slow body destroys the socket', async () => {
    const s = await httpServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('<'), 20);
      res.on('close', () => clearInterval(timer));
    });
    const started = performance.now();
    const r = await fetchFeed(s.url, { ...LOCAL, totalTimeoutMs: 300 });
    expect(r).toMatchObject({ kind: 'error', code: 'timeout' });
    // The body never ends: returning at all proves the total timeout fired (the margin absorbs a loaded CI).
    expect(performance.now() - started).toBeLessThan(10_000);
    await eventually(() => s.connections === 1 && s.closedSockets === 1);
  });
});

describe('fetchFeed: SSRF (default policy)', () => {
  it('refuses loopback targets without connecting', async () => {
    const target = await httpServer((_req, res) => res.end(FEED));
    for (const url of [target.url, `http://localhost:${target.port}/`, `http://[::1]:${target.port}/`, `http://2130706433:${target.port}/`, `http://0x7f.1:${target.port}/`]) {
      const r = await fetchFeed(url);
      expect(r, url).toMatchObject({ kind: 'error', code: 'blocked_address' });
    }
    expect(target.connections).toBe(0);
  });

  it('refuses a redirect to 127.0.0.1 from an allowed host: the target gets no connection', async () => {
    const target = await httpServer((_req, res) => res.end(FEED));
    const origin = await httpServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${target.port}/internal` }).end());
    // Only the origin server is trusted (as an on-premise source would be); its redirect hop is checked anew.
    const r = await fetchFeed(`http://127.0.0.1:${origin.port}/feed`, { trustedOrigins: [origin.url] });
    expect(r).toMatchObject({ kind: 'error', code: 'blocked_address' });
    expect(origin.connections).toBe(1);
    expect(target.connections).toBe(0);
    // Same through a hostname that resolves to loopback: refused at connect time.
    const viaName = await httpServer((_req, res) => res.writeHead(302, { location: `http://metadata.internal:${target.port}/` }).end());
    const resolve = async (): Promise<Array<{ address: string; family: number }>> => [{ address: '127.0.0.1', family: 4 }];
    expect(await fetchFeed(`${viaName.url}/feed`, { trustedOrigins: [viaName.url], resolve })).toMatchObject({ kind: 'error', code: 'blocked_address' });
    expect(viaName.connections).toBe(1);
    expect(target.connections).toBe(0);
  });

  it('refuses a name that resolves to a private address at connect time (DNS rebinding)', async () => {
    const target = await httpServer((_req, res) => res.end(FEED));
    let calls = 0;
    const resolve = async (): Promise<Array<{ address: string; family: number }>> => {
      calls += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const r = await fetchFeed(`http://rebind.example:${target.port}/`, { resolve });
    expect(r).toMatchObject({ kind: 'error', code: 'blocked_address' });
    expect(r.kind === 'error' && r.message).toMatch(/127\.0\.0\.1/);
    expect(calls).toBeGreaterThan(0);
    expect(target.connections).toBe(0);
  });

  it('refuses non-http schemes', async () => {
    expect(await fetchFeed('file:///etc/passwd')).toMatchObject({ kind: 'error', code: 'bad_scheme' });
  });
});
