import { JOBS, classifierActivationChannel } from '@vigie/contracts';
import { backfillAlertKeys, connectMongo, createModels, ensureIndexes, finishReclassifyRun, type Models } from '@vigie/db';
import { warmUpClassifier } from '@vigie/nlp';
import {
  connectWithRetry,
  createRedisConnection,
  createTypedQueue,
  createTypedWorker,
  redactUrl,
  type Logger,
  type RunningService,
} from '@vigie/runtime';
import type { NarrativeKey } from '@vigie/contracts';
import { scanEarlyWarnings } from './early-warning.js';
import type { ClassifierConfig } from './config.js';
import { classifyItem, type ClassifierEngine } from './classify-item.processor.js';
import { startActiveClassifier, type ActiveClassifier } from './active-classifier.js';
import { reclassifyItems } from './reclassify.processor.js';
import { startNotifier } from './notifier.js';
import { createDigestMail, generateWeeklyDigests } from './digest.processor.js';

export interface RunningClassifier extends RunningService {
  readonly models: Models;
  readonly classifierVersion: string;
  /** The classifier in use, following the active version in the database (hot-swap). */
  readonly activeClassifier: ActiveClassifier;
}

export async function startClassifier(config: ClassifierConfig, logger: Logger): Promise<RunningClassifier> {
  logger.info({ mongo: redactUrl(config.mongo.url), redis: redactUrl(config.redis.url) }, 'starting classifier');
  const connection = await connectWithRetry('database', () => connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-classifier' }), logger);
  const models = createModels(connection);
  await ensureIndexes(models);
  // Once per database (a no-op after): lets evidence writers find a key's alert by `_id` (see backfillAlertKeys).
  const pointedKeys = await backfillAlertKeys(models);
  if (pointedKeys !== null) logger.info({ pointedKeys }, 'alert keys backfilled');
  const redis = createRedisConnection(config.redis.url, 'worker');
  redis.on('error', (e) => logger.warn({ err: e.message }, 'redis connection error'));
  await connectWithRetry('redis', () => redis.connect(), logger);
  // Load the active classifier version once, before taking work; then follow activations without a restart.
  const subscriber = createRedisConnection(config.redis.url, 'worker');
  subscriber.on('error', (e) => logger.warn({ err: e.message }, 'redis subscriber connection error'));
  await connectWithRetry('redis subscriber', () => subscriber.connect(), logger);
  const active = await startActiveClassifier({ models, logger, subscriber, channel: classifierActivationChannel(config.redis.queuePrefix), pollMs: config.classifierVersionPollMs });
  if (config.warmUpRounds > 0) {
    // Before the first job: V8 compiles the classifier for the paths real items take (see warm-up.ts in @vigie/nlp).
    // Later versions are built from the same code, so an activation needs no warm-up of its own.
    const warm = warmUpClassifier(active.current, config.warmUpRounds);
    logger.info({ items: warm.items, ms: Math.round(warm.ms), classifierVersion: active.current.version }, 'classifier warmed up');
  }
  // Read per item: an activation between two items switches the next one.
  const engine: ClassifierEngine = {
    get version() {
      return active.current.version;
    },
    classify: (input) => active.current.classify(input),
  };

  const notifier = await startNotifier(config, { models, redis, logger });
  // Shared by live classification and re-classification runs.
  const classifyDeps = { models, engine, alertMinScore: config.alertMinScore, reopenWindowMs: config.reopenWindowMs, now: () => new Date(), emitAlertEvent: notifier.emitAlertEvent };
  const worker = createTypedWorker(JOBS.classifyItem, (payload, ctx) => classifyItem(classifyDeps, payload, ctx), {
    connection: redis,
    prefix: config.redis.queuePrefix,
    logger,
    concurrency: config.concurrency,
  });
  // One run at a time per process; the lock decides how soon a run whose worker died is picked up again.
  const reclassifyWorker = createTypedWorker(JOBS.reclassifyItems, (payload, ctx) => reclassifyItems({ classify: classifyDeps, batchSize: config.reclassify.batchSize, pauseMs: config.reclassify.pauseMs }, payload, ctx), {
    connection: redis,
    prefix: config.redis.queuePrefix,
    logger,
    concurrency: 1,
    lockDuration: config.reclassify.lockMs,
    stalledInterval: config.reclassify.lockMs,
  });
  reclassifyWorker.on('failed', (job, error) => {
    // Out of attempts: the run record says so (progress up to the last saved batch stays).
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1) && typeof job.data?.runId === 'string') {
      void finishReclassifyRun(models, job.data.runId as string, 'failed', new Date(), error.message).catch(() => undefined);
    }
  });
  const counterMessages = (narrative: NarrativeKey) => active.current.catalogue.narratives[narrative]?.counterMessaging ?? { en: [], fr: [] };
  const scanQueue = createTypedQueue(JOBS.scanEarlyWarnings, redis, config.redis.queuePrefix, logger);
  const scanWorker = createTypedWorker(JOBS.scanEarlyWarnings, (_payload, ctx) => scanEarlyWarnings({ models, now: () => new Date(), counterMessages }, ctx.log), {
    connection: redis,
    prefix: config.redis.queuePrefix,
    logger,
    concurrency: 1,
  });
  // One scheduler for the whole deployment: upserting the same id from several processes keeps one schedule.
  await scanQueue.queue.upsertJobScheduler(
    'early-warning-scan',
    { every: config.earlyWarningIntervalMs },
    { name: JOBS.scanEarlyWarnings.queue, data: {}, opts: { ...JOBS.scanEarlyWarnings.defaults } },
  );
  const digestMail = createDigestMail(config.digest, logger);
  const digestQueue = createTypedQueue(JOBS.generateDigest, redis, config.redis.queuePrefix, logger);
  // Digests go to webhooks subscribed to `digest.published` through the same signed, retried delivery queue as
  // alerts (whichever process runs the notifier sends them).
  const digestDeliveries = createTypedQueue(JOBS.deliverWebhook, redis, config.redis.queuePrefix, logger);
  const digestWebhooks = {
    publicUrl: config.notify.publicUrl,
    enqueueDelivery: (deliveryId: string) => digestDeliveries.enqueue({ deliveryId }, { jobId: `dw-${deliveryId}`, backoffDelayMs: config.webhooks.retryBaseMs }),
  };
  const digestWorker = createTypedWorker(JOBS.generateDigest, (payload, ctx) => generateWeeklyDigests({ models, now: () => new Date(), mail: digestMail, webhooks: digestWebhooks }, payload, ctx.log), { connection: redis, prefix: config.redis.queuePrefix, logger, concurrency: 1 });
  await digestQueue.queue.upsertJobScheduler('weekly-digest', { pattern: config.digest.cron, tz: config.digest.timezone }, { name: JOBS.generateDigest.queue, data: {}, opts: { ...JOBS.generateDigest.defaults } });

  return {
    models,
    classifierVersion: engine.version,
    activeClassifier: active,
    shutdownSteps: [
      { name: 'close workers', run: () => Promise.all([worker.close(), scanWorker.close(), digestWorker.close(), reclassifyWorker.close()]) },
      { name: 'close queues', run: () => Promise.all([scanQueue.close(), digestQueue.close(), digestDeliveries.close()]) },
      // After the classify worker (which emits alert events): the notifier drains what it has, then stops.
      { name: 'close notifier workers', run: () => notifier.closeWorkers() },
      { name: 'close notifier queues', run: () => notifier.closeQueues() },
      { name: 'stop following classifier versions', run: () => active.close() },
      { name: 'quit redis', run: () => redis.quit() },
      { name: 'disconnect database', run: () => connection.close() },
    ],
  };
}
