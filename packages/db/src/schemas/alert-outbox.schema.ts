import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';
import { ALERT_EVENT_KINDS } from '@vigie/contracts';

/**
 * The transactional outbox of alert events. A row is written in the same step that changes the alert (for
 * lifecycle changes: from the `<alertId>:<seq>` record in alert_transitions, which is the change's commit
 * point), so an event survives a Redis outage or a crash before it reached the queue. A relay publishes pending
 * rows to the `alert-event` queue in recorded order with a deterministic job id and marks them relayed; a
 * retention job deletes relayed rows (FerretDB v1 has no TTL indexes).
 */
export const alertOutboxSchema = new Schema(
  {
    /**
     * alertEventKey(event): the event's identity. It is the primary key, so recording an event again is a
     * duplicate-key no-op, and every write keyed on it is a primary-key lookup — the only filter FerretDB v1's
     * SQLite backend pushes down (see BENCHMARKS.md).
     */
    _id: { type: String, required: true },
    alertId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, enum: ALERT_EVENT_KINDS, required: true },
    ref: { type: String, default: null },
    /** When the change happened (the event's `at`). */
    at: { type: Date, required: true },
    /** When the row was written: the relay's order, then `order`. */
    recordedAt: { type: Date, required: true },
    /** An ObjectId taken when the row was written: breaks recordedAt ties in write order within one process. */
    order: { type: Schema.Types.ObjectId, required: true },
    /** Null while pending; set once the job is in the queue. */
    relayedAt: { type: Date, default: null },
    relayAttempts: { type: Number, default: 0 },
    /** A row the queue's schema refuses (it cannot become valid by waiting): kept for inspection, not retried. */
    deadReason: { type: String, default: null },
  },
  { collection: 'alert_outbox', versionKey: false },
);
// The relay's scan: pending rows in recorded order (served by this index on MongoDB 7; FerretDB v1 scans the
// table, which retention keeps small).
alertOutboxSchema.index({ relayedAt: 1, recordedAt: 1, order: 1 });

export type AlertOutboxDoc = InferSchemaType<typeof alertOutboxSchema>;
export type AlertOutboxModel = Model<AlertOutboxDoc>;
export const alertOutboxModel = (c: Connection): AlertOutboxModel => c.model<AlertOutboxDoc>('AlertOutbox', alertOutboxSchema);
