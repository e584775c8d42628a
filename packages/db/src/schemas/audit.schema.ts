import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';

export const auditEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    actorKeyId: { type: String, default: null },
    actorName: { type: String, required: true },
    action: { type: String, required: true },
    targetType: { type: String, required: true },
    targetId: { type: String, default: null },
    /** What changed, without secrets: field → { from, to }. */
    changes: { type: Schema.Types.Mixed, default: null },
    reason: { type: String, default: null },
    requestId: { type: String, default: null },
    day: { type: String, required: true },
  },
  { collection: 'audit_log' },
);
// Audit listing, newest first, optionally per target.
auditEntrySchema.index({ at: -1, _id: -1 });
auditEntrySchema.index({ targetType: 1, targetId: 1, at: -1 });

export type AuditEntryDoc = InferSchemaType<typeof auditEntrySchema>;
export type AuditEntryModel = Model<AuditEntryDoc>;
export const auditEntryModel = (c: Connection): AuditEntryModel => c.model<AuditEntryDoc>('AuditEntry', auditEntrySchema);
