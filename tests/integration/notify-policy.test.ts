/**
 * Notification hygiene on real Redis and FerretDB, with short settings instead of sleeps: grouping (several
 * evidence events within the wait → one message), per-key rate caps (drops counted, persisted and reported with
 * the next message) and escalation of unacknowledged S1 alerts through the levels (not of acknowledged ones).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { JOBS, alertEventJobId, type AlertEventJob, type MissionCode, type NarrativeKey, type Severity } from '@vigie/contracts';
import { dedupKeyFor, recordEvidence } from '@vigie/db';
import { createLogger, createRedisConnection, createTypedQueue, type TypedQueue } from '@vigie/runtime';
import { loadConfig } from '@vigie/classifier';
import { startNotifier, type Notifier } from '../../services/classifier/src/notifier.js';
import { eventually, openTestContext, serviceEnv, type TestContextHandles } from '../support/stack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let ctx: TestContextHandles;
let notifier: Notifier;
let workerRedis: Redis;
let receiver: WebhookReceiver;
let events: TypedQueue<typeof JOBS.alertEvent.schema>;
const logger = createLogger({ service: 'notify-policy-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

beforeAll(async () => {
  ctx = await openTestContext('notifypol');
  receiver = await startWebhookReceiver();
  workerRedis = createRedisConnection(ctx.redisUrl, 'worker');
  await workerRedis.connect();
  notifier = await startNotifier(
    loadConfig({
      ...serviceEnv(ctx),
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
      NOTIFY_GROUP_WAIT_MS: '2000',
      NOTIFY_FLUSH_INTERVAL_MS: '200',
      NOTIFY_MAX_PER_HOUR: '1',
      ESCALATION_S1_MINUTES: '1',
      ESCALATION_LEVELS: 'duty_officer,head_of_strategic_comms',
      ESCALATION_SCAN_INTERVAL_MS: '200',
    }),
    { models: ctx.models, redis: workerRedis, logger },
  );
  events = createTypedQueue(JOBS.alertEvent, ctx.redis, ctx.queuePrefix, logger);
});

afterAll(async () => {
  await notifier?.closeWorkers();
  await notifier?.closeQueues();
  await workerRedis?.quit();
  await events?.close();
  await receiver?.close();
  await ctx?.close();
});

async function makeWebhook(path: string, overrides: Record<string, unknown>) {
  const secret = `whsec_${new Types.ObjectId().toHexString()}`;
  const hook = await ctx.models.webhooks.create({ name: path, url: `${receiver.baseUrl}${path}`, format: 'json', secrets: [secret], ...overrides });
  receiver.secret(path, secret);
  return hook._id;
}

/** Adds one item of evidence and emits its alert event, as classify-item does. */
async function evidence(mission: MissionCode, narrative: NarrativeKey, severity: Severity, openedAt?: Date, emit = true): Promise<AlertEventJob> {
  const itemId = new Types.ObjectId().toHexString();
  const result = await recordEvidence(ctx.models, {
    dedupKey: dedupKeyFor(mission, narrative),
    mission,
    narrative,
    severity,
    item: { id: itemId, sourceId: new Types.ObjectId().toHexString(), title: narrative, url: null, language: 'fr', score: 0.9, stance: 'endorse' },
    seenAt: new Date(),
    ...(openedAt ? { openedAt } : {}),
  });
  const event: AlertEventJob = { alertId: result.alertId, type: result.createdAlert ? 'created' : 'evidence', at: new Date().toISOString(), ref: itemId };
  if (emit) await events.enqueue(event, { jobId: alertEventJobId(event) });
  return event;
}

describe('grouping', () => {
  it('sends one message for several evidence events within the wait', async () => {
    const hookId = await makeWebhook('/grouped', { missions: ['MONUSCO'] });
    const sent: AlertEventJob[] = [];
    // Evidence first, then the four events at once: the wait (2 s) only has to cover their processing.
    for (let i = 0; i < 4; i++) sent.push(await evidence('MONUSCO', 'collusion_armed_groups', 'S2', undefined, false));
    await Promise.all(sent.map((e) => events.enqueue(e, { jobId: alertEventJobId(e) })));
    const [message] = await eventually(async () => (receiver.on('/grouped').length ? receiver.on('/grouped') : undefined), 'the grouped message');
    expect(message!.signatureOk).toBe(true);
    expect(message!.json).toMatchObject({ type: 'alert.opened', alert: { itemCount: 4 }, droppedSinceLastSend: 0 });
    // All four were held and flushed together: nothing is left to send for the key.
    expect(await ctx.models.pendingNotifications.countDocuments({ key: 'MONUSCO:collusion_armed_groups' })).toBe(0);
    expect(await ctx.models.webhookDeliveries.countDocuments({ webhookId: hookId })).toBe(1);
    expect(receiver.on('/grouped')).toHaveLength(1);
    expect(new Set(sent.map((e) => e.alertId)).size).toBe(1);
  });
});

