import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';
import { MISSION_CODES, NARRATIVE_KEYS, SEVERITIES } from '@vigie/contracts';

export const WEBHOOK_FORMATS = ['json', 'slack', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * An outbound webhook subscription. `secrets` (newest first, at most two while a rotation is in progress) sign
 * every delivery; the API returns a secret once, when it is created, and never again.
 */
export const webhookSchema = new Schema(
  {
    name: { type: String, required: true },
    url: { type: String, required: true },
    format: { type: String, enum: WEBHOOK_FORMATS, default: 'json' },
    secrets: { type: [String], required: true },
    /** Vigie event types (`alert.opened`, …); empty = every alert event. */
    events: { type: [String], default: [] },
    /** Notification channels (comms, security, victim_centred); empty = every channel. */
    channels: { type: [String], default: [] },
    /** Missions covered; empty = every mission (only unscoped admins may create such a webhook). */
    missions: { type: [String], enum: MISSION_CODES, default: [] },
    /** Least severe severity delivered (S4 = everything). */
    minSeverity: { type: String, enum: SEVERITIES, default: 'S4' },
    /** 0 = ordinary notifications and every escalation; k > 0 = only escalations of level k and above. */
    minEscalationLevel: { type: Number, default: 0 },
    enabled: { type: Boolean, default: true },
    createdBy: { type: String, default: null },
  },
  { timestamps: true, collection: 'webhooks' },
);
// Subscription lookup for each notification (a handful of documents; the index keeps the scan cheap anyway).
webhookSchema.index({ enabled: 1 });

export type WebhookDoc = InferSchemaType<typeof webhookSchema>;
export type WebhookModel = Model<WebhookDoc>;
export const webhookModel = (c: Connection): WebhookModel => c.model<WebhookDoc>('Webhook', webhookSchema);

/** One event sent (or being sent) to one webhook: the delivery log, and the dedupe guarantee. */
export const webhookDeliverySchema = new Schema(
  {
    webhookId: { type: Schema.Types.ObjectId, required: true },
    /** The event's key (alertEventKey, a group key or `test.<id>`); unique per webhook. */
    eventKey: { type: String, required: true },
    eventType: { type: String, required: true },
    alertId: { type: Schema.Types.ObjectId, default: null },
    status: { type: String, enum: DELIVERY_STATUSES, default: 'pending' },
    attempts: { type: Number, default: 0 },
    lastStatusCode: { type: Number, default: null },
    latencyMs: { type: Number, default: null },
    lastError: { type: String, default: null },
    lastAttemptAt: { type: Date, default: null },
    deliveredAt: { type: Date, default: null },
    /** The exact body sent, rendered once in the webhook's format, so every retry sends the same event. */
    body: { type: String, required: true },
  },
  { timestamps: true, collection: 'webhook_deliveries' },
);
// A retried notification finds the existing delivery instead of sending a second one.
webhookDeliverySchema.index({ webhookId: 1, eventKey: 1 }, { unique: true });
// GET /webhooks/:id/deliveries, newest first, keyset-paginated.
webhookDeliverySchema.index({ webhookId: 1, createdAt: -1, _id: -1 });

export type WebhookDeliveryDoc = InferSchemaType<typeof webhookDeliverySchema>;
export type WebhookDeliveryModel = Model<WebhookDeliveryDoc>;
export const webhookDeliveryModel = (c: Connection): WebhookDeliveryModel =>
  c.model<WebhookDeliveryDoc>('WebhookDelivery', webhookDeliverySchema);

/** A silence (see @vigie/alerting silences.ts); absent matcher fields match anything. */
export const silenceSchema = new Schema(
  {
    missions: { type: [String], enum: MISSION_CODES, default: undefined },
    narratives: { type: [String], enum: NARRATIVE_KEYS, default: undefined },
    sources: { type: [String], default: undefined },
    terms: { type: [String], default: undefined },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    author: { type: String, required: true },
    reason: { type: String, required: true },
    createdByKeyId: { type: String, default: null },
    /** Set when someone ends the silence early (DELETE): endsAt moves to that moment, the record stays. */
    expiredAt: { type: Date, default: null },
    expiredBy: { type: String, default: null },
  },
  { timestamps: true, collection: 'silences' },
);
// Active silences at a moment: endsAt > now (then startsAt <= now, filtered in memory).
silenceSchema.index({ endsAt: 1 });
// Listing, newest first.
silenceSchema.index({ createdAt: -1, _id: -1 });

export type SilenceDoc = InferSchemaType<typeof silenceSchema>;
export type SilenceModel = Model<SilenceDoc>;
export const silenceModel = (c: Connection): SilenceModel => c.model<SilenceDoc>('Silence', silenceSchema);

/**
 * A notification held for grouping. Kept in Mongo so a restart loses nothing: the flush tick plans from this
 * collection. `flushedAs` is set when a flush has claimed the entry for a message, so a flush interrupted after
 * sending re-sends the same message (same key, deduplicated) instead of a new one.
 */
export const pendingNotificationSchema = new Schema(
  {
    /** Grouping and rate-cap key: the alert's dedup key. */
    key: { type: String, required: true },
    alertId: { type: Schema.Types.ObjectId, required: true },
    severity: { type: String, enum: SEVERITIES, required: true },
    /** The alert event's key; unique, so a retried event is held once. */
    eventKey: { type: String, required: true },
    eventType: { type: String, required: true },
    queuedAt: { type: Date, required: true },
    flushedAs: { type: String, default: null },
    /** Notifications the rate cap dropped for the key before this message (reported in it). */
    reportDropped: { type: Number, default: 0 },
  },
  { collection: 'notification_pending' },
);
pendingNotificationSchema.index({ eventKey: 1 }, { unique: true });
// The flush reads the whole (small) collection oldest first.
pendingNotificationSchema.index({ queuedAt: 1 });

export type PendingNotificationDoc = InferSchemaType<typeof pendingNotificationSchema>;
export type PendingNotificationModel = Model<PendingNotificationDoc>;
export const pendingNotificationModel = (c: Connection): PendingNotificationModel =>
  c.model<PendingNotificationDoc>('PendingNotification', pendingNotificationSchema);

/** Rate-cap state per key: messages sent in the last hour, and notifications dropped since the last message. */
export const notificationKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    sent: { type: [{ type: Date }], default: [] },
    dropped: { type: Number, default: 0 },
    /** Every notification ever dropped for the key (reporting). */
    droppedTotal: { type: Number, default: 0 },
    lastDroppedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'notification_keys' },
);

export type NotificationKeyDoc = InferSchemaType<typeof notificationKeySchema>;
export type NotificationKeyModel = Model<NotificationKeyDoc>;
export const notificationKeyModel = (c: Connection): NotificationKeyModel =>
  c.model<NotificationKeyDoc>('NotificationKey', notificationKeySchema);
