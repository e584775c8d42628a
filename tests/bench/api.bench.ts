/**
 * `npm run bench:api` — API latency under a fixed request rate with a realistic volume loaded, and the time from
 * an item's classification job to its alert showing in the API. Not a test: prints a markdown table.
 *
 * Sizes: BENCH_ALERTS (default 10000) and BENCH_ITEMS (default 100000); the issue's size is BENCH_ALERTS=100000
 * BENCH_ITEMS=1000000. BENCH_RATE requests/s (200), BENCH_SECONDS per scenario (15), BENCH_LIVE_ITEMS (20) for
 * item → alert. Starts its own FerretDB (SQLite) unless BENCH_MONGO_URL is set.
 * BENCH_DATABASE_PATH=false skips the database-path probes. BENCH_DATA_DIR=/some/dir keeps FerretDB's files there and reuses the loaded database on the next run with the
 * same sizes (a 1 M-item load takes minutes on FerretDB; run it once). BENCH_READ_MODEL=false measures the alert
 * lists on the database path instead of the API's in-memory read model (ALERT_READ_MODEL).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import {
  MISSION_CODES,
  NARRATIVE_KEYS,
  SEVERITIES,
  SEVERITY_RANK,
  timeBuckets,
  JOBS,
} from '@vigie/contracts';
import { connectMongo, createModels, ensureIndexes, generateKey } from '@vigie/db';
import { ensureRedis, startFerretDb } from '@vigie/devstack';
import { createLogger } from '@vigie/runtime';
import { loadConfig as loadApiConfig, startApi } from '@vigie/api';
import { loadConfig as loadClassifierConfig, startClassifier } from '@vigie/classifier';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/**
 * The load generator runs in its own worker thread (autocannon `workers`), as a real client would run outside the
 * API: on one event loop, the client's own work would be counted as the API's latency. BENCH_CLIENT_THREAD=same
 * measures the old way, for comparison.
 */
const CLIENT_IN_WORKER = process.env.BENCH_CLIENT_THREAD !== 'same';
/** Seconds of discarded warm-up before each measured scenario (BENCH_WARMUP_SECONDS, 0 for none). */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const READ_MODEL = (process.env.BENCH_READ_MODEL ?? 'true') !== 'false';
const DATA_DIR = process.env.BENCH_DATA_DIR;
const log = (m: string) => process.stderr.write(`${m}\n`);

const dir = DATA_DIR ?? mkdtempSync(join(tmpdir(), 'vigie-bench-api-'));
mkdirSync(dir, { recursive: true });
const redis = await ensureRedis({ url: process.env.REDIS_URL, dataDir: join(dir, 'redis'), progress: log });
const ferret = process.env.BENCH_MONGO_URL
  ? null
  : await startFerretDb({ dataDir: join(dir, 'ferretdb'), progress: log });
const mongoUrl = process.env.BENCH_MONGO_URL ?? ferret!.url;
const backend = ferret ? 'FerretDB v1.24.2 (SQLite)' : 'MongoDB (BENCH_MONGO_URL)';
// A reused database is named by its sizes; a throw-away one by the time.
const dbName = DATA_DIR ? `vigie_bench_${ITEMS}_${ALERTS}` : `vigie_bench_${Date.now()}`;
const prefix = `vigiebench:${Date.now()}`;
const connection = await connectMongo(mongoUrl, { dbName, appName: 'bench' });
const models = createModels(connection);
// `{_id}` is the one filter FerretDB pushes down on SQLite: the load marker is read by it.
const meta = connection.db!.collection<{ _id: string; items: number; alerts: number; loadSeconds: number }>(
  'bench_meta',
);
const marker = await meta.findOne({ _id: 'loaded' });

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length]!;
}

