/**
 * `npx tsx --conditions=source tests/bench/events-stats.bench.ts` — two figures for BENCHMARKS.md, on FerretDB
 * (SQLite) unless BENCH_MONGO_URL is set. Not a test: prints a markdown table.
 *
 * 1. Alert-event outbox: the cost of recording an event, of a relay pass against a dead Redis (how fast an outage
 *    is noticed), and how fast a backlog of BENCH_EVENTS (1000) drains when Redis answers again.
 * 2. Top sources / top terms: the repository queries behind GET /stats/top-sources|top-terms over BENCH_STAT_ITEMS
 *    (20000) classified items (50 sources, 200 terms, 20 % near-duplicates, 3 missions), one mission, 7 days;
 *    median and worst of BENCH_RUNS (5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { JOBS, alertEventJobId, timeBuckets } from '@vigie/contracts';
import { connectMongo, createModels, ensureIndexes, recordAlertEvent, relayPendingAlertEvents, topSources, topTerms } from '@vigie/db';
import { ensureRedis, startFerretDb } from '@vigie/devstack';
import { createLogger, createRedisConnection, createTypedQueue } from '@vigie/runtime';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000);
const STAT_ITEMS = Number(process.env.BENCH_STAT_ITEMS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const log = (m: string) => process.stderr.write(`${m}\n`);
const logger = createLogger({ service: 'bench', version: 'bench', level: 'silent' });

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-events-'));
const redisHandle = await ensureRedis({ url: process.env.REDIS_URL, dataDir: join(dir, 'redis'), progress: log });
const ferret = process.env.BENCH_MONGO_URL ? null : await startFerretDb({ dataDir: join(dir, 'ferretdb'), progress: log });
const connection = await connectMongo(process.env.BENCH_MONGO_URL ?? ferret!.url, { dbName: `vigie_bench_events_${Date.now()}`, appName: 'bench' });
const models = createModels(connection);
await ensureIndexes(models);
const rows: string[] = [];
const ms = (t0: number) => performance.now() - t0;

// 1. Outbox.
const alertIds = Array.from({ length: 100 }, () => new Types.ObjectId().toHexString());
let t0 = performance.now();
for (let i = 0; i < EVENTS; i++) {
  await recordAlertEvent(models, { alertId: alertIds[i % alertIds.length]!, type: 'transition', at: new Date().toISOString(), ref: String(Math.floor(i / alertIds.length) + 1) });
}
const recordMs = ms(t0);
rows.push(`| record one event (insert, _id = event key) | ${(recordMs / EVENTS).toFixed(1)} ms each (${EVENTS} sequential) |`);

const dead = createRedisConnection('redis://127.0.0.1:1', 'producer', { retryStrategy: () => null });
dead.on('error', () => {});
const deadQueue = createTypedQueue(JOBS.alertEvent, dead, 'vigiebench-dead', logger);
t0 = performance.now();
const outage = await relayPendingAlertEvents(models, (e) => deadQueue.enqueue(e, { jobId: alertEventJobId(e) }));
rows.push(`| relay pass with Redis down (${EVENTS} pending) | ${ms(t0).toFixed(0)} ms, ${outage.relayed} relayed, stops at the first failure |`);
await deadQueue.close().catch(() => {});
dead.disconnect();

const redis = createRedisConnection(redisHandle.url, 'producer');
await redis.connect();
const prefix = `vigiebench:${Date.now()}`;
const queue = createTypedQueue(JOBS.alertEvent, redis, prefix, logger);
t0 = performance.now();
let relayed = 0;
for (;;) {
  const r = await relayPendingAlertEvents(models, (e) => queue.enqueue(e, { jobId: alertEventJobId(e) }), { batch: 200 });
  relayed += r.relayed;
  if (!r.more) break;
}
const drainMs = ms(t0);
rows.push(`| backlog drain when Redis returns | ${relayed} events in ${(drainMs / 1000).toFixed(1)} s = ${Math.round(relayed / (drainMs / 1000))} events/s |`);
await queue.queue.obliterate({ force: true });
await queue.close();
await redis.quit();

// 2. Stats.
const MISSIONS = ['MONUSCO', 'UNIFIL', 'MINUSCA'] as const;
const NARRATIVES = ['collusion_armed_groups', 'espionage', 'expulsion_demand', 'false_flag'] as const;
const sources = Array.from({ length: 50 }, () => new Types.ObjectId());
await models.sources.insertMany(sources.map((_id, i) => ({ _id, name: `source ${i}`, kind: 'rss' })));
const now = Date.now();
const ids: Types.ObjectId[] = [];
t0 = performance.now();
for (let start = 0; start < STAT_ITEMS; start += 2_000) {
  const docs = [];
  for (let i = start; i < Math.min(STAT_ITEMS, start + 2_000); i++) {
    const _id = new Types.ObjectId();
    ids.push(_id);
    const at = new Date(now - ((i * 7919) % (14 * 24)) * 3_600_000);
    const copyOf = i % 5 === 4 ? ids[(i * 31) % ids.length]! : null;
    docs.push({
      _id,
      sourceId: sources[(i * 13) % sources.length],
      guid: `g${i}`,
      collectedAt: at,
      publishedAt: at,
      contentHash: `h${i}`,
      ...timeBuckets(at),
      status: 'classified',
      missions: [MISSIONS[i % 3]],
      topNarrative: NARRATIVES[i % 4],
      harmful: i % 3 !== 0,
      classification: { stance: i % 17 === 0 ? 'counter' : 'endorse' },
      nearDuplicateOf: copyOf,
      storyId: copyOf ?? _id,
      terms: [`term${i % 200}`, `term${(i * 7) % 200}`, `term${(i * 11) % 200}`],
    });
  }
  await models.items.collection.insertMany(docs);
}
log(`loaded ${STAT_ITEMS} items in ${(ms(t0) / 1000).toFixed(1)} s`);
const filter = { missions: ['MONUSCO' as const], from: new Date(now - 7 * 86_400_000), to: new Date(now) };
for (const [name, run] of [
  ['top sources (MONUSCO, 7 days, limit 10)', () => topSources(models, filter, 10)],
  ['top terms (MONUSCO, 7 days, limit 10)', () => topTerms(models, filter, 10)],
] as const) {
  const times: number[] = [];
  let totals = { stories: 0, items: 0 };
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    totals = (await run()).totals;
    times.push(ms(s));
  }
  times.sort((a, b) => a - b);
  rows.push(`| ${name}, ${STAT_ITEMS} items loaded (${totals.items} counted, ${totals.stories} stories) | median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, worst ${times.at(-1)!.toFixed(0)} ms (${RUNS} runs) |`);
}

await connection.dropDatabase();
await connection.close();
await ferret?.stop();
await redisHandle.stop();
rmSync(dir, { recursive: true, force: true });
console.log(`Backend: ${ferret ? 'FerretDB v1.24.2 (SQLite)' : 'MongoDB (BENCH_MONGO_URL)'}\n\n| measure | result |\n|---|---|\n${rows.join('\n')}`);
