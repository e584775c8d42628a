/**
 * Queue names are a persisted contract (Redis keys): kebab-case, frozen, never renamed without a drain plan.
 * A job's name always equals its queue's name.
 */
import { z } from 'zod';

export const QUEUES = Object.freeze({
  collectFeed: 'collect-feed',
  classifyItem: 'classify-item',
  /** Something happened to an alert (created, evidence, transition, reopened, escalated): notify and stream it. */
  alertEvent: 'alert-event',
  /** One webhook delivery (one event × one subscription); retried with backoff. */
  deliverWebhook: 'deliver-webhook',
  /** Scheduled notifier work: flush due notification groups, scan for escalations. */
  notifyTick: 'notify-tick',
  /** Periodic early-warning scan: spikes, rising trends, prebunk tasks. */
  scanEarlyWarnings: 'scan-early-warnings',
  /** Weekly digests (per mission and overall), stored and e-mailed to subscribers. */
  generateDigest: 'generate-digest',
  /** One re-classification run (`{ runId }`): walks the matching items in `_id` order with the active version. */
  reclassifyItems: 'reclassify-items',
} as const);
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Payloads carry references, never documents: Mongo is the source of truth, Redis only delivers work. */
export const CollectFeedJob = z.object({ sourceId: z.string().regex(/^[a-f0-9]{24}$/, 'must be an ObjectId') }).strict();
export type CollectFeedJob = z.infer<typeof CollectFeedJob>;

export const ClassifyItemJob = z.object({ itemId: z.string().regex(/^[a-f0-9]{24}$/, 'must be an ObjectId') }).strict();
export type ClassifyItemJob = z.infer<typeof ClassifyItemJob>;

const objectIdString = z.string().regex(/^[a-f0-9]{24}$/, 'must be an ObjectId');

export const ALERT_EVENT_KINDS = ['created', 'evidence', 'transition', 'reopened', 'escalated'] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

/**
 * Something happened to an alert. References only: the notifier reloads the alert. `ref` tells events of one
 * kind apart and makes their key deterministic — the item id for `created` and `evidence`, the history length after
 * the change for `transition` and `reopened`, `<reopenCount>-<level>` for `escalated`.
 */
export const AlertEventJob = z
  .object({
    alertId: objectIdString,
    type: z.enum(ALERT_EVENT_KINDS),
    /** When it happened (ISO 8601). */
    at: z.iso.datetime({ offset: true }),
    ref: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  })
  .strict();
export type AlertEventJob = z.infer<typeof AlertEventJob>;

/**
 * The event's identity: the same happening always gets the same key, so job ids, webhook delivery records
 * (unique per webhook × key) and receivers all deduplicate on it. Contains no ':' (BullMQ job ids refuse it).
 */
export function alertEventKey(event: Pick<AlertEventJob, 'alertId' | 'type' | 'ref'>): string {
  // `created` and `evidence` share a key per item: a retried classification that no longer sees the alert as
  // new (it was created by the first attempt) must not notify the same item twice.
  const kind = event.type === 'created' || event.type === 'evidence' ? 'item' : event.type;
  return `${event.alertId}.${kind}.${event.ref ?? '0'}`;
}

/** The BullMQ job id of an alert event: deterministic, so a repeated enqueue while it is retained is a no-op. */
export function alertEventJobId(event: Pick<AlertEventJob, 'alertId' | 'type' | 'ref'>): string {
  return `ae-${alertEventKey(event).replace(/\./g, '-')}`;
}

/** One webhook delivery; the delivery record in Mongo holds the body, the webhook holds url and secrets. */
export const DeliverWebhookJob = z.object({ deliveryId: objectIdString }).strict();
export type DeliverWebhookJob = z.infer<typeof DeliverWebhookJob>;

export const NOTIFY_TICK_TASKS = ['flush-groups', 'escalate', 'prune-outbox'] as const;
/**
 * Scheduled by job schedulers (one per task); `flush-groups` is also enqueued at once for immediate severities.
 * `prune-outbox` is the alert-event outbox's retention (relayed rows older than OUTBOX_RETENTION_HOURS).
 */
export const NotifyTickJob = z.object({ task: z.enum(NOTIFY_TICK_TASKS) }).strict();
export type NotifyTickJob = z.infer<typeof NotifyTickJob>;

export interface JobDefinition<S extends z.ZodType> {
  readonly queue: QueueName;
  readonly schema: S;
  /** BullMQ default job options: attempts and backoff; retention keeps Redis small. */
  readonly defaults: {
    readonly attempts: number;
    readonly backoff: { readonly type: 'exponential'; readonly delay: number; readonly jitter?: number };
    readonly removeOnComplete: { readonly count: number; readonly age: number };
    readonly removeOnFail: { readonly count: number; readonly age: number };
  };
}

