import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEFAULT_NOTIFICATION_POLICY, NotificationPolicy } from '@vigie/alerting';
import { ZodError } from 'zod';
import { JOBS, alertEventJobId, alertEventsChannel, type AlertEventJob } from '@vigie/contracts';
import { outboxBacklog, pruneRelayedAlertEvents, recordAlertEvent, relayPendingAlertEvents, type Models } from '@vigie/db';
import { createRedisConnection, createTypedQueue, createTypedWorker, startPeriodicTask, type Logger } from '@vigie/runtime';
import type { ClassifierConfig } from './config.js';
import { processAlertEvent } from './alert-event.processor.js';
import { deliverWebhook } from './deliver-webhook.processor.js';
import { flushGroups, scanEscalations } from './notify-tick.processor.js';
import type { NotifyDeps } from './notification-fanout.js';
import { createWebhookClient } from './webhook-client.js';

/**
 * Records an alert event in the outbox and nudges the relay, which publishes it with a deterministic job id.
 * Injected into processors so their unit tests need no Redis.
 */
export type EmitAlertEvent = (event: AlertEventJob) => Promise<void>;

export interface Notifier {
  readonly emitAlertEvent: EmitAlertEvent;
  /** Stops the notifier's workers (waiting for active jobs). */
  closeWorkers(): Promise<void>;
  /** Stops the outbox relay (after one last pass), closes its queues and HTTP agent; after closeWorkers. */
  closeQueues(): Promise<void>;
}

/**
 * The outbox relay of this process: every OUTBOX_RELAY_INTERVAL_MS, and at once when an event is recorded, it
 * rolls forward crashed lifecycle changes and publishes pending alert events in recorded order. Its own
 * fail-fast Redis connection: while Redis is down a pass fails at once (the events stay pending, in order) instead
 * of queueing commands in memory, and the next pass after Redis returns publishes the backlog.
 */
