import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';
import { MISSION_CODES } from '@vigie/contracts';

export const SOURCE_KINDS = ['rss', 'web', 'manual'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const healthSchema = new Schema(
  {
    lastFetchAt: { type: Date, default: null },
    lastStatus: { type: String, default: null },
    consecutiveFailures: { type: Number, default: 0 },
    lastError: { type: new Schema({ code: String, message: String, at: Date }, { _id: false }), default: null },
    itemsLastFetch: { type: Number, default: 0 },
    nextFetchAt: { type: Date, default: null },
    disabledReason: { type: String, default: null },
  },
  { _id: false },
);

const scheduleSchema = new Schema(
  {
    /** Adaptive poll interval in seconds (between ¼ and 8× pollIntervalSec); null until the first fetch. */
    intervalSec: { type: Number, default: null },
    /** No fetch before this time (Retry-After, failure backoff): a scheduler tick earlier than this is skipped. */
    notBefore: { type: Date, default: null },
    /** Recent new-item counts per fetch (newest last, at most 8): what "busy" and "quiet" are judged on. */
    recentNew: { type: [Number], default: [] },
  },
  { _id: false },
);

const httpStateSchema = new Schema(
  {
    etag: { type: String, default: null },
    lastModified: { type: String, default: null },
    bodyHash: { type: String, default: null },
    /** Last fetch sent without validators; the collector refetches unconditionally once a day (broken ETags). */
    lastFullFetchAt: { type: Date, default: null },
    /** A permanent redirect (301/308) seen on recent fetches, and how many fetches in a row saw it. */
    redirectTo: { type: String, default: null },
    redirectCount: { type: Number, default: 0 },
  },
  { _id: false },
);

export const sourceSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    kind: { type: String, enum: SOURCE_KINDS, required: true },
    url: { type: String, default: null, maxlength: 2048 },
    missions: { type: [String], enum: MISSION_CODES, default: [] },
    languages: { type: [String], default: [] },
    /** Seconds between polls (the scheduler adds jitter). */
    pollIntervalSec: { type: Number, default: 900, min: 30, max: 7 * 86_400 },
    enabled: { type: Boolean, default: true },
    tags: { type: [String], default: [] },
    health: { type: healthSchema, default: () => ({}) },
    http: { type: httpStateSchema, default: () => ({}) },
    schedule: { type: scheduleSchema, default: () => ({}) },
    /**
     * Revision token, replaced on every write by the collector and the API and mirrored in Redis
     * (@vigie/runtime source revisions): the collector trusts its in-memory copy only while both agree.
     */
    rev: { type: String, default: null },
  },
  { timestamps: true, collection: 'sources' },
);
// Names identify sources in the CLI, imports and manual intake ("source name"): one document per name.
sourceSchema.index({ name: 1 }, { unique: true });
// The collector's scheduler lists enabled sources.
sourceSchema.index({ enabled: 1, kind: 1 });
// GET /sources for a mission-scoped key (missions $in scope).
sourceSchema.index({ missions: 1 });

export type SourceDoc = InferSchemaType<typeof sourceSchema>;
export type SourceModel = Model<SourceDoc>;
export const sourceModel = (c: Connection): SourceModel => c.model<SourceDoc>('Source', sourceSchema);