/** A periodic scan has no payload: it reads the current state. */
export const ScanEarlyWarningsJob = z.object({}).strict();
export type ScanEarlyWarningsJob = z.infer<typeof ScanEarlyWarningsJob>;

/**
 * Generates the weekly digests. The scheduled job has no payload (it reports on the last complete ISO week);
 * `week` (`YYYY-Www`) regenerates a given week.
 */
export const GenerateDigestJob = z.object({ week: z.string().regex(/^\d{4}-W\d{2}$/, 'must be an ISO week, e.g. 2026-W48').optional() }).strict();
export type GenerateDigestJob = z.infer<typeof GenerateDigestJob>;

/** A re-classification run; its filters, cursor and counters live in the `reclassify_runs` record. */
export const ReclassifyItemsJob = z.object({ runId: objectIdString }).strict();
export type ReclassifyItemsJob = z.infer<typeof ReclassifyItemsJob>;

/**
 * Pub/sub channel on which an activation is announced (message: the activation's sequence number). Workers then
 * read the pointer from the database (the message is only a nudge; they also poll), under the deployment's prefix.
 */
export function classifierActivationChannel(queuePrefix: string): string {
  return `${queuePrefix}:classifier-activated`;
}

/** Every job, declared once: queue, payload schema, default options. */
export const JOBS = Object.freeze({
  collectFeed: {
    queue: QUEUES.collectFeed,
    schema: CollectFeedJob,
    // Network work: a few retries with jittered exponential backoff; the schedule retries later anyway.
    defaults: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
      removeOnComplete: { count: 1_000, age: 24 * 3600 },
      removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
    },
  },
  classifyItem: {
    queue: QUEUES.classifyItem,
    schema: ClassifyItemJob,
    // Classification is CPU-only and deterministic; retries cover only DB hiccups.
    defaults: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
      removeOnComplete: { count: 1_000, age: 24 * 3600 },
      removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
    },
  },
  alertEvent: {
    queue: QUEUES.alertEvent,
    schema: AlertEventJob,
    // DB work only; deliveries are their own jobs, so retrying an event never re-sends (delivery keys dedupe).
    defaults: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
      removeOnComplete: { count: 5_000, age: 24 * 3600 },
      removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
    },
  },
  deliverWebhook: {
    queue: QUEUES.deliverWebhook,
    schema: DeliverWebhookJob,
    // Network work on someone else's server: 8 attempts, jittered exponential backoff (base overridable per
    // enqueue: WEBHOOK_RETRY_BASE_MS). 4xx other than 408/429 fail at once (UnrecoverableError in the worker).
    defaults: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 30_000, jitter: 0.5 },
      removeOnComplete: { count: 1_000, age: 24 * 3600 },
      removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
    },
  },
  notifyTick: {
    queue: QUEUES.notifyTick,
    schema: NotifyTickJob,
    // The next tick does the same work; no point retrying a tick.
    defaults: {
      attempts: 1,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { count: 100, age: 3600 },
      removeOnFail: { count: 1_000, age: 24 * 3600 },
    },
  },
  scanEarlyWarnings: {
    queue: QUEUES.scanEarlyWarnings,
    schema: ScanEarlyWarningsJob,
    // A missed scan is covered by the next one: no long retry chains.
    defaults: {
      attempts: 2,
      backoff: { type: 'exponential', delay: 10_000, jitter: 0.5 },
      removeOnComplete: { count: 100, age: 24 * 3600 },
      removeOnFail: { count: 500, age: 7 * 24 * 3600 },
    },
  },
  reclassifyItems: {
    queue: QUEUES.reclassifyItems,
    schema: ReclassifyItemsJob,
    // Resumes from the run's persisted cursor, so a retry after a crash redoes at most one batch (idempotent writes).
    defaults: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
      removeOnComplete: { count: 100, age: 30 * 24 * 3600 },
      removeOnFail: { count: 100, age: 30 * 24 * 3600 },
    },
  },
  generateDigest: {
    queue: QUEUES.generateDigest,
    schema: GenerateDigestJob,
    // Regeneration replaces stored digests and e-mails are marked sent per digest, so a retry repeats nothing.
    defaults: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 60_000, jitter: 0.5 },
      removeOnComplete: { count: 100, age: 30 * 24 * 3600 },
      removeOnFail: { count: 100, age: 30 * 24 * 3600 },
    },
  },
} as const satisfies Record<string, JobDefinition<z.ZodType>>);
