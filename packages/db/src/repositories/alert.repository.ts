import { Types } from 'mongoose';
import { SEVERITIES, SEVERITY_RANK, type MissionCode, type NarrativeKey, type Severity } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';
import { documentLocksEnabled, withDocumentLock } from '../document-lock.js';
import { ALERT_KEYS_BACKFILLED_ID, ALERT_KEYS_COLLECTION, alertItemId, type AlertKeyDoc } from '../schemas/alert.schema.js';
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
 * Opens the alert for `dedupKey` if none is open, and adds the item as evidence. Idempotent and crash-safe: the
 * link to the item is a unique insert, and itemCount grows by `$inc` in the same single-document update that lists
 * the item inline — so a listed item is a counted one, and a link found on a retry whose item is not listed (a
 * crash between the two writes, or a row since trimmed) triggers an exact recount instead. The whole call holds
 * the key's write lock: on FerretDB v1 the steps would otherwise overwrite each other's changes when workers add
 * evidence to one alert at once; there every read and write is keyed by `_id` (the only filter FerretDB v1 on
 * SQLite does not answer by decoding the whole collection in Go). Without the lock (MongoDB) the writes are
 * conditional updates the server applies atomically.
 */
export async function recordEvidence(models: Models, input: EvidenceInput): Promise<EvidenceResult> {
  return withAlertWriteLock(models, input.dedupKey, async () => {
    const { alert, created } = await openAlert(models, input);
    const itemId = new Types.ObjectId(input.item.id);
    const sourceId = new Types.ObjectId(input.item.sourceId);
    const row: EvidenceRow = {
      itemId,
      sourceId,
      title: input.item.title.slice(0, 300),
      url: input.item.url,
      language: input.item.language,
      score: input.item.score,
      severity: input.severity,
      stance: input.item.stance,
      addedAt: input.seenAt,
    };
    const linked = await linkItem(models, alert._id, row, input.seenAt);
    const serialised = await documentLocksEnabled(models.connection);
    await (serialised ? addEvidenceUnderLock : addEvidenceAtomically)(models, alert, row, input, linked);
    return { alertId: String(alert._id), createdAlert: created, newEvidence: linked };
  });
}

/** One inline evidence row (the alert schema's evidence entry). */
interface EvidenceRow {
  readonly itemId: Types.ObjectId;
  readonly sourceId: Types.ObjectId;
  readonly title: string;
  readonly url: string | null;
  readonly language: string;
  readonly score: number;
  readonly severity: Severity;
  readonly stance: string;
  readonly addedAt: Date;
}

/** A stored alert as a lean read returns it. */
type StoredAlert = NonNullable<Awaited<ReturnType<typeof readAlert>>>;

function readAlert(models: Models, alertId: Types.ObjectId) {
  return models.alerts.findOne({ _id: alertId }).lean();
}

