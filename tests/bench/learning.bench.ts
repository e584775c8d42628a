/**
 * `npm run bench:learning` — the learning loop's costs: storing a classifier version, loading + validating one
 * (what a worker does before a hot-swap), the activation → swap latency in a running classifier service (pub/sub
 * path), and re-classification throughput through the classify-item path. Not a test: prints a markdown table.
 *
 * BENCH_ITEMS (default 300) items are real texts from packages/nlp/data/dev.jsonl (cycled). Starts its own FerretDB
 * (SQLite) unless BENCH_MONGO_URL is set; uses the Redis at REDIS_URL (or starts one).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifierActivationChannel } from '@vigie/contracts';
import {
  activateClassifierVersion,
  activeClassifierPointer,
  classifierPartsOf,
  connectMongo,
  createModels,
  createReclassifyRun,
  ensureIndexes,
  loadClassifierParts,
  saveClassifierVersion,
  upsertItem,
} from '@vigie/db';
import { ensureRedis, startFerretDb } from '@vigie/devstack';
import { buildVersionedClassifier, bundleFromParts, bundleParts, identifyBundle, loadBuiltinBundle } from '@vigie/nlp';
import { createLogger, createRedisConnection, createTypedQueue } from '@vigie/runtime';
import { JOBS } from '@vigie/contracts';
import { loadConfig, startClassifier } from '@vigie/classifier';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 300);
const log = (m: string) => process.stderr.write(`${m}\n`);
const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-learning-'));
const redisHandle = await ensureRedis({ url: process.env.REDIS_URL, dataDir: join(dir, 'redis'), progress: log });
const ferret = process.env.BENCH_MONGO_URL ? null : await startFerretDb({ dataDir: join(dir, 'ferretdb'), progress: log });
const mongoUrl = process.env.BENCH_MONGO_URL ?? ferret!.url;
const dbName = `vigie_bench_learning_${Date.now()}`;
const prefix = `vigiebench:${Date.now()}`;
const connection = await connectMongo(mongoUrl, { dbName, appName: 'bench' });
const models = createModels(connection);
await ensureIndexes(models);
const rows: [string, string][] = [];
const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// 1. Store the built-in bundle as a version (gzip, content-addressed chunks).
const bundle = loadBuiltinBundle();
let t0 = performance.now();
const { version } = await saveClassifierVersion(
  models,
  bundleParts(bundle),
  identifyBundle(bundle),
  () => ({ catalogueVersion: bundle.catalogue.version, source: 'builtin', author: 'bench', at: new Date() }),
);
rows.push(['store a version (catalogue + 2.7 MB model + hate model, first time)', `${ms(t0).toFixed(0)} ms`]);
const stored = await models.classifierBlobs.find({}, { data: 1 }).lean();
rows.push(['stored size (gzip, all parts)', `${(stored.reduce((s, b) => s + (b.data as unknown as { buffer: Uint8Array }).buffer.byteLength, 0) / 1024).toFixed(0)} KiB in ${stored.length} chunk(s)`]);

// 2. Load + validate (what a worker does before swapping), three times.
const loads: number[] = [];
for (let i = 0; i < 3; i++) {
  t0 = performance.now();
  buildVersionedClassifier(bundleFromParts(await loadClassifierParts(models, classifierPartsOf(version))), version.label);
  loads.push(ms(t0));
}
rows.push(['load + validate a stored version (median of 3)', `${median(loads).toFixed(0)} ms`]);

// 3. Items: real dev texts.
const dev = readFileSync(new URL('../../packages/nlp/data/dev.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; language: string; title?: string });
const source = await models.sources.create({ name: 'bench', kind: 'rss', url: 'https://bench.example/rss' });
t0 = performance.now();
for (let i = 0; i < ITEMS; i++) {
  const d = dev[i % dev.length]!;
  await upsertItem(models, String(source._id), { guid: `b${i}`, url: null, canonicalUrl: null, title: d.title ?? '', text: d.text, author: null, publishedAt: new Date(), language: d.language, languageConfidence: 1, media: [], contentHash: `h${i}`, simhash: null, warnings: [] }, new Date());
}
log(`${ITEMS} items inserted in ${(ms(t0) / 1000).toFixed(1)} s`);

// 4. A classifier service; activation → swap latency through pub/sub (poll set long so it cannot be the poll).
const logger = createLogger({ service: 'bench', version: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
const env = { REDIS_URL: redisHandle.url, MONGO_URL: mongoUrl, MONGO_DB: dbName, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', NOTIFY_ENABLED: 'false', CLASSIFIER_VERSION_POLL_MS: '600000', RECLASSIFY_BATCH_SIZE: '100', RECLASSIFY_PAUSE_MS: '0' };
const service = await startClassifier(loadConfig(env), logger);
const publisher = createRedisConnection(redisHandle.url, 'producer');
await publisher.connect();
t0 = performance.now();
const { seq } = await activateClassifierVersion(models, { versionId: String(version._id), by: 'bench', expectedSeq: (await activeClassifierPointer(models))?.seq ?? null, at: new Date() });
await publisher.publish(classifierActivationChannel(prefix), String(seq));
while (service.activeClassifier.seq !== seq) await new Promise((r) => setTimeout(r, 5));
rows.push(['activation → running worker swapped (pub/sub nudge, load + validate included)', `${ms(t0).toFixed(0)} ms`]);

// 5. Re-classification: every item (none classified yet), then again with `olderOnly` (nothing left to do).
const queue = createTypedQueue(JOBS.reclassifyItems, publisher, prefix, logger);
async function run(olderOnly: boolean) {
  const r = await createReclassifyRun(models, { filter: { olderOnly }, requestedBy: 'bench', at: new Date() });
  const start = performance.now();
  await queue.enqueue({ runId: String(r._id) }, { jobId: `reclassify-${String(r._id)}` });
  for (;;) {
    const doc = await models.reclassifyRuns.findById(r._id).lean();
    if (doc?.status === 'completed' || doc?.status === 'failed') return { doc, seconds: ms(start) / 1000 };
    await new Promise((res) => setTimeout(res, 100));
  }
}
const full = await run(false);
rows.push([`re-classify ${full.doc.done} items (batches of 100, no pause)`, `${full.seconds.toFixed(1)} s — ${(full.doc.done / full.seconds).toFixed(1)} items/s, ${full.doc.changed} changed, ${full.doc.failedItems} errors`]);
const older = await run(true);
rows.push(['same run with olderOnly after it (nothing left)', `${older.seconds.toFixed(2)} s, ${older.doc.total} items`]);

await queue.close();
await publisher.quit();
for (const step of service.shutdownSteps) await step.run();
await connection.dropDatabase();
await connection.close();
await ferret?.stop();
await redisHandle.stop();

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
process.stdout.write(`\nlearning loop on ${ferret ? 'FerretDB v1.24.2 (SQLite)' : 'MongoDB (BENCH_MONGO_URL)'}, ${new Date().toISOString()}, load ${load}\n\n| step | result |\n|---|---|\n${rows.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}\n`);
process.exit(0);
