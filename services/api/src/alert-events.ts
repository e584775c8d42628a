import type { Redis } from 'ioredis';
import { ZodError } from 'zod';
import { JOBS, alertEventJobId } from '@vigie/contracts';
import { relayPendingAlertEvents, type Models } from '@vigie/db';
import { createTypedQueue, startPeriodicTask, type Logger, type PeriodicTask } from '@vigie/runtime';

/** Nudges the outbox relay after an alert change recorded its event. */
export interface AlertEventRelay {
  kick(): void;
  /** Waits for the relay in progress, then stops it and closes its queue. */
  stop(): Promise<void>;
}

/**
 * The API's side of the alert-event outbox. Lifecycle actions record their event in the database with the
 * change (applyAlertTransition); this relay then publishes pending events on the API's fail-fast Redis
 * connection right away, with deterministic job ids. It only runs when kicked: when Redis is down the kick
 * fails fast, the request still succeeds, and the classifier's periodic relay publishes the event once Redis
 * is back.
 */
export function startAlertEventRelay(models: Models, redis: Redis, queuePrefix: string, logger: Logger): AlertEventRelay {
  const queue = createTypedQueue(JOBS.alertEvent, redis, queuePrefix, logger);
  const log = logger.child({ component: 'outbox-relay' });
  const task: PeriodicTask = startPeriodicTask(
    async () => {
      const report = await relayPendingAlertEvents(models, (event) => queue.enqueue(event, { jobId: alertEventJobId(event) }), {
        isPermanent: (error) => error instanceof ZodError,
        // Crashed changes are the classifier relay's sweep; an action rolls its own alert forward before it acts.
        rollForward: false,
      });
      if (report.error) log.warn({ err: report.error, relayed: report.relayed }, 'alert events wait in the outbox: Redis refused them (the classifier relays them once it answers)');
      return { more: report.more && !report.error };
    },
    { intervalMs: null, onError: (error) => log.error({ err: error }, 'outbox relay pass failed') },
  );
  return {
    kick: () => task.kick(),
    async stop() {
      await task.stop();
      await queue.close();
    },
  };
}
