/**
 * recordEvidence's crash points and its `_id`-keyed lookups on the real server: the key → alert pointer
 * (alert_keys), links with deterministic `_id`s, and itemCount kept by `$inc` with a recount whenever a retry
 * cannot prove its item was counted. Each case runs with the document lock on (FerretDB's path: decide in memory,
 * write by `_id`) and off (MongoDB's path: conditional updates; run here one writer at a time).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { transition } from '@vigie/alerting';
import {
  applyAlertTransition,
  backfillAlertKeys,
  dedupKeyFor,
  findReopenCandidate,
  lifecycleStateOf,
  recordEvidence,
  setDocumentLockMode,
  EVIDENCE_INLINE_CAP,
  type EvidenceInput,
} from '@vigie/db';
import { openTestContext, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
beforeAll(async () => {
  ctx = await openTestContext('alertevidence');
});
afterAll(async () => ctx?.close());

const WINDOW_MS = 72 * 3_600_000;

function evidence(dedupKey: string, n: number, itemId = new Types.ObjectId()): EvidenceInput {
  return {
    dedupKey,
    mission: 'MONUSCO',
    narrative: 'collusion_armed_groups',
    severity: 'S3',
    item: {
      id: itemId.toHexString(),
      sourceId: new Types.ObjectId().toHexString(),
      title: `item ${n}`,
      url: null,
      language: 'fr',
      score: 0.8,
      stance: 'endorse',
    },
    seenAt: new Date(Date.UTC(2026, 10, 25, 8, n)),
  };
}

const keysCollection = () => ctx.connection.db!.collection<{ _id: string; alertId?: Types.ObjectId }>('alert_keys');

async function stored(alertId: string) {
  const alert = await ctx.models.alerts.findById(alertId).lean();
  if (!alert) throw new Error(`alert ${alertId} is missing`);
  return alert;
}

/** Applies a lifecycle action as the API does (the same compare-and-set); resolving closes it as no_action. */
async function act(alertId: string, action: 'resolve' | 'dismiss') {
  const alert = await stored(alertId);
  const state = lifecycleStateOf(alert);
  const input = action === 'resolve' ? { outcome: 'no_action' as const } : { reason: 'false positive' };
  const result = transition(state, action, { id: 'amina', role: 'analyst' }, new Date(), input);
  if (!result.ok) throw new Error(`${action} refused: ${JSON.stringify(result)}`);
  const applied = await applyAlertTransition(ctx.models, {
    alertId,
    expectedStatus: state.status,
    expectedSeq: alert.history?.length ?? 0,
    patch: result.patch,
    history: { ...result.history },
  });
  if (!applied) throw new Error(`${action} lost a race it should not have`);
}

