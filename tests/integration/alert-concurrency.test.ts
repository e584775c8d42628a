/**
 * Concurrent writers of one alert document on the real server. FerretDB v1 loses concurrent updates to a document
 * (db-compat.test.ts pins it), so every alert writer holds the alert's document lock there; on MongoDB the lock is
 * a no-op and these tests pass on the server's own atomicity.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Types } from 'mongoose';
import { DEFAULT_NOTIFICATION_POLICY, transition } from '@vigie/alerting';
import {
  applyAlertTransition,
  dedupKeyFor,
  documentLocksEnabled,
  lifecycleStateOf,
  recordEvidence,
  setDocumentLockMode,
  withDocumentLock,
  DOCUMENT_LOCKS_COLLECTION,
  EVIDENCE_INLINE_CAP,
  type EvidenceInput,
} from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { processAlertEvent } from '../../services/classifier/src/alert-event.processor.js';
import type { NotifyDeps } from '../../services/classifier/src/notification-fanout.js';
import { openTestContext, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
const logger = createLogger({
  service: 'alert-concurrency-test',
  version: 'test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});

beforeAll(async () => {
  ctx = await openTestContext('alertconc');
});
afterAll(async () => ctx?.close());

/** Evidence for a new item from a new source on `dedupKey`. */
function evidence(
  dedupKey: string,
  n: number,
  seenAt: Date,
  severity: EvidenceInput['severity'] = 'S3',
): EvidenceInput {
  return {
    dedupKey,
    mission: 'MONUSCO',
    narrative: 'collusion_armed_groups',
    severity,
    item: {
      id: new Types.ObjectId().toHexString(),
      sourceId: new Types.ObjectId().toHexString(),
      title: `item ${n}`,
      url: null,
      language: n % 2 ? 'fr' : 'sw',
      score: 0.8,
      stance: 'endorse',
    },
    seenAt,
  };
}

