import { JOBS } from '@vigie/contracts';
import { connectMongo, createModels, ensureIndexes, type Models } from '@vigie/db';
import { createClassifier } from '@vigie/nlp';
import { connectWithRetry, createRedisConnection, createTypedWorker, redactUrl, type Logger, type RunningService } from '@vigie/runtime';
import type { ClassifierConfig } from './config.js';
import { classifyItem } from './classify-item.processor.js';

export interface RunningClassifier extends RunningService {
  readonly models: Models;
  readonly classifierVersion: string;
}

export async function startClassifier(config: ClassifierConfig, logger: Logger): Promise<RunningClassifier> {
  logger.info({ mongo: redactUrl(config.mongo.url), redis: redactUrl(config.redis.url) }, 'starting classifier');
  // Load the catalogue and model once per process, before taking work.
  const engine = createClassifier();
  logger.info({ classifierVersion: engine.version }, 'classifier loaded');
  const connection = await connectWithRetry('database', () => connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-classifier' }), logger);
  const models = createModels(connection);
  await ensureIndexes(models);
  const redis = createRedisConnection(config.redis.url, 'worker');
  redis.on('error', (e) => logger.warn({ err: e.message }, 'redis connection error'));
  await connectWithRetry('redis', () => redis.connect(), logger);

  const worker = createTypedWorker(
    JOBS.classifyItem,
    (payload, ctx) => classifyItem({ models, engine, alertMinScore: config.alertMinScore, reopenWindowMs: config.reopenWindowMs, now: () => new Date() }, payload, ctx),
    { connection: redis, prefix: config.redis.queuePrefix, logger, concurrency: config.concurrency },
  );
  return {
    models,
    classifierVersion: engine.version,
    shutdownSteps: [
      { name: 'close worker', run: () => worker.close() },
      { name: 'quit redis', run: () => redis.quit() },
      { name: 'disconnect database', run: () => connection.close() },
    ],
  };
}
