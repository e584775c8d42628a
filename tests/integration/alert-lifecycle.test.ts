/**
 * The alert lifecycle through the API on real Redis and FerretDB: acknowledge → assign → note → respond →
 * resolve, dismiss feeding labels, concurrent changes, reopen when the narrative comes back, and the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import type { Classification } from '@vigie/contracts';
import { createApiKey, generateKey, upsertItem } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { loadConfig, startApi, type RunningApi } from '@vigie/api';
import { classifyItem } from '../../services/classifier/src/classify-item.processor.js';
import { openTestContext, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
let api: RunningApi;
const admin = generateKey().key;
let analyst: string;
let viewer: string;
const logger = createLogger({ service: 'lifecycle-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

function classification(overrides: Partial<Classification> = {}): Classification {
  return {
    language: 'fr',
    missions: ['MONUSCO'],
    narratives: [{ key: 'collusion_armed_groups', score: 0.9 }],
    topNarrative: 'collusion_armed_groups',
    stance: 'endorse',
    harmful: true,
    severity: 'S2',
    classifierVersion: 'fixed-test-engine',
    explanation: { matchedTerms: [], missionEvidence: [], notes: [] },
    ...overrides,
  };
}

/** Stores an item and runs the real classify-item processor with a fixed engine (the classifier's own tests cover scoring). */
async function ingest(guid: string, at: Date, result = classification()) {
  const source = await ctx.models.sources.findOneAndUpdate({ name: 'lifecycle' }, { $setOnInsert: { name: 'lifecycle', kind: 'rss' } }, { upsert: true, returnDocument: 'after' }).lean();
  const { itemId } = await upsertItem(
    ctx.models,
    String(source!._id),
    { guid, url: null, canonicalUrl: null, title: guid, text: guid, author: null, publishedAt: at, language: 'fr', languageConfidence: 1, media: [], contentHash: guid, simhash: null, warnings: [] },
    at,
  );
  await classifyItem(
    { models: ctx.models, engine: { version: 'fixed', classify: () => result }, alertMinScore: 0.25, reopenWindowMs: 72 * 3_600_000, now: () => at },
    { itemId },
    { log: logger, job: {} as never },
  );
  return itemId;
}

