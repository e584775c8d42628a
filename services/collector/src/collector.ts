
import { JOBS } from '@vigie/contracts';
import { classifyJobId, connectMongo, createModels, ensureIndexes, type Models } from '@vigie/db';
import {
  connectWithRetry,
  createRedisConnection,
  createTypedQueue,
  createTypedWorker,
  recordSourceLiveness,
  redactUrl,
  type Logger,
  type RunningService,
} from '@vigie/runtime';
import type { CollectorConfig } from './config.js';
import { collectFeed } from './collect-feed.processor.js';
import { jitteredIntervalMs, schedulerIdFor } from './schedule.js';
import { readSourcesFile, upsertSources } from './sources-file.js';
import { createHostLimiter } from './politeness.js';
import { createSourceStore, type SourceLean } from './source-cache.js';
import { sweepStalePending } from './sweeper.js';

/** Scheduler upserts/removals in flight at once during a sync (each is a short Lua script in Redis). */
const SCHEDULER_SYNC_PARALLELISM = 16;

async function runLimited(tasks: readonly (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

export interface RunningCollector extends RunningService {
  readonly models: Models;
  /** Re-reads sources and reconciles job schedulers now (also runs on a timer). */
  syncSchedules(): Promise<{ scheduled: number; updated: number; removed: number }>;
  /** Re-enqueues items left pending by a crash (also runs on the scheduler timer). Returns how many. */
  sweep(): Promise<number>;
}

export async function startCollector(config: CollectorConfig, logger: Logger): Promise<RunningCollector> {
  logger.info({ mongo: redactUrl(config.mongo.url), redis: redactUrl(config.redis.url) }, 'starting collector');
  const connection = await connectWithRetry('database', () => connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-collector' }), logger);
  const models = createModels(connection);
  await ensureIndexes(models);
  if (config.sourcesFile) {
    const result = await upsertSources(models, readSourcesFile(config.sourcesFile));
    logger.info({ file: config.sourcesFile, ...result }, 'sources file loaded');
  }

  const workerRedis = createRedisConnection(config.redis.url, 'worker');
  const producerRedis = createRedisConnection(config.redis.url, 'worker');
  for (const r of [workerRedis, producerRedis]) r.on('error', (e) => logger.warn({ err: e.message }, 'redis connection error'));
  await connectWithRetry('redis', () => workerRedis.connect(), logger);
  await connectWithRetry('redis', () => producerRedis.connect(), logger);

  const classifyQueue = createTypedQueue(JOBS.classifyItem, producerRedis, config.redis.queuePrefix, logger);
  const collectQueue = createTypedQueue(JOBS.collectFeed, producerRedis, config.redis.queuePrefix, logger);

  // The job id ties the job to this exact content: re-enqueueing it is a no-op while it is retained, and an
  // edit (new hash) gets a fresh classification.
  const enqueueClassify = (itemId: string, contentHash: string) => classifyQueue.enqueue({ itemId }, { jobId: classifyJobId(itemId, contentHash) });
  const hostLimiter = createHostLimiter(producerRedis, config.redis.queuePrefix, config.politeness);
  // Every poll's times go to Redis (one SET); the source document is written only when something material changes.
  const sources = createSourceStore(models, producerRedis, config.redis.queuePrefix);
  const liveness = { record: (sourceId: string, times: { lastFetchAt: Date; nextFetchAt: Date | null }) => recordSourceLiveness(producerRedis, config.redis.queuePrefix, sourceId, times) };

  // Global concurrency = this worker's concurrency (per process); per-host limits are shared through Redis.
  const worker = createTypedWorker(
    JOBS.collectFeed,
    (payload, ctx) => collectFeed({ models, fetchOptions: config.fetch, enqueueClassify, hostLimiter, liveness, sources, now: () => new Date() }, payload, ctx),
    { connection: workerRedis, prefix: config.redis.queuePrefix, logger, concurrency: config.concurrency },
  );

  /**
   * One job scheduler per enabled rss/web source, `every` = its adaptive interval (schedule.intervalSec, set
   * after each fetch) with a stable per-source jitter. Schedulers are only rewritten when their interval
   * changed, so a sync over hundreds of sources costs one listing.
   */
  async function syncSchedules() {
    // Whole documents (FerretDB decodes them whole anyway): they also refresh the pollers' memory copies.
    const enabled = (await models.sources.find({ enabled: true, kind: { $in: ['rss', 'web'] }, url: { $ne: null } }).lean()) as SourceLean[];
    sources.prime(enabled);
    const existing = new Map<string, number | undefined>();
    for (const s of await collectQueue.queue.getJobSchedulers(0, -1)) {
      const id = s.key ?? s.id;
      if (id) existing.set(id, s.every != null ? Number(s.every) : undefined);
    }
    const wanted = new Set<string>();
    const upserts: (() => Promise<unknown>)[] = [];
    for (const s of enabled) {
      const sourceId = String(s._id);
      const id = schedulerIdFor(sourceId);
      wanted.add(id);
      const every = jitteredIntervalMs(sourceId, s.schedule?.intervalSec ?? s.pollIntervalSec);
      if (existing.get(id) === every) continue;
      upserts.push(() => collectQueue.queue.upsertJobScheduler(id, { every }, { name: JOBS.collectFeed.queue, data: { sourceId }, opts: { ...JOBS.collectFeed.defaults } }));
    }
    const removals = [...existing.keys()].filter((id) => !wanted.has(id)).map((id) => () => collectQueue.queue.removeJobScheduler(id));
    // A few in flight at once: one at a time, 1,000 sources took 1–8 s of round trips before the first poll.
    await runLimited([...upserts, ...removals], SCHEDULER_SYNC_PARALLELISM);
    const updated = upserts.length;
    const removed = removals.length;
    return { scheduled: wanted.size, updated, removed };
  }

  const sweep = async () => {
    const n = await sweepStalePending(models, enqueueClassify, { now: new Date(), olderThanMs: config.sweepAfterMs });
    if (n > 0) logger.warn({ items: n }, 're-enqueued items left pending (crash between upsert and enqueue?)');
    return n;
  };

  const first = await syncSchedules();
  logger.info(first, 'job schedulers synchronised');
  const timer = setInterval(() => {
    syncSchedules().catch((error: unknown) => logger.error({ err: error }, 'scheduler sync failed'));
    sweep().catch((error: unknown) => logger.error({ err: error }, 'pending sweep failed'));
  }, config.syncIntervalMs);
  timer.unref();

  return {
    models,
    syncSchedules,
    sweep,
    shutdownSteps: [
      { name: 'stop scheduler sync', run: async () => clearInterval(timer) },
      // close() waits for active jobs; a job cut short by a hard kill is picked up again as stalled.
      { name: 'close worker', run: () => worker.close() },
      { name: 'close queues', run: () => Promise.all([classifyQueue.close(), collectQueue.close()]) },
      { name: 'quit redis', run: () => Promise.all([workerRedis.quit(), producerRedis.quit()]) },
      { name: 'disconnect database', run: () => connection.close() },
    ],
  };
}


