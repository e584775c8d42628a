import type { AlertEventJob, ClassifyItemJob, Classification } from '@vigie/contracts';
import { transition } from '@vigie/alerting';
import {
  applyAlertTransition,
  dedupKeyFor,
  findReopenCandidate,
  isDuplicateKeyError,
  lifecycleStateOf,
  recordEvidence,
  saveClassification,
  type Models,
} from '@vigie/db';
import type { JobContext } from '@vigie/runtime';
import { planAlertEvidence } from './alert-decision.js';

export interface ClassifierEngine {
  readonly version: string;
  classify(input: { id?: string; text: string; title?: string; language?: string; url?: string; source?: string }): Classification;
}

export interface ClassifyDeps {
  readonly models: Models;
  readonly engine: ClassifierEngine;
  readonly alertMinScore: number;
  /** A resolved alert whose narrative comes back within this window is reopened instead of duplicated. */
  readonly reopenWindowMs: number;
  readonly now: () => Date;
  /**
   * Records an alert event for the notifier (in production: in the outbox, then nudges the relay); absent = no
   * notifications (tests of classification alone).
   */
  readonly emitAlertEvent?: (event: AlertEventJob) => Promise<void>;
}

/**
 * Reopens the most recently resolved alert for `dedupKey` if it was resolved within the window and no alert is
 * active for the key (usually answered by `_id` reads of the key's pointer and its alert). Losing a race (someone
 * else reopened or opened one) is fine: evidence joins that alert.
 */
async function reopenIfRecentlyResolved(deps: ClassifyDeps, dedupKey: string, at: Date, log: JobContext['log']) {
  const resolved = await findReopenCandidate(deps.models, dedupKey, new Date(at.getTime() - deps.reopenWindowMs));
  if (!resolved) return;
  const result = transition(lifecycleStateOf(resolved), 'reopen', { id: 'classifier', role: 'system' }, at, {
    reason: 'The narrative came back within the reopen window.',
  });
  if (!result.ok) return;
  try {
    const seq = resolved.history?.length ?? 0;
    const reopened = await applyAlertTransition(deps.models, {
      alertId: String(resolved._id),
      expectedStatus: 'resolved',
      expectedSeq: seq,
      patch: result.patch,
      history: { ...result.history },
      // Recorded in the outbox with the change itself; the evidence event that follows nudges the relay.
      event: { type: 'reopened', at },
    });
    if (reopened) log.info({ alertId: String(resolved._id), dedupKey }, 'alert reopened');
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/**
 * Classifies one stored item and feeds the alerts it supports. Idempotent: the classification is a $set and
 * alert evidence is keyed on (alert, item), so a retry after a crash anywhere repeats nothing.
 */
export async function classifyItem(deps: ClassifyDeps, payload: ClassifyItemJob, ctx: JobContext) {
  const item = await deps.models.items.findById(payload.itemId).lean();
  if (!item) {
    ctx.log.warn({ itemId: payload.itemId }, 'item no longer exists; nothing to classify');
    return { itemId: payload.itemId, alerts: 0 };
  }
  const source = await deps.models.sources.findById(item.sourceId, { name: 1 }).lean();
  const result = deps.engine.classify({
    id: String(item._id),
    text: item.text,
    title: item.title,
    language: item.language === 'und' ? undefined : item.language,
    url: item.url ?? undefined,
    source: source?.name,
  });
  const at = deps.now();
  await saveClassification(deps.models, String(item._id), result, at, item);
  const plans = planAlertEvidence(result, deps.alertMinScore);
  for (const plan of plans) {
    const dedupKey = dedupKeyFor(plan.mission, plan.narrative, plan.target);
    await reopenIfRecentlyResolved(deps, dedupKey, at, ctx.log);
    const evidence = await recordEvidence(deps.models, {
      dedupKey,
      openedAt: at,
      mission: plan.mission,
      narrative: plan.narrative,
      severity: plan.severity,
      item: {
        id: String(item._id),
        sourceId: String(item.sourceId),
        title: item.title || item.text.slice(0, 120),
        url: item.url ?? null,
        language: result.language,
        score: plan.score,
        stance: result.stance,
      },
      seenAt: item.publishedAt ?? item.collectedAt,
    });
    // Emitted even when nothing was new: a retry after a crash must not lose the event; its key (per item) dedupes.
    await deps.emitAlertEvent?.({
      alertId: evidence.alertId,
      type: evidence.createdAlert ? 'created' : 'evidence',
      at: at.toISOString(),
      ref: String(item._id),
    });
  }
  ctx.log.debug({ itemId: payload.itemId, top: result.topNarrative, harmful: result.harmful, alerts: plans.length }, 'item classified');
  return { itemId: payload.itemId, alerts: plans.length };
}
