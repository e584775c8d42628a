import { findStalePending, type Models } from '@vigie/db';

/**
 * Crash safety: an item stays `pending` until the classifier stores its result. One still pending long after its
 * last write lost its classify job (a crash between the upsert and the enqueue, or a Redis wipe). Re-enqueueing
 * with the deterministic job id is a no-op when the job still exists, so the sweep is safe to run anywhere,
 * any number of times, from every collector process.
 */
export async function sweepStalePending(
  models: Models,
  enqueueClassify: (itemId: string, contentHash: string) => Promise<void>,
  options: { now: Date; olderThanMs: number; limit?: number },
): Promise<number> {
  const stale = await findStalePending(models, new Date(options.now.getTime() - options.olderThanMs), options.limit ?? 500);
  for (const { itemId, contentHash } of stale) await enqueueClassify(itemId, contentHash);
  return stale.length;
}
