import { Types } from 'mongoose';
import { SEVERITIES, SEVERITY_RANK, type MissionCode, type NarrativeKey, type Severity } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';

/** How many evidence rows an alert document keeps inline; the complete list lives in alert_items. */
export const EVIDENCE_INLINE_CAP = 50;

export interface EvidenceInput {
  readonly dedupKey: string;
  readonly mission: MissionCode;
  readonly narrative: NarrativeKey;
  readonly severity: Severity;
  readonly item: {
    readonly id: string;
    readonly sourceId: string;
    readonly title: string;
    readonly url: string | null;
    readonly language: string;
    readonly score: number;
    readonly stance: string;
  };
  readonly seenAt: Date;
}

export interface EvidenceResult {
  readonly alertId: string;
  readonly createdAlert: boolean;
  readonly newEvidence: boolean;
}

/**
 * Opens the alert for `dedupKey` if none is open, and adds the item as evidence. Every step uses idempotent
 * operators ($setOnInsert, $addToSet, $min, $max, a recount), so a retry after a crash at any point converges
 * to the same document and never double-counts.
 */
export async function recordEvidence(models: Models, input: EvidenceInput): Promise<EvidenceResult> {
  const rank = SEVERITY_RANK[input.severity];
  const { alertId, created } = await openAlert(models, input, rank);
  const itemId = new Types.ObjectId(input.item.id);
  const sourceId = new Types.ObjectId(input.item.sourceId);

  const link = await models.alertItems.updateOne(
    { alertId, itemId },
    { $setOnInsert: { alertId, itemId, sourceId, addedAt: input.seenAt } },
    { upsert: true },
  ).catch((error: unknown) => {
    if (isDuplicateKeyError(error)) return { upsertedId: null };
    throw error;
  });

  await models.alerts.updateOne(
    { _id: alertId, 'evidence.itemId': { $ne: itemId } },
    {
      $push: {
        evidence: {
          $each: [
            {
              itemId,
              sourceId,
              title: input.item.title.slice(0, 300),
              url: input.item.url,
              language: input.item.language,
              score: input.item.score,
              severity: input.severity,
              stance: input.item.stance,
              addedAt: input.seenAt,
            },
          ],
        },
      },
    },
  );
  await trimInlineEvidence(models, alertId);

  const itemCount = await models.alertItems.countDocuments({ alertId });
  const updated = await models.alerts
    .findOneAndUpdate(
      { _id: alertId },
      {
        $set: { itemCount },
        $addToSet: { sourceIds: sourceId, languages: input.item.language },
        $min: { severityRank: rank, firstSeenAt: input.seenAt },
        $max: { lastSeenAt: input.seenAt },
      },
      // No projection: FerretDB v1's findAndModify does not implement `fields`.
      { new: true },
    )
    .lean()
    .orFail();
  const severity = SEVERITIES[updated.severityRank - 1] ?? input.severity;
  if (severity !== updated.severity || updated.sourceIds.length !== updated.sourceCount) {
    await models.alerts.updateOne({ _id: alertId }, { $set: { severity, sourceCount: updated.sourceIds.length } });
  }
  return { alertId: String(alertId), createdAlert: created, newEvidence: Boolean(link.upsertedId) };
}

/**
 * Keeps the newest EVIDENCE_INLINE_CAP rows inline. FerretDB v1 silently ignores `$push … $slice`, so we pop
 * the oldest row while the array is over the cap — a conditional update that is safe under concurrency.
 */
async function trimInlineEvidence(models: Models, alertId: Types.ObjectId): Promise<void> {
  for (let guard = 0; guard < 100; guard++) {
    const popped = await models.alerts.updateOne(
      { _id: alertId, [`evidence.${EVIDENCE_INLINE_CAP}`]: { $exists: true } },
      { $pop: { evidence: -1 } },
    );
    if (popped.modifiedCount === 0) return;
  }
}

async function openAlert(models: Models, input: EvidenceInput, rank: number): Promise<{ alertId: Types.ObjectId; created: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const result = await models.alerts.updateOne(
        { openKey: input.dedupKey },
        {
          $setOnInsert: {
            dedupKey: input.dedupKey,
            openKey: input.dedupKey,
            mission: input.mission,
            narrative: input.narrative,
            status: 'open',
            severity: input.severity,
            severityRank: rank,
            itemCount: 0,
            sourceIds: [],
            sourceCount: 0,
            languages: [],
            firstSeenAt: input.seenAt,
            lastSeenAt: input.seenAt,
            evidence: [],
          },
        },
        { upsert: true },
      );
      if (result.upsertedId) return { alertId: result.upsertedId as Types.ObjectId, created: true };
      const existing = await models.alerts.findOne({ openKey: input.dedupKey }, { _id: 1 }).lean();
      if (existing) return { alertId: existing._id, created: false };
    } catch (error) {
      // A concurrent worker opened it first; the next loop finds it.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  throw new Error(`could not open or find the alert for ${input.dedupKey}`);
}

/** The dedup key of an alert: mission × narrative, plus the target for targeted S1 items. */
export function dedupKeyFor(mission: MissionCode, narrative: NarrativeKey, target?: string | null): string {
  const base = `${mission}:${narrative}`;
  if (!target) return base;
  const slug = target
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9\u0600-\u06ff]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug ? `${base}:${slug}` : base;
}