describe('rate caps', () => {
  it('drops past the cap, counts the drop, and reports it with the next message', async () => {
    const hookId = await makeWebhook('/capped', { missions: ['UNIFIL'] });
    const key = 'UNIFIL:espionage';
    // The key already sent its one message this hour.
    await ctx.models.notificationKeys.create({ _id: key, sent: [new Date(Date.now() - 60_000)] });
    const held = [await evidence('UNIFIL', 'espionage', 'S2', undefined, false), await evidence('UNIFIL', 'espionage', 'S2', undefined, false)];
    await Promise.all(held.map((e) => events.enqueue(e, { jobId: alertEventJobId(e) })));
    const state = await eventually(async () => {
      const doc = await ctx.models.notificationKeys.findById(key).lean();
      return doc && doc.dropped >= 2 ? doc : undefined;
    }, 'the drops recorded');
    expect(state).toMatchObject({ dropped: 2, droppedTotal: 2 });
    // The drop is counted before its held entries are deleted (a crash over-counts, never loses one): wait for both.
    await eventually(async () => ((await ctx.models.pendingNotifications.countDocuments({ key })) === 0 ? true : undefined), 'the dropped entries deleted');
    expect(await ctx.models.webhookDeliveries.countDocuments({ webhookId: hookId })).toBe(0);

    // An hour later (moved back, not waited for), the next message carries the count.
    await ctx.models.notificationKeys.updateOne({ _id: key }, { $set: { sent: [new Date(Date.now() - 2 * 3_600_000)] } });
    await evidence('UNIFIL', 'espionage', 'S2');
    const [message] = await eventually(async () => (receiver.on('/capped').length ? receiver.on('/capped') : undefined), 'the next message');
    expect(message!.json).toMatchObject({ type: 'alert.updated', droppedSinceLastSend: 2, alert: { itemCount: 3 } });
    expect((message!.json.text as { countsEn: string }).countsEn).toContain('+2 notifications held back by the rate limit');
    const after = await ctx.models.notificationKeys.findById(key).lean();
    expect(after).toMatchObject({ dropped: 0, droppedTotal: 2 });
    expect(after!.sent).toHaveLength(1);
  });
});

describe('escalation', () => {
  it('escalates an unacknowledged S1 alert through each due level, and leaves an acknowledged one alone', async () => {
    const everyone = await makeWebhook('/esc-all', { missions: ['MINURSO'], events: ['alert.escalated'] });
    const head = await makeWebhook('/esc-head', { missions: ['MINURSO'], minEscalationLevel: 2 });
    const longAgo = new Date(Date.now() - 150_000);
    // Acknowledged first, so any scan that sees the open one has also had the chance to (wrongly) pick this one.
    // Opened now (not yet due), then acknowledged and aged in one write: no scan ever sees it open and overdue.
    const acked = await evidence('MINURSO', 'hate_speech', 'S1');
    await ctx.models.alerts.updateOne({ _id: acked.alertId }, { $set: { status: 'acknowledged', acknowledgedAt: new Date(), openedAt: longAgo } });
    const open = await evidence('MINURSO', 'incitement_violence', 'S1', longAgo);

    await eventually(async () => (receiver.on('/esc-all').length >= 2 && receiver.on('/esc-head').length >= 1 ? true : undefined), 'escalation messages');
    const levels = receiver.on('/esc-all').map((r) => r.json.escalation as { level: number; target: string });
    expect(levels.sort((a, b) => a.level - b.level)).toEqual([
      { level: 1, target: 'duty_officer' },
      { level: 2, target: 'head_of_strategic_comms' },
    ]);
    expect(receiver.on('/esc-all').every((r) => r.signatureOk && (r.json.alert as { id: string }).id === open.alertId)).toBe(true);
    const toHead = receiver.on('/esc-head');
    expect(toHead).toHaveLength(1);
    expect(toHead[0]!.json).toMatchObject({ type: 'alert.escalated', escalation: { level: 2 } });

    // The notifier emits the due levels first and records the new level after (a crash in between re-emits
    // the same deterministic events, which delivery dedupes), so the level may land just after the messages.
    await eventually(async () => ((await ctx.models.alerts.findById(open.alertId).lean())!.escalationLevel === 2 ? true : undefined), 'escalation level recorded');
    expect((await ctx.models.alerts.findById(acked.alertId).lean())!.escalationLevel ?? 0).toBe(0);
    expect(await ctx.models.webhookDeliveries.countDocuments({ alertId: new Types.ObjectId(acked.alertId), eventType: 'alert.escalated' })).toBe(0);
    expect(await ctx.models.webhookDeliveries.countDocuments({ webhookId: { $in: [everyone, head] } })).toBe(3);
  });
});
