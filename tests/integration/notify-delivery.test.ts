/**
 * Notification delivery on real Redis and FerretDB, through the classifier process (startClassifier): alert events
 * → notifier → signed webhook deliveries to a loopback receiver that checks every HMAC signature; retries with
 * backoff until delivered; permanent refusals stop at once; a retried event never notifies twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { Queue } from 'bullmq';
import { JOBS, type Classification, type MissionCode, type NarrativeKey, type Severity } from '@vigie/contracts';
import { dedupKeyFor, recordEvidence, upsertItem } from '@vigie/db';
import { createLogger, createTypedQueue, type TypedQueue } from '@vigie/runtime';
import { loadConfig, startClassifier, type RunningClassifier } from '@vigie/classifier';
import { classifyItem } from '../../services/classifier/src/classify-item.processor.js';
import { eventually, openTestContext, serviceEnv, type TestContextHandles } from '../support/stack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let ctx: TestContextHandles;
let classifier: RunningClassifier;
let receiver: WebhookReceiver;
let events: TypedQueue<typeof JOBS.alertEvent.schema>;
const logger = createLogger({ service: 'notify-delivery-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A webhook stored directly (the API has its own tests), listening to one mission, its secret known to the receiver. */
async function makeWebhook(path: string, overrides: Record<string, unknown> = {}) {
  const secret = `whsec_${new Types.ObjectId().toHexString()}`;
  const hook = await ctx.models.webhooks.create({ name: path, url: `${receiver.baseUrl}${path}`, format: 'json', secrets: [secret], ...overrides });
  receiver.secret(path, secret);
  return String(hook._id);
}

async function makeAlert(mission: MissionCode, narrative: NarrativeKey, severity: Severity) {
  const result = await recordEvidence(ctx.models, {
    dedupKey: dedupKeyFor(mission, narrative),
    mission,
    narrative,
    severity,
    item: { id: new Types.ObjectId().toHexString(), sourceId: new Types.ObjectId().toHexString(), title: `${mission} item`, url: null, language: 'fr', score: 0.9, stance: 'endorse' },
    seenAt: new Date(),
  });
  return result.alertId;
}

beforeAll(async () => {
  ctx = await openTestContext('notifydel');
  receiver = await startWebhookReceiver();
  classifier = await startClassifier(
    loadConfig({
      ...serviceEnv(ctx),
      CLASSIFIER_CONCURRENCY: '1',
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
      WEBHOOK_RETRY_BASE_MS: '50',
      NOTIFY_FLUSH_INTERVAL_MS: '250',
      VIGIE_PUBLIC_URL: 'https://vigie.example.org',
    }),
    logger,
  );
  events = createTypedQueue(JOBS.alertEvent, ctx.redis, ctx.queuePrefix, logger);
});

afterAll(async () => {
  for (const step of classifier?.shutdownSteps ?? []) await step.run();
  await events?.close();
  await receiver?.close();
  await ctx?.close();
});

