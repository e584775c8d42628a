import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MissionCode } from '@vigie/contracts';
import type { Models } from '../models.js';
import type { Role } from '../schemas/api-key.schema.js';
import { isDuplicateKeyError } from '../errors.js';

/** Keys look like `vk_<12 hex prefix>_<32 base64url secret>`; only the prefix is stored in clear. */
const KEY_PATTERN = /^vk_([a-f0-9]{12})_([A-Za-z0-9_-]{20,64})$/;

export interface AuthenticatedKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Empty = every mission. */
  readonly missions: readonly MissionCode[];
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  return { key: `vk_${prefix}_${randomBytes(24).toString('base64url')}`, prefix };
}

export function isWellFormedKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** Creates a key and returns it in clear — the only time it is ever visible. */
export async function createApiKey(
  models: Models,
  input: { name: string; role: Role; missions?: readonly MissionCode[]; createdBy?: string | null; key?: string },
): Promise<{ key: string; id: string }> {
  let key = input.key;
  let prefix: string;
  if (key) {
    const match = KEY_PATTERN.exec(key);
    if (!match?.[1]) throw new Error('a given key must look like vk_<12 hex>_<20-64 url-safe characters>');
    prefix = match[1];
  } else {
    ({ key, prefix } = generateKey());
  }
  const doc = await models.apiKeys.create({
    name: input.name,
    prefix,
    hash: hashKey(key),
    role: input.role,
    missions: [...(input.missions ?? [])],
    createdBy: input.createdBy ?? null,
  });
  return { key, id: String(doc._id) };
}

/**
 * Ensures the bootstrap admin key (VIGIE_BOOTSTRAP_ADMIN_KEY) exists. Idempotent across restarts and across
 * several API processes starting at once.
 */
export async function ensureBootstrapKey(models: Models, key: string): Promise<void> {
  const match = KEY_PATTERN.exec(key);
  if (!match?.[1]) throw new Error('VIGIE_BOOTSTRAP_ADMIN_KEY must look like vk_<12 hex>_<20-64 url-safe characters>');
  const existing = await models.apiKeys.findOne({ prefix: match[1] }).lean();
  if (existing) {
    if (existing.hash !== hashKey(key)) throw new Error('VIGIE_BOOTSTRAP_ADMIN_KEY collides with another key prefix');
    return;
  }
  try {
    await createApiKey(models, { name: 'bootstrap admin', role: 'admin', key, createdBy: 'bootstrap' });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** Looks a key up by prefix and compares hashes in constant time. Revoked keys do not authenticate. */
export async function verifyApiKey(models: Models, key: string): Promise<AuthenticatedKey | null> {
  const match = KEY_PATTERN.exec(key);
  if (!match?.[1]) return null;
  const doc = await models.apiKeys.findOne({ prefix: match[1], revokedAt: null }).lean();
  if (!doc) return null;
  const expected = Buffer.from(doc.hash, 'hex');
  const actual = Buffer.from(hashKey(key), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { id: String(doc._id), name: doc.name, role: doc.role, missions: doc.missions as MissionCode[] };
}
