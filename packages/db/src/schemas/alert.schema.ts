import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';
import { MISSION_CODES, NARRATIVE_KEYS, SEVERITIES } from '@vigie/contracts';

export const ALERT_STATUSES = ['open', 'acknowledged', 'responding', 'resolved', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const evidenceSchema = new Schema(
  {
    itemId: { type: Schema.Types.ObjectId, required: true },
    sourceId: { type: Schema.Types.ObjectId, required: true },
    title: String,
    url: String,
    language: String,
    score: Number,
    severity: String,
    stance: String,
    addedAt: Date,
  },
  { _id: false },
);

export const alertSchema = new Schema(
  {
    /** mission × narrative (an S1 item with a concrete target gets its own key per target). */
    dedupKey: { type: String, required: true },
    /**
     * Equals dedupKey while the alert is open (or acknowledged/responding) and `dedupKey#<_id>` once closed.
     * A plain unique index on it enforces "one open alert per key" on MongoDB 7 and FerretDB v1 alike (no
     * partial indexes needed).
     */
    openKey: { type: String, required: true },
    mission: { type: String, enum: MISSION_CODES, required: true },
    narrative: { type: String, enum: NARRATIVE_KEYS, required: true },
    status: { type: String, enum: ALERT_STATUSES, default: 'open' },
    severity: { type: String, enum: SEVERITIES, required: true },
    /** 1 (S1) … 4 (S4): kept beside severity so "highest severity" is an idempotent $min. */
    severityRank: { type: Number, required: true },
    itemCount: { type: Number, default: 0 },
    sourceIds: { type: [Schema.Types.ObjectId], default: [] },
    sourceCount: { type: Number, default: 0 },
    languages: { type: [String], default: [] },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    /** The most recent evidence (capped); the full list is in alert_items. */
    evidence: { type: [evidenceSchema], default: [] },
  },
  { timestamps: true, collection: 'alerts' },
);
alertSchema.index({ openKey: 1 }, { unique: true });
// Triage queue: most severe first, then most recent.
alertSchema.index({ severityRank: 1, lastSeenAt: -1, _id: -1 });
// Default list order and mission-scoped lists.
alertSchema.index({ lastSeenAt: -1, _id: -1 });
alertSchema.index({ mission: 1, narrative: 1, status: 1 });

export type AlertDoc = InferSchemaType<typeof alertSchema>;
export type AlertModel = Model<AlertDoc>;
export const alertModel = (c: Connection): AlertModel => c.model<AlertDoc>('Alert', alertSchema);

/** Links an item to an alert; its unique index makes "add evidence" idempotent under retries. */
export const alertItemSchema = new Schema(
  {
    alertId: { type: Schema.Types.ObjectId, required: true },
    itemId: { type: Schema.Types.ObjectId, required: true },
    sourceId: { type: Schema.Types.ObjectId, required: true },
    addedAt: { type: Date, required: true },
  },
  { collection: 'alert_items' },
);
alertItemSchema.index({ alertId: 1, itemId: 1 }, { unique: true });
// "Which alerts cite this item" (item detail view).
alertItemSchema.index({ itemId: 1 });

export type AlertItemDoc = InferSchemaType<typeof alertItemSchema>;
export type AlertItemModel = Model<AlertItemDoc>;
export const alertItemModel = (c: Connection): AlertItemModel => c.model<AlertItemDoc>('AlertItem', alertItemSchema);
