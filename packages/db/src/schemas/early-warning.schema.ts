import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';
import { MISSION_CODES, NARRATIVE_KEYS } from '@vigie/contracts';

/**
 * A spike or rising signal for one mission × narrative, with the numbers that explain it. One document per
 * (mission, narrative, kind, window start): re-running the scan on the same data writes nothing new.
 */
export const earlyWarningSchema = new Schema(
  {
    key: { type: String, required: true },
    mission: { type: String, enum: MISSION_CODES, required: true },
    narrative: { type: String, enum: NARRATIVE_KEYS, required: true },
    kind: { type: String, enum: ['spike', 'rising'], required: true },
    windowName: { type: String, required: true },
    windowStart: { type: Date, required: true },
    windowEnd: { type: Date, required: true },
    observed: { type: Number, required: true },
    expected: { type: Number, required: true },
    ratio: { type: Number, required: true },
    pValue: { type: Number, default: null },
    reasons: { type: [String], default: [] },
    topTerms: { type: Schema.Types.Mixed, default: [] },
    topSources: { type: Schema.Types.Mixed, default: [] },
    languages: { type: Schema.Types.Mixed, default: [] },
    /** Threshold factor in force (below 1 inside a high-risk moment's window). */
    thresholdFactor: { type: Number, default: 1 },
    detectedAt: { type: Date, required: true },
    alertId: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'early_warnings' },
);
earlyWarningSchema.index({ key: 1 }, { unique: true });
// Latest signals per mission (dashboard, digest).
earlyWarningSchema.index({ mission: 1, detectedAt: -1 });
earlyWarningSchema.index({ detectedAt: -1 });

export type EarlyWarningDoc = InferSchemaType<typeof earlyWarningSchema>;
export type EarlyWarningModel = Model<EarlyWarningDoc>;
export const earlyWarningModel = (c: Connection): EarlyWarningModel => c.model<EarlyWarningDoc>('EarlyWarning', earlyWarningSchema);

/** High-risk moments calendar (mandate votes, elections, anniversaries of attacks, rotations, operations). */
export const momentSchema = new Schema(
  {
    mission: { type: String, enum: MISSION_CODES, required: true },
    title: { type: String, required: true, maxlength: 300 },
    kind: { type: String, required: true },
    date: { type: Date, required: true },
    windowBeforeDays: { type: Number, default: 3 },
    windowAfterDays: { type: Number, default: 2 },
    prebunkLeadDays: { type: Number, default: 7 },
    narratives: { type: [String], default: [] },
    thresholdFactor: { type: Number, default: null },
    createdBy: { type: String, default: null },
  },
  { timestamps: true, collection: 'moments' },
);
// Calendar listing and the scan's "moments around now".
momentSchema.index({ mission: 1, date: 1 });
momentSchema.index({ date: 1 });

export type MomentDoc = InferSchemaType<typeof momentSchema>;
export type MomentModel = Model<MomentDoc>;
export const momentModel = (c: Connection): MomentModel => c.model<MomentDoc>('Moment', momentSchema);

/** Work for people: prebunk tasks opened ahead of high-risk moments, with the counter-messaging to use. */
export const taskSchema = new Schema(
  {
    key: { type: String, required: true },
    type: { type: String, enum: ['prebunk'], required: true },
    mission: { type: String, enum: MISSION_CODES, required: true },
    title: { type: String, required: true },
    momentId: { type: Schema.Types.ObjectId, default: null },
    momentDate: { type: Date, default: null },
    dueAt: { type: Date, required: true },
    narratives: { type: [String], default: [] },
    /** Approved counter-messaging lines from the catalogue, per narrative, in FR and EN. */
    counterMessages: { type: Schema.Types.Mixed, default: [] },
    status: { type: String, enum: ['open', 'done', 'cancelled'], default: 'open' },
    openedAt: { type: Date, required: true },
  },
  { collection: 'tasks' },
);
taskSchema.index({ key: 1 }, { unique: true });
taskSchema.index({ mission: 1, status: 1, dueAt: 1 });

export type TaskDoc = InferSchemaType<typeof taskSchema>;
export type TaskModel = Model<TaskDoc>;
export const taskModel = (c: Connection): TaskModel => c.model<TaskDoc>('Task', taskSchema);
