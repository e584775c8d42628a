import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';

const mediaSchema = new Schema({ url: String, type: String, medium: String, thumbnail: String }, { _id: false });

export const ITEM_STATUSES = ['pending', 'classified'] as const;

export const itemSchema = new Schema(
  {
    sourceId: { type: Schema.Types.ObjectId, required: true },
    /** The item's identity inside its source: guid, else link, else a deterministic content hash. */
    guid: { type: String, required: true, maxlength: 2048 },
    url: { type: String, default: null },
    canonicalUrl: { type: String, default: null },
    title: { type: String, default: '' },
    text: { type: String, default: '' },
    author: { type: String, default: null },
    publishedAt: { type: Date, default: null },
    collectedAt: { type: Date, required: true },
    language: { type: String, default: 'und' },
    languageConfidence: { type: Number, default: 0 },
    media: { type: [mediaSchema], default: [] },
    contentHash: { type: String, required: true },
    simhash: { type: String, default: null },
    /**
     * The first item of the same story (same canonical URL from another item, or SimHash within
     * NEAR_DUPLICATE_DISTANCE), always a root (never itself a duplicate). Null for originals. Alert source counts
     * should count only items where this is null, or count distinct roots: `nearDuplicateOf ?? _id`.
     */
    nearDuplicateOf: { type: Schema.Types.ObjectId, default: null },
    /**
     * `nearDuplicateOf ?? _id`, stored (FerretDB v1 has no $ifNull in $group): statistics count distinct
     * stories by grouping on it, so near-duplicates count once.
     */
    storyId: { type: Schema.Types.ObjectId, default: null },
    duplicateReason: { type: String, enum: ['canonical_url', 'simhash', null], default: null },
    /** False until the cross-source dedup check ran for the current content (re-run after an edit or a crash). */
    dupChecked: { type: Boolean, default: false },
    /**
     * The simhash cut into 7 bands (six of 9 bits, one of 10), each stored as `band × 1024 + value`. Two
     * simhashes within Hamming distance 6 always share a band (pigeonhole), so near-duplicate candidates are the
     * items sharing any band: one multikey `$in` lookup (works on FerretDB v1), then an exact distance check.
     * Empty for texts too short to compare.
     */
    simBands: { type: [Number], default: [] },
    warnings: { type: [String], default: [] },
    status: { type: String, enum: ITEM_STATUSES, default: 'pending' },
    /** The classifier's output (contracts' Classification) plus when it was computed. */
    classification: { type: Schema.Types.Mixed, default: null },
    classifiedAt: { type: Date, default: null },
    // Precomputed UTC buckets of the item's effective time (publishedAt, else collectedAt): FerretDB v1 has no
    // $dateTrunc, so time series group on these.
    quarterHour: { type: Date, default: null },
    hour: { type: Date, required: true },
    day: { type: String, required: true },
    week: { type: String, required: true },
    /** Missions named by whoever submitted the item (manual intake): a hint kept for the classifier and triage. */
    declaredMissions: { type: [String], default: [] },
    // Denormalised from the classification so list filters use plain indexed fields.
    missions: { type: [String], default: [] },
    topNarrative: { type: String, default: null },
    harmful: { type: Boolean, default: null },
    severity: { type: String, default: null },
    /** Distinct matched lexicon terms (stats termsOf), flat and top-level for GET /stats/top-terms. */
    terms: { type: [String], default: undefined },
  },
  { timestamps: true, collection: 'items' },
);
// Idempotency of collection: one item per (source, guid). Upserts on this key make re-runs and retries no-ops.
itemSchema.index({ sourceId: 1, guid: 1 }, { unique: true });
// GET /items default order (newest first) with keyset pagination on _id.
itemSchema.index({ collectedAt: -1, _id: -1 });
// GET /items?mission=…&narrative=… (the triage view's filter).
itemSchema.index({ missions: 1, topNarrative: 1, collectedAt: -1 });
// Cross-source dedup by canonical URL (first item with this URL: sorted by _id).
itemSchema.index({ canonicalUrl: 1, _id: 1 });
// Near-duplicate candidates (linkDuplicate): items sharing a simhash band, recent first. Multikey.
itemSchema.index({ simBands: 1, collectedAt: -1 });
// The collector's sweeper: items still pending long after their last write (a crash between upsert and enqueue).
itemSchema.index({ status: 1, updatedAt: 1 });

export type ItemDoc = InferSchemaType<typeof itemSchema>;
export type ItemModel = Model<ItemDoc>;
export const itemModel = (c: Connection): ItemModel => c.model<ItemDoc>('Item', itemSchema);
