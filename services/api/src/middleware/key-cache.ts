import type { Redis } from 'ioredis';
import type { AuthenticatedKey } from '@vigie/db';
import type { Logger } from '@vigie/runtime';

/**
 * API keys that authenticated in the last few seconds, so most requests need no database round trip before
 * their real work (on FerretDB that round trip was the largest part of a triage-queue request).
 *
 * What it holds and why it is safe:
 * - Entries are keyed by the SHA-256 of the whole key (never the key itself) and hold only the principal.
 * - Only successful verifications are kept: a flood of wrong keys cannot fill it, and a key that failed is
 *   checked again on its next use.
 * - A revocation through the API empties the cache of this process at once and, through Redis, of every other
 *   API process (`subscribeToKeyChanges`); a key revoked behind the API's back (directly in the database) stops
 *   working after at most `ttlMs`.
 * - At most `maxEntries` keys; the oldest is dropped first.
 */
export interface VerifiedKeyCache {
  get(keyHash: string): AuthenticatedKey | undefined;
  remember(keyHash: string, principal: AuthenticatedKey): void;
  /** Forgets every key: called when any key is revoked or changed. */
  forgetAll(): void;
  readonly size: number;
}

export interface VerifiedKeyCacheOptions {
  /** How long a verified key is trusted without asking the database again; 0 turns the cache off. */
  readonly ttlMs: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export function createVerifiedKeyCache({ ttlMs, maxEntries = 10_000, now = Date.now }: VerifiedKeyCacheOptions): VerifiedKeyCache {
  const entries = new Map<string, { principal: AuthenticatedKey; expiresAt: number }>();
  return {
    get(keyHash) {
      const entry = entries.get(keyHash);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(keyHash);
        return undefined;
      }
      return entry.principal;
    },
    remember(keyHash, principal) {
      if (ttlMs <= 0) return;
      // Re-inserting moves the key to the end, so the first key in the map is always the oldest verification.
      entries.delete(keyHash);
      entries.set(keyHash, { principal, expiresAt: now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    forgetAll() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

/** The Redis channel on which API processes announce that an API key was revoked or changed. */
export function apiKeysChangedChannel(queuePrefix: string): string {
  return `${queuePrefix}:api-keys:changed`;
}

/**
 * Empties `cache` whenever any API process announces a key change, and after every reconnection to Redis (an
 * announcement made while this process was cut off is not replayed). Returns a function that unsubscribes.
 */
export function subscribeToKeyChanges(redis: Redis, queuePrefix: string, cache: VerifiedKeyCache, log: Logger): () => Promise<void> {
  const channel = apiKeysChangedChannel(queuePrefix);
  // A subscribed connection can do nothing else; it waits out Redis outages instead of failing fast.
  const sub = redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: true });
  sub.on('error', (error) => log.warn({ err: error.message }, 'API key change subscriber connection error'));
  sub.on('ready', () => cache.forgetAll());
  sub.on('message', (ch: string) => {
    if (ch === channel) cache.forgetAll();
  });
  const subscribed = sub
    .connect()
    .then(() => sub.subscribe(channel))
    .catch((error: unknown) => log.error({ err: error }, 'could not subscribe to API key changes; revocations reach this process only after the cache lifetime'));
  return async () => {
    await subscribed;
    await sub.quit().catch(() => sub.disconnect());
  };
}

/**
 * Tells every API process (this one included, at once) that a key was revoked or changed. A failed announcement is
 * logged, not thrown: the change is already in the database, and other processes see it within the cache lifetime.
 */
export async function announceKeyChange(redis: Redis, queuePrefix: string, cache: VerifiedKeyCache, log: Logger): Promise<void> {
  cache.forgetAll();
  try {
    await redis.publish(apiKeysChangedChannel(queuePrefix), 'changed');
  } catch (error) {
    log.warn({ err: error }, 'could not announce an API key change to other API processes; they will see it within the cache lifetime');
  }
}
