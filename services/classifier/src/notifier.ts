import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEFAULT_NOTIFICATION_POLICY, NotificationPolicy } from '@vigie/alerting';
import { JOBS, alertEventJobId, alertEventsChannel, type AlertEventJob } from '@vigie/contracts';
import type { Models } from '@vigie/db';
import { createTypedQueue, createTypedWorker, type Logger } from '@vigie/runtime';
import type { ClassifierConfig } from './config.js';
import { processAlertEvent } from './alert-event.processor.js';
import { deliverWebhook } from './deliver-webhook.processor.js';
import { flushGroups, scanEscalations } from './notify-tick.processor.js';
import type { NotifyDeps } from './notification-fanout.js';
import { createWebhookClient } from './webhook-client.js';

/** Enqueues an alert event (deterministic job id). Injected into processors so their unit tests need no Redis. */
export type EmitAlertEvent = (event: AlertEventJob) => Promise<void>;

export interface Notifier {
  readonly emitAlertEvent: EmitAlertEvent;
  /** Stops the notifier's workers (waiting for active jobs). */
  closeWorkers(): Promise<void>;
  /** Closes its queues and HTTP agent; after closeWorkers. */
  closeQueues(): Promise<void>;
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
 * deliver-webhook job per matching subscription; a notify-tick queue with two job schedulers (flush due groups,
 * scan escalations); the live-stream publisher. With NOTIFY_ENABLED=false only the event producer runs (another
 * process notifies).
 */
export async function startNotifier(
  config: ClassifierConfig,
  { models, redis, logger }: { models: Models; redis: Redis; logger: Logger },
): Promise<Notifier> {
  const prefix = config.redis.queuePrefix;
  const alertEvents = createTypedQueue(JOBS.alertEvent, redis, prefix, logger);
  const emitAlertEvent: EmitAlertEvent = (event) => alertEvents.enqueue(event, { jobId: alertEventJobId(event) });
  if (!config.notify.enabled) {
    return { emitAlertEvent, closeWorkers: async () => {}, closeQueues: () => alertEvents.close() };
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
      (payload, ctx) => (payload.task === 'flush-groups' ? flushGroups(deps, ctx.log) : scanEscalations(deps, emitAlertEvent, ctx.log)),
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
  log.info({ groupWaitMs: policy.groupWaitMs, maxPerHour: policy.maxPerHour, escalation: policy.escalation }, 'notifier started');

  return {
    emitAlertEvent,
    closeWorkers: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
    closeQueues: async () => {
      await Promise.all([alertEvents.close(), deliveries.close(), ticks.close()]);
      await client.close();
    },
  };
}
