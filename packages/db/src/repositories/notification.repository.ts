import { Types } from 'mongoose';
import type { MissionCode, NarrativeKey } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';
import type { DeliveryStatus } from '../schemas/notification.schema.js';

/** A stored silence in the shape @vigie/alerting's `isSilenced` expects (absent matchers = any). */
export interface SilenceRecord {
  readonly id: string;
  readonly missions?: MissionCode[];
  readonly narratives?: NarrativeKey[];
  readonly sources?: string[];
  readonly terms?: string[];
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly author: string;
  readonly reason: string;
}

const present = <T>(list: T[] | null | undefined): T[] | undefined => (list && list.length > 0 ? list : undefined);

/** Silences active at `at` ([startsAt, endsAt)). */
export async function activeSilences(models: Models, at: Date): Promise<SilenceRecord[]> {
  const rows = await models.silences.find({ endsAt: { $gt: at }, startsAt: { $lte: at } }).lean();
  return rows.map((s) => {
    const missions = present(s.missions as MissionCode[] | undefined);
    const narratives = present(s.narratives as NarrativeKey[] | undefined);
    const sources = present(s.sources);
    const terms = present(s.terms);
    return {
      id: String(s._id),
      ...(missions ? { missions } : {}),
      ...(narratives ? { narratives } : {}),
      ...(sources ? { sources } : {}),
      ...(terms ? { terms } : {}),
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      author: s.author,
      reason: s.reason,
    };
  });
}

export interface DeliveryInput {
  readonly webhookId: string;
  readonly eventKey: string;
  readonly eventType: string;
  readonly alertId: string | null;
  readonly body: string;
}

/**
 * The delivery record of one event for one webhook, created on first sight. Unique on (webhook, event key): a
 * notification processed twice finds the first record (`created: false`) and its status, and sends nothing new.
 */
export async function ensureDelivery(
  models: Models,
  input: DeliveryInput,
): Promise<{ id: string; created: boolean; status: DeliveryStatus }> {
  const webhookId = new Types.ObjectId(input.webhookId);
  try {
    const result = await models.webhookDeliveries.updateOne(
      { webhookId, eventKey: input.eventKey },
      {
        $setOnInsert: {
          webhookId,
          eventKey: input.eventKey,
          eventType: input.eventType,
          alertId: input.alertId ? new Types.ObjectId(input.alertId) : null,
          status: 'pending',
          attempts: 0,
          body: input.body,
        },
      },
      { upsert: true },
    );
    if (result.upsertedId) return { id: String(result.upsertedId), created: true, status: 'pending' };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const existing = await models.webhookDeliveries
    .findOne({ webhookId, eventKey: input.eventKey }, { _id: 1, status: 1 })
    .lean()
    .orFail();
  return { id: String(existing._id), created: false, status: existing.status as DeliveryStatus };
}

/** Records one delivery attempt in the log: counts it, and keeps the last status code, latency and error. */
export async function recordDeliveryAttempt(
  models: Models,
  deliveryId: string,
  attempt: {
    readonly status: DeliveryStatus;
    readonly statusCode: number | null;
    readonly latencyMs: number | null;
    readonly error: string | null;
    readonly at: Date;
  },
): Promise<void> {
  await models.webhookDeliveries.updateOne(
    { _id: new Types.ObjectId(deliveryId) },
    {
      $inc: { attempts: 1 },
      $set: {
        status: attempt.status,
        lastStatusCode: attempt.statusCode,
        latencyMs: attempt.latencyMs,
        lastError: attempt.error ? attempt.error.slice(0, 500) : null,
        lastAttemptAt: attempt.at,
        ...(attempt.status === 'delivered' ? { deliveredAt: attempt.at } : {}),
      },
    },
  );
}
