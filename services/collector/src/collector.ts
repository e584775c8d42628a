
import { JOBS } from '@vigie/contracts';
import { classifyJobId, connectMongo, createModels, ensureIndexes, type Models } from '@vigie/db';
import {
  connectWithRetry,
  createRedisConnection,
  createTypedQueue,
  createTypedWorker,
  redactUrl,
  type Logger,
  type RunningService,
} from '@vigie/runtime';
import type { CollectorConfig } from './config.js';
import { collectFeed } from './collect-feed.processor.js';
import { jitteredIntervalMs, schedulerIdFor } from './schedule.js';
import { readSourcesFile, upsertSources } from './sources-file.js';
import { createHostLimiter } from './politeness.js';
import { sweepStalePending } from './sweeper.js';
import { createHealthWriter } from './health-writer.js';

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
  const healthWriter = createHealthWriter(models);

  // Global concurrency = this worker's concurrency (per process); per-host limits are shared through Redis.
  const worker = createTypedWorker(
    JOBS.collectFeed,
    (payload, ctx) => collectFeed({ models, fetchOptions: config.fetch, enqueueClassify, hostLimiter, healthWriter, now: () => new Date() }, payload, ctx),
    { connection: workerRedis, prefix: config.redis.queuePrefix, logger, concurrency: config.concurrency },
  );

  /**
   * One job scheduler per enabled rss/web source, `every` = its adaptive interval (schedule.intervalSec, set
   * after each fetch) with a stable per-source jitter. Schedulers are only rewritten when their interval
   * changed, so a sync over hundreds of sources costs one listing.
   */
  async function syncSchedules() {
    const sources = await models.sources
      .find({ enabled: true, kind: { $in: ['rss', 'web'] }, url: { $ne: null } }, { _id: 1, pollIntervalSec: 1, schedule: 1 })
      .lean();
    const existing = new Map<string, number | undefined>();
    for (const s of await collectQueue.queue.getJobSchedulers(0, -1)) {
      const id = s.key ?? s.id;
      if (id) existing.set(id, s.every != null ? Number(s.every) : undefined);
    }
    const wanted = new Set<string>();
    let updated = 0;
    for (const s of sources) {
      const sourceId = String(s._id);
      const id = schedulerIdFor(sourceId);
      wanted.add(id);
      const every = jitteredIntervalMs(sourceId, s.schedule?.intervalSec ?? s.pollIntervalSec);
      if (existing.get(id) === every) continue;
      await collectQueue.queue.upsertJobScheduler(id, { every }, { name: JOBS.collectFeed.queue, data: { sourceId }, opts: { ...JOBS.collectFeed.defaults } });
      updated++;
    }
    let removed = 0;
    for (const id of existing.keys()) {
      if (!wanted.has(id)) {
        await collectQueue.queue.removeJobScheduler(id);
        removed++;
      }
    }
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
      { name: 'flush source health', run: () => healthWriter.flush() },
      { name: 'close queues', run: () => Promise.all([classifyQueue.close(), collectQueue.close()]) },
      { name: 'quit redis', run: () => Promise.all([workerRedis.quit(), producerRedis.quit()]) },
      { name: 'disconnect database', run: () => connection.close() },
    ],
  };
}