async function startOutboxRelay(config: ClassifierConfig, models: Models, logger: Logger) {
  const log = logger.child({ component: 'outbox-relay' });
  const redis = createRedisConnection(config.redis.url, 'producer');
  let down = false;
  redis.on('error', (e) => {
    if (!down) log.warn({ err: e.message }, 'outbox relay: redis unreachable; alert events wait in the database');
    down = true;
  });
  redis.on('ready', () => {
    down = false;
  });
  // lazyConnect: the first pass connects. A failed connect is retried by ioredis in the background.
  await redis.connect().catch(() => undefined);
  const queue = createTypedQueue(JOBS.alertEvent, redis, config.redis.queuePrefix, logger);
  let lastSweep = 0;
  const task = startPeriodicTask(
    async () => {
      // Crashed lifecycle changes are swept at most every 30 s (the age at which they count as crashed).
      const rollForward = Date.now() - lastSweep >= 30_000;
      if (rollForward) lastSweep = Date.now();
      const report = await relayPendingAlertEvents(models, (event) => queue.enqueue(event, { jobId: alertEventJobId(event) }), {
        isPermanent: (error) => error instanceof ZodError,
        rollForward,
      });
      if (report.relayed || report.rolledForward || report.dead) log.debug({ ...report, error: undefined }, 'outbox relay pass');
      if (report.dead) log.error({ dead: report.dead }, 'alert events refused by the queue schema were set aside (alert_outbox.deadReason)');
      if (report.error) {
        const backlog = await outboxBacklog(models);
        log.warn({ err: report.error instanceof Error ? report.error.message : String(report.error), ...backlog }, 'alert events wait in the outbox until Redis answers');
      }
      return { more: report.more && !report.error };
    },
    { intervalMs: config.outbox.relayIntervalMs, onError: (error) => log.error({ err: error }, 'outbox relay pass failed; retrying on the next one') },
  );
  return {
    kick: () => task.kick(),
    async stop() {
      // One last pass for what the workers recorded while stopping.
      task.kick();
      await task.idle();
      await task.stop();
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

const RELEASE_LOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The notification policy from configuration, validated by @vigie/alerting's schema. */
export function policyFrom(config: ClassifierConfig): NotificationPolicy {
  return NotificationPolicy.parse({
    ...DEFAULT_NOTIFICATION_POLICY,
    groupWaitMs: config.notify.groupWaitMs,
    maxPerHour: config.notify.maxPerHour,
    escalation: { afterMs: config.notify.escalation.afterMs, levels: config.notify.escalation.levels },
  });
}

/**
 * The notification pipeline, in the classifier process: alert-event → silences, grouping, rate caps → one
 * deliver-webhook job per matching subscription; a notify-tick queue with three job schedulers (flush due groups,
 * scan escalations, prune the outbox); the live-stream publisher. Alert events reach the queue through the
 * outbox relay. With NOTIFY_ENABLED=false only the event producer (outbox and relay) runs (another process
 * notifies).
 */
export async function startNotifier(
  config: ClassifierConfig,
  { models, redis, logger }: { models: Models; redis: Redis; logger: Logger },
): Promise<Notifier> {
  const prefix = config.redis.queuePrefix;
  const relay = await startOutboxRelay(config, models, logger);
  const emitAlertEvent: EmitAlertEvent = async (event) => {
    await recordAlertEvent(models, event);
    relay.kick();
  };
  if (!config.notify.enabled) {
    return { emitAlertEvent, closeWorkers: async () => {}, closeQueues: () => relay.stop() };
  }

  const log = logger.child({ component: 'notifier' });
  const policy = policyFrom(config);
  const deliveries = createTypedQueue(JOBS.deliverWebhook, redis, prefix, logger);
  const ticks = createTypedQueue(JOBS.notifyTick, redis, prefix, logger);
  const client = createWebhookClient({ allowPrivateAddresses: config.webhooks.allowPrivateAddresses, timeoutMs: config.webhooks.timeoutMs });
  const lockKey = `${prefix}:notify:flush-lock`;
  const channel = alertEventsChannel(prefix);

  const deps: NotifyDeps = {
    models,
    policy,
    now: () => new Date(),
    publicUrl: config.notify.publicUrl,
    enqueueDelivery: (deliveryId) =>
      deliveries.enqueue({ deliveryId }, { jobId: `dw-${deliveryId}`, backoffDelayMs: config.webhooks.retryBaseMs }),
    requestFlush: () => ticks.enqueue({ task: 'flush-groups' }),
    publish: async (event) => {
      await redis.publish(channel, JSON.stringify(event));
    },
    // One flusher at a time across the deployment; the lock outlives a crashed holder by at most a minute.
    withFlushLock: async (fn) => {
      const token = randomUUID();
      if ((await redis.set(lockKey, token, 'PX', 60_000, 'NX')) !== 'OK') return null;
      try {
        return await fn();
      } finally {
        await redis.eval(RELEASE_LOCK, 1, lockKey, token);
      }
    },
  };

  const common = { connection: redis, prefix, logger };
  const workers: ReturnType<typeof createTypedWorker>[] = [
    createTypedWorker(JOBS.alertEvent, (payload, ctx) => processAlertEvent(deps, payload, ctx), { ...common, concurrency: 4 }),
    createTypedWorker(
      JOBS.deliverWebhook,
      (payload, ctx) => deliverWebhook({ models, client, now: () => new Date(), userAgent: `Vigie-Webhook/${config.version}` }, payload, ctx),
      { ...common, concurrency: config.webhooks.concurrency },
    ),
    createTypedWorker(
      JOBS.notifyTick,
      (payload, ctx) =>
        payload.task === 'flush-groups'
          ? flushGroups(deps, ctx.log)
          : payload.task === 'escalate'
            ? scanEscalations(deps, emitAlertEvent, ctx.log)
            : pruneOutbox(models, config.outbox.retentionMs, ctx.log),
      { ...common, concurrency: 1 },
    ),
  ];
  // Upserting the same scheduler ids from several processes keeps one schedule per task.
  const tickOpts = { ...JOBS.notifyTick.defaults, backoff: { ...JOBS.notifyTick.defaults.backoff } };
  await ticks.queue.upsertJobScheduler('notify-flush-groups', { every: config.notify.flushIntervalMs }, {
    name: JOBS.notifyTick.queue,
    data: { task: 'flush-groups' },
    opts: tickOpts,
  });
  await ticks.queue.upsertJobScheduler('notify-escalate', { every: config.notify.escalation.scanIntervalMs }, {
    name: JOBS.notifyTick.queue,
    data: { task: 'escalate' },
    opts: tickOpts,
  });
  await ticks.queue.upsertJobScheduler('outbox-prune', { every: 3_600_000 }, {
    name: JOBS.notifyTick.queue,
    data: { task: 'prune-outbox' },
    opts: tickOpts,
  });
  log.info({ groupWaitMs: policy.groupWaitMs, maxPerHour: policy.maxPerHour, escalation: policy.escalation }, 'notifier started');

  return {
    emitAlertEvent,
    closeWorkers: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
    closeQueues: async () => {
      await relay.stop();
      await Promise.all([deliveries.close(), ticks.close()]);
      await client.close();
    },
  };
}

/** The outbox's retention job (hourly, one per deployment): relayed events older than OUTBOX_RETENTION_HOURS go. */
async function pruneOutbox(models: Models, retentionMs: number, log: Logger) {
  const pruned = await pruneRelayedAlertEvents(models, new Date(Date.now() - retentionMs));
  if (pruned) log.info({ pruned }, 'relayed alert events pruned from the outbox');
  return { pruned };
}
