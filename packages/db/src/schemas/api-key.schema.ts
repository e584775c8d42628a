import { Schema, type InferSchemaType, type Connection, type Model } from 'mongoose';
import { MISSION_CODES } from '@vigie/contracts';

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const apiKeySchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 200 },
    /** Public part of the key (`vk_<prefix>_…`), used to find the row without scanning. */
    prefix: { type: String, required: true },
    /** SHA-256 of the whole key. Keys carry 192 random bits, so a fast hash is safe; the key is shown once. */
    hash: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    /** Missions the key may see; empty means all missions. */
    missions: { type: [String], enum: MISSION_CODES, default: [] },
    createdBy: { type: String, default: null },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'api_keys' },
);
apiKeySchema.index({ prefix: 1 }, { unique: true });

export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema>;
export type ApiKeyModel = Model<ApiKeyDoc>;
export const apiKeyModel = (c: Connection): ApiKeyModel => c.model<ApiKeyDoc>('ApiKey', apiKeySchema);
