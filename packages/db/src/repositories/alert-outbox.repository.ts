import { Types } from 'mongoose';
import { alertEventKey, type AlertEventJob } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';

/**
 * Records an alert event in the outbox. Idempotent: the row's _id is alertEventKey, so recording the same
 * happening again (a retried job, a roll-forward racing its writer) keeps the first row and its order.
 */
export async function recordAlertEvent(models: Models, event: AlertEventJob, recordedAt = new Date()): Promise<void> {
  try {
    await models.alertOutbox.create({
      _id: alertEventKey(event),
      alertId: new Types.ObjectId(event.alertId),
      type: event.type,
      ref: event.ref ?? null,
      at: new Date(event.at),
      recordedAt,
      order: new Types.ObjectId(),
      relayedAt: null,
      relayAttempts: 0,
      deadReason: null,
    });
  } catch (error) {
    // Recorded before (a retried job, a roll-forward racing its writer): the first row and its place stand.
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** How many events wait for the queue, and how old the oldest is (readiness and the relay's log line). */
export async function outboxBacklog(models: Models): Promise<{ pending: number; oldestRecordedAt: Date | null; dead: number }> {
  const [pending, oldest, dead] = await Promise.all([
    models.alertOutbox.countDocuments({ relayedAt: null, deadReason: null }),
    models.alertOutbox.findOne({ relayedAt: null, deadReason: null }, { recordedAt: 1 }).sort({ recordedAt: 1, order: 1 }).lean(),
    models.alertOutbox.countDocuments({ deadReason: { $ne: null } }),
  ]);
  return { pending, oldestRecordedAt: oldest?.recordedAt ?? null, dead };
}

/**
 * The outbox's retention: deletes rows relayed before `relayedBefore`. Pending and dead rows are never deleted.
 * Runs as a scheduled job (FerretDB v1 has no TTL indexes). Returns how many rows went.
 */
export async function pruneRelayedAlertEvents(models: Models, relayedBefore: Date): Promise<number> {
  const result = await models.alertOutbox.deleteMany({ relayedAt: { $ne: null, $lt: relayedBefore } });
  return result.deletedCount ?? 0;
}
