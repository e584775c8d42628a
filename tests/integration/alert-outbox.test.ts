/**
 * The alert-event outbox on real Redis and FerretDB: events recorded with the alert change wait in the database
 * while Redis is unreachable and reach the queue exactly once, in order per alert, when it answers again; a crash
 * between the database write and the publish loses nothing (lifecycle changes are rolled forward by the relay);
 * a re-delivered event never sends a second webhook; relayed rows are pruned by retention, pending ones never.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { Queue, Worker } from 'bullmq';
import { ZodError } from 'zod';
import { transition, type AlertAction, type ActionInput } from '@vigie/alerting';
import { JOBS, alertEventJobId, alertEventKey, type AlertEventJob } from '@vigie/contracts';
import {
  applyAlertTransition,
  createApiKey,
  dedupKeyFor,
  generateKey,
  lifecycleStateOf,
  pruneRelayedAlertEvents,
  recordAlertEvent,
  recordEvidence,
  relayPendingAlertEvents,
  outboxBacklog,
} from '@vigie/db';
import { createLogger, createRedisConnection, createTypedQueue, type TypedQueue } from '@vigie/runtime';
import { loadConfig as loadApiConfig, startApi, type RunningApi } from '@vigie/api';
import { loadConfig, startClassifier, type RunningClassifier } from '@vigie/classifier';
import { eventually, openTestContext, serviceEnv, type TestContextHandles } from '../support/stack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const logger = createLogger({ service: 'outbox-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const permanent = { isPermanent: (error: unknown) => error instanceof ZodError };

async function makeAlert(ctx: TestContextHandles, mission: 'MONUSCO' | 'UNIFIL', narrative: 'collusion_armed_groups' | 'espionage', severity: 'S1' | 'S2' = 'S2') {
  const item = { id: new Types.ObjectId().toHexString(), sourceId: new Types.ObjectId().toHexString(), title: `${mission} item`, url: null, language: 'fr', score: 0.9, stance: 'endorse' };
  const { alertId } = await recordEvidence(ctx.models, { dedupKey: dedupKeyFor(mission, narrative), mission, narrative, severity, item, seenAt: new Date() });
  // The classifier records the evidence event right after the evidence (its job retries if it dies in between).
  await recordAlertEvent(ctx.models, { alertId, type: 'created', at: new Date().toISOString(), ref: item.id });
  return alertId;
}

/** One lifecycle action the way the API runs it: pure transition, then the guarded write that records the event. */
async function act<A extends AlertAction>(ctx: TestContextHandles, alertId: string, action: A, input: ActionInput<A>) {
  const alert = (await ctx.models.alerts.findById(alertId).lean())!;
  const at = new Date();
  const result = transition(lifecycleStateOf(alert), action, { id: 'officer', role: 'analyst' }, at, input);
  if (!result.ok) throw result.error;
  const updated = await applyAlertTransition(ctx.models, {
    alertId,
    expectedStatus: alert.status,
    expectedSeq: alert.history?.length ?? 0,
    patch: result.patch,
    history: { ...result.history },
    event: { type: 'transition', at },
  });
  expect(updated).not.toBeNull();
}

