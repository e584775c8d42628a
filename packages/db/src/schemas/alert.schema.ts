import { Schema, Types, type InferSchemaType, type Connection, type Model } from 'mongoose';
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

const historySchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    actorRole: { type: String, required: true },
    action: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    reason: { type: String, default: null },
    detail: { type: Schema.Types.Mixed, default: {} },
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
    /**
     * True once itemCount is kept by `$inc` as links are added (alerts opened by recordEvidence start so). Alerts
     * written before, or by hand, lack it: their next evidence recounts alert_items once and sets it.
     */
    itemCountIncremental: { type: Boolean, default: false },
    sourceIds: { type: [Schema.Types.ObjectId], default: [] },
    sourceCount: { type: Number, default: 0 },
    languages: { type: [String], default: [] },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    /** The most recent evidence (capped); the full list is in alert_items. */
    evidence: { type: [evidenceSchema], default: [] },
    // Lifecycle (see @vigie/alerting alert-lifecycle): the current cycle starts at openedAt (creation or reopen).
    openedAt: { type: Date, required: true },
    ownerId: { type: String, default: null },
    responseId: { type: String, default: null },
    outcome: { type: String, default: null },
    acknowledgedAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    dismissedAt: { type: Date, default: null },
    timeToAcknowledgeMs: { type: Number, default: null },
    timeToResolveMs: { type: Number, default: null },
    reopenCount: { type: Number, default: 0 },
    escalationLevel: { type: Number, default: 0 },
    /** Silences that muted this alert's latest notification (it still counts and shows in the digest). */
    silencedBy: { type: [String], default: [] },
    silencedAt: { type: Date, default: null },
    /** The latest spike or rising signal for this mission × narrative (see early_warnings). */
    earlyWarning: { type: Schema.Types.Mixed, default: null },
    /** Every change: who, when, from → to, why. Notes and assignments are entries too. */
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true, collection: 'alerts' },
);
alertSchema.index({ openKey: 1 }, { unique: true });
// Triage queue: most severe first, then most recent.
alertSchema.index({ severityRank: 1, lastSeenAt: -1, _id: -1 });
// Default list order and mission-scoped lists.
alertSchema.index({ lastSeenAt: -1, _id: -1 });
alertSchema.index({ mission: 1, narrative: 1, status: 1 });
// Reopen check: the latest closed alert for a key.
alertSchema.index({ dedupKey: 1, resolvedAt: -1 });
// Escalation scan: unacknowledged S1/S2 alerts by age.
alertSchema.index({ status: 1, severityRank: 1, openedAt: 1 });

export type AlertDoc = InferSchemaType<typeof alertSchema>;
export type AlertModel = Model<AlertDoc>;
export const alertModel = (c: Connection): AlertModel => c.model<AlertDoc>('Alert', alertSchema);

/**
 * Links an item to an alert; its unique index makes "add evidence" idempotent under retries. recordEvidence
 * inserts links with the deterministic `_id` `<alertId>:<itemId>` (alertItemId): a plain insert, refused when the
 * link exists, where a filtered upsert would decode the whole collection on FerretDB v1. Links written before
 * keep their ObjectId `_id`; the unique (alertId, itemId) index refuses a second link for them too.
 */
export const alertItemSchema = new Schema(
  {
    _id: { type: Schema.Types.Mixed, default: () => new Types.ObjectId() },
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

/** The `_id` recordEvidence gives the link of an item to an alert. */
export function alertItemId(alertId: Types.ObjectId | string, itemId: Types.ObjectId | string): string {
  return `${String(alertId)}:${String(itemId)}`;
}

export type AlertItemDoc = InferSchemaType<typeof alertItemSchema>;
export type AlertItemModel = Model<AlertItemDoc>;
export const alertItemModel = (c: Connection): AlertItemModel => c.model<AlertItemDoc>('AlertItem', alertItemSchema);

/**
 * `alert_keys`: per dedup key (`_id`), the alert that last took it — so finding a key's open alert is an `_id`
 * read, the one lookup FerretDB v1 on SQLite does not answer by decoding every alert in Go. It is a pointer to
 * check, never the truth: the alert read by `_id` holds the key only if its `openKey` equals the key (lifecycle
 * actions move openKey without touching the pointer), and the unique openKey index still decides who holds it.
 * recordEvidence sets the pointer before inserting a new alert, so every alert it opens was pointed at; the
 * backfill marker says the alerts written before pointers existed have been pointed at too (backfillAlertKeys).
 * A raw collection, like document_locks: only the alert repository reads or writes it.
 */
export const ALERT_KEYS_COLLECTION = 'alert_keys';
/** The `_id` of the marker backfillAlertKeys writes when every key of the alerts written before has a pointer. */
export const ALERT_KEYS_BACKFILLED_ID = '#backfilled';

export interface AlertKeyDoc {
  /** The dedup key (or ALERT_KEYS_BACKFILLED_ID for the marker). */
  _id: string;
  /** The alert that last took the key (absent on the marker). */
  alertId?: Types.ObjectId;
  at: Date;
}

/**
 * One lifecycle change, written before it is applied. Its _id `<alertId>:<seq>` (seq = the history length the
 * change was computed from) is the compare-and-set: a unique-key insert is atomic on MongoDB 7 and on
 * FerretDB v1, whose SQLite backend does not run conditional updates atomically. A change whose writer crashed
 * after the insert is rolled forward by the next reader, so nothing is lost or blocked.
 */
export const alertTransitionSchema = new Schema(
  {
    _id: { type: String, required: true },
    alertId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    set: { type: Schema.Types.Mixed, required: true },
    history: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
    applied: { type: Boolean, default: false },
    /** The alert event this change raises ({ type, at }), copied to alert_outbox when the change is applied. */
    event: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'alert_transitions' },
);
// Roll-forward scan: unapplied changes of one alert.
alertTransitionSchema.index({ alertId: 1, applied: 1, seq: 1 });
// The outbox relay's sweep: unapplied changes of any alert, oldest first (a crashed writer's).
alertTransitionSchema.index({ applied: 1, at: 1 });

export type AlertTransitionDoc = InferSchemaType<typeof alertTransitionSchema>;
export type AlertTransitionModel = Model<AlertTransitionDoc>;
export const alertTransitionModel = (c: Connection): AlertTransitionModel =>
  c.model<AlertTransitionDoc>('AlertTransition', alertTransitionSchema);