describe('concurrent writes to one alert', () => {
  it('takes document locks exactly when the server is FerretDB', async () => {
    expect(await documentLocksEnabled(ctx.connection)).toBe(inject('mongoServer').startsWith('FerretDB'));
  });

  it('keeps every one of 20 concurrent evidence writes on one dedup key', async () => {
    const dedupKey = dedupKeyFor('MONUSCO', 'collusion_armed_groups', 'goma-20');
    const base = new Date('2026-11-25T08:00:00Z');
    const inputs = Array.from({ length: 20 }, (_, n) =>
      evidence(dedupKey, n, new Date(base.getTime() + n * 60_000), n === 7 ? 'S1' : 'S3'),
    );
    const results = await Promise.all(inputs.map((input) => recordEvidence(ctx.models, input)));

    const alerts = await ctx.models.alerts.find({ dedupKey }).lean();
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(new Set(results.map((r) => r.alertId))).toEqual(new Set([String(alert._id)]));
    expect(results.filter((r) => r.createdAlert)).toHaveLength(1);
    expect(results.every((r) => r.newEvidence)).toBe(true);
    expect(alert).toMatchObject({
      itemCount: 20,
      sourceCount: 20,
      severity: 'S1',
      severityRank: 1,
      status: 'open',
    });
    expect(alert.sourceIds.map(String).sort()).toEqual(inputs.map((i) => i.item.sourceId).sort());
    expect([...alert.languages].sort()).toEqual(['fr', 'sw']);
    expect(alert.firstSeenAt.toISOString()).toBe(base.toISOString());
    expect(alert.lastSeenAt.toISOString()).toBe(new Date(base.getTime() + 19 * 60_000).toISOString());
    expect(alert.evidence).toHaveLength(Math.min(20, EVIDENCE_INLINE_CAP));
    expect(alert.evidence.map((e) => String(e.itemId)).sort()).toEqual(inputs.map((i) => i.item.id).sort());
    expect(await ctx.models.alertItems.countDocuments({ alertId: alert._id })).toBe(20);
    // Every lock was released.
    expect(await ctx.connection.db!.collection(DOCUMENT_LOCKS_COLLECTION).countDocuments({})).toBe(0);
  });

  it('keeps both a silence mark and evidence written at the same time', async () => {
    const dedupKey = dedupKeyFor('MONUSCO', 'collusion_armed_groups', 'bunia');
    const at = new Date();
    const first = await recordEvidence(ctx.models, evidence(dedupKey, 0, at));
    const silence = await ctx.models.silences.create({
      missions: ['MONUSCO'],
      narratives: ['collusion_armed_groups'],
      startsAt: new Date(at.getTime() - 60_000),
      endsAt: new Date(at.getTime() + 3_600_000),
      author: 'Amina (analyst)',
      reason: 'Known rumour, already rebutted',
    });
    const deps: NotifyDeps = {
      models: ctx.models,
      policy: DEFAULT_NOTIFICATION_POLICY,
      now: () => at,
      publicUrl: 'https://vigie.example.org',
      enqueueDelivery: async () => {},
      requestFlush: async () => {},
      publish: async () => {},
      withFlushLock: async (fn) => fn(),
    };
    const [silenced] = await Promise.all([
      processAlertEvent(
        deps,
        { alertId: first.alertId, type: 'evidence', at: at.toISOString() },
        { log: logger, job: {} as never },
      ),
      ...Array.from({ length: 6 }, (_, n) => recordEvidence(ctx.models, evidence(dedupKey, n + 1, at))),
    ]);
    expect(silenced).toMatchObject({ notified: false, silencedBy: [String(silence._id)] });
    const alert = await ctx.models.alerts.findById(first.alertId).lean();
    expect(alert).toMatchObject({ itemCount: 7, sourceCount: 7, silencedBy: [String(silence._id)] });
    expect(alert!.evidence).toHaveLength(7);
  });

  it('keeps both a lifecycle transition and evidence written at the same time', async () => {
    const dedupKey = dedupKeyFor('MONUSCO', 'collusion_armed_groups', 'beni');
    const at = new Date();
    const first = await recordEvidence(ctx.models, evidence(dedupKey, 0, at));
    const stored = await ctx.models.alerts.findById(first.alertId).lean();
    const ack = transition(
      lifecycleStateOf(stored!),
      'acknowledge',
      { id: 'amina', role: 'analyst' },
      at,
      {},
    );
    if (!ack.ok) throw new Error(`acknowledge refused: ${JSON.stringify(ack)}`);
    const [acknowledged] = await Promise.all([
      applyAlertTransition(ctx.models, {
        alertId: first.alertId,
        expectedStatus: 'open',
        expectedSeq: 0,
        patch: ack.patch,
        history: { ...ack.history },
      }),
      ...Array.from({ length: 6 }, (_, n) => recordEvidence(ctx.models, evidence(dedupKey, n + 1, at))),
    ]);
    expect(acknowledged).toMatchObject({ status: 'acknowledged' });
    const alert = await ctx.models.alerts.findById(first.alertId).lean();
    expect(alert).toMatchObject({ status: 'acknowledged', itemCount: 7, sourceCount: 7, openKey: dedupKey });
    expect(alert!.history).toHaveLength(1);
    expect(alert!.evidence).toHaveLength(7);
  });

  it('makes the lost-update pattern safe when each writer holds the lock (forced on, any server)', async () => {
    setDocumentLockMode(ctx.connection, 'on');
    try {
      const collection = ctx.connection.db!.collection<{ _id: string; n: number; x?: number; y?: number }>(
        'lock_probe',
      );
      const ids = Array.from({ length: 10 }, (_, i) => `p${i}`);
      await collection.insertMany(ids.map((_id) => ({ _id, n: 0 })));
      const locked = (id: string, update: Record<string, unknown>) =>
        withDocumentLock(ctx.models, `probe:${id}`, () => collection.updateOne({ _id: id }, update));
      for (const id of ids) {
        await Promise.all([
          locked(id, { $set: { x: 1 } }),
          locked(id, { $set: { y: 1 } }),
          locked(id, { $inc: { n: 1 } }),
          locked(id, { $inc: { n: 1 } }),
        ]);
      }
      const docs = await collection.find({}).toArray();
      expect(docs.filter((d) => d.x !== 1 || d.y !== 1 || d.n !== 2)).toEqual([]);
      expect(await ctx.connection.db!.collection(DOCUMENT_LOCKS_COLLECTION).countDocuments({})).toBe(0);
    } finally {
      setDocumentLockMode(ctx.connection, 'auto');
    }
  });
});
