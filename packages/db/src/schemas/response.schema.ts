import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';
import { MISSION_CODES, NARRATIVE_KEYS } from '@vigie/contracts';

export const RESPONSE_CHANNELS = ['press_release', 'radio', 'social', 'community_meeting'] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];
/** draft → approved → published. Only drafts are edited; an approved text is what goes out. */
export const RESPONSE_STATUSES = ['draft', 'approved', 'published'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

/**
 * A response to an alert, drafted by people (Vigie fills in the facts in the brief). Mission and narrative are
 * copied from the alert so "responses taken on this narrative" (digest, response effect) is one indexed query.
 */
export const responseSchema = new Schema(
  {
    alertId: { type: Schema.Types.ObjectId, required: true },
    mission: { type: String, enum: MISSION_CODES, required: true },
    narrative: { type: String, enum: NARRATIVE_KEYS, required: true },
    channel: { type: String, enum: RESPONSE_CHANNELS, required: true },
    text: { type: String, required: true, maxlength: 20_000 },
    status: { type: String, enum: RESPONSE_STATUSES, default: 'draft' },
    /** When it went out (set on publish; may be in the past: a radio spot aired this morning). */
    publishedAt: { type: Date, default: null },
    author: { type: String, required: true },
    approvedBy: { type: String, default: null },
    approvedAt: { type: Date, default: null },
    publishedBy: { type: String, default: null },
  },
  { timestamps: true, collection: 'responses' },
);
// GET /alerts/:id/responses and the brief (an alert's responses, oldest first).
responseSchema.index({ alertId: 1, createdAt: 1 });
// Digest: published responses of a mission in a period.
responseSchema.index({ mission: 1, status: 1, publishedAt: -1 });

export type ResponseDoc = InferSchemaType<typeof responseSchema>;
export type ResponseModel = Model<ResponseDoc>;
export const responseModel = (c: Connection): ResponseModel => c.model<ResponseDoc>('Response', responseSchema);

/** Overall digests are stored under this mission key (a plain unique index cannot rely on null on FerretDB v1). */
export const ALL_MISSIONS = 'ALL';

/** A generated weekly digest, rendered once and stored; regenerating replaces it (unique mission × week × lang). */
export const digestSchema = new Schema(
  {
    /** A mission code, or ALL_MISSIONS for the overall digest. */
    mission: { type: String, required: true },
    /** ISO week, `YYYY-Www`. */
    week: { type: String, required: true },
    lang: { type: String, enum: ['en', 'fr'], required: true },
    generatedAt: { type: Date, required: true },
    generatedBy: { type: String, required: true },
    /** The digest model as JSON (what `format=json` returns). */
    data: { type: Schema.Types.Mixed, required: true },
    html: { type: String, required: true },
    markdown: { type: String, required: true },
    /** When the weekly job e-mailed this digest (a retried job does not mail it twice). */
    emailedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'digests', minimize: false },
);
// Idempotent regeneration: one digest per mission × week × language (upsert on this key).
digestSchema.index({ mission: 1, week: 1, lang: 1 }, { unique: true });
// GET /digests: newest weeks first.
digestSchema.index({ week: -1, mission: 1 });

export type DigestDoc = InferSchemaType<typeof digestSchema>;
export type DigestModel = Model<DigestDoc>;
export const digestModel = (c: Connection): DigestModel => c.model<DigestDoc>('Digest', digestSchema);
