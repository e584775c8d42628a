/**
 * `npm run bench:api` — API latency under a fixed request rate with a realistic volume loaded, and the time from
 * an item's classification job to its alert showing in the API. Not a test: prints a markdown table.
 *
 * Sizes: BENCH_ALERTS (default 10000) and BENCH_ITEMS (default 100000); BENCH_RATE requests/s (200),
 * BENCH_SECONDS per scenario (15). Starts its own FerretDB in a temporary folder unless BENCH_MONGO_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { MISSION_CODES, NARRATIVE_KEYS, SEVERITIES, SEVERITY_RANK, timeBuckets, JOBS } from '@vigie/contracts';
import { connectMongo, createModels, ensureIndexes, generateKey } from '@vigie/db';
import { ensureRedis, startFerretDb } from '@vigie/devstack';
import { createLogger } from '@vigie/runtime';
import { loadConfig as loadApiConfig, startApi } from '@vigie/api';
import { loadConfig as loadClassifierConfig, startClassifier } from '@vigie/classifier';

// Defaults load in about a minute on FerretDB; the full size is BENCH_ALERTS=100000 BENCH_ITEMS=1000000
// (about 12 minutes of loading on FerretDB v1 with SQLite).
const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const log = (m: string) => process.stderr.write(`${m}\n`);

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-api-'));
const redis = await ensureRedis({ url: process.env.REDIS_URL, dataDir: join(dir, 'redis'), progress: log });
const ferret = process.env.BENCH_MONGO_URL ? null : await startFerretDb({ dataDir: join(dir, 'ferretdb'), progress: log });
const mongoUrl = process.env.BENCH_MONGO_URL ?? ferret!.url;
const dbName = `vigie_bench_${Date.now()}`;
const prefix = `vigiebench:${Date.now()}`;
const connection = await connectMongo(mongoUrl, { dbName, appName: 'bench' });
const models = createModels(connection);
await ensureIndexes(models);

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length]!;
}

log(`Loading ${ITEMS.toLocaleString('en-US')} items and ${ALERTS.toLocaleString('en-US')} alerts…`);
const loadStarted = performance.now();
const sourceIds = Array.from({ length: 200 }, () => new Types.ObjectId());
const now = Date.now();
const BATCH = 5_000;
for (let start = 0; start < ITEMS; start += BATCH) {
  const docs = [];
  for (let i = start; i < Math.min(ITEMS, start + BATCH); i++) {
    const at = new Date(now - (i % (30 * 24 * 60)) * 60_000);
    const b = timeBuckets(at);
    const harmful = i % 3 === 0;
    docs.push({
      sourceId: pick(sourceIds, i),
      guid: `g${i}`,
      url: `https://news.example/${i}`,
      title: `Item ${i}`,
      text: 'La MONUSCO arme les rebelles du M23 selon un message partagé',
      collectedAt: at,
      publishedAt: at,
      language: pick(['fr', 'en', 'ar', 'sw'], i),
      contentHash: `h${i}`,
      status: 'classified',
      missions: [pick(MISSION_CODES, i)],
      topNarrative: harmful ? pick(NARRATIVE_KEYS, i) : null,
      harmful,
      severity: harmful ? pick(SEVERITIES, i) : null,
      quarterHour: b.quarterHour,
      hour: b.hour,
      day: b.day,
      week: b.week,
    });
  }
  await models.items.collection.insertMany(docs, { ordered: false });
  if ((start / BATCH) % 20 === 0) log(`  items ${start.toLocaleString('en-US')}…`);
}
for (let start = 0; start < ALERTS; start += BATCH) {
  const docs = [];
  for (let i = start; i < Math.min(ALERTS, start + BATCH); i++) {
    const mission = pick(MISSION_CODES, i);
    const narrative = pick(NARRATIVE_KEYS, Math.floor(i / MISSION_CODES.length));
    const severity = pick(SEVERITIES, i);
    const seen = new Date(now - (i % 100_000) * 30_000);
    const dedupKey = `${mission}:${narrative}:bench-${i}`;
    docs.push({
      dedupKey,
      openKey: i % 4 === 0 ? dedupKey : `${dedupKey}#closed`,
      mission,
      narrative,
      status: i % 4 === 0 ? 'open' : 'resolved',
      severity,
      severityRank: SEVERITY_RANK[severity],
      itemCount: 1 + (i % 40),
      sourceIds: [],
      sourceCount: 1 + (i % 7),
      languages: ['fr'],
      firstSeenAt: seen,
      lastSeenAt: seen,
      openedAt: seen,
      evidence: [],
      history: [],
    });
  }
  await models.alerts.collection.insertMany(docs, { ordered: false });
}
const loadSeconds = (performance.now() - loadStarted) / 1000;
log(`Loaded in ${loadSeconds.toFixed(0)} s.`);

const adminKey = generateKey().key;
const env = { REDIS_URL: redis.url, MONGO_URL: mongoUrl, MONGO_DB: dbName, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', PORT: '0', VIGIE_BOOTSTRAP_ADMIN_KEY: adminKey, RATE_LIMIT_PER_MINUTE: '100000' };
const logger = createLogger({ service: 'bench', version: 'bench', level: 'silent' });
const api = await startApi(loadApiConfig(env), logger);

async function scenario(name: string, path: string) {
  const result = await autocannon({
    url: `${api.url}${path}`,
    headers: { authorization: `Bearer ${adminKey}` },
    connections: 20,
    overallRate: RATE,
    duration: SECONDS,
  });
  return { name, path, p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors: result.errors + result.non2xx };
}

log('Measuring latency…');
const rows = [
  await scenario('baseline: /healthz (no database)', '/healthz'),
  await scenario('alert triage queue', '/api/v1/alerts?sort=triage&status=open&limit=50'),
  await scenario('alert list, one mission', '/api/v1/alerts?mission=MONUSCO&limit=50'),
  await scenario('item search, mission × narrative', '/api/v1/items?mission=MONUSCO&narrative=collusion_armed_groups&limit=50'),
  await scenario('item list, newest', '/api/v1/items?limit=50'),
];

console.log(`Data: ${ITEMS.toLocaleString('en-US')} items, ${ALERTS.toLocaleString('en-US')} alerts on ${ferret ? 'FerretDB v1.24.2 (SQLite)' : 'MongoDB'}; loaded in ${loadSeconds.toFixed(0)} s. ${RATE} requests/s for ${SECONDS} s per scenario, Node ${process.version}.\n`);
console.log('| scenario | p50 ms | p99 ms | achieved req/s | errors |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.p50} | ${r.p99} | ${r.rps.toFixed(0)} | ${r.errors} |`);
log('Measuring item → alert…');
const classifier = await startClassifier(loadClassifierConfig(env), createLogger({ service: 'bench-classifier', version: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'silent' }));
const producer = new Redis(redis.url, { maxRetriesPerRequest: null });
const classifyQueue = new Queue(JOBS.classifyItem.queue, { connection: producer, prefix });
const source = await models.sources.create({ name: 'bench source', kind: 'rss', url: 'https://news.example/feed' });
const latencies: number[] = [];
const LIVE_ITEMS = Number(process.env.BENCH_LIVE_ITEMS ?? 20);
for (let i = 0; i < LIVE_ITEMS; i++) {
  const at = new Date();
  const b = timeBuckets(at);
  const item = await models.items.create({
    sourceId: source._id,
    guid: `live-${i}`,
    title: `Live ${i}`,
    text: `Rendez-vous demain à 7h au rond-point n°${i} pour brûler la base de la MONUSCO à Goma !`,
    collectedAt: at,
    publishedAt: at,
    contentHash: `live-${i}`,
    quarterHour: b.quarterHour,
    hour: b.hour,
    day: b.day,
    week: b.week,
  });
  const started = performance.now();
  await classifyQueue.add(JOBS.classifyItem.queue, { itemId: String(item._id) });
  for (;;) {
    const res = await fetch(`${api.url}/api/v1/alerts?mission=MONUSCO&status=open&sort=recent&limit=5`, { headers: { authorization: `Bearer ${adminKey}` } });
    const body = (await res.json()) as { data?: { evidence: { itemId: string }[] }[] };
    if (!res.ok) throw new Error(`the API answered ${res.status} while polling for the alert: ${JSON.stringify(body)}`);
    if ((body.data ?? []).some((a) => a.evidence.some((e) => e.itemId === String(item._id)))) break;
    if (performance.now() - started > 120_000) {
      const stored = await models.items.findById(item._id).lean();
      throw new Error(`item ${String(item._id)} never reached an alert (item status ${stored?.status}, harmful ${stored?.harmful})`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);
const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;

console.log(`\nItem → alert visible in the API (${LIVE_ITEMS} items, classify job enqueued → alert evidence listed): p50 ${p(0.5).toFixed(0)} ms, p95 ${p(0.95).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms.`);

await classifyQueue.close();
producer.disconnect();
for (const step of [...classifier.shutdownSteps, ...api.shutdownSteps]) await step.run().catch(() => {});
await connection.dropDatabase().catch(() => {});
await connection.close();
await ferret?.stop();
await redis.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
