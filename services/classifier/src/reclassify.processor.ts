import { Types } from 'mongoose';
import type { ReclassifyItemsJob } from '@vigie/contracts';
import { findReclassifyRun, finishReclassifyRun, reclassifyItemQuery, saveReclassifyProgress, startReclassifyRun } from '@vigie/db';
import { UnrecoverableError, type JobContext } from '@vigie/runtime';
import { classifyItem, type ClassifyDeps } from './classify-item.processor.js';

export interface ReclassifyDeps {
  /** The classify-item path's dependencies: re-classification reuses it whole (same alert decision, same writes). */
  readonly classify: ClassifyDeps;
  readonly batchSize: number;
  /** Pause between batches, so a big run leaves the database to live classification. */
  readonly pauseMs: number;
}

interface Outcome {
  topNarrative?: string | null;
  harmful?: boolean | null;
  severity?: string | null;
  missions?: string[];
}

/** Whether a re-classification changed what an officer sees: narrative, harm, severity or missions. Pure. */
export function outcomeChanged(before: Outcome, after: Outcome): boolean {
  return (
    (before.topNarrative ?? null) !== (after.topNarrative ?? null) ||
    (before.harmful ?? null) !== (after.harmful ?? null) ||
    (before.severity ?? null) !== (after.severity ?? null) ||
    [...(before.missions ?? [])].sort().join() !== [...(after.missions ?? [])].sort().join()
  );
}

const OUTCOME = { topNarrative: 1, harmful: 1, severity: 1, missions: 1 } as const;

/**
 * Walks the run's items in `_id` order, a batch at a time, through the classify-item path with the active version.
 * After each batch the cursor and counters are saved in one write, then reported with `job.updateProgress`. A
 * retry (crash, killed worker) starts after the saved cursor; the batch in flight is redone, which is harmless:
 * classification is a `$set` and alert evidence is keyed on (alert, item), so no alert or evidence is duplicated.
 */
export async function reclassifyItems(deps: ReclassifyDeps, payload: ReclassifyItemsJob, ctx: JobContext) {
  const { models } = deps.classify;
  const run = await findReclassifyRun(models, payload.runId);
  if (!run) throw new UnrecoverableError(`re-classification run ${payload.runId} does not exist`);
  if (run.status === 'completed') return { runId: payload.runId, done: run.done };
  const filter = { missions: run.filter?.missions ?? [], since: run.filter?.since ?? null, narrative: run.filter?.narrative ?? null, olderOnly: run.filter?.olderOnly ?? false };
  // The total is counted once, at the first start: with `olderOnly` the matching set shrinks as the run goes.
  const total = run.startedAt ? run.total : await models.items.countDocuments(reclassifyItemQuery(filter, deps.classify.engine.version));
  await startReclassifyRun(models, payload.runId, total, deps.classify.now());
  let cursor = run.cursor ?? null;
  let done = run.done;
  let changed = run.changed;
  let failedItems = run.failedItems;
  ctx.log.info({ runId: payload.runId, total, resumeAfter: cursor ? String(cursor) : null, done }, 're-classification started');
  for (;;) {
    const version = deps.classify.engine.version;
    const query = { ...reclassifyItemQuery(filter, version), ...(cursor ? { _id: { $gt: cursor } } : {}) };
    const batch = await models.items.find(query, OUTCOME).sort({ _id: 1 }).limit(deps.batchSize).lean();
    if (batch.length === 0) break;
    let failedInBatch = 0;
    let lastError: string | null = null;
    for (const item of batch) {
      try {
        await classifyItem(deps.classify, { itemId: String(item._id) }, ctx);
      } catch (error) {
        failedInBatch++;
        lastError = `${String(item._id)}: ${error instanceof Error ? error.message : String(error)}`;
        ctx.log.warn({ itemId: String(item._id), err: lastError }, 'item could not be re-classified');
      }
    }
    // A whole batch failing is an outage (database away), not bad items: let BullMQ retry from the saved cursor.
    if (failedInBatch === batch.length) throw new Error(`every item of a batch failed (last: ${lastError}); retrying from the saved cursor`);
    const after = new Map((await models.items.find({ _id: { $in: batch.map((b) => b._id) } }, OUTCOME).lean()).map((a) => [String(a._id), a]));
    for (const before of batch) {
      const now = after.get(String(before._id));
      if (now && outcomeChanged(before as Outcome, now as Outcome)) changed++;
    }
    done += batch.length;
    failedItems += failedInBatch;
    cursor = batch[batch.length - 1]!._id as Types.ObjectId;
    await saveReclassifyProgress(models, payload.runId, { cursor, done, changed, failedItems, version, lastError });
    await ctx.job.updateProgress({ total, done, changed, errors: failedItems });
    if (batch.length < deps.batchSize) break;
    if (deps.pauseMs > 0) await new Promise((r) => setTimeout(r, deps.pauseMs));
  }
  await finishReclassifyRun(models, payload.runId, 'completed', deps.classify.now());
  ctx.log.info({ runId: payload.runId, total, done, changed, errors: failedItems }, 're-classification finished');
  return { runId: payload.runId, total, done, changed, errors: failedItems };
}
