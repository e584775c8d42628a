import type { Redis } from 'ioredis';
import { JOBS, alertEventJobId, type AlertEventJob } from '@vigie/contracts';
import { createTypedQueue, type Logger } from '@vigie/runtime';

/** Enqueues an alert event for the notifier (classifier process). */
export type EmitAlertEvent = (event: AlertEventJob) => Promise<void>;

/**
 * The API's alert-event producer, on the API's fail-fast Redis connection (closed by startApi's shutdown). Job
 * ids are deterministic, so a repeated enqueue of the same change is a no-op.
 */
export function alertEventEmitter(redis: Redis, queuePrefix: string, logger: Logger): EmitAlertEvent {
  const queue = createTypedQueue(JOBS.alertEvent, redis, queuePrefix, logger);
  return (event) => queue.enqueue(event, { jobId: alertEventJobId(event) });
}