describe('webhook delivery', () => {
  it('delivers a new S1 alert at once, signed, with the delivery logged', async () => {
    const hookId = await makeWebhook('/monusco', { missions: ['MONUSCO'] });
    // Through the real hook point: classify-item records the evidence, then emits `created` on the alert-event queue.
    const source = await ctx.models.sources.create({ name: 'radio', kind: 'rss', url: 'https://radio.example/rss' });
    const at = new Date();
    const { itemId } = await upsertItem(
      ctx.models,
      String(source._id),
      { guid: 'g1', url: null, canonicalUrl: null, title: 'Brûlons la base demain', text: 'x', author: null, publishedAt: at, language: 'fr', languageConfidence: 1, media: [], contentHash: 'h1', simhash: null, warnings: [] },
      at,
    );
    const classification: Classification = {
      language: 'fr',
      missions: ['MONUSCO'],
      narratives: [{ key: 'incitement_violence', score: 0.95 }],
      topNarrative: 'incitement_violence',
      stance: 'endorse',
      harmful: true,
      severity: 'S1',
      classifierVersion: 'fixed',
      explanation: { matchedTerms: [], missionEvidence: [], notes: [] },
    };
    await classifyItem(
      { models: ctx.models, engine: { version: 'fixed', classify: () => classification }, alertMinScore: 0.25, reopenWindowMs: 3_600_000, now: () => at, emitAlertEvent: (e) => events.enqueue(e) },
      { itemId },
      { log: logger, job: {} as never },
    );

    const [got] = await eventually(async () => (receiver.on('/monusco').length ? receiver.on('/monusco') : undefined), 'the S1 notification');
    expect(got!.signatureOk).toBe(true);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['x-vigie-event']).toBe('alert.opened');
    expect(got!.json).toMatchObject({
      schemaVersion: 1,
      type: 'alert.opened',
      alert: { mission: 'MONUSCO', narrative: 'incitement_violence', severity: 'S1', url: expect.stringMatching(/^https:\/\/vigie\.example\.org\/api\/v1\/alerts\/[a-f0-9]{24}$/) },
    });
    const delivery = await eventually(
      async () => (await ctx.models.webhookDeliveries.findOne({ webhookId: hookId, status: 'delivered' }).lean()) ?? undefined,
      'the delivery marked delivered',
    );
    expect(String(delivery._id)).toBe(got!.headers['x-vigie-delivery']);
    expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 200, lastError: null, eventType: 'alert.opened' });
    expect(delivery.latencyMs).toEqual(expect.any(Number));
  });

  it('retries a failing receiver with backoff until it answers, logging every attempt', async () => {
    const hookId = await makeWebhook('/flaky', { missions: ['UNIFIL'] });
    receiver.script('/flaky', [503, 500, 200]);
    const alertId = await makeAlert('UNIFIL', 'espionage', 'S1');
    await events.enqueue({ alertId, type: 'created', at: new Date().toISOString() });

    const delivery = await eventually(
      async () => (await ctx.models.webhookDeliveries.findOne({ webhookId: hookId, status: 'delivered' }).lean()) ?? undefined,
      'the flaky delivery delivered',
    );
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
    const calls = receiver.on('/flaky');
    expect(calls.map((c) => c.answered)).toEqual([503, 500, 200]);
    expect(calls.every((c) => c.signatureOk)).toBe(true);
    // The same event every time: receivers deduplicate on its id.
    expect(new Set(calls.map((c) => c.json.id)).size).toBe(1);
    // Each attempt is signed afresh.
    expect(new Set(calls.map((c) => c.headers['x-vigie-delivery']))).toEqual(new Set([String(delivery._id)]));
  });

  it('stops at once on a permanent refusal (410)', async () => {
    const hookId = await makeWebhook('/gone', { missions: ['MINUSCA'] });
    receiver.script('/gone', [410]);
    const alertId = await makeAlert('MINUSCA', 'resource_plunder', 'S1');
    await events.enqueue({ alertId, type: 'created', at: new Date().toISOString() });
    const delivery = await eventually(
      async () => (await ctx.models.webhookDeliveries.findOne({ webhookId: hookId, status: 'failed' }).lean()) ?? undefined,
      'the refused delivery failed',
    );
    expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 410, lastError: 'HTTP 410' });
    const queue = new Queue(JOBS.deliverWebhook.queue, { connection: ctx.redis, prefix: ctx.queuePrefix });
    const job = await queue.getJob(`dw-${String(delivery._id)}`);
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(1);
    await queue.close();
    expect(receiver.on('/gone')).toHaveLength(1);
  });

  it('never notifies twice for a retried event, and routes only to matching subscriptions', async () => {
    const hookId = await makeWebhook('/unmiss', { missions: ['UNMISS'] });
    const securityOnly = await makeWebhook('/unmiss-security', { missions: ['UNMISS'], channels: ['security'] });
    const alertId = await makeAlert('UNMISS', 'hate_speech', 'S1');
    const raw = new Queue(JOBS.alertEvent.queue, { connection: ctx.redis, prefix: ctx.queuePrefix });
    const event = { alertId, type: 'created', at: new Date().toISOString(), ref: new Types.ObjectId().toHexString() };
    // Bypass the deterministic job id on purpose: the delivery record's unique key must hold on its own.
    const jobs = [await raw.add(JOBS.alertEvent.queue, event), await raw.add(JOBS.alertEvent.queue, event)];
    for (const job of jobs) {
      await eventually(async () => ((await raw.getJob(job.id!))?.finishedOn ? true : undefined), 'both events processed');
    }
    await eventually(async () => (receiver.on('/unmiss').length && receiver.on('/unmiss-security').length ? true : undefined), 'deliveries');
    await raw.close();
    // S2 would not reach the security channel; S1 does (comms and security).
    expect(await ctx.models.webhookDeliveries.countDocuments({ webhookId: hookId })).toBe(1);
    expect(await ctx.models.webhookDeliveries.countDocuments({ webhookId: securityOnly })).toBe(1);
    expect(receiver.on('/unmiss')).toHaveLength(1);
  });
});
