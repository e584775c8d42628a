import type { AlertEventJob } from '@vigie/contracts';
import type { Models } from '../models.js';
import { rollForwardStaleTransitions } from './alert.repository.js';

export interface RelayOptions {
  /** Rows relayed per pass (the loop runs another pass at once when a pass was full). Default 200. */
  readonly batch?: number;
  /** The clock (tests). */
  readonly now?: () => Date;
  /**
   * True for errors that waiting cannot fix (the queue's schema refuses the payload): the row is set aside as
   * dead instead of blocking every event behind it. Anything else (Redis down, timeouts) stops the pass so the
   * order is kept, and the row is tried again on the next pass.
   */
  readonly isPermanent?: (error: unknown) => boolean;
  /**
   * Roll forward lifecycle changes left unapplied by a crashed writer before relaying (default true). It reads
   * alert_transitions, which grows with every action and which FerretDB v1 scans whole: callers that pass often
   * sweep only now and then.
   */
  readonly rollForward?: boolean;
}

export interface RelayReport {
  /** Rows handed to the queue and marked relayed in this pass. */
  readonly relayed: number;
  /** Rows set aside because the queue refused them for good. */
  readonly dead: number;
  /** Lifecycle changes whose writer crashed before applying them, applied now (their events recorded). */
  readonly rolledForward: number;
  /** True when the pass took a full batch: more may be waiting. */
  readonly more: boolean;
  /** Why the pass stopped early (the queue is unreachable); the rows stay pending, in order. */
  readonly error: unknown;
}

/**
 * One relay pass: first rolls forward lifecycle changes whose writer crashed between recording and applying
 * them (so their events get recorded), then hands pending events to `enqueue` in recorded order and marks each
 * relayed. Stops at the first failure, so a Redis outage leaves every later event pending behind it and order
 * per alert is kept when Redis returns. `enqueue` must use a deterministic job id: a crash after the enqueue and
 * before the mark re-enqueues the same job, which BullMQ ignores while it is retained (and consumers dedupe on
 * the event key after that).
 */
export async function relayPendingAlertEvents(
  models: Models,
  enqueue: (event: AlertEventJob) => Promise<void>,
  options: RelayOptions = {},
): Promise<RelayReport> {
  const now = options.now ?? (() => new Date());
  const batch = options.batch ?? 200;
  const rolledForward = options.rollForward === false ? 0 : await rollForwardStaleTransitions(models, now());
  const rows = await models.alertOutbox
    .find({ relayedAt: null, deadReason: null })
    .sort({ recordedAt: 1, order: 1 })
    .limit(batch)
    .lean();
  let dead = 0;
  // Marked together after the pass (or at its first failure): one write instead of one per row, which matters on
  // FerretDB v1 where every update costs a table round trip. A crash before the mark re-enqueues the same job
  // ids, which BullMQ ignores.
  const done: string[] = [];
  const markDone = async () => {
    if (done.length) await models.alertOutbox.updateMany({ _id: { $in: done } }, { $set: { relayedAt: now() }, $inc: { relayAttempts: 1 } });
  };
  for (const row of rows) {
    const event: AlertEventJob = {
      alertId: String(row.alertId),
      type: row.type,
      at: row.at.toISOString(),
      ...(row.ref ? { ref: row.ref } : {}),
    };
    try {
      await enqueue(event);
    } catch (error) {
      if (options.isPermanent?.(error)) {
        await models.alertOutbox.updateOne({ _id: row._id }, { $set: { deadReason: String(error instanceof Error ? error.message : error).slice(0, 500) }, $inc: { relayAttempts: 1 } });
        dead++;
        continue;
      }
      await markDone();
      await models.alertOutbox.updateOne({ _id: row._id }, { $inc: { relayAttempts: 1 } });
      return { relayed: done.length, dead, rolledForward, more: true, error };
    }
    done.push(row._id);
  }
  await markDone();
  return { relayed: done.length, dead, rolledForward, more: rows.length === batch, error: null };
}
