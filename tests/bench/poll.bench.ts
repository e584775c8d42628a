// A poll of 1,000 local feeds through the real collector path — job schedulers on real Redis, the collect-feed
// worker, per-host politeness shared through Redis, conditional GET, source health in FerretDB — with plain
// undici conditional fetches of the same URLs as the baseline in the same run. Not a test: run with
// `tsx --conditions=source packages/feeds/bench/poll.bench.ts` (root script `bench:collector`). Prints a markdown table.
//
// The feeds live on 200 loopback aliases (127.0.0.2 … 127.0.0.201, one listener each), 5 feeds per host, so the
// per-host limits (2 in flight, one request start per 2 s) are really exercised: each host needs ≥ 8 s for its
// five feeds whatever the machine. 90 % answer 304 to the ETag the sources already hold, 10 % answer 200 with a
// small new feed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { ensureRedis, startFerretDb } from '@vigie/devstack';
import { connectMongo, createModels, ensureIndexes } from '@vigie/db';
import { createLogger, readSourceLiveness } from '@vigie/runtime';
import { loadConfig, startCollector, type CollectSummary, type CollectTimings } from '@vigie/collector';

const FEEDS = Number(process.env.BENCH_FEEDS ?? 1000);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const CHANGED_EVERY = Number(process.env.BENCH_CHANGED_EVERY ?? 10); // one feed in N answers 200 (new items)
const ETAG = '"v1"';

function feedXml(i: number): string {
  const items = Array.from(
    { length: 5 },
    (_, k) =>
      `<item><guid>bench-${i}-${k}</guid><title>Nouvelle ${i}.${k} sur la situation à Beni</title><link>https://bench.example/${i}/${k}</link><description>Texte ${i} ${k} : les habitants de Beni rapportent des mouvements de troupes près de la route nationale numéro ${k}.</description></item>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed ${i}</title><link>https://bench.example/</link>${items}</channel></rss>`;
}

let hits = 0;
let notModified = 0;
// What the servers saw, per host alias: requests in flight (max) and the shortest gap between two request starts.
const inFlight = new Map<string, number>();
const lastStart = new Map<string, number>();
let maxInFlightPerHost = 0;
let minStartGapMs = Infinity;
function handler(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  hits++;
  const host = req.socket.localAddress ?? '?';
  const now = performance.now();
  const previous = lastStart.get(host);
  if (previous !== undefined) minStartGapMs = Math.min(minStartGapMs, now - previous);
  lastStart.set(host, now);
  inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
  maxInFlightPerHost = Math.max(maxInFlightPerHost, inFlight.get(host)!);
  res.once('close', () => inFlight.set(host, inFlight.get(host)! - 1));
  const i = Number(/\/feed-(\d+)\.xml/.exec(req.url ?? '')?.[1] ?? -1);
  if (i < 0) return void res.writeHead(404).end();
  if (i % CHANGED_EVERY !== 0 && req.headers['if-none-match'] === ETAG) {
    notModified++;
    return void res.writeHead(304, { etag: ETAG }).end();
  }
  res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: i % CHANGED_EVERY === 0 ? `"v2-${i}"` : ETAG }).end(feedXml(i));
}

