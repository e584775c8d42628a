
import { JOBS } from '@vigie/contracts';
import { connectMongo, createModels, ensureIndexes, type Models } from '@vigie/db';
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

export interface RunningCollector extends RunningService {
  readonly models: Models;
  /** Re-reads sources and reconciles job schedulers now (also runs on a timer). */
  syncSchedules(): Promise<{ scheduled: number; removed: number }>;
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

  const worker = createTypedWorker(
    JOBS.collectFeed,
    (payload, ctx) =>
      collectFeed(
        {
          models,
          fetchOptions: config.fetch,
          // The job id ties the job to this exact content: re-enqueueing it is a no-op while it is retained,
          // and an edit (new hash) gets a fresh classification.
          enqueueClassify: (itemId, contentHash) => classifyQueue.enqueue({ itemId }, { jobId: `item-${itemId}-${contentHash.slice(0, 16)}` }),
          now: () => new Date(),
        },
        payload,
        ctx,
      ),
    { connection: workerRedis, prefix: config.redis.queuePrefix, logger, concurrency: config.concurrency },
  );

  async function syncSchedules() {
    const sources = await models.sources.find({ enabled: true, kind: 'rss', url: { $ne: null } }, { _id: 1, pollIntervalSec: 1 }).lean();
    const wanted = new Set<string>();
    for (const s of sources) {
      const sourceId = String(s._id);
      wanted.add(schedulerIdFor(sourceId));
      await collectQueue.queue.upsertJobScheduler(
        schedulerIdFor(sourceId),
        { every: jitteredIntervalMs(sourceId, s.pollIntervalSec) },
        { name: JOBS.collectFeed.queue, data: { sourceId }, opts: { ...JOBS.collectFeed.defaults } },
      );
    }
    let removed = 0;
    const existing = await collectQueue.queue.getJobSchedulers(0, -1);
    for (const s of existing) {
      const id = s.key ?? s.id;
      if (id && !wanted.has(id)) {
        await collectQueue.queue.removeJobScheduler(id);
        removed++;
      }
    }
    return { scheduled: wanted.size, removed };
  }

  const first = await syncSchedules();
  logger.info(first, 'job schedulers synchronised');
  const timer = setInterval(() => {
    syncSchedules().catch((error: unknown) => logger.error({ err: error }, 'scheduler sync failed'));
  }, config.syncIntervalMs);
  timer.unref();

  return {
    models,
    syncSchedules,
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


