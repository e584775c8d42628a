import { Queue, Worker, UnrecoverableError, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { JobDefinition } from '@vigie/contracts';
import type { Logger } from './logger.js';

export { UnrecoverableError };

/** Per-enqueue overrides of a definition's defaults. */
export interface EnqueueOptions {
  readonly jobId?: string;
  readonly delay?: number;
  readonly priority?: number;
  /** Overrides the definition's backoff base delay, ms (configurable retry pacing; tests use short ones). */
  readonly backoffDelayMs?: number;
}

/** A typed producer for one job definition. */
export interface TypedQueue<S extends z.ZodType> {
  readonly queue: Queue;
  /** Enqueue with the definition's defaults; `jobId` makes the enqueue idempotent while the job is retained. */
  enqueue(payload: z.infer<S>, opts?: EnqueueOptions): Promise<void>;
  close(): Promise<void>;
}

export function createTypedQueue<S extends z.ZodType>(
  definition: JobDefinition<S>,
  connection: Redis,
  prefix: string,
  logger: Logger,
): TypedQueue<S> {
  const queue = new Queue(definition.queue, {
    connection,
    prefix,
    defaultJobOptions: { ...definition.defaults, backoff: { ...definition.defaults.backoff } },
  });
  queue.on('error', (error) => logger.error({ err: error, queue: definition.queue }, 'queue error'));
  return {
    queue,
    async enqueue(payload, opts = {}) {
      const data = definition.schema.parse(payload);
      const { backoffDelayMs, ...rest } = opts;
      const backoff = backoffDelayMs === undefined ? undefined : { ...definition.defaults.backoff, delay: backoffDelayMs };
      await queue.add(definition.queue, data, backoff ? { ...rest, backoff } : rest);
    },
    close: () => queue.close(),
  };
}

export interface JobContext {
  readonly log: Logger;
  readonly job: Job;
}

/**
 * Starts a worker that re-parses the payload first (an invalid payload is permanent: UnrecoverableError) and
 * then calls the handler. Errors are never swallowed here, so BullMQ's retries work.
 */
export function createTypedWorker<S extends z.ZodType>(
  definition: JobDefinition<S>,
  handler: (payload: z.infer<S>, ctx: JobContext) => Promise<unknown>,
  options: { connection: Redis; prefix: string; logger: Logger; concurrency?: number } & Partial<
    Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'autorun'>
  >,
): Worker {
  const { connection, prefix, logger, concurrency = 1, ...rest } = options;
  const worker = new Worker(
    definition.queue,
    async (job: Job) => {
      const log = logger.child({ queue: definition.queue, jobId: job.id, attempt: job.attemptsMade + 1 });
      const parsed = definition.schema.safeParse(job.data);
      if (!parsed.success) {
        log.error({ issues: parsed.error.issues }, 'invalid job payload; not retrying');
        throw new UnrecoverableError(`invalid payload for ${definition.queue}: ${parsed.error.message}`);
      }
      return handler(parsed.data, { log, job });
    },
    { connection, prefix, concurrency, ...rest },
  );
  worker.on('error', (error) => logger.error({ err: error, queue: definition.queue }, 'worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ queue: definition.queue, jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'job failed'),
  );
  return worker;
}