// Every database call of the run, by model and operation: count and total milliseconds (client-side, so it
// includes waiting for FerretDB). Installed before the collector starts; the bench's own reads come after.
const dbOps = new Map<string, { n: number; ms: number }>();
const originalExec = mongoose.Query.prototype.exec;
mongoose.Query.prototype.exec = async function timedExec(this: mongoose.Query<unknown, unknown>, ...args: unknown[]) {
  const t = performance.now();
  try {
    return await (originalExec as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  } finally {
    const k = `${this.model.modelName}.${(this as unknown as { op?: string }).op ?? '?'}`;
    const e = dbOps.get(k) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += performance.now() - t;
    dbOps.set(k, e);
  }
} as typeof originalExec;

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main(): Promise<void> {
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-poll-bench-'));
  const redis = await ensureRedis({ url: process.env.REDIS_URL, dataDir: join(dataDir, 'redis'), progress: log });
  const ferret = process.env.MONGO_URL ? null : await startFerretDb({ dataDir: join(dataDir, 'ferretdb'), progress: log });
  const mongoUrl = process.env.MONGO_URL ?? ferret!.url;
  const servers: Server[] = [];
  const urls: string[] = [];
  try {
    const bases: string[] = [];
    for (let h = 0; h < HOSTS; h++) {
      const s = createServer(handler);
      s.keepAliveTimeout = 1_000;
      const address = `127.0.0.${2 + h}`;
      await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, address, resolve));
      servers.push(s);
      bases.push(`http://${address}:${(s.address() as AddressInfo).port}`);
    }
    for (let i = 0; i < FEEDS; i++) urls.push(`${bases[i % HOSTS]}/feed-${i}.xml`);

    // Baseline: the same conditional GETs with plain undici, 32 at a time, no politeness, no database.
    const agent = new Agent({ connections: 4 });
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < urls.length) {
          const url = urls[next++]!;
          const r = await request(url, { dispatcher: agent, headers: { 'if-none-match': ETAG } });
          await r.body.dump();
        }
      }),
    );
    const baselineMs = performance.now() - t0;
    await agent.close();

    // The collector path: sources already polled once (they hold the ETag), then one full poll round.
    const dbName = `vigie_bench_${Date.now()}`;
    const connection = await connectMongo(mongoUrl, { dbName, appName: 'bench' });
    const models = createModels(connection);
    await ensureIndexes(models);
    const now = new Date();
    await models.sources.insertMany(
      // Steady state: each source was polled before, answered 304 eight times in a row, and holds the ETag.
      urls.map((url, i) => ({
        name: `bench ${i}`,
        kind: 'rss',
        url,
        pollIntervalSec: 3600,
        http: { etag: ETAG, lastFullFetchAt: now },
        health: { lastFetchAt: new Date(now.getTime() - 8 * 3600_000), lastStatus: '304', consecutiveFailures: 0, itemsLastFetch: 0 },
        schedule: { intervalSec: 8 * 3600, recentNew: [0, 0, 0, 0, 0, 0, 0, 0] },
      })),
    );
    hits = 0;
    notModified = 0;
    inFlight.clear();
    lastStart.clear();
    maxInFlightPerHost = 0;
    minStartGapMs = Infinity;
    dbOps.clear();
    const env = {
      REDIS_URL: redis.url,
      MONGO_URL: mongoUrl,
      MONGO_DB: dbName,
      QUEUE_PREFIX: `vigiebench:${Date.now()}`,
      LOG_LEVEL: 'silent',
      COLLECTOR_ALLOW_PRIVATE_ADDRESSES: 'true',
      COLLECTOR_CONCURRENCY: String(CONCURRENCY),
      COLLECTOR_SYNC_INTERVAL_MS: '3600000',
    };
    const t1 = performance.now();
    const collector = await startCollector(loadConfig(env), createLogger({ service: 'bench', version: 'bench', level: 'silent' }));
    const scheduledMs = performance.now() - t1;
    // Progress is read from Redis (completed collect-feed jobs), not the database: polling FerretDB with a count
    // would slow down the very writes being measured.
    const watcher = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('collect-feed', { connection: watcher, prefix: env.QUEUE_PREFIX });
    let polled = 0;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const counts = await queue.getJobCounts('completed', 'failed');
      polled = (counts.completed ?? 0) + (counts.failed ?? 0);
      if (polled >= FEEDS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const pipelineMs = performance.now() - t1;
    const expectedItems = Math.ceil(FEEDS / CHANGED_EVERY) * 5;
    const opsDuringPoll = new Map([...dbOps].map(([k, v]) => [k, { ...v }]));
    // Where the time went, from each completed job's return value (the processor times its own steps).
    const done = await queue.getJobs(['completed'], 0, FEEDS + 100);
    const summaries = done.map((j) => j.returnvalue as CollectSummary | null).filter((r): r is CollectSummary => r !== null && typeof r === 'object');
    const outcomes = new Map<string, number>();
    for (const r of summaries) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    const starts = done.reduce((n, j) => n + (j.attemptsStarted ?? 1), 0);
    const queueWaitMs = done.map((j) => (j.processedOn ?? 0) - j.timestamp);
    const stageRows = (['loadMs', 'hostWaitMs', 'fetchMs', 'parseMs', 'itemsMs', 'recordMs'] as (keyof CollectTimings)[]).map((k) => {
      const xs = summaries.map((r) => r.timings?.[k] ?? 0);
      return `| ${k} | ${(xs.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} | ${Math.max(0, ...xs).toFixed(0)} |`;
    });
    const liveness = await readSourceLiveness(watcher, env.QUEUE_PREFIX, (await models.sources.find({}, { _id: 1 }).lean()).map((s) => String(s._id)));
    const livePolled = [...liveness.values()].filter((l) => l.lastFetchAt >= now).length;
    await queue.close();
    watcher.disconnect();
    const written = summaries.filter((r) => r.sourceWritten).length;
    // Where the per-host interval is enforced: the limiter's grant times (Redis clock), per host.
    const hostOf = new Map((await models.sources.find({}, { url: 1 }).lean()).map((s) => [String(s._id), new URL(s.url!).hostname]));
    const grants = new Map<string, number[]>();
    for (const r of summaries) {
      if (r.timings?.hostGrantedAt == null) continue;
      const h = hostOf.get(r.sourceId) ?? '?';
      grants.set(h, [...(grants.get(h) ?? []), r.timings.hostGrantedAt]);
    }
    let minGrantGapMs = Infinity;
    for (const ts of grants.values()) {
      ts.sort((a, b) => a - b);
      for (let i = 1; i < ts.length; i++) minGrantGapMs = Math.min(minGrantGapMs, ts[i]! - ts[i - 1]!);
    }
    const recorded = await models.sources.countDocuments({ 'health.lastFetchAt': { $gte: now } });
    const items = await models.items.countDocuments({});
    const distinctItems = new Set((await models.items.find({}, { sourceId: 1, guid: 1 }).lean()).map((i) => `${String(i.sourceId)}|${i.guid}`)).size;
    const failures = await models.sources.countDocuments({ 'health.consecutiveFailures': { $gt: 0 } });
    for (const step of collector.shutdownSteps) await step.run().catch(() => undefined);
    const cleanup = await connectMongo(mongoUrl, { dbName, appName: 'bench-cleanup' });
    await cleanup.dropDatabase();
    await cleanup.close();
    await connection.close();

    const row = (name: string, ms: number, n: number, notes: string) => `| ${name} | ${n} | ${(ms / 1000).toFixed(2)} | ${((n / ms) * 1000).toFixed(0)} | ${notes} |`;
    process.stdout.write(
      [
        '',
        `Poll of ${FEEDS} local feeds on ${HOSTS} loopback hosts (${FEEDS / HOSTS} per host), ${100 - 100 / CHANGED_EVERY} % 304s, worker concurrency ${CONCURRENCY}`,
        '',
        '| path | feeds | seconds | feeds/s | notes |',
        '|---|---:|---:|---:|---|',
        row('plain undici conditional GET (baseline)', baselineMs, FEEDS, 'no politeness, no database, no queue'),
        row('Vigie collector (schedulers → worker → fetch → parse → FerretDB)', pipelineMs, polled, `per host ≤ 2 in flight, 1 start / 2 s; ${notModified} × 304, ${hits - notModified} × 200, ${items} items stored (${distinctItems} distinct, ${expectedItems} expected), ${written} source documents written, ${livePolled} liveness records in Redis, ${recorded} documents with this poll's time, ${failures} sources failing; scheduler sync ${(scheduledMs / 1000).toFixed(2)} s included`),
        '',
        `Target: ${FEEDS} feeds in < 30 s → ${pipelineMs < 30_000 && polled >= FEEDS ? 'met' : 'NOT met'}. Floor set by politeness alone: ${(((FEEDS / HOSTS - 1) * 2) + 0).toFixed(0)} s.`,
        `Politeness: at most ${maxInFlightPerHost} request(s) in flight on one host as seen by the servers (limit 2); shortest gap between two starts granted on one host ${minGrantGapMs === Infinity ? '—' : `${(minGrantGapMs / 1000).toFixed(3)} s`} by the limiter's clock (limit 2 s), ${minStartGapMs === Infinity ? '—' : `${(minStartGapMs / 1000).toFixed(2)} s`} between arrivals at the server (grant-to-wire latency varies). ${maxInFlightPerHost <= 2 && minGrantGapMs >= 2_000 ? 'Limits held.' : 'LIMITS BROKEN.'}`,
        `Nothing lost or duplicated: ${items === expectedItems && distinctItems === items ? 'yes' : 'NO'} (${items} stored, ${distinctItems} distinct, ${expectedItems} expected). Outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; job starts ${starts} for ${done.length} completed jobs (re-delays by the host limiter); queue wait p50 ${(pct(queueWaitMs, 50) / 1000).toFixed(1)} s, p95 ${(pct(queueWaitMs, 95) / 1000).toFixed(1)} s.`,
        '',
        'Per-poll steps (completed jobs; ms):',
        '',
        '| step | total s | p50 | p95 | max |',
        '|---|---:|---:|---:|---:|',
        ...stageRows,
        '',
        'Database calls during the poll (client-side time, includes waiting for FerretDB):',
        '',
        '| model.operation | calls | total s | mean ms |',
        '|---|---:|---:|---:|',
        ...[...opsDuringPoll].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => `| ${k} | ${v.n} | ${(v.ms / 1000).toFixed(1)} | ${(v.ms / v.n).toFixed(1)} |`),
        '',
      ].join('\n'),
    );
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
    await ferret?.stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
