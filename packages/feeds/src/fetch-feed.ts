import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw, constants as zlibConstants } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';
import { checkUrl, createGuardedLookup, type BlockedAddressError, type ResolveHost } from './ssrf-guard.js';
import type { FeedErrorCode } from './errors.js';

/** The User-Agent sent by default: it names Vigie and says where to complain. */
export const DEFAULT_USER_AGENT = 'Vigie/0.1 (+https://github.com/vigie; peacekeeping early warning)';

/** Options of {@link fetchFeed}. Durations in milliseconds, sizes in bytes. */
export interface FetchFeedOptions {
  /** ETag from the previous successful fetch; sent as If-None-Match. */
  etag?: string | null;
  /** Last-Modified from the previous successful fetch; sent as If-Modified-Since. */
  lastModified?: string | null;
  /** Time allowed to open the TCP (and TLS) connection. Default 10 000. */
  connectTimeoutMs?: number;
  /** Time allowed from sending the request to receiving the response headers. Default 15 000. */
  headersTimeoutMs?: number;
  /** Time allowed for the whole fetch, redirects and body included. Default 30 000. */
  totalTimeoutMs?: number;
  /** Cap on the body AFTER decompression. Default 10 MiB. */
  maxBytes?: number;
  /** Redirect hops followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Allow loopback/private/link-local targets (on-premise sources, tests). Default false. */
  allowPrivateAddresses?: boolean;
  /**
   * Origins (`http://intranet.example:8080`) exempt from the address check, for an on-premise source that must be
   * reachable without opening every private range. Redirects out of a trusted origin are checked as usual.
   */
  trustedOrigins?: string[];
  /** Default {@link DEFAULT_USER_AGENT}. */
  userAgent?: string;
  /** Accept header. Default prefers feeds, then XML, then anything. */
  accept?: string;
  /** Cancels the fetch (e.g. on worker shutdown); reported as `fetch_error`. */
  signal?: AbortSignal;
  /** DNS resolver override (tests, custom resolvers). Every address it returns is still SSRF-checked. */
  resolve?: ResolveHost;
}

/** A successful fetch: the raw (decompressed) body and what the caller needs to store for the next poll. */
export interface FetchOk {
  kind: 'ok';
  status: number;
  body: Buffer;
  /** Media type without parameters, lower-cased, or null. */
  contentType: string | null;
  /** `charset` parameter of Content-Type, lower-cased, or null; hand it to `decodeFeedBytes`. */
  charset: string | null;
  etag: string | null;
  lastModified: string | null;
  /** URL of the response after redirects. */
  finalUrl: string;
  /** Redirect hops followed. */
  redirects: number;
  /** Set when the chain starts with permanent redirects (301/308): where they lead. Adopt only if it repeats. */
  permanentRedirectTo?: string;
}

/** The server said the feed has not changed since the validators sent. Counts as a success. */
export interface FetchNotModified {
  kind: 'not_modified';
  finalUrl: string;
  redirects: number;
}

/** A classified failure. `retryAfterMs` is set for `rate_limited` when the server said when to come back. */
export interface FetchError {
  kind: 'error';
  code: FeedErrorCode;
  message: string;
  status?: number;
  retryAfterMs?: number;
  finalUrl?: string;
}

/** Outcome of {@link fetchFeed}. It never throws for network or HTTP problems. */
export type FetchResult = FetchOk | FetchNotModified | FetchError;

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  totalTimeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  accept: 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5',
};

/** How much of an error page is read to recognise a bot challenge. */
const ERROR_BODY_SNIFF_BYTES = 64 * 1024;