describe.each(['on', 'off'] as const)('recordEvidence with the document lock %s', (lockMode) => {
  beforeAll(() => setDocumentLockMode(ctx.connection, lockMode));
  afterEach(() => setDocumentLockMode(ctx.connection, lockMode));
  afterAll(() => setDocumentLockMode(ctx.connection, 'auto'));
  const key = (name: string) => dedupKeyFor('MONUSCO', 'collusion_armed_groups', `${name}-lock-${lockMode}`);

  it('counts a link whose writer died before counting it exactly once, on the retry', async () => {
    const dedupKey = key('crash-link');
    const first = await recordEvidence(ctx.models, evidence(dedupKey, 0));
    await recordEvidence(ctx.models, evidence(dedupKey, 1));
    // The writer of item 2 inserted its link, then died before the alert update.
    const crashed = evidence(dedupKey, 2);
    await ctx.models.alertItems.collection.insertOne({
      _id: `${first.alertId}:${crashed.item.id}` as never,
      alertId: new Types.ObjectId(first.alertId),
      itemId: new Types.ObjectId(crashed.item.id),
      sourceId: new Types.ObjectId(crashed.item.sourceId),
      addedAt: crashed.seenAt,
    });
    // Another item arrives before the retry.
    await recordEvidence(ctx.models, evidence(dedupKey, 3));
    const retry = await recordEvidence(ctx.models, crashed);
    expect(retry).toMatchObject({ alertId: first.alertId, createdAlert: false, newEvidence: false });
    const alert = await stored(first.alertId);
    expect(alert.itemCount).toBe(4);
    expect(alert.evidence.map((e) => e.title)).toEqual(['item 0', 'item 1', 'item 3', 'item 2']);
    expect(alert.sourceCount).toBe(4);
    // A second retry of any of them changes nothing.
    await recordEvidence(ctx.models, crashed);
    await recordEvidence(ctx.models, evidence(dedupKey, 9, new Types.ObjectId(crashed.item.id)));
    expect((await stored(first.alertId)).itemCount).toBe(4);
    expect(await ctx.models.alertItems.countDocuments({ alertId: new Types.ObjectId(first.alertId) })).toBe(4);
  });

  it('recounts a retried item whose row was trimmed from the inline evidence, without counting it twice', async () => {
    const dedupKey = key('trimmed');
    const inputs = Array.from({ length: EVIDENCE_INLINE_CAP + 2 }, (_, n) => evidence(dedupKey, n));
    let alertId = '';
    for (const input of inputs) alertId = (await recordEvidence(ctx.models, input)).alertId;
    expect((await stored(alertId)).evidence.some((e) => e.title === 'item 0')).toBe(false);
    const again = await recordEvidence(ctx.models, inputs[0]!);
    expect(again.newEvidence).toBe(false);
    const alert = await stored(alertId);
    expect(alert.itemCount).toBe(EVIDENCE_INLINE_CAP + 2);
    expect(alert.evidence).toHaveLength(EVIDENCE_INLINE_CAP);
    expect(alert.evidence.at(-1)?.title).toBe('item 0');
  });

  it('treats a link stored the old way (ObjectId _id) as existing, and recounts an alert counted the old way', async () => {
    const dedupKey = key('legacy');
    const alertId = new Types.ObjectId();
    const at = new Date('2026-11-25T07:00:00Z');
    await ctx.models.alerts.create({
      _id: alertId, dedupKey, openKey: dedupKey, mission: 'MONUSCO', narrative: 'collusion_armed_groups', severity: 'S3',
      severityRank: 3, itemCount: 99, firstSeenAt: at, lastSeenAt: at, openedAt: at,
    });
    const legacy = evidence(dedupKey, 0);
    await ctx.models.alertItems.create({ alertId, itemId: new Types.ObjectId(legacy.item.id), sourceId: new Types.ObjectId(legacy.item.sourceId), addedAt: at });
    const retried = await recordEvidence(ctx.models, legacy);
    expect(retried).toMatchObject({ alertId: String(alertId), newEvidence: false });
    expect(await ctx.models.alertItems.countDocuments({ alertId })).toBe(1);
    expect((await stored(String(alertId))).itemCount).toBe(1);
    const next = await recordEvidence(ctx.models, evidence(dedupKey, 1));
    expect(next).toMatchObject({ alertId: String(alertId), newEvidence: true });
    expect((await stored(String(alertId))).itemCount).toBe(2);
    // The key was found by the slow path once and is pointed at now.
    expect(await keysCollection().findOne({ _id: dedupKey })).toMatchObject({ alertId });
  });

  it('sends new evidence to a new alert once the pointed alert is dismissed, and never to the closed one', async () => {
    const dedupKey = key('dismissed');
    const first = await recordEvidence(ctx.models, evidence(dedupKey, 0));
    await act(first.alertId, 'dismiss');
    expect(await findReopenCandidate(ctx.models, dedupKey, new Date(Date.now() - WINDOW_MS))).toBeNull();
    const next = await recordEvidence(ctx.models, evidence(dedupKey, 1));
    expect(next.createdAlert).toBe(true);
    expect(next.alertId).not.toBe(first.alertId);
    expect(await stored(first.alertId)).toMatchObject({ status: 'dismissed', itemCount: 1 });
    expect(await stored(next.alertId)).toMatchObject({ status: 'open', openKey: dedupKey, itemCount: 1 });
    expect(await keysCollection().findOne({ _id: dedupKey })).toMatchObject({ alertId: new Types.ObjectId(next.alertId) });
  });

  it('offers the pointed alert for reopening once resolved within the window, and evidence joins it when reopened', async () => {
    const dedupKey = key('resolved');
    const first = await recordEvidence(ctx.models, evidence(dedupKey, 0));
    const second = await recordEvidence(ctx.models, evidence(dedupKey, 1));
    expect(second.alertId).toBe(first.alertId);
    await act(first.alertId, 'resolve');
    const candidate = await findReopenCandidate(ctx.models, dedupKey, new Date(Date.now() - WINDOW_MS));
    expect(String(candidate?._id)).toBe(first.alertId);
    // Resolved before the window: not a candidate.
    expect(await findReopenCandidate(ctx.models, dedupKey, new Date(Date.now() + 60_000))).toBeNull();
    const reopen = transition(lifecycleStateOf(candidate!), 'reopen', { id: 'classifier', role: 'system' }, new Date(), { reason: 'back' });
    if (!reopen.ok) throw new Error('reopen refused');
    await applyAlertTransition(ctx.models, { alertId: first.alertId, expectedStatus: 'resolved', expectedSeq: candidate!.history.length, patch: reopen.patch, history: { ...reopen.history } });
    const joined = await recordEvidence(ctx.models, evidence(dedupKey, 2));
    expect(joined).toMatchObject({ alertId: first.alertId, createdAlert: false, newEvidence: true });
    expect(await stored(first.alertId)).toMatchObject({ status: 'open', itemCount: 3, reopenCount: 1 });
  });

  it('recovers from a writer that died between pointing at a new alert and inserting it', async () => {
    const dedupKey = key('dangling');
    const first = await recordEvidence(ctx.models, evidence(dedupKey, 0));
    await act(first.alertId, 'resolve');
    // The dead writer's pointer names an alert that was never inserted: the resolved one is still found.
    await keysCollection().updateOne({ _id: dedupKey }, { $set: { alertId: new Types.ObjectId() } });
    const candidate = await findReopenCandidate(ctx.models, dedupKey, new Date(Date.now() - WINDOW_MS));
    expect(String(candidate?._id)).toBe(first.alertId);
    // Past the window the retry opens a new alert and points at it.
    const next = await recordEvidence(ctx.models, evidence(dedupKey, 1));
    expect(next).toMatchObject({ createdAlert: true, newEvidence: true });
    expect(await keysCollection().findOne({ _id: dedupKey })).toMatchObject({ alertId: new Types.ObjectId(next.alertId) });
  });

  it('finds an open alert the pointer does not name (taken back by a lifecycle action) through the unique key', async () => {
    const dedupKey = key('taken-back');
    const first = await recordEvidence(ctx.models, evidence(dedupKey, 0));
    await act(first.alertId, 'dismiss');
    const second = await recordEvidence(ctx.models, evidence(dedupKey, 1));
    await act(second.alertId, 'dismiss');
    // An analyst reopens the first alert: it holds the key again while the pointer still names the second.
    const dismissed = await stored(first.alertId);
    const reopen = transition(lifecycleStateOf(dismissed), 'reopen', { id: 'amina', role: 'analyst' }, new Date(), { reason: 'was right' });
    if (!reopen.ok) throw new Error('reopen refused');
    await applyAlertTransition(ctx.models, { alertId: first.alertId, expectedStatus: 'dismissed', expectedSeq: dismissed.history.length, patch: reopen.patch, history: { ...reopen.history } });
    const joined = await recordEvidence(ctx.models, evidence(dedupKey, 2));
    expect(joined).toMatchObject({ alertId: first.alertId, createdAlert: false, newEvidence: true });
    expect(await ctx.models.alerts.countDocuments({ dedupKey })).toBe(2);
    expect(await stored(first.alertId)).toMatchObject({ status: 'open', itemCount: 2 });
  });
});

