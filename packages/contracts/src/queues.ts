/**
 * Queue names are a persisted contract (Redis keys): kebab-case, frozen, never renamed without a drain plan.
 * A job's name always equals its queue's name.
 */
import { z } from 'zod';

export const QUEUES = Object.freeze({
  collectFeed: 'collect-feed',
  classifyItem: 'classify-item',
} as const);
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Payloads carry references, never documents: Mongo is the source of truth, Redis only delivers work. */
export const CollectFeedJob = z.object({ sourceId: z.string().regex(/^[a-f0-9]{24}$/, 'must be an ObjectId') }).strict();
export type CollectFeedJob = z.infer<typeof CollectFeedJob>;

export const ClassifyItemJob = z.object({ itemId: z.string().regex(/^[a-f0-9]{24}$/, 'must be an ObjectId') }).strict();
export type ClassifyItemJob = z.infer<typeof ClassifyItemJob>;

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
} as const satisfies Record<string, JobDefinition<z.ZodType>>);
