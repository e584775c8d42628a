import type { Redis } from 'ioredis';
import type { Types } from 'mongoose';
import type { Models, SourceDoc } from '@vigie/db';
import { newSourceRevision, publishSourceRevision, readSourceRevision, repairSourceRevision } from '@vigie/runtime';

export type SourceLean = SourceDoc & { _id: Types.ObjectId };

/**
 * The collector's view of source documents: the copies read by the last scheduler sync (one scan for all), each
 * trusted only while its revision token equals the one mirrored in Redis — checked with one GET per poll. On
 * FerretDB v1 (SQLite) a `findById` scans the collection (~20 ms at 1,000 sources, more under load), so reading
 * every source on every poll cost more than the polls themselves. Every write this process makes goes through
 * {@link SourceStore.update}: new token in the document, then in Redis.
 */
export interface SourceStore {
  /** The current document (null when deleted), from memory when its revision still matches. */
  load(sourceId: string): Promise<SourceLean | null>;
  /** `$set`s fields of a source with a new revision (the memory copy is dropped first, so a crash re-reads). */
  update(sourceId: Types.ObjectId, set: Record<string, unknown>): Promise<void>;
  /** Replaces the memory copies with documents just read in bulk. */
  prime(docs: readonly SourceLean[]): void;
}

export function createSourceStore(models: Models, redis: Redis, prefix: string): SourceStore {
  const memory = new Map<string, SourceLean>();
  return {
    async load(sourceId) {
      const published = await readSourceRevision(redis, prefix, sourceId);
      const held = memory.get(sourceId);
      // Both absent (a source no revision-aware writer touched yet) also matches: the sync refreshes those.
      if (held && (held.rev ?? null) === published) return held;
      const doc = (await models.sources.findById(sourceId).lean()) as SourceLean | null;
      if (!doc) {
        memory.delete(sourceId);
        return null;
      }
      memory.set(sourceId, doc);
      if ((doc.rev ?? null) !== published && doc.rev) await repairSourceRevision(redis, prefix, sourceId, published, doc.rev);
      return doc;
    },
    async update(sourceId, set) {
      const id = String(sourceId);
      memory.delete(id);
      const rev = newSourceRevision();
      await models.sources.updateOne({ _id: sourceId }, { $set: { ...set, rev } });
      await publishSourceRevision(redis, prefix, id, rev);
    },
    prime(docs) {
      // Dropping the rest keeps memory bounded to enabled sources; anything else is read on demand.
      memory.clear();
      for (const d of docs) memory.set(String(d._id), d);
    },
  };
}