describe('alert-event outbox (relay and queue)', () => {
  let ctx: TestContextHandles;
  let live: TypedQueue<typeof JOBS.alertEvent.schema>;
  let worker: Worker | undefined;
  const seen: AlertEventJob[] = [];
  const enqueueLive = (event: AlertEventJob) => live.enqueue(event, { jobId: alertEventJobId(event) });

  beforeAll(async () => {
    ctx = await openTestContext('outbox');
    live = createTypedQueue(JOBS.alertEvent, ctx.redis, ctx.queuePrefix, logger);
  });
  afterAll(async () => {
    await worker?.close();
    await live?.close();
    await ctx?.close();
  });

  it('keeps events in the database while Redis is unreachable, then delivers each exactly once and in order per alert', async () => {
    const a = await makeAlert(ctx, 'MONUSCO', 'collusion_armed_groups');
    const b = await makeAlert(ctx, 'UNIFIL', 'espionage');
    // The producer points at a dead port: Redis is "down" for the relay.
    const deadRedis = createRedisConnection('redis://127.0.0.1:1', 'producer', { retryStrategy: () => null });
    deadRedis.on('error', () => {});
    const dead = createTypedQueue(JOBS.alertEvent, deadRedis, ctx.queuePrefix, logger);
    try {
      await act(ctx, a, 'acknowledge', {});
      await act(ctx, b, 'assign', { assigneeId: 'amani' });
      await act(ctx, a, 'note', { text: 'Radio Okapi contacted' });
      await act(ctx, b, 'resolve', { outcome: 'no_action' });
      await act(ctx, a, 'resolve', { outcome: 'referred_to_platform' });
      const outage = await relayPendingAlertEvents(ctx.models, (e) => dead.enqueue(e, { jobId: alertEventJobId(e) }), permanent);
      expect(outage.relayed).toBe(0);
      expect(outage.error).toBeTruthy();
      const again = await relayPendingAlertEvents(ctx.models, (e) => dead.enqueue(e, { jobId: alertEventJobId(e) }), permanent);
      expect(again.relayed).toBe(0);
    } finally {
      await dead.close().catch(() => {});
      deadRedis.disconnect();
    }
    const backlog = await outboxBacklog(ctx.models);
    expect(backlog.pending).toBe(7);
    const recorded = await ctx.models.alertOutbox.find().sort({ recordedAt: 1, order: 1 }).lean();
    // The first row was tried on both passes; the ones behind it were not skipped ahead of it.
    expect(recorded.map((r) => r.relayAttempts)).toEqual([2, 0, 0, 0, 0, 0, 0]);

    worker = new Worker(
      JOBS.alertEvent.queue,
      async (job) => {
        seen.push(job.data as AlertEventJob);
      },
      { connection: ctx.redis, prefix: ctx.queuePrefix, concurrency: 1 },
    );
    // Redis is back: the next pass publishes the whole backlog.
    const back = await relayPendingAlertEvents(ctx.models, enqueueLive, permanent);
    expect(back).toMatchObject({ relayed: 7, error: null });
    await eventually(async () => (seen.length >= 7 ? true : undefined), 'the backlog consumed');

    const keys = seen.map((e) => alertEventKey(e));
    expect(new Set(keys).size).toBe(7);
    const perAlert = (id: string, list: AlertEventJob[]) => list.filter((e) => e.alertId === id).map((e) => `${e.type}:${e.ref?.length === 24 ? 'item' : e.ref}`);
    expect(perAlert(a, seen)).toEqual(['created:item', 'transition:1', 'transition:2', 'transition:3']);
    expect(perAlert(b, seen)).toEqual(['created:item', 'transition:1', 'transition:2']);
    expect((await outboxBacklog(ctx.models)).pending).toBe(0);

    // A relay that crashed after the enqueue and before marking the rows republishes them: BullMQ's deterministic
    // job ids drop the copies, nothing is consumed twice.
    await ctx.models.alertOutbox.updateMany({}, { $set: { relayedAt: null } });
    expect((await relayPendingAlertEvents(ctx.models, enqueueLive, permanent)).relayed).toBe(7);
    const counts = await live.queue.getJobCounts('waiting', 'active', 'completed');
    expect(counts).toMatchObject({ waiting: 0, active: 0, completed: 7 });
    expect(seen).toHaveLength(7);
  });

  it('rolls forward a lifecycle change whose writer crashed before applying it, and relays its event', async () => {
    const alertId = await makeAlert(ctx, 'MONUSCO', 'collusion_armed_groups', 'S1');
    await relayPendingAlertEvents(ctx.models, enqueueLive, permanent);
    const alert = (await ctx.models.alerts.findById(alertId).lean())!;
    const at = new Date(Date.now() - 60_000);
    const result = transition(lifecycleStateOf(alert), 'acknowledge', { id: 'officer', role: 'analyst' }, at, {});
    if (!result.ok) throw result.error;
    // What applyAlertTransition writes first — the change's commit point — and nothing after it: the writer died.
    await ctx.models.alertTransitions.create({
      _id: `${alertId}:0`,
      alertId: new Types.ObjectId(alertId),
      seq: 0,
      set: { ...result.patch, openKey: alert.dedupKey },
      history: result.history,
      at,
      event: { type: 'transition', at },
    });
    const report = await relayPendingAlertEvents(ctx.models, enqueueLive, permanent);
    expect(report).toMatchObject({ rolledForward: 1, relayed: 1, error: null });
    expect(await ctx.models.alerts.findById(alertId).lean()).toMatchObject({ status: 'acknowledged' });
    await eventually(async () => (seen.some((e) => e.alertId === alertId && e.type === 'transition' && e.ref === '1') ? true : undefined), 'the rolled-forward event consumed');
  });

  it('records the event of a change that was applied but whose writer died before recording it', async () => {
    const alertId = await makeAlert(ctx, 'UNIFIL', 'espionage');
    await relayPendingAlertEvents(ctx.models, enqueueLive, permanent);
    const alert = (await ctx.models.alerts.findById(alertId).lean())!;
    const at = new Date(Date.now() - 60_000);
    const result = transition(lifecycleStateOf(alert), 'acknowledge', { id: 'officer', role: 'analyst' }, at, {});
    if (!result.ok) throw result.error;
    await ctx.models.alertTransitions.create({ _id: `${alertId}:0`, alertId: new Types.ObjectId(alertId), seq: 0, set: result.patch, history: result.history, at, event: { type: 'transition', at } });
    // The change reached the alert; the outbox row and the `applied` mark did not.
    await ctx.models.alerts.updateOne({ _id: alertId }, { $set: result.patch, $push: { history: result.history } });
    const report = await relayPendingAlertEvents(ctx.models, enqueueLive, permanent);
    expect(report).toMatchObject({ relayed: 1, error: null });
    expect(await ctx.models.alertTransitions.findById(`${alertId}:0`).lean()).toMatchObject({ applied: true });
    expect((await ctx.models.alerts.findById(alertId).lean())!.history).toHaveLength(1);
    expect(await ctx.models.alertOutbox.findById(alertEventKey({ alertId, type: 'transition', ref: '1' })).lean()).toMatchObject({ relayedAt: expect.any(Date) });
  });

  it('sets aside a row the queue refuses for good instead of blocking the ones behind it', async () => {
    const alertId = await makeAlert(ctx, 'MONUSCO', 'collusion_armed_groups');
    await ctx.models.alertOutbox.create({ _id: 'corrupt', alertId: new Types.ObjectId(alertId), type: 'transition', ref: 'not:valid', at: new Date(), recordedAt: new Date(Date.now() - 1_000), order: new Types.ObjectId() });
    const report = await relayPendingAlertEvents(ctx.models, enqueueLive, permanent);
    expect(report).toMatchObject({ dead: 1, error: null });
    expect(report.relayed).toBeGreaterThanOrEqual(1);
    expect(await ctx.models.alertOutbox.findById('corrupt').lean()).toMatchObject({ relayedAt: null, deadReason: expect.stringContaining('ref') });
    expect(await outboxBacklog(ctx.models)).toMatchObject({ pending: 0, dead: 1 });
  });

  it('prunes relayed rows past retention, never pending or dead ones', async () => {
    const alertId = await makeAlert(ctx, 'UNIFIL', 'espionage');
    const total = await ctx.models.alertOutbox.countDocuments();
    expect((await outboxBacklog(ctx.models)).pending).toBe(1);
    const pruned = await pruneRelayedAlertEvents(ctx.models, new Date(Date.now() + 1_000));
    expect(pruned).toBe(total - 2);
    const left = await ctx.models.alertOutbox.find().lean();
    expect(left.map((r) => r._id).sort()).toEqual(['corrupt', alertEventKey({ alertId, type: 'created', ref: left.find((r) => r._id !== 'corrupt')!.ref! })].sort());
    expect(await pruneRelayedAlertEvents(ctx.models, new Date(Date.now() - 3_600_000))).toBe(0);
  });
});