async function act(key: string, path: string, body: unknown = {}) {
  const res = await fetch(`${api.url}/api/v1/alerts${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  ctx = await openTestContext('lifecycle');
  api = await startApi(
    loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', VIGIE_BOOTSTRAP_ADMIN_KEY: admin }),
    logger,
  );
  analyst = (await createApiKey(ctx.models, { name: 'Amina (analyst)', role: 'analyst' })).key;
  viewer = (await createApiKey(ctx.models, { name: 'viewer', role: 'viewer' })).key;
});

afterAll(async () => {
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

describe('alert lifecycle', () => {
  it('walks open → acknowledged → responding → resolved with timings and history', async () => {
    const t0 = new Date(Date.now() - 3_600_000);
    await ingest('a1', t0);
    const alert = await ctx.models.alerts.findOne({ dedupKey: 'MONUSCO:collusion_armed_groups' }).lean();
    const id = String(alert!._id);

    expect((await act(viewer, `/${id}/acknowledge`)).status).toBe(403);
    const ack = await act(analyst, `/${id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', ownerId: 'Amina (analyst)' });
    expect(ack.body.timeToAcknowledgeMs).toBeGreaterThan(0);

    expect((await act(analyst, `/${id}/assign`, { assigneeId: 'Joseph' })).status).toBe(200);
    expect((await act(analyst, `/${id}/notes`, { text: 'Radio Okapi asked for a comment.' })).status).toBe(200);
    const early = await act(analyst, `/${id}/resolve`, { outcome: 'rebutted' });
    expect(early.status).toBe(409);
    expect(String(early.body.detail)).toMatch(/respond/i);
    expect((await act(analyst, `/${id}/respond`, { responseId: 'press-release-2026-11-26' })).status).toBe(200);
    const resolved = await act(analyst, `/${id}/resolve`, { outcome: 'rebutted', reason: 'Press release published' });
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'rebutted' });
    expect(resolved.body.timeToResolveMs).toBeGreaterThan(0);
    const history = resolved.body.history as { action: string; from: string; to: string; actor: string }[];
    expect(history.map((h) => h.action)).toEqual(['acknowledge', 'assign', 'note', 'respond', 'resolve']);
    expect(history.at(-1)).toMatchObject({ from: 'responding', to: 'resolved', actor: 'Amina (analyst)' });

    const audit = await ctx.models.audit.find({ targetId: id }).sort({ at: 1 }).lean();
    expect(audit.map((a) => a.action)).toEqual(['alert.acknowledge', 'alert.assign', 'alert.note', 'alert.respond', 'alert.resolve']);
  });

  it('reopens the resolved alert when the narrative comes back within the window', async () => {
    const before = await ctx.models.alerts.findOne({ dedupKey: 'MONUSCO:collusion_armed_groups' }).lean();
    await ingest('a2', new Date());
    const alerts = await ctx.models.alerts.find({ dedupKey: 'MONUSCO:collusion_armed_groups' }).lean();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'open', reopenCount: 1, itemCount: 2 });
    expect(String(alerts[0]!._id)).toBe(String(before!._id));
    expect(alerts[0]!.history.at(-1)).toMatchObject({ action: 'reopen', actor: 'classifier', from: 'resolved', to: 'open' });
  });

  it('opens a new alert when the narrative returns after the window', async () => {
    const old = new Date(Date.now() - 10 * 86_400_000);
    await ingest('b1', old, classification({ topNarrative: 'espionage', narratives: [{ key: 'espionage', score: 0.8 }], missions: ['UNIFIL'] }));
    const first = await ctx.models.alerts.findOne({ dedupKey: 'UNIFIL:espionage' }).lean();
    await ctx.models.alerts.updateOne({ _id: first!._id }, { $set: { status: 'resolved', resolvedAt: old, openKey: `UNIFIL:espionage#${String(first!._id)}` } });
    await ingest('b2', new Date(), classification({ topNarrative: 'espionage', narratives: [{ key: 'espionage', score: 0.8 }], missions: ['UNIFIL'] }));
    expect(await ctx.models.alerts.countDocuments({ dedupKey: 'UNIFIL:espionage' })).toBe(2);
  });

  it('dismissal records false-positive labels and releases the key; bulk reports each result', async () => {
    await ingest('c1', new Date(), classification({ topNarrative: 'false_flag', narratives: [{ key: 'false_flag', score: 0.7 }] }));
    const alert = await ctx.models.alerts.findOne({ dedupKey: 'MONUSCO:false_flag' }).lean();
    const id = String(alert!._id);
    expect((await act(analyst, `/${id}/dismiss`, {})).status).toBe(400);
    const bulk = await act(analyst, '/bulk', { ids: [id, new Types.ObjectId().toHexString()], action: 'dismiss', input: { reason: 'Satire page' } });
    expect(bulk.body).toMatchObject({ succeeded: 1, failed: 1 });
    const labels = await ctx.models.labels.find({ alertId: alert!._id }).lean();
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({ verdict: 'false_positive', via: 'dismiss' });
    await ingest('c2', new Date(), classification({ topNarrative: 'false_flag', narratives: [{ key: 'false_flag', score: 0.7 }] }));
    const open = await ctx.models.alerts.find({ dedupKey: 'MONUSCO:false_flag', status: 'open' }).lean();
    expect(open).toHaveLength(1);
    expect(String(open[0]!._id)).not.toBe(id);
  });

  it('gives one success and one conflict to two people acting at once', async () => {
    await ingest('d1', new Date(), classification({ topNarrative: 'resource_plunder', narratives: [{ key: 'resource_plunder', score: 0.7 }], severity: 'S3' }));
    const alert = await ctx.models.alerts.findOne({ dedupKey: 'MONUSCO:resource_plunder' }).lean();
    const id = String(alert!._id);
    const results = await Promise.all([act(analyst, `/${id}/acknowledge`), act(admin, `/${id}/acknowledge`)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('rolls forward a change whose writer crashed after recording it', async () => {
    await ingest('e1', new Date(), classification({ topNarrative: 'disease_health', narratives: [{ key: 'disease_health', score: 0.7 }] }));
    const alert = await ctx.models.alerts.findOne({ dedupKey: 'MONUSCO:disease_health' }).lean();
    const id = String(alert!._id);
    // What a writer leaves behind when it dies between recording and applying an acknowledgement.
    await ctx.models.alertTransitions.create({
      _id: `${id}:0`,
      alertId: alert!._id,
      seq: 0,
      set: { status: 'acknowledged', ownerId: 'crashed writer', acknowledgedAt: new Date(), openKey: 'MONUSCO:disease_health' },
      history: { at: new Date(), actor: 'crashed writer', actorRole: 'analyst', action: 'acknowledge', from: 'open', to: 'acknowledged', reason: null, detail: {} },
      at: new Date(Date.now() - 60_000),
    });
    const next = await act(analyst, `/${id}/assign`, { assigneeId: 'Joseph' });
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ status: 'acknowledged', ownerId: 'Joseph' });
    expect((next.body.history as { detail: Record<string, string> }[])[1]?.detail).toMatchObject({ from: 'crashed writer', to: 'Joseph' });
    expect((next.body.history as { action: string }[]).map((h) => h.action)).toEqual(['acknowledge', 'assign']);
  });
});