class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body exceeds ${limit} bytes after decompression`);
  }
}

/**
 * Fetches a feed (or any page) over HTTP(S) with the protections a collector pointed at the open web needs:
 * connect/headers/total timeouts that destroy the socket, a cap on the decompressed body (gzip, deflate, br,
 * and gzip sniffed by magic bytes), conditional GET, manual redirects with every hop re-checked, and SSRF
 * refusal both for literal addresses and for every address DNS returns at connect time.
 *
 * Each call uses its own connection pool, destroyed before returning, so no socket outlives the call.
 */
export async function fetchFeed(url: string, options: FetchFeedOptions = {}): Promise<FetchResult> {
  const allowPrivate = options.allowPrivateAddresses ?? false;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULTS.totalTimeoutMs;

  const trusted = new Set((options.trustedOrigins ?? []).map((o) => new URL(o).origin));
  let hopTrusted = false;
  let blocked: BlockedAddressError | null = null;
  const agent = new Agent({
    connect: {
      timeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      lookup: createGuardedLookup({
        allowPrivateAddresses: () => allowPrivate || hopTrusted,
        resolve: options.resolve,
        onBlocked: (e) => {
          blocked = e;
        },
      }),
    },
    headersTimeout: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
    // Idle time between body chunks; the total timeout bounds slow-but-steady trickles.
    bodyTimeout: Math.min(totalTimeoutMs, options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs),
    connections: 1,
  });

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no complete response within ${totalTimeoutMs} ms`));
  }, totalTimeoutMs);
  const onOuterAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  let current = url;
  const visited = new Set<string>();
  let redirects = 0;
  let permanentRedirectTo: string | undefined;
  let permanentChain = true;

  try {
    for (;;) {
      hopTrusted = trusted.has(safeOrigin(current));
      const check = checkUrl(current, allowPrivate || hopTrusted);
      if (!check.ok) return { kind: 'error', code: check.code, message: check.message, finalUrl: current };
      const target = check.url;
      visited.add(target.href);

      const headers: Record<string, string> = {
        'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
        accept: options.accept ?? DEFAULTS.accept,
        'accept-encoding': 'gzip, deflate, br',
      };
      if (options.etag) headers['if-none-match'] = options.etag;
      if (options.lastModified) headers['if-modified-since'] = options.lastModified;

      let response: Dispatcher.ResponseData;
      try {
        response = await agent.request({
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          headers,
          signal: controller.signal,
        });
      } catch (err) {
        return classifyNetworkError(err, { timedOut, blocked, totalTimeoutMs, finalUrl: target.href });
      }

      const status = response.statusCode;
      const h = response.headers;
      // Tearing the pool down errors any body not fully read; that is expected, not an unhandled failure.
      response.body.on('error', () => undefined);

      if (status >= 300 && status < 400 && status !== 304) {
        await discard(response.body);
        const location = header(h, 'location');
        if (!location) {
          return { kind: 'error', code: 'fetch_error', status, message: `HTTP ${status} without a Location header`, finalUrl: target.href };
        }
        let next: URL;
        try {
          next = new URL(location, target);
        } catch {
          return { kind: 'error', code: 'fetch_error', status, message: `HTTP ${status} to an invalid Location "${location}"`, finalUrl: target.href };
        }
        next.hash = '';
        if (visited.has(next.href)) {
          return { kind: 'error', code: 'redirect_loop', status, message: `redirect loop: ${target.href} leads back to ${next.href}; fix the source URL`, finalUrl: target.href };
        }
        if (redirects >= maxRedirects) {
          return { kind: 'error', code: 'too_many_redirects', status, message: `more than ${maxRedirects} redirects; point the source at the final URL`, finalUrl: target.href };
        }
        redirects += 1;
        if (permanentChain && (status === 301 || status === 308)) permanentRedirectTo = next.href;
        else permanentChain = false;
        current = next.href;
        continue;
      }

      if (status === 304) {
        await discard(response.body);
        return { kind: 'not_modified', finalUrl: target.href, redirects };
      }

      const rawType = header(h, 'content-type');
      const { mediaType, charset } = parseContentType(rawType);

      if (status >= 200 && status < 300) {
        let body: Buffer;
        try {
          body = await readBody(response.body, header(h, 'content-encoding'), maxBytes, controller.signal);
        } catch (err) {
          return classifyBodyError(err, { timedOut, totalTimeoutMs, finalUrl: target.href, status });
        }
        if (looksLikeHtml(mediaType, body) && detectBotChallenge(body.toString('latin1', 0, ERROR_BODY_SNIFF_BYTES), h)) {
          return { kind: 'error', code: 'bot_challenge', status, message: 'the site answered with a bot-challenge page (Cloudflare/captcha); ask the publisher for access or use another URL', finalUrl: target.href };
        }
        const result: FetchOk = {
          kind: 'ok',
          status,
          body,
          contentType: mediaType,
          charset,
          etag: header(h, 'etag'),
          lastModified: header(h, 'last-modified'),
          finalUrl: target.href,
          redirects,
        };
        if (permanentRedirectTo !== undefined && redirects > 0) result.permanentRedirectTo = permanentRedirectTo;
        return result;
      }

      // Error statuses: read a little of the body to recognise challenge pages, never the whole thing.
      let snippet = '';
      try {
        snippet = (await readBody(response.body, header(h, 'content-encoding'), ERROR_BODY_SNIFF_BYTES, controller.signal, true)).toString('latin1');
      } catch {
        response.body.destroy();
      }
      return classifyStatus(status, h, snippet, target.href);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
    // destroy(), not close(): close() waits for in-flight requests, and we want sockets gone now.
    await agent.destroy().catch(() => undefined);
  }
}

