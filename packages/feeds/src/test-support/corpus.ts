import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFeedFile, SHARED_FEEDS_DIR } from '../feed-folder.js';

/** The shared feed corpus, outside the repo (never copied in): see {@link SHARED_FEEDS_DIR}. */
export const CORPUS_DIR = SHARED_FEEDS_DIR;
export const DATASETS_DIR = fileURLToPath(new URL('../../../../../shared/datasets/', import.meta.url));

export const corpusAvailable = existsSync(`${CORPUS_DIR}MANIFEST.tsv`);

export interface ManifestRow {
  file: string;
  format: string;
  notable: string;
  /** Numeric expected item count, or null when the manifest gives none (or a non-numeric expectation). */
  expectedItems: number | null;
  expectedRaw: string;
}

export function readManifest(): ManifestRow[] {
  return readFileSync(`${CORPUS_DIR}MANIFEST.tsv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const c = line.split('\t');
      const raw = c[8] ?? '';
      return { file: c[0] ?? '', format: c[5] ?? '', notable: c[7] ?? '', expectedItems: /^\d+$/.test(raw) ? Number(raw) : null, expectedRaw: raw };
    });
}

/** File bytes, gunzipped when they carry the gzip magic (as fetchFeed does for bodies). */
export function readCorpusFile(file: string): Buffer {
  return readFeedFile(`${CORPUS_DIR}${file}`);
}
