import { Types } from 'mongoose';
import { SEVERITIES, SEVERITY_RANK, type MissionCode, type NarrativeKey, type Severity } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';
import { withDocumentLock } from '../document-lock.js';
import { recordAlertEvent } from './alert-outbox.repository.js';

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
  /** When the alert is opened (processing time); defaults to seenAt. */
  readonly openedAt?: Date;
}

export interface EvidenceResult {
  readonly alertId: string;
  readonly createdAlert: boolean;
  readonly newEvidence: boolean;
}

/**
 * Runs `fn`, which writes the alert document(s) of `dedupKey`, under that key's document lock (FerretDB only; a
 * no-op on MongoDB — see document-lock.ts). Every writer of an alert document goes through this with the alert's
 * `dedupKey`, which never changes: evidence (including the upsert that opens the alert), lifecycle transitions,
 * silences, escalation and early-warning links. Not re-entrant.
 */
export function withAlertWriteLock<T>(models: Models, dedupKey: string, fn: () => Promise<T>): Promise<T> {
  return withDocumentLock(models, `alert:${dedupKey}`, fn);
}

/**
 * Opens the alert for `dedupKey` if none is open, and adds the item as evidence. Every step uses idempotent
 * operators ($setOnInsert, $addToSet, $min, $max, a recount), so a retry after a crash at any point converges
 * to the same document and never double-counts. The whole call holds the key's write lock: on FerretDB v1 the
 * steps would otherwise overwrite each other's changes when workers add evidence to one alert at once.
 */
export async function recordEvidence(models: Models, input: EvidenceInput): Promise<EvidenceResult> {
  return withAlertWriteLock(models, input.dedupKey, () => recordEvidenceLocked(models, input));
}