/** Links the item to the alert; true when this call made the link, false when it existed. */
async function linkItem(models: Models, alertId: Types.ObjectId, row: EvidenceRow, addedAt: Date): Promise<boolean> {
  try {
    await models.alertItems.collection.insertOne({
      _id: alertItemId(alertId, row.itemId) as never,
      alertId,
      itemId: row.itemId,
      sourceId: row.sourceId,
      addedAt,
    });
    return true;
  } catch (error) {
    // Either unique index: the deterministic `_id`, or (alertId, itemId) for a link stored with an ObjectId `_id`.
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

const sameId = (a: { equals(b: Types.ObjectId): boolean }, b: Types.ObjectId) => a.equals(b);

/**
 * FerretDB (every writer of this alert holds its lock, so the alert read under the lock is current): decide in
 * memory, write once by `_id` — evidence row, trim, count, sources, languages, severity, first/last seen.
 */
async function addEvidenceUnderLock(models: Models, alert: StoredAlert, row: EvidenceRow, input: EvidenceInput, linked: boolean) {
  const evidence = alert.evidence ?? [];
  const listed = evidence.some((e) => sameId(e.itemId, row.itemId));
  const set: Record<string, unknown> = {};
  if (!listed) set.evidence = [...evidence, row].slice(-EVIDENCE_INLINE_CAP);
  // Counted iff listed: a new link listed now is one more; any other combination (a link left by a crash before
  // its count, a row trimmed since, an alert counted the old way) is recounted — exact, nobody else writes now.
  if (!alert.itemCountIncremental || listed === linked) {
    set.itemCount = await models.alertItems.countDocuments({ alertId: alert._id });
    set.itemCountIncremental = true;
  } else if (linked) {
    set.itemCount = (alert.itemCount ?? 0) + 1;
  }
  const sourceIds = alert.sourceIds ?? [];
  if (!sourceIds.some((s) => sameId(s, row.sourceId))) set.sourceIds = [...sourceIds, row.sourceId];
  const languages = alert.languages ?? [];
  if (!languages.includes(row.language)) set.languages = [...languages, row.language];
  const rank = Math.min(alert.severityRank, SEVERITY_RANK[input.severity]);
  if (rank !== alert.severityRank) set.severityRank = rank;
  const severity = SEVERITIES[rank - 1] ?? input.severity;
  if (severity !== alert.severity) set.severity = severity;
  const sourceCount = ((set.sourceIds as unknown[] | undefined) ?? sourceIds).length;
  if (sourceCount !== alert.sourceCount) set.sourceCount = sourceCount;
  if (input.seenAt < alert.firstSeenAt) set.firstSeenAt = input.seenAt;
  if (input.seenAt > alert.lastSeenAt) set.lastSeenAt = input.seenAt;
  // A retry that finds everything in place writes nothing.
  if (Object.keys(set).length > 0) await models.alerts.updateOne({ _id: alert._id }, { $set: set });
}

/**
 * MongoDB (no lock): conditional updates the server applies atomically, so concurrent writers of one alert
 * cannot lose each other's changes. The row is pushed and counted in one update, as above.
 */
async function addEvidenceAtomically(models: Models, alert: StoredAlert, row: EvidenceRow, input: EvidenceInput, linked: boolean) {
  const alertId = alert._id;
  const notListed = { _id: alertId, 'evidence.itemId': { $ne: row.itemId } };
  const counted =
    linked &&
    (await models.alerts.updateOne({ ...notListed, itemCountIncremental: true }, { $push: { evidence: row }, $inc: { itemCount: 1 } }))
      .modifiedCount === 1;
  if (!counted && !(await models.alerts.exists({ _id: alertId, itemCountIncremental: true, 'evidence.itemId': row.itemId }))) {
    // Recount before listing: a crash in between leaves the item unlisted, so the retry recounts again.
    const itemCount = await models.alertItems.countDocuments({ alertId });
    await models.alerts.updateOne({ _id: alertId }, { $set: { itemCount, itemCountIncremental: true } });
    await models.alerts.updateOne(notListed, { $push: { evidence: row } });
  }
  await trimInlineEvidence(models, alertId);
  const updated = await models.alerts
    .findOneAndUpdate(
      { _id: alertId },
      {
        $addToSet: { sourceIds: row.sourceId, languages: row.language },
        $min: { severityRank: SEVERITY_RANK[input.severity], firstSeenAt: input.seenAt },
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

function alertKeys(models: Models) {
  const db = models.connection.db;
  if (!db) throw new Error('alert keys: the connection is not open');
  return db.collection<AlertKeyDoc>(ALERT_KEYS_COLLECTION);
}

async function pointKeyAt(models: Models, dedupKey: string, alertId: Types.ObjectId): Promise<void> {
  const write = () => alertKeys(models).updateOne({ _id: dedupKey }, { $set: { alertId, at: new Date() } }, { upsert: true });
  // Two first pointers of one key at once (no lock on MongoDB): the loser's upsert meets the winner's insert.
  await write().catch((error: unknown) => (isDuplicateKeyError(error) ? write() : Promise.reject(error)));
}

/**
 * The alert the key's pointer names, read by `_id`: the alert that last took the key (null if none or if it is
 * missing). `complete` says whether that answer can be trusted without the full query: a missing pointer means
 * "the key never had an alert" only once backfillAlertKeys has run, and a pointer to a missing alert means its
 * writer stopped between pointing and inserting, so the alert it replaced is unknown.
 */
async function pointedAlert(models: Models, dedupKey: string): Promise<{ alert: StoredAlert | null; complete: boolean }> {
  const keys = alertKeys(models);
  const pointer = await keys.findOne({ _id: dedupKey });
  if (!pointer?.alertId) return { alert: null, complete: (await keys.findOne({ _id: ALERT_KEYS_BACKFILLED_ID })) !== null };
  const alert = await readAlert(models, pointer.alertId);
  return { alert, complete: alert !== null };
}

async function openAlert(models: Models, input: EvidenceInput): Promise<{ alert: StoredAlert; created: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { alert: pointed } = await pointedAlert(models, input.dedupKey);
    if (pointed?.openKey === input.dedupKey) return { alert: pointed, created: false };
    // Point first, then insert: a crash in between leaves a pointer to a missing alert (read as "unknown"),
    // never an alert nobody points at.
    const alertId = new Types.ObjectId();
    await pointKeyAt(models, input.dedupKey, alertId);
    try {
      const created = await models.alerts.create({
        _id: alertId,
        dedupKey: input.dedupKey,
        openKey: input.dedupKey,
        mission: input.mission,
        narrative: input.narrative,
        status: 'open',
        severity: input.severity,
        severityRank: SEVERITY_RANK[input.severity],
        itemCount: 0,
        itemCountIncremental: true,
        firstSeenAt: input.seenAt,
        lastSeenAt: input.seenAt,
        openedAt: input.openedAt ?? input.seenAt,
      });
      return { alert: created.toObject() as StoredAlert, created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // An alert the pointer did not name holds the key: opened before pointers existed, taken back by a lifecycle
    // action, or opened meanwhile by a concurrent writer (MongoDB). Find it the slow way and point at it.
    const holder = await models.alerts.findOne({ openKey: input.dedupKey }).lean();
    if (holder) {
      await pointKeyAt(models, input.dedupKey, holder._id);
      return { alert: holder, created: false };
    }
  }
  throw new Error(`could not open or find the alert for ${input.dedupKey}`);
}

/**
 * The resolved alert a new item for `dedupKey` should reopen: the most recently resolved alert for the key if it
 * was resolved at or after `since` and no alert holds the key; else null. Answered from the key's pointer in the
 * common cases (an alert holds the key; the last one to hold it is the candidate; the key never had an alert);
 * the full query (findRecentlyResolved) runs only when the pointer cannot tell — no pointer before the backfill,
 * or the last alert closed without being a candidate, where an older one might still be (once per cycle).
 */
export async function findReopenCandidate(models: Models, dedupKey: string, since: Date): Promise<StoredAlert | null> {
  const { alert, complete } = await pointedAlert(models, dedupKey);
  if (alert?.openKey === dedupKey) return null;
  if (alert?.status === 'resolved' && alert.resolvedAt && alert.resolvedAt >= since) return alert;
  if (complete && !alert) return null;
  return findRecentlyResolved(models, dedupKey, since);
}

/**
 * Points every dedup key of the alerts written before pointers existed at its alert — the one holding the key,
 * else the most recently resolved, else the newest — then writes the marker that lets a missing pointer mean
 * "this key never had an alert". One full read of the alerts (seconds at 100 k on FerretDB), once per database:
 * a no-op once the marker exists. Safe beside live writers: it only inserts pointers that do not exist yet (a
 * writer's pointer is newer), and until the marker exists readers take the full query. Returns how many
 * pointers it inserted, or null when the marker was already there.
 */
export async function backfillAlertKeys(models: Models): Promise<number | null> {
  const keys = alertKeys(models);
  if (await keys.findOne({ _id: ALERT_KEYS_BACKFILLED_ID })) return null;
  const alerts = await models.alerts.find({}, { dedupKey: 1, openKey: 1, status: 1, resolvedAt: 1 }).lean();
  const score = (a: (typeof alerts)[number]) =>
    a.openKey === a.dedupKey ? Infinity : a.status === 'resolved' && a.resolvedAt ? a.resolvedAt.getTime() : -Infinity;
  const best = new Map<string, (typeof alerts)[number]>();
  for (const a of alerts) {
    const current = best.get(a.dedupKey);
    if (!current || score(a) > score(current) || (score(a) === score(current) && a._id.getTimestamp() >= current._id.getTimestamp())) {
      best.set(a.dedupKey, a);
    }
  }
  const at = new Date();
  const docs = [...best.values()].map((a) => ({ _id: a.dedupKey, alertId: a._id, at }));
  let inserted = 0;
  for (let i = 0; i < docs.length; i += 1_000) {
    const batch = docs.slice(i, i + 1_000);
    try {
      inserted += (await keys.insertMany(batch, { ordered: false })).insertedCount;
    } catch (error) {
      // Pointers written meanwhile by evidence writers are newer than ours: keep theirs.
      const writeErrors = (error as { writeErrors?: unknown[] }).writeErrors;
      if (!Array.isArray(writeErrors) || !writeErrors.every(isDuplicateKeyError)) throw error;
      inserted += batch.length - writeErrors.length;
    }
  }
  await keys.updateOne({ _id: ALERT_KEYS_BACKFILLED_ID }, { $set: { at } }, { upsert: true });
  return inserted;
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