describe('alert-event outbox (services)', () => {
  let ctx: TestContextHandles;
  let classifier: RunningClassifier;
  let api: RunningApi;
  let receiver: WebhookReceiver;
  let analyst: string;
  const admin = generateKey().key;

  beforeAll(async () => {
    ctx = await openTestContext('outboxsvc');
    receiver = await startWebhookReceiver();
    classifier = await startClassifier(
      loadConfig({
        ...serviceEnv(ctx),
        CLASSIFIER_CONCURRENCY: '1',
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
        WEBHOOK_RETRY_BASE_MS: '50',
        OUTBOX_RELAY_INTERVAL_MS: '200',
      }),
      logger,
    );
    api = await startApi(
      loadApiConfig({ ...serviceEnv(ctx), PORT: '0', VIGIE_BOOTSTRAP_ADMIN_KEY: admin }),
      logger,
    );
    analyst = (await createApiKey(ctx.models, { name: 'analyst', role: 'analyst' })).key;
  });
  afterAll(async () => {
    for (const step of api?.shutdownSteps ?? []) await step.run();
    for (const step of classifier?.shutdownSteps ?? []) await step.run();
    await receiver?.close();
    await ctx?.close();
  });

  it('an API action records its event with the change, and a re-delivered event never sends a second webhook', async () => {
    const secret = `whsec_${new Types.ObjectId().toHexString()}`;
    await ctx.models.webhooks.create({ name: 'ops', url: `${receiver.baseUrl}/ops`, format: 'json', secrets: [secret], events: ['alert.resolved'] });
    receiver.secret('/ops', secret);
    const alertId = await makeAlert(ctx, 'MONUSCO', 'collusion_armed_groups');
    const res = await fetch(`${api.url}/api/v1/alerts/${alertId}/resolve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'no_action' }),
    });
    expect(res.status).toBe(200);
    const key = alertEventKey({ alertId, type: 'transition', ref: '1' });
    // The row exists as soon as the action answered (it was written with the change).
    expect(await ctx.models.alertOutbox.findById(key).lean()).toMatchObject({ type: 'transition', ref: '1' });
    const [first] = await eventually(async () => (receiver.on('/ops').length ? receiver.on('/ops') : undefined), 'the resolved webhook');
    expect(first!.signatureOk).toBe(true);
    expect(first!.json).toMatchObject({ type: 'alert.resolved', id: key });
    await eventually(async () => ((await ctx.models.alertOutbox.findById(key).lean())?.relayedAt ? true : undefined), 'the row marked relayed');

    // Re-delivery: the job is gone from Redis (retention) and the row is pending again (a relay that died before
    // marking it). The event is processed a second time; the delivery key (webhook × event key) holds.
    const queue = new Queue(JOBS.alertEvent.queue, { connection: ctx.redis, prefix: ctx.queuePrefix });
    try {
      await (await queue.getJob(alertEventJobId({ alertId, type: 'transition', ref: '1' })))?.remove();
      await ctx.models.alertOutbox.updateOne({ _id: key }, { $set: { relayedAt: null } });
      await eventually(async () => {
        const job = await queue.getJob(alertEventJobId({ alertId, type: 'transition', ref: '1' }));
        return job?.finishedOn ? true : undefined;
      }, 'the re-delivered event processed');
    } finally {
      await queue.close();
    }
    expect(receiver.on('/ops')).toHaveLength(1);
    expect(await ctx.models.webhookDeliveries.countDocuments({ eventKey: key })).toBe(1);
  });
});