/** Reads and drops a small body (redirect, 304) so the connection stays clean; gives up past 64 KiB. */
async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function classifyStatus(status: number, h: Dispatcher.ResponseData['headers'], snippet: string, finalUrl: string): FetchError {
  const base = { kind: 'error' as const, status, finalUrl };
  if ((status === 403 || status === 503 || status === 429 || status === 401) && detectBotChallenge(snippet, h)) {
    return { ...base, code: 'bot_challenge', message: `HTTP ${status} bot-challenge page (Cloudflare/captcha); ask the publisher for access or use another URL` };
  }
  if (status === 404) return { ...base, code: 'http_not_found', message: 'HTTP 404: the feed is not there (may be temporary); check the URL if it persists' };
  if (status === 410) return { ...base, code: 'http_gone', message: 'HTTP 410: the publisher removed this feed for good; disable the source or find its new URL' };
  if (status === 401 || status === 403) return { ...base, code: 'http_blocked', message: `HTTP ${status}: access refused; the site may block crawlers or need credentials` };
  const retryAfterMs = parseRetryAfter(header(h, 'retry-after'));
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
    const error: FetchError = { ...base, code: 'rate_limited', message: `HTTP ${status}: rate limited; retry later${retryAfterMs !== undefined ? ` (in ${Math.round(retryAfterMs / 1000)} s)` : ''}` };
    if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
    return error;
  }
  if (status >= 500) return { ...base, code: 'http_server_error', message: `HTTP ${status}: server error; will retry` };
  return { ...base, code: 'fetch_error', message: `unexpected HTTP ${status}` };
}

interface ErrorContext {
  timedOut: boolean;
  totalTimeoutMs: number;
  finalUrl: string;
  blocked?: BlockedAddressError | null;
  status?: number;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function classifyNetworkError(err: unknown, ctx: ErrorContext): FetchError {
  const code = errorCode(err);
  const cause = err instanceof Error ? err.cause : undefined;
  if (ctx.blocked || code === 'VIGIE_BLOCKED_ADDRESS' || errorCode(cause) === 'VIGIE_BLOCKED_ADDRESS') {
    const message = ctx.blocked?.message ?? errorMessage(err);
    return { kind: 'error', code: 'blocked_address', message: `${message}; private and internal addresses are refused (allowPrivateAddresses enables them for on-premise sources)`, finalUrl: ctx.finalUrl };
  }
  if (ctx.timedOut) return { kind: 'error', code: 'timeout', message: `no complete response within ${ctx.totalTimeoutMs} ms; the server is too slow or unreachable`, finalUrl: ctx.finalUrl };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'error', code: 'timeout', message: 'connect timeout: the server did not accept the connection in time', finalUrl: ctx.finalUrl };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { kind: 'error', code: 'timeout', message: 'headers timeout: the server accepted the connection but did not answer in time', finalUrl: ctx.finalUrl };
  if (code === 'UND_ERR_BODY_TIMEOUT') return { kind: 'error', code: 'timeout', message: 'body timeout: the server stopped sending', finalUrl: ctx.finalUrl };
  return { kind: 'error', code: 'fetch_error', message: `network error${code ? ` ${code}` : ''}: ${errorMessage(err)}`, finalUrl: ctx.finalUrl };
}

function classifyBodyError(err: unknown, ctx: ErrorContext): FetchError {
  if (err instanceof BodyTooLargeError) {
    return { kind: 'error', code: 'too_large', status: ctx.status, message: `${err.message}; the feed is too big to collect (raise maxBytes if it is legitimate)`, finalUrl: ctx.finalUrl };
  }
  const e = classifyNetworkError(err, ctx);
  if (e.code === 'fetch_error' && /incorrect header|invalid|unexpected end|Decompression/i.test(e.message)) {
    return { ...e, status: ctx.status, message: `the body could not be decompressed: ${errorMessage(err)}` };
  }
  return { ...e, status: ctx.status };
}

function header(h: Dispatcher.ResponseData['headers'], name: string): string | null {
  const v = h[name];
  if (Array.isArray(v)) return v[0] ?? null;
  return v ?? null;
}

/** Splits `text/xml; charset="ISO-8859-1"` into its media type and charset, both lower-cased. */
export function parseContentType(value: string | null): { mediaType: string | null; charset: string | null } {
  if (!value) return { mediaType: null, charset: null };
  const [type, ...params] = value.split(';');
  let charset: string | null = null;
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p);
    if (m?.[1]) charset = m[1].toLowerCase();
  }
  const mediaType = type?.trim().toLowerCase() || null;
  return { mediaType, charset };
}

/**
 * Parses Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns milliseconds from now (never
 * negative), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

const CHALLENGE_MARKERS: RegExp[] = [
  /<title>\s*just a moment/i,
  /<title>\s*attention required!? \| cloudflare/i,
  /cf-browser-verification|cf_chl_|challenge-platform|cf-challenge/i,
  /checking (?:if the site connection is secure|your browser before accessing)/i,
  /enable javascript and cookies to continue/i,
  /g-recaptcha|hcaptcha\.com|h-captcha|captcha-delivery\.com|px-captcha|geo\.captcha/i,
  /_incapsula_resource|ddos-guard|sucuri website firewall|awswaf/i,
];

/** Recognises Cloudflare / captcha / anti-bot interstitials in an HTML page (and Cloudflare's header). */
export function detectBotChallenge(html: string, headers?: Dispatcher.ResponseData['headers']): boolean {
  if (headers && header(headers, 'cf-mitigated') === 'challenge') return true;
  return CHALLENGE_MARKERS.some((re) => re.test(html));
}

