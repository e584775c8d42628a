/**
 * A folder of recorded feed documents (such as ../shared/feeds), read and parsed as the collector would: used to
 * replay real traffic through the classifier (`vigie eval --feeds`, the classifier benchmark) without a network.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gunzipSync } from 'node:zlib';
import { decodeFeedBytes } from './charset.js';
import { parseFeed } from './parse-feed.js';
import type { NormalisedItem } from './types.js';

/**
 * ../shared/feeds beside the checkout: the recorded real-world feeds (with MANIFEST.tsv) that tests, benchmarks and
 * `vigie eval --feeds` replay. Never copied into the repo; resolved from this file, so the working directory does not
 * matter (src/ and dist/ sit at the same depth).
 */
export const SHARED_FEEDS_DIR = fileURLToPath(new URL('../../../../shared/feeds/', import.meta.url));

/** File bytes, gunzipped when they carry the gzip magic (as fetchFeed does for bodies); a truncated gzip keeps what it holds. */
export function readFeedFile(path: string): Buffer {
  const b = readFileSync(path);
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b, { finishFlush: constants.Z_SYNC_FLUSH }) : b;
}

/** The feed files of a folder: the first column of its MANIFEST.tsv when there is one (in its order), else every file, sorted. */
export function listFeedFolder(dir: string): string[] {
  const manifest = join(dir, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => d.name).sort();
  return readFileSync(manifest, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0] ?? '')
    .filter(Boolean);
}

export interface FeedFolderItem {
  /** The file the item came from. */
  readonly file: string;
  readonly item: NormalisedItem;
}

export interface FeedFolder {
  readonly items: FeedFolderItem[];
  /** Files that are not feeds or could not be read, with the reason (a folder of test documents has some on purpose). */
  readonly failed: { file: string; reason: string }[];
}

/** Parse every feed of a folder, in {@link listFeedFolder} order; a broken file is reported, never thrown. */
export async function parseFeedFolder(dir: string): Promise<FeedFolder> {
  const items: FeedFolderItem[] = [];
  const failed: { file: string; reason: string }[] = [];
  for (const file of listFeedFolder(dir)) {
    try {
      const feed = await parseFeed(decodeFeedBytes(readFeedFile(join(dir, file))).text);
      for (const item of feed.items) items.push({ file, item });
    } catch (err) {
      failed.push({ file, reason: (err as Error).message });
    }
  }
  return { items, failed };
}
