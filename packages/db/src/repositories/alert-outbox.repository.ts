import { Types } from 'mongoose';
import { alertEventKey, type AlertEventJob } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';

/**
 * Records an alert event in the outbox. Idempotent: the row is keyed on alertEventKey, so recording the same
 * happening again (a retried job, a roll-forward racing its writer) keeps the first row and its order.
 */
export async function recordAlertEvent(models: Models, event: AlertEventJob, recordedAt = new Date()): Promise<void> {
  const key = alertEventKey(event);
  try {
    await models.alertOutbox.updateOne(
      { key },
      {
        $setOnInsert: {
          _id: new Types.ObjectId(),
          key,
          alertId: new Types.ObjectId(event.alertId),
          type: event.type,
          ref: event.ref ?? null,
          at: new Date(event.at),
          recordedAt,
          relayedAt: null,
          relayAttempts: 0,
          deadReason: null,
        },
      },
      { upsert: true },
    );
  } catch (error) {
    // Two writers recorded it at once: the other one's row stands.
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** How many events wait for the queue, and how old the oldest is (readiness and the relay's log line). */
export async function outboxBacklog(models: Models): Promise<{ pending: number; oldestRecordedAt: Date | null; dead: number }> {
  const [pending, oldest, dead] = await Promise.all([
    models.alertOutbox.countDocuments({ relayedAt: null, deadReason: null }),
    models.alertOutbox.findOne({ relayedAt: null, deadReason: null }, { recordedAt: 1 }).sort({ recordedAt: 1, _id: 1 }).lean(),
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