function looksLikeHtml(mediaType: string | null, body: Buffer): boolean {
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return true;
  const head = body.toString('latin1', 0, 512).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/**
 * A transform that passes bytes through unless they start with the gzip magic bytes (1f 8b), in which case it
 * decompresses them: publishers serve `.xml.gz` files without Content-Encoding.
 */
class GzipSniffer extends Transform {
  private decided = false;
  private gunzip: Transform | null = null;
  private pendingEnd: TransformCallback | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (!this.decided) {
      this.decided = true;
      if (chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
        const gunzip = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
        gunzip.on('data', (data: Buffer) => {
          // Respect backpressure from the byte counter so a bomb cannot outrun it.
          if (!this.push(data)) gunzip.pause();
        });
        gunzip.on('error', (err) => this.destroy(err));
        gunzip.on('end', () => this.pendingEnd?.());
        this.gunzip = gunzip;
      }
    }
    if (this.gunzip) {
      if (this.gunzip.write(chunk)) callback();
      else this.gunzip.once('drain', () => callback());
    } else callback(null, chunk);
  }

  override _read(size: number): void {
    this.gunzip?.resume();
    super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.gunzip) return callback();
    this.pendingEnd = callback;
    this.gunzip.end();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.gunzip?.destroy();
    callback(err);
  }
}

function decoderFor(encoding: string): Transform | null {
  // Z_SYNC_FLUSH tolerates gzip streams missing their trailer, which real servers send.
  const lenient = { finishFlush: zlibConstants.Z_SYNC_FLUSH };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip(lenient);
    case 'deflate':
      return new DeflateAutoDetect();
    case 'br':
      return createBrotliDecompress({ finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH });
    case 'identity':
    case '':
      return null;
    default:
      throw new Error(`unsupported Content-Encoding "${encoding}"`);
  }
}

/** "deflate" is zlib-wrapped per the RFC, but many servers send raw deflate: pick by the first byte. */
class DeflateAutoDetect extends Transform {
  private inner: Transform | null = null;
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (!this.inner) {
      const lenient = { finishFlush: zlibConstants.Z_SYNC_FLUSH };
      this.inner = ((chunk[0] ?? 0) & 0x0f) === 0x08 ? createInflate(lenient) : createInflateRaw(lenient);
      this.inner.on('data', (d: Buffer) => this.push(d));
      this.inner.on('error', (e) => this.destroy(e));
    }
    if (this.inner.write(chunk)) callback();
    else this.inner.once('drain', () => callback());
  }
  override _flush(callback: TransformCallback): void {
    if (!this.inner) return callback();
    this.inner.once('end', () => callback());
    this.inner.end();
  }
}

/**
 * Reads a response body through its Content-Encoding decoders and the gzip sniffer, counting DECODED bytes and
 * aborting the whole pipeline (which destroys the socket) the moment the count passes `maxBytes`.
 * With `truncate`, stops quietly at the cap instead (used to sniff error pages).
 */
async function readBody(body: Readable, contentEncoding: string | null, maxBytes: number, signal: AbortSignal, truncate = false): Promise<Buffer> {
  const encodings = (contentEncoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== 'identity')
    .reverse();
  const stages: Transform[] = [];
  for (const enc of encodings) {
    const d = decoderFor(enc);
    if (d) stages.push(d);
  }
  stages.push(new GzipSniffer());
  const chunks: Buffer[] = [];
  let total = 0;
  // pipeline() may reject with a generic AbortError once it tears the streams down; remember our own reason.
  let stopReason: Error | null = null;
  const sink = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) {
        if (truncate) {
          chunks.push(chunk.subarray(0, chunk.length - (total - maxBytes)));
          total = maxBytes;
          stopReason = new TruncatedOk();
        } else stopReason = new BodyTooLargeError(maxBytes);
        throw stopReason;
      }
      chunks.push(chunk);
    }
  };
  try {
    // The stage count varies, which pipeline()'s overloads cannot express; the runtime accepts any stream list.
    const run = pipeline as unknown as (...args: unknown[]) => Promise<void>;
    await run(body, ...stages, sink, { signal });
  } catch (err) {
    const reason = stopReason as Error | null;
    if (reason instanceof TruncatedOk) return Buffer.concat(chunks, total);
    throw reason ?? err;
  }
  return Buffer.concat(chunks, total);
}

class TruncatedOk extends Error {}
