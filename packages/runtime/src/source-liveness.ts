import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * "This source was polled at T and will be polled again at T+i" — kept in Redis, not in the source document.
 *
 * Why: most polls are 304s that change nothing but these two times. On FerretDB v1 (SQLite) every write to a
 * source document scans and re-parses the whole collection (about 30 ms per write at 1,000 sources on this VM,
 * growing with the collection), so writing the times on each 304 capped the collector far below its network
 * capacity. The collector writes the document only when something material changes (status, validators,
 * error, failure count, adaptive interval…) and records every poll here; the API shows the newer of the two.
 *
 * Losing Redis loses nothing that matters: the document still holds the last material change (and is
 * refreshed at least daily, see the collector), so health is at worst a few hours stale until the next poll.
 */
export interface SourceLiveness {
  readonly lastFetchAt: Date;
  /** Null when no further poll is planned (the source was disabled by this poll). */
  readonly nextFetchAt: Date | null;
}

/** How long a liveness record survives without a new poll; polls rarer than this also write the document. */
export const LIVENESS_TTL_MS = 8 * 24 * 3600 * 1000;

const key = (prefix: string, sourceId: string) => `${prefix}:source-liveness:${sourceId}`;

function encode(l: SourceLiveness): string {
  return JSON.stringify([l.lastFetchAt.getTime(), l.nextFetchAt ? l.nextFetchAt.getTime() : null]);
}

/** Parses a stored record; anything malformed (another version, a hand edit) reads as "no record". */
export function decodeLiveness(raw: string | null | undefined): SourceLiveness | null {
  if (!raw) return null;
  try {
    const v: unknown = JSON.parse(raw);
    if (!Array.isArray(v) || typeof v[0] !== 'number' || !Number.isFinite(v[0]) || (v[1] !== null && (typeof v[1] !== 'number' || !Number.isFinite(v[1])))) return null;
    return { lastFetchAt: new Date(v[0]), nextFetchAt: v[1] === null ? null : new Date(v[1] as number) };
  } catch {
    return null;
  }
}

/** Records one poll (one SET with a TTL). */
export async function recordSourceLiveness(redis: Redis, prefix: string, sourceId: string, liveness: SourceLiveness): Promise<void> {
  await redis.set(key(prefix, sourceId), encode(liveness), 'PX', LIVENESS_TTL_MS);
}

/** The recorded liveness of each source (one MGET), by id; sources without a record are absent. */
export async function readSourceLiveness(redis: Redis, prefix: string, sourceIds: readonly string[]): Promise<Map<string, SourceLiveness>> {
  const out = new Map<string, SourceLiveness>();
  if (sourceIds.length === 0) return out;
  const raw = await redis.mget(...sourceIds.map((id) => key(prefix, id)));
  sourceIds.forEach((id, i) => {
    const l = decodeLiveness(raw[i]);
    if (l) out.set(id, l);
  });
  return out;
}

/**
 * What to show: the stored times, unless Redis holds a newer poll. A disabled source has no next fetch,
 * whatever Redis remembers.
 */
export function mergeLiveness(
  stored: { lastFetchAt: Date | null; nextFetchAt: Date | null },
  live: SourceLiveness | null | undefined,
  enabled: boolean,
): { lastFetchAt: Date | null; nextFetchAt: Date | null } {
  const newer = live && (!stored.lastFetchAt || live.lastFetchAt.getTime() > stored.lastFetchAt.getTime());
  const merged = newer ? { lastFetchAt: live.lastFetchAt, nextFetchAt: live.nextFetchAt } : { ...stored };
  return enabled ? merged : { ...merged, nextFetchAt: null };
}

/**
 * Source revisions: a token stored in the source document (`rev`) and mirrored in Redis by every writer that can
 * reach Redis (the collector and the API), written to the document first. A collector keeps the documents it
 * read in memory and trusts one only while its `rev` equals the Redis token — one GET per poll instead of one
 * FerretDB read, which (see above) costs a collection scan. A writer that cannot reach Redis (the CLI) only makes
 * the tokens differ, which costs a re-read; a document whose write has not been mirrored yet is the one its own
 * writer is still working on.
 */
const revKey = (prefix: string, sourceId: string) => `${prefix}:source-rev:${sourceId}`;

/** A fresh revision token for a write that changes a source document. */
export function newSourceRevision(): string {
  return randomUUID();
}

/** Mirrors a written revision (after the document write). */
export async function publishSourceRevision(redis: Redis, prefix: string, sourceId: string, rev: string): Promise<void> {
  await redis.set(revKey(prefix, sourceId), rev, 'PX', LIVENESS_TTL_MS);
}

/** The mirrored revision of a source, or null when none is recorded. */
export async function readSourceRevision(redis: Redis, prefix: string, sourceId: string): Promise<string | null> {
  return redis.get(revKey(prefix, sourceId));
}

// Sets the key to ARGV[2] only while it still holds ARGV[1] ('' = absent): a reader repairing the mirror after a
// re-read never overwrites a newer token published meanwhile by a writer.
const REPAIR = `
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
return 1
`;

/** After a re-read found revision `found` while Redis held `seen` (null: nothing), aligns Redis if unchanged. */
export async function repairSourceRevision(redis: Redis, prefix: string, sourceId: string, seen: string | null, found: string): Promise<void> {
  await redis.eval(REPAIR, 1, revKey(prefix, sourceId), seen ?? '', found, LIVENESS_TTL_MS);
}
