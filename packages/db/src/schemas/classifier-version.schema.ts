import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';

export const CLASSIFIER_VERSION_SOURCES = ['builtin', 'edit', 'train'] as const;
export type ClassifierVersionSource = (typeof CLASSIFIER_VERSION_SOURCES)[number];

/**
 * A classifier version: which catalogue, narrative model and hate model (content hashes of blobs in
 * `classifier_blobs`), who made it, why, and its dev-set figures. The documents stay small; the parts (a 2.7 MB model,
 * a 0.3 MB catalogue) live in blobs shared between versions. Whether a version is draft, active or retired is not
 * stored here but derived from the activation log, which is the one thing written atomically.
 */
export const classifierVersionSchema = new Schema(
  {
    /** sha256 of the three part hashes: equal content is one version. */
    hash: { type: String, required: true },
    /** Stored as `classifierVersion` on every result this version produces. */
    label: { type: String, required: true },
    catalogueVersion: { type: String, required: true },
    parts: {
      catalogue: { type: String, required: true },
      model: { type: String, default: null },
      hateModel: { type: String, default: null },
    },
    source: { type: String, enum: CLASSIFIER_VERSION_SOURCES, required: true },
    parentId: { type: Schema.Types.ObjectId, default: null },
    author: { type: String, required: true },
    notes: { type: String, default: '' },
    /** One line per catalogue change (catalogue-patch describeChange), for review. */
    changes: { type: [String], default: [] },
    /** Dev-set figures (VersionFigures), computed at training or at the first activation check. */
    figures: { type: Schema.Types.Mixed, default: null },
    /** What the model was trained on (base examples, triage labels…), for trained versions. */
    trainedOn: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'classifier_versions' },
);
// Saving the same content twice returns the existing version instead of a copy.
classifierVersionSchema.index({ hash: 1 }, { unique: true });
// GET /narratives/versions: newest first.
classifierVersionSchema.index({ createdAt: -1 });

/**
 * Content-addressed storage: gzip of a part's canonical JSON, cut into chunks under the 16 MB document limit
 * (a model is ~0.9 MB gzipped today; chunking keeps a ten-times larger one storable). `_id` is `<hash>.<n>`, so
 * writing the same part twice is a no-op and a partial write is completed by the next one. Plain documents, not
 * GridFS: FerretDB v1 does not guarantee GridFS.
 */
export const classifierBlobSchema = new Schema(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true },
    n: { type: Number, required: true },
    count: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { collection: 'classifier_blobs' },
);
// Loading a part: its chunks in order.
classifierBlobSchema.index({ hash: 1, n: 1 });

/**
 * The activation log: `_id` is the activation's sequence number. Activating inserts `latest + 1`; the unique `_id`
 * makes that a compare-and-set (atomic on MongoDB 7 and on FerretDB v1, whose conditional updates are not), so two
 * concurrent activations cannot both win. The active version is the one with the highest `_id`; no log = the
 * built-in version shipped in packages/nlp/data.
 */
export const classifierActivationSchema = new Schema(
  {
    _id: { type: Number, required: true },
    versionId: { type: Schema.Types.ObjectId, required: true },
    label: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    /** Activation despite a failed sanity check: the reason is mandatory and also in the audit log. */
    forced: { type: Boolean, default: false },
    reason: { type: String, default: null },
    figures: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'classifier_activations' },
);

export const RECLASSIFY_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ReclassifyStatus = (typeof RECLASSIFY_STATUSES)[number];

/**
 * One re-classification run: its filters, a cursor (last item `_id` done, in `_id` order) and counters saved
 * together after each batch, so a worker that dies resumes where the last batch ended and never counts twice.
 */
export const reclassifyRunSchema = new Schema(
  {
    status: { type: String, enum: RECLASSIFY_STATUSES, required: true },
    filter: {
      missions: { type: [String], default: [] },
      since: { type: Date, default: null },
      narrative: { type: String, default: null },
      /** Only items whose stored result came from another version than the active one at the time of the batch. */
      olderOnly: { type: Boolean, default: false },
    },
    requestedBy: { type: String, required: true },
    total: { type: Number, default: 0 },
    done: { type: Number, default: 0 },
    changed: { type: Number, default: 0 },
    // Not `errors`: mongoose reserves that path name. Shown as `errors` in the API.
    failedItems: { type: Number, default: 0 },
    /** Versions used (a run spanning an activation uses two). */
    versions: { type: [String], default: [] },
    cursor: { type: Schema.Types.ObjectId, default: null },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'reclassify_runs' },
);

export type ClassifierVersionDoc = InferSchemaType<typeof classifierVersionSchema>;
export type ClassifierVersionModel = Model<ClassifierVersionDoc>;
export const classifierVersionModel = (c: Connection): ClassifierVersionModel => c.model<ClassifierVersionDoc>('ClassifierVersion', classifierVersionSchema);
export type ClassifierBlobDoc = InferSchemaType<typeof classifierBlobSchema>;
export type ClassifierBlobModel = Model<ClassifierBlobDoc>;
export const classifierBlobModel = (c: Connection): ClassifierBlobModel => c.model<ClassifierBlobDoc>('ClassifierBlob', classifierBlobSchema);
export type ClassifierActivationDoc = InferSchemaType<typeof classifierActivationSchema>;
export type ClassifierActivationModel = Model<ClassifierActivationDoc>;
export const classifierActivationModel = (c: Connection): ClassifierActivationModel => c.model<ClassifierActivationDoc>('ClassifierActivation', classifierActivationSchema);
export type ReclassifyRunDoc = InferSchemaType<typeof reclassifyRunSchema>;
export type ReclassifyRunModel = Model<ReclassifyRunDoc>;
export const reclassifyRunModel = (c: Connection): ReclassifyRunModel => c.model<ReclassifyRunDoc>('ReclassifyRun', reclassifyRunSchema);