async function recordEvidenceLocked(models: Models, input: EvidenceInput): Promise<EvidenceResult> {
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
      { returnDocument: 'after' },
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
            openedAt: input.openedAt ?? input.seenAt,
            history: [],
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

/** Statuses during which an alert holds its dedup key (new evidence joins it). */
export const ACTIVE_ALERT_STATUSES = ['open', 'acknowledged', 'responding'] as const;

export interface AlertTransitionWrite {
  readonly alertId: string;
  /** The status the change was computed from. */
  readonly expectedStatus: string;
  /** The history length the change was computed from: the compare-and-set sequence number. */
  readonly expectedSeq: number;
  readonly patch: Readonly<Record<string, unknown>>;
  readonly history: Readonly<Record<string, unknown>>;
  /**
   * The alert event this change raises (`transition` for people's actions, `reopened` when the narrative came
   * back). Stored in the change's `<alertId>:<seq>` record — the change's commit point — and copied to the
   * outbox by whoever applies the change (its writer, or a roll-forward after a crash), so the event is never
   * lost between the database and Redis. Absent: no event (tests of the lifecycle alone).
   */
  readonly event?: { readonly type: 'transition' | 'reopened'; readonly at: Date };
}

/** The event stored in a transition record (Mixed in the schema). */
interface RecordedEvent {
  readonly type: 'transition' | 'reopened';
  readonly at: Date;
}

/** After this long, an unapplied transition is taken to belong to a crashed writer and is rolled forward. */
const ROLL_FORWARD_AFTER_MS = 30_000;

/**
 * Persists one lifecycle transition computed by @vigie/alerting. Two people acting at once get one success and
 * one conflict (null): the change is first recorded under a unique `<alertId>:<seq>` key, then applied. Moves
 * `openKey` with the status: closed alerts release the dedup key; a reopened alert takes it back (E11000 if
 * another alert holds it meanwhile, and the recorded change is withdrawn).
 */
export async function applyAlertTransition(models: Models, write: AlertTransitionWrite) {
  const id = new Types.ObjectId(write.alertId);
  const current = await models.alerts.findOne({ _id: id }, { dedupKey: 1, status: 1, history: 1 }).lean();
  if (!current || current.status !== write.expectedStatus || (current.history?.length ?? 0) !== write.expectedSeq) return null;
  const nextStatus = typeof write.patch.status === 'string' ? write.patch.status : write.expectedStatus;
  const active = (ACTIVE_ALERT_STATUSES as readonly string[]).includes(nextStatus);
  const set = { ...write.patch, openKey: active ? current.dedupKey : `${current.dedupKey}#${write.alertId}` };
  const transitionId = `${write.alertId}:${write.expectedSeq}`;
  try {
    await models.alertTransitions.create({
      _id: transitionId,
      alertId: id,
      seq: write.expectedSeq,
      set,
      history: write.history,
      at: new Date(),
      event: write.event ? { type: write.event.type, at: write.event.at } : null,
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) return null;
    throw error;
  }
  try {
    await applyRecorded(models, id, current.dedupKey, write.expectedSeq, set, write.history, write.event ?? null);
  } catch (error) {
    // The reopened alert cannot take its key back: withdraw the change so the slot is free again.
    if (isDuplicateKeyError(error)) await models.alertTransitions.deleteOne({ _id: transitionId });
    throw error;
  }
  return models.alerts.findById(id).lean();
}

async function applyRecorded(
  models: Models,
  alertId: Types.ObjectId,
  dedupKey: string,
  seq: number,
  set: Record<string, unknown>,
  history: unknown,
  event: RecordedEvent | null,
) {
  // The history-length guard makes a repeated application (writer and roll-forward racing) a no-op — on FerretDB
  // only under the write lock, where a conditional update is otherwise not atomic.
  // Alerts opened by an upsert may have no history array yet (mongoose drops empty arrays from $setOnInsert).
  const guard = seq === 0 ? { $or: [{ history: { $size: 0 } }, { history: { $exists: false } }] } : { history: { $size: seq } };
  await withAlertWriteLock(models, dedupKey, () => models.alerts.updateOne({ _id: alertId, ...guard }, { $set: set, $push: { history } }));
  await markApplied(models, alertId, seq, event);
}

/** The event goes to the outbox before the record is marked applied: `applied` implies "event recorded". */
async function markApplied(models: Models, alertId: Types.ObjectId, seq: number, event: RecordedEvent | null) {
  if (event) await recordAlertEvent(models, { alertId: String(alertId), type: event.type, at: new Date(event.at).toISOString(), ref: String(seq + 1) });
  await models.alertTransitions.updateOne({ _id: `${String(alertId)}:${seq}` }, { $set: { applied: true } });
}

/**
 * Applies changes whose writer crashed between recording and applying them, oldest first. Called before an
 * alert is read for a new action, so a crash never blocks the alert.
 */
export async function rollForwardTransitions(models: Models, alertId: string, now: Date): Promise<number> {
  const id = new Types.ObjectId(alertId);
  const pending = await models.alertTransitions
    .find({ alertId: id, applied: false, at: { $lt: new Date(now.getTime() - ROLL_FORWARD_AFTER_MS) } })
    .sort({ seq: 1 })
    .lean();
  let applied = 0;
  for (const t of pending) {
    const alert = await models.alerts.findOne({ _id: id }, { history: 1, dedupKey: 1 }).lean();
    if (!alert) break;
    const length = alert.history?.length ?? 0;
    const event = (t.event as RecordedEvent | null | undefined) ?? null;
    if (length > t.seq) {
      // Applied, but the writer stopped before marking it (and perhaps before recording its event).
      await markApplied(models, id, t.seq, event);
      continue;
    }
    if (length < t.seq) break;
    await applyRecorded(models, id, alert.dedupKey, t.seq, t.set as Record<string, unknown>, t.history, event);
    applied++;
  }
  return applied;
}

/**
 * Rolls forward changes whose writer crashed between recording and applying them, across alerts (at most 100
 * records a call). The outbox relay calls it each pass, so a crashed change — and its event — never waits for
 * the next action on its alert. Returns how many changes were applied.
 */
export async function rollForwardStaleTransitions(models: Models, now: Date): Promise<number> {
  const stale = await models.alertTransitions
    .find({ applied: false, at: { $lt: new Date(now.getTime() - ROLL_FORWARD_AFTER_MS) } }, { alertId: 1 })
    .limit(100)
    .lean();
  let applied = 0;
  for (const alertId of new Set(stale.map((t) => String(t.alertId)))) applied += await rollForwardTransitions(models, alertId, now);
  return applied;
}

/** The most recently resolved alert for a key, if it was resolved at or after `since` (reopen candidates). */
export async function findRecentlyResolved(models: Models, dedupKey: string, since: Date) {
  return models.alerts
    .findOne({ dedupKey, status: 'resolved', resolvedAt: { $gte: since } })
    .sort({ resolvedAt: -1 })
    .lean();
}

/**
 * The lifecycle fields of a stored alert with explicit nulls: alerts opened by an upsert carry only the fields
 * set on insert, and the lifecycle rules distinguish "no response yet" (null) from a value.
 */
export function lifecycleStateOf(alert: Record<string, unknown> & { openedAt?: Date | null; createdAt?: Date | null; firstSeenAt: Date }) {
  const orNull = <T>(v: unknown): T | null => (v === undefined || v === null ? null : (v as T));
  return {
    status: alert.status as 'open' | 'acknowledged' | 'responding' | 'resolved' | 'dismissed',
    openedAt: alert.openedAt ?? alert.createdAt ?? alert.firstSeenAt,
    ownerId: orNull<string>(alert.ownerId),
    responseId: orNull<string>(alert.responseId),
    outcome: orNull<'no_action' | 'rebutted' | 'prebunked' | 'referred_to_platform' | 'referred_to_security'>(alert.outcome),
    acknowledgedAt: orNull<Date>(alert.acknowledgedAt),
    resolvedAt: orNull<Date>(alert.resolvedAt),
    dismissedAt: orNull<Date>(alert.dismissedAt),
    timeToAcknowledgeMs: orNull<number>(alert.timeToAcknowledgeMs),
    timeToResolveMs: orNull<number>(alert.timeToResolveMs),
    reopenCount: typeof alert.reopenCount === 'number' ? alert.reopenCount : 0,
    escalationLevel: typeof alert.escalationLevel === 'number' ? alert.escalationLevel : 0,
  };
}
