import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';

export const LABEL_VERDICTS = ['true_positive', 'false_positive'] as const;

/**
 * An officer's triage decision about one item: the classifier's training signal (`vigie train` reads these).
 * One label per (item, officer key); a later decision by the same officer replaces the earlier one.
 */
export const labelSchema = new Schema(
  {
    itemId: { type: Schema.Types.ObjectId, required: true },
    alertId: { type: Schema.Types.ObjectId, default: null },
    verdict: { type: String, enum: LABEL_VERDICTS, required: true },
    /** The correct narrative, when the officer corrected it (null = none applies). */
    narrative: { type: String, default: null },
    stance: { type: String, default: null },
    actorKeyId: { type: String, required: true },
    via: { type: String, enum: ['dismiss', 'feedback'], required: true },
    classifierVersion: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'triage_labels' },
);
labelSchema.index({ itemId: 1, actorKeyId: 1 }, { unique: true });
// Training export, newest first.
labelSchema.index({ at: -1 });

export type LabelDoc = InferSchemaType<typeof labelSchema>;
export type LabelModel = Model<LabelDoc>;
export const labelModel = (c: Connection): LabelModel => c.model<LabelDoc>('Label', labelSchema);
