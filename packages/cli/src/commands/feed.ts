import { readFile } from 'node:fs/promises';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import type { Command } from 'commander';
import { decodeFeedBytes, fetchFeed, FeedError, parseFeed, type FeedErrorCode, type ParsedFeed } from '@vigie/feeds';

/** Error codes the `feed parse` JSON contract promises; finer fetch codes are reported in `detail`. */
type CliErrorCode = 'parse_error' | 'not_a_feed' | 'too_large' | 'timeout' | 'blocked_address' | 'fetch_error';

interface CliFailure {
  ok: false;
  error: { code: CliErrorCode; message: string; detail?: FeedErrorCode };
}

function toCliCode(code: FeedErrorCode): CliErrorCode {
  switch (code) {
    case 'parse_error':
    case 'not_a_feed':
    case 'too_large':
    case 'timeout':
    case 'blocked_address':
    case 'fetch_error':
      return code;
    case 'empty':
      return 'parse_error';
    case 'bad_scheme':
      return 'blocked_address';
    default:
      return 'fetch_error';
  }
}

function failure(code: FeedErrorCode, message: string): CliFailure {
  const cli = toCliCode(code);
  return { ok: false, error: cli === code ? { code: cli, message } : { code: cli, message, detail: code } };
}

function success(feed: ParsedFeed): unknown {
  return {
    ok: true,
    format: feed.format,
    title: feed.title,
    items: feed.items.map((i) => ({
      id: i.id,
      guid: i.guid,
      url: i.url,
      title: i.title,
      text: i.text,
      publishedAt: i.publishedAt ? i.publishedAt.toISOString() : null,
      author: i.author,
      language: i.language,
      media: i.media,
    })),
    warnings: [...feed.warnings, ...feed.items.flatMap((i) => i.warnings.map((w) => `${i.id}: ${w}`))],
  };
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;

async function parseTarget(target: string, opts: { allowPrivate?: boolean; maxBytes: number }): Promise<unknown> {
  let bytes: Buffer;
  let charset: string | null = null;
  let feedUrl: string | null = null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const r = await fetchFeed(target, { allowPrivateAddresses: opts.allowPrivate ?? false, maxBytes: opts.maxBytes });
    if (r.kind === 'error') return failure(r.code, r.code === 'blocked_address' ? `${r.message}; with this CLI, pass --allow-private` : r.message);
    if (r.kind === 'not_modified') return failure('fetch_error', 'the server answered 304 Not Modified to an unconditional request');
    bytes = r.body;
    charset = r.charset;
    feedUrl = r.finalUrl;
  } else {
    try {
      bytes = await readFile(target);
    } catch (err) {
      return failure('fetch_error', `cannot read "${target}": ${(err as Error).message}; give a readable file path or an http(s) URL`);
    }
    if (bytes.length > MAX_FILE_BYTES) return failure('too_large', `"${target}" is over ${MAX_FILE_BYTES} bytes; this is not a feed`);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        bytes = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: opts.maxBytes });
      } catch (err) {
        const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        return failure(tooBig ? 'too_large' : 'parse_error', tooBig ? `"${target}" decompresses to more than ${opts.maxBytes} bytes` : `"${target}" looks gzip-compressed but does not decompress: ${(err as Error).message}`);
      }
    }
  }
  const decoded = decodeFeedBytes(bytes, charset);
  try {
    const feed = await parseFeed(decoded.text, { feedUrl });
    feed.warnings.unshift(...decoded.warnings);
    return success(feed);
  } catch (err) {
    if (err instanceof FeedError) return failure(err.code, err.message);
    throw err;
  }
}

/** `vigie feed parse <file|url>`: one JSON document on stdout; exit 0 on success, 2 on a classified failure. */
export function registerFeed(program: Command): void {
  const feed = program.command('feed').description('Feed tools');
  feed
    .command('parse')
    .description('Parse a feed file (plain or gzip) or URL and print one JSON document')
    .argument('<file|url>', 'path to a feed file, or an http(s) URL (fetched SSRF-safely)')
    .option('--allow-private', 'allow URLs on loopback/private networks (on-premise sources, tests)')
    .option('--max-bytes <n>', 'cap on the decompressed size', (v) => Number.parseInt(v, 10), 10 * 1024 * 1024)
    .action(async (target: string, opts: { allowPrivate?: boolean; maxBytes: number }) => {
      const result = await parseTarget(target, opts);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exitCode = (result as { ok: boolean }).ok ? 0 : 2;
    });
}