/** Inserts `total` generated documents in batches, `parallel` batches in flight, with progress lines. */
async function load(
  what: string,
  total: number,
  make: (i: number) => object,
  insert: (docs: object[]) => Promise<unknown>,
) {
  const BATCH = 5_000;
  const parallel = 3;
  const started = performance.now();
  let next = 0;
  let done = 0;
  let lastReport = 0;
  async function lane() {
    while (next < total) {
      const from = next;
      next = Math.min(total, next + BATCH);
      const docs = [];
      for (let i = from; i < next; i++) docs.push(make(i));
      await insert(docs);
      done += docs.length;
      if (done - lastReport >= 50_000 || done === total) {
        lastReport = done;
        const s = (performance.now() - started) / 1000;
        log(
          `  ${what} ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${Math.round(done / s).toLocaleString('en-US')}/s, ${s.toFixed(0)} s)`,
        );
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane));
}

let loadSeconds: number;
if (marker && marker.items === ITEMS && marker.alerts === ALERTS) {
  loadSeconds = marker.loadSeconds;
  log(`Reusing ${dbName} in ${dir} (loaded earlier in ${loadSeconds.toFixed(0)} s).`);
} else {
  if (marker) await connection.dropDatabase();
  await ensureIndexes(models);
  log(
    `Loading ${ITEMS.toLocaleString('en-US')} items and ${ALERTS.toLocaleString('en-US')} alerts into ${backend}…`,
  );
  const loadStarted = performance.now();
  const sourceIds = Array.from({ length: 200 }, () => new Types.ObjectId());
  const now = Date.now();
  await load(
    'items',
    ITEMS,
    (i) => {
      const at = new Date(now - (i % (30 * 24 * 60)) * 60_000);
      const b = timeBuckets(at);
      const harmful = i % 3 === 0;
      return {
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
      };
    },
    (docs) => models.items.collection.insertMany(docs, { ordered: false }),
  );
  await load(
    'alerts',
    ALERTS,
    (i) => {
      const mission = pick(MISSION_CODES, i);
      const narrative = pick(NARRATIVE_KEYS, Math.floor(i / MISSION_CODES.length));
      const severity = pick(SEVERITIES, i);
      const seen = new Date(now - (i % 100_000) * 30_000);
      const dedupKey = `${mission}:${narrative}:bench-${i}`;
      return {
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
      };
    },
    (docs) => models.alerts.collection.insertMany(docs, { ordered: false }),
  );
  loadSeconds = (performance.now() - loadStarted) / 1000;
  await meta.replaceOne({ _id: 'loaded' }, { items: ITEMS, alerts: ALERTS, loadSeconds }, { upsert: true });
  log(`Loaded in ${loadSeconds.toFixed(0)} s.`);
}

const adminKey = generateKey().key;
const env = {
  REDIS_URL: redis.url,
  MONGO_URL: mongoUrl,
  MONGO_DB: dbName,
  QUEUE_PREFIX: prefix,
  LOG_LEVEL: 'silent',
  PORT: '0',
  VIGIE_BOOTSTRAP_ADMIN_KEY: adminKey,
  RATE_LIMIT_PER_MINUTE: '100000',
};
const logger = createLogger({ service: 'bench', version: 'bench', level: 'silent' });
const heapMb = () => Math.round(process.memoryUsage().heapUsed / 1e6);
const heapBefore = heapMb();
const api = await startApi(loadApiConfig({ ...env, ALERT_READ_MODEL: String(READ_MODEL) }), logger);
const readModel = api.alertReadModel;
if (readModel) {
  log('Waiting for the alert list read model to load…');
  while (!readModel.ready) await new Promise((r) => setTimeout(r, 200));
  log(
    `  loaded ${readModel.stats().size.toLocaleString('en-US')} alerts in ${readModel.stats().lastRebuildMs} ms; heap ${heapBefore} → ${heapMb()} MB`,
  );
}
const heapWithReadModel = heapMb();
// The database path, for comparison: the same API without the read model.
const rawApi = readModel ? await startApi(loadApiConfig(env), logger) : api;

/** One request alone, for the database-path figures: its time in ms, or null when it does not answer in time. */
async function once(base: string, path: string, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${adminKey}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    return performance.now() - started;
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return null;
    throw error;
  }
}

interface Row {
  name: string;
  servedBy: string;
  single: number | null | undefined;
  p50?: number;
  p99?: number;
  rps?: number;
  errors?: number;
  note?: string;
}

const SINGLE_TIMEOUT_MS = 120_000;
/**
 * A scenario at the fixed rate. A database-path request is first timed alone: when one takes over a second, 200/s
 * cannot be served on this machine and the rate run would only pile up queries FerretDB keeps working on long after
 * the run (skewing every later figure), so it is reported and skipped.
 */