describe('backfillAlertKeys', () => {
  it('points keys of alerts written before pointers existed, after which a missing pointer means no alert', async () => {
    const resolvedKey = dedupKeyFor('UNIFIL', 'espionage', 'backfill');
    const openKey = dedupKeyFor('UNIFIL', 'false_flag', 'backfill');
    const unseenKey = dedupKeyFor('UNIFIL', 'disease_health', 'backfill');
    const now = new Date();
    const base = { mission: 'UNIFIL' as const, severity: 'S3' as const, severityRank: 3, firstSeenAt: now, lastSeenAt: now, openedAt: now };
    const older = new Types.ObjectId();
    const recent = new Types.ObjectId();
    const open = new Types.ObjectId();
    await ctx.models.alerts.create([
      { ...base, _id: older, dedupKey: resolvedKey, openKey: `${resolvedKey}#${String(older)}`, narrative: 'espionage', status: 'resolved', resolvedAt: new Date(now.getTime() - 3_600_000) },
      { ...base, _id: recent, dedupKey: resolvedKey, openKey: `${resolvedKey}#${String(recent)}`, narrative: 'espionage', status: 'resolved', resolvedAt: new Date(now.getTime() - 60_000) },
      { ...base, _id: open, dedupKey: openKey, openKey, narrative: 'false_flag', status: 'open' },
    ]);
    const since = new Date(now.getTime() - WINDOW_MS);
    // Before the backfill the full query answers (no pointer yet).
    expect(String((await findReopenCandidate(ctx.models, resolvedKey, since))?._id)).toBe(String(recent));

    expect(await backfillAlertKeys(ctx.models)).toBeGreaterThanOrEqual(2);
    expect(await keysCollection().findOne({ _id: resolvedKey })).toMatchObject({ alertId: recent });
    expect(await keysCollection().findOne({ _id: openKey })).toMatchObject({ alertId: open });
    expect(String((await findReopenCandidate(ctx.models, resolvedKey, since))?._id)).toBe(String(recent));
    expect(await findReopenCandidate(ctx.models, openKey, since)).toBeNull();
    expect(await findReopenCandidate(ctx.models, unseenKey, since)).toBeNull();
    // Once per database.
    expect(await backfillAlertKeys(ctx.models)).toBeNull();

    const joined = await recordEvidence(ctx.models, { ...evidence(openKey, 0), mission: 'UNIFIL', narrative: 'false_flag' });
    expect(joined).toMatchObject({ alertId: String(open), createdAlert: false });
    const fresh = await recordEvidence(ctx.models, { ...evidence(unseenKey, 0), mission: 'UNIFIL', narrative: 'disease_health' });
    expect(fresh.createdAlert).toBe(true);
  });
});
