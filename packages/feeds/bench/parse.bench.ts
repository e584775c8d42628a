// Parse+normalise throughput over the shared feed corpus, one core, with plain rss-parser `parseString` as the
// baseline in the same run. Not a test: run with `tsx packages/feeds/bench/parse.bench.ts` (root script
// `bench:collector`). Prints a markdown table.
import { join } from 'node:path';
import RssParser from 'rss-parser';
import { decodeFeedBytes } from '../src/charset.js';
import { listFeedFolder, readFeedFile, SHARED_FEEDS_DIR } from '../src/feed-folder.js';
import { parseFeed } from '../src/parse-feed.js';

const files = listFeedFolder(SHARED_FEEDS_DIR);

interface Doc {
  file: string;
  bytes: Buffer;
  text: string;
}
const docs: Doc[] = files.map((file) => {
  const bytes = readFeedFile(join(SHARED_FEEDS_DIR, file));
  return { file, bytes, text: decodeFeedBytes(bytes).text };
});
const totalBytes = docs.reduce((n, d) => n + d.bytes.length, 0);

async function vigieRound(): Promise<{ items: number; failed: number }> {
  let items = 0;
  let failed = 0;
  for (const d of docs) {
    try {
      // Decoding is part of the work a collector does per fetched body, so it is inside the timed loop.
      const feed = await parseFeed(decodeFeedBytes(d.bytes).text, { feedUrl: 'https://feeds.example.org/' });
      items += feed.items.length;
    } catch {
      failed += 1;
    }
  }
  return { items, failed };
}

const plain = new RssParser();
async function baselineRound(): Promise<{ items: number; failed: number }> {
  let items = 0;
  let failed = 0;
  for (const d of docs) {
    try {
      const feed = await plain.parseString(d.text);
      items += feed.items.length;
    } catch {
      failed += 1;
    }
  }
  return { items, failed };
}

async function measure(round: () => Promise<{ items: number; failed: number }>, minMs = 5000): Promise<{ itemsPerS: number; docsPerS: number; mbPerS: number; items: number; failed: number; rounds: number }> {
  await round(); // warm-up (JIT, lazy module init)
  let rounds = 0;
  let items = 0;
  let failed = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    const r = await round();
    items = r.items;
    failed = r.failed;
    rounds += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return { itemsPerS: (items * rounds) / seconds, docsPerS: (docs.length * rounds) / seconds, mbPerS: (totalBytes * rounds) / seconds / 1e6, items, failed, rounds };
}

const vigie = await measure(vigieRound);
const baseline = await measure(baselineRound);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`Corpus: ${docs.length} documents, ${(totalBytes / 1e6).toFixed(1)} MB; Node ${process.version}, one core.\n`);
console.log('| parser | items/doc pass | failed docs | items/s | docs/s | MB/s |');
console.log('|---|---|---|---|---|---|');
console.log(`| @vigie/feeds decode+parseFeed (sanitise, rss-parser, normalise, lang-id, simhash) | ${vigie.items} | ${vigie.failed} | ${fmt(vigie.itemsPerS)} | ${fmt(vigie.docsPerS)} | ${vigie.mbPerS.toFixed(1)} |`);
console.log(`| rss-parser parseString (baseline, no normalisation) | ${baseline.items} | ${baseline.failed} | ${fmt(baseline.itemsPerS)} | ${fmt(baseline.docsPerS)} | ${baseline.mbPerS.toFixed(1)} |`);
console.log(`\nTarget ≥ 2,000 items/s: ${vigie.itemsPerS >= 2000 ? 'met' : 'NOT met'}.`);

// The corpus promise is "every file parsed or classified within a second": report the slowest files.
const perFile: { file: string; ms: number }[] = [];
for (const d of docs) {
  const started = performance.now();
  try {
    await parseFeed(decodeFeedBytes(d.bytes).text, { feedUrl: 'https://feeds.example.org/' });
  } catch {
    // classified failures count too: the time to reach the verdict is what matters
  }
  perFile.push({ file: d.file, ms: performance.now() - started });
}
perFile.sort((a, b) => b.ms - a.ms);
console.log(`\nSlowest files (budget 1,000 ms each): ${perFile.slice(0, 3).map((f) => `${f.file} ${f.ms.toFixed(0)} ms`).join(', ')}`);
console.log(`Files over 1 s: ${perFile.filter((f) => f.ms > 1000).length}`);