async function scenario(
  name: string,
  path: string,
  servedBy: string,
  base = api.url,
  probeFirst = false,
): Promise<Row> {
  let single: number | null | undefined;
  if (probeFirst) {
    single = await once(base, path, SINGLE_TIMEOUT_MS);
    if (single === null || single > 1_000) {
      return {
        name,
        servedBy,
        single,
        note:
          single === null
            ? `one request alone: no answer in ${SINGLE_TIMEOUT_MS / 1000} s; rate run skipped`
            : `one request alone takes ${(single / 1000).toFixed(1)} s; rate run skipped`,
      };
    }
  }
  const load = (duration: number) =>
    autocannon({
      url: `${base}${path}`,
      headers: { authorization: `Bearer ${adminKey}` },
      connections: 20,
      // Applied per worker: with one worker, the whole rate.
      overallRate: RATE,
      duration,
      ...(CLIENT_IN_WORKER ? { workers: 1 } : {}),
    });
  // A discarded warm-up at the same rate first: the route's first seconds include JIT compilation and the
  // collection of what the previous step (a read-model load, another scenario) left on the heap.
  if (WARMUP_SECONDS > 0) await load(WARMUP_SECONDS);
  const result = await load(SECONDS);
  return {
    name,
    servedBy,
    single,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const TRIAGE = '/api/v1/alerts?sort=triage&status=open&limit=50';
const MISSION_LIST = '/api/v1/alerts?mission=MONUSCO&limit=50';
log('Measuring latency…');
const alertPath = readModel ? 'API read model' : 'database';
const rows: Row[] = [
  await scenario('baseline: /healthz (no database)', '/healthz', '—'),
  await scenario('alert triage queue', TRIAGE, alertPath, api.url, !readModel),
  await scenario(
    'alert triage queue, page 3 (cursor)',
    await cursorPath(TRIAGE, 2),
    alertPath,
    api.url,
    !readModel,
  ),
  await scenario('alert list, one mission', MISSION_LIST, alertPath, api.url, !readModel),
];
for (const r of rows)
  log(`  ${r.name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps?.toFixed(0)} req/s, ${r.errors} errors`);

/** The path of the page after `pages` pages of `path` (follows nextCursor). */
async function cursorPath(path: string, pages: number): Promise<string> {
  let current = path;
  for (let i = 0; i < pages; i++) {
    const res = await fetch(`${api.url}${current}`, { headers: { authorization: `Bearer ${adminKey}` } });
    const body = (await res.json()) as { nextCursor: string | null };
    if (!body.nextCursor) break;
    current = `${path}&cursor=${body.nextCursor}`;
  }
  return current;
}

const LIVE_ITEMS = Number(process.env.BENCH_LIVE_ITEMS ?? 20);
let classifier: Awaited<ReturnType<typeof startClassifier>> | null = null;
if (LIVE_ITEMS > 0) {
  log('Measuring item → alert…');
  classifier = await startClassifier(
    loadClassifierConfig(env),
    createLogger({
      service: 'bench-classifier',
      version: 'bench',
      level: process.env.BENCH_LOG_LEVEL ?? 'silent',
    }),
  );
  const producer = new Redis(redis.url, { maxRetriesPerRequest: null });
  const classifyQueue = new Queue(JOBS.classifyItem.queue, { connection: producer, prefix });
  // Kept between runs that reuse BENCH_DATA_DIR (source names are unique).
  const source =
    (await models.sources.findOne({ name: 'bench source' })) ??
    (await models.sources.create({ name: 'bench source', kind: 'rss', url: 'https://news.example/feed' }));
  const latencies: number[] = [];
  const stored: number[] = [];
  const LIVE_TIMEOUT_MS = 120_000;
  let timeouts = 0;
  // Unique per run: a reused database keeps the live items of earlier runs.
  const run = Date.now().toString(36);
  for (let i = 0; i < LIVE_ITEMS; i++) {
    const at = new Date();
    const b = timeBuckets(at);
    const item = await models.items.create({
      sourceId: source._id,
      guid: `live-${run}-${i}`,
      title: `Live ${i}`,
      text: `Rendez-vous demain à 7h au rond-point n°${i} pour brûler la base de la MONUSCO à Goma !`,
      collectedAt: at,
      publishedAt: at,
      contentHash: `live-${run}-${i}`,
      quarterHour: b.quarterHour,
      hour: b.hour,
      day: b.day,
      week: b.week,
    });
    const started = performance.now();
    await classifyQueue.add(JOBS.classifyItem.queue, { itemId: String(item._id) });
    // When the evidence link is in the database (the classifier's part), apart from when the API lists it.
    let storedAt: number | null = null;
    for (;;) {
      if (storedAt === null && (await models.alertItems.exists({ itemId: item._id })))
        storedAt = performance.now() - started;
      const res = await fetch(`${api.url}/api/v1/alerts?mission=MONUSCO&status=open&sort=recent&limit=5`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      const body = (await res.json()) as { data?: { latestEvidence: { itemId: string }[] }[] };
      if (!res.ok)
        throw new Error(
          `the API answered ${res.status} while polling for the alert: ${JSON.stringify(body)}`,
        );
      if ((body.data ?? []).some((a) => a.latestEvidence.some((e) => e.itemId === String(item._id)))) break;
      if (performance.now() - started > LIVE_TIMEOUT_MS) {
        const stored = await models.items.findById(item._id).lean();
        log(
          `  item ${String(item._id)} not in an alert after ${LIVE_TIMEOUT_MS / 1000} s (item status ${stored?.status}, harmful ${stored?.harmful}); counted at that time`,
        );
        timeouts++;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    latencies.push(performance.now() - started);
    stored.push(storedAt ?? latencies.at(-1)!);
    log(
      `  item ${i + 1}/${LIVE_ITEMS}: in the database after ${((storedAt ?? NaN) / 1000).toFixed(1)} s, listed by the API after ${(latencies.at(-1)! / 1000).toFixed(1)} s`,
    );
  }
  latencies.sort((a, b) => a - b);
  stored.sort((a, b) => a - b);
  const quantile = (list: number[], q: number) =>
    list[Math.min(list.length - 1, Math.floor(q * list.length))]!;
  const p = (q: number) => quantile(latencies, q);

  console.log(
    `Item → alert visible in the API (${LIVE_ITEMS} items, classify job enqueued → alert evidence listed): p50 ${p(0.5).toFixed(0)} ms, p95 ${p(0.95).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms${timeouts ? `; ${timeouts} not visible within ${LIVE_TIMEOUT_MS / 1000} s (counted at ${LIVE_TIMEOUT_MS / 1000} s)` : ''}.`,
  );
  console.log(
    `Of which the classifier's part (job enqueued → evidence stored): p50 ${quantile(stored, 0.5).toFixed(0)} ms, p95 ${quantile(stored, 0.95).toFixed(0)} ms.`,
  );

  await classifyQueue.close();
  producer.disconnect();
  if (readModel) {
    const st = readModel.stats();
    console.log(
      `Read model during item → alert: ${st.refreshes} single-alert reloads (alert events and writes).`,
    );
  }
}

// Database-path scenarios last: a request FerretDB cannot answer in time keeps it busy after the client gives up,
// which would skew the figures measured after it.
// BENCH_DATABASE_PATH=false skips these probes: at 1 M items each takes minutes on FerretDB v1 and they do not change.
if (process.env.BENCH_DATABASE_PATH !== 'false') {
  log('Measuring the database path…');
  if (readModel) {
    rows.push(await scenario('alert triage queue, database path', TRIAGE, 'database', rawApi.url, true));
    rows.push(
      await scenario('alert list, one mission, database path', MISSION_LIST, 'database', rawApi.url, true),
    );
  }
  rows.push(
    await scenario(
      'item search, mission × narrative',
      '/api/v1/items?mission=MONUSCO&narrative=collusion_armed_groups&limit=50',
      'database',
      api.url,
      true,
    ),
  );
  rows.push(await scenario('item list, newest', '/api/v1/items?limit=50', 'database', api.url, true));
}
const fmt = (v: number | null | undefined) => (v === undefined ? '—' : v === null ? 'timeout' : v.toFixed(0));
console.log(
  `Data: ${ITEMS.toLocaleString('en-US')} items, ${ALERTS.toLocaleString('en-US')} alerts on ${backend}; loaded in ${loadSeconds.toFixed(0)} s. ${RATE} requests/s for ${SECONDS} s per scenario, 20 connections, client ${CLIENT_IN_WORKER ? 'in its own worker thread' : 'on the API event loop'}, ${WARMUP_SECONDS} s discarded warm-up per scenario, Node ${process.version}.\n`,
);
console.log('| scenario | served by | one request alone, ms | p50 ms | p99 ms | achieved req/s | errors |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    r.note
      ? `| ${r.name} | ${r.servedBy} | ${fmt(r.single)} | ${r.note} | | | |`
      : `| ${r.name} | ${r.servedBy} | ${fmt(r.single)} | ${r.p50} | ${r.p99} | ${r.rps!.toFixed(0)} | ${r.errors} |`,
  );
}
if (readModel) {
  const st = readModel.stats();
  console.log(
    `\nRead model: ${st.size.toLocaleString('en-US')} alerts, rebuilt in ${st.lastRebuildMs} ms, heap ${heapBefore} → ${heapWithReadModel} MB; list requests from memory ${st.hits.toLocaleString('en-US')}, from the database (not loaded yet) ${st.misses}: hit rate ${((100 * st.hits) / Math.max(1, st.hits + st.misses)).toFixed(1)} %.`,
  );
}
// Each step gets 30 s: a background job still scanning FerretDB (early warning, read-model rebuild) must not keep
// the bench — and the FerretDB it started — running after the results are out.
const STEP_TIMEOUT_MS = 30_000;
for (const step of [
  ...(classifier?.shutdownSteps ?? []),
  ...api.shutdownSteps,
  ...(rawApi === api ? [] : rawApi.shutdownSteps),
]) {
  const gaveUp = await Promise.race([
    step.run().then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STEP_TIMEOUT_MS).unref()),
  ]);
  if (gaveUp) log(`  shutdown step "${step.name}" still running after ${STEP_TIMEOUT_MS / 1000} s; going on`);
}
if (!DATA_DIR) await connection.dropDatabase().catch(() => {});
await connection.close();
await ferret?.stop();
await redis.stop();
if (!DATA_DIR) rmSync(dir, { recursive: true, force: true });
process.exit(0);
