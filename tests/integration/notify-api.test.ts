/**
 * Webhooks and silences through the API on real Redis and FerretDB: the role × mission-scope matrix, hostile
 * bodies, secrets shown once, the delivery log with cursor pagination, "send test" delivered signed to a loopback
 * receiver by the notifier, and a silence muting notifications while the alert still counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { JOBS, alertEventJobId, alertEventKey, type AlertEventJob } from '@vigie/contracts';
import { createApiKey, dedupKeyFor, generateKey, recordEvidence } from '@vigie/db';
import { createLogger, createRedisConnection, createTypedQueue, type TypedQueue } from '@vigie/runtime';
import { loadConfig as loadApiConfig, startApi, type RunningApi } from '@vigie/api';
import { loadConfig as loadClassifierConfig } from '@vigie/classifier';
import { startNotifier, type Notifier } from '../../services/classifier/src/notifier.js';
import { eventually, openTestContext, serviceEnv, type TestContextHandles } from '../support/stack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let ctx: TestContextHandles;
let api: RunningApi;
let notifier: Notifier;
let workerRedis: Redis;
let receiver: WebhookReceiver;
let events: TypedQueue<typeof JOBS.alertEvent.schema>;
const keys: Record<string, string> = {};
const bootstrap = generateKey().key;
const logger = createLogger({ service: 'notify-api-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

beforeAll(async () => {
  ctx = await openTestContext('notifyapi');
  receiver = await startWebhookReceiver();
  const env = {
    ...serviceEnv(ctx),
    PORT: '0',
    VIGIE_BOOTSTRAP_ADMIN_KEY: bootstrap,
    BODY_LIMIT: '16kb',
  };
  // The API refuses private addresses (the default); the notifier may reach the loopback receiver.
  api = await startApi(loadApiConfig(env), logger);
  workerRedis = createRedisConnection(ctx.redisUrl, 'worker');
  await workerRedis.connect();
  notifier = await startNotifier(
    loadClassifierConfig({ ...env, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', NOTIFY_FLUSH_INTERVAL_MS: '250' }),
    { models: ctx.models, redis: workerRedis, logger },
  );
  events = createTypedQueue(JOBS.alertEvent, ctx.redis, ctx.queuePrefix, logger);
  keys.admin = bootstrap;
  keys.analyst = (await createApiKey(ctx.models, { name: 'Amina (analyst)', role: 'analyst' })).key;
  keys.viewer = (await createApiKey(ctx.models, { name: 'viewer', role: 'viewer' })).key;
  keys.monuscoAdmin = (await createApiKey(ctx.models, { name: 'goma admin', role: 'admin', missions: ['MONUSCO'] })).key;
  keys.monuscoAnalyst = (await createApiKey(ctx.models, { name: 'goma analyst', role: 'analyst', missions: ['MONUSCO'] })).key;
  keys.unifilViewer = (await createApiKey(ctx.models, { name: 'naqoura viewer', role: 'viewer', missions: ['UNIFIL'] })).key;
});

afterAll(async () => {
  await notifier?.closeWorkers();
  await notifier?.closeQueues();
  await workerRedis?.quit();
  await events?.close();
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await receiver?.close();
  await ctx?.close();
});

async function call(method: string, path: string, key: string | undefined, body?: unknown, raw?: string) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${api.url}/api/v1${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const hook = (overrides: Record<string, unknown> = {}) => ({ name: 'comms cell', url: 'https://hooks.example.org/vigie', ...overrides });

describe('webhooks API', () => {
  it('is admin-only, reads included, and shows the secret once', async () => {
    for (const key of [keys.viewer, keys.analyst]) {
      expect((await call('GET', '/webhooks', key)).status).toBe(403);
      expect((await call('POST', '/webhooks', key, hook())).status).toBe(403);
    }
    expect((await call('GET', '/webhooks', undefined)).status).toBe(401);
    const created = await call('POST', '/webhooks', keys.admin, hook({ format: 'slack', missions: ['MONUSCO', 'UNIFIL'], minSeverity: 'S2' }));
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ format: 'slack', minSeverity: 'S2', events: [], enabled: true, activeSecrets: 1, createdBy: expect.any(String) });
    const id = created.body.id as string;
    const listed = await call('GET', '/webhooks', keys.admin);
    expect((listed.body.data as { id: string }[]).map((w) => w.id)).toContain(id);
    expect(listed.text).not.toContain(secret);
    expect((await call('GET', `/webhooks/${id}`, keys.admin)).text).not.toContain(secret);

    const rotated = await call('PATCH', `/webhooks/${id}`, keys.admin, { rotateSecret: true });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
    expect(rotated.body.activeSecrets).toBe(2);
    expect((await call('GET', `/webhooks/${id}`, keys.admin)).body.secret).toBeUndefined();

    const audit = await ctx.models.audit.find({ targetType: 'webhook', targetId: id }).sort({ at: 1 }).lean();
    expect(audit.map((a) => a.action)).toEqual(['webhook.create', 'webhook.rotate_secret']);
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain(rotated.body.secret as string);
  });

  it('keeps scoped admins inside their missions', async () => {
    const unifil = await call('POST', '/webhooks', keys.admin, hook({ name: 'naqoura', missions: ['UNIFIL'] }));
    const everywhere = await call('POST', '/webhooks', keys.admin, hook({ name: 'hq' }));
    expect((await call('POST', '/webhooks', keys.monuscoAdmin, hook({ missions: ['UNIFIL'] }))).status).toBe(403);
    expect((await call('POST', '/webhooks', keys.monuscoAdmin, hook())).status).toBe(403);
    expect((await call('POST', '/webhooks', keys.monuscoAdmin, hook({ missions: ['MONUSCO', 'UNIFIL'] }))).status).toBe(403);
    const own = await call('POST', '/webhooks', keys.monuscoAdmin, hook({ name: 'goma', missions: ['MONUSCO'] }));
    expect(own.status).toBe(201);

    const seen = ((await call('GET', '/webhooks', keys.monuscoAdmin)).body.data as { id: string; missions: string[] }[]);
    expect(seen.map((w) => w.id)).toEqual([own.body.id]);
    for (const other of [unifil.body.id, everywhere.body.id]) {
      expect((await call('GET', `/webhooks/${String(other)}`, keys.monuscoAdmin)).status).toBe(404);
      expect((await call('PATCH', `/webhooks/${String(other)}`, keys.monuscoAdmin, { enabled: false })).status).toBe(404);
      expect((await call('DELETE', `/webhooks/${String(other)}`, keys.monuscoAdmin)).status).toBe(404);
      expect((await call('POST', `/webhooks/${String(other)}/test`, keys.monuscoAdmin, {})).status).toBe(404);
      expect((await call('GET', `/webhooks/${String(other)}/deliveries`, keys.monuscoAdmin)).status).toBe(404);
    }
    expect((await call('PATCH', `/webhooks/${String(own.body.id)}`, keys.monuscoAdmin, { missions: ['MONUSCO', 'UNIFIL'] })).status).toBe(403);
    expect((await call('PATCH', `/webhooks/${String(own.body.id)}`, keys.monuscoAdmin, { minSeverity: 'S1' })).body.minSeverity).toBe('S1');
    expect((await call('DELETE', `/webhooks/${String(own.body.id)}`, keys.monuscoAdmin)).status).toBe(204);
    expect((await call('GET', `/webhooks/${String(own.body.id)}`, keys.admin)).status).toBe(404);
    expect((await ctx.models.audit.find({ targetId: String(own.body.id) }).lean()).map((a) => a.action)).toEqual(['webhook.create', 'webhook.update', 'webhook.delete']);
  });

  it('refuses hostile URLs and bodies with problem+json', async () => {
    const urls = [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'ftp://hooks.example.org/x',
      'data:text/plain,hi',
      'not a url',
      'http://127.0.0.1:8080/api/v1/keys',
      'http://0x7f.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/hook',
      'http://localhost:9000/hook',
      'https://user:password@hooks.example.org/x',
      `https://hooks.example.org/${'a'.repeat(3000)}`,
    ];
    for (const url of urls) {
      const res = await call('POST', '/webhooks', keys.admin, hook({ url }));
      expect(res.status, url).toBe(400);
      expect(res.type).toContain('application/problem+json');
      expect((res.body.errors as { path: string }[]).map((e) => e.path), url).toContain('url');
    }
    const bodies: unknown[] = [
      hook({ secrets: ['chosen-by-caller'] }),
      hook({ name: { $gt: '' } }),
      hook({ minSeverity: 'S9' }),
      hook({ events: ['alert.exploded'] }),
      hook({ channels: ['everyone'] }),
      hook({ missions: ['ATLANTIS'] }),
      hook({ minEscalationLevel: -1 }),
      hook({ name: '' }),
      ['not', 'an', 'object'],
    ];
    for (const body of bodies) expect((await call('POST', '/webhooks', keys.admin, body)).status, JSON.stringify(body)).toBe(400);
    expect((await call('POST', '/webhooks', keys.admin, undefined, '{"name": "x", ')).status).toBe(400);
    expect((await call('POST', '/webhooks', keys.admin, hook({ name: 'x'.repeat(20_000) }))).status).toBe(413);
    const id = (await call('POST', '/webhooks', keys.admin, hook({ name: 'patch target' }))).body.id as string;
    expect((await call('PATCH', `/webhooks/${id}`, keys.admin, { url: 'http://192.168.1.1/' })).status).toBe(400);
    expect((await call('PATCH', `/webhooks/${id}`, keys.admin, {})).status).toBe(400);
    expect((await call('PATCH', `/webhooks/${id}`, keys.admin, { rotateSecret: false })).status).toBe(400);
    expect((await call('GET', '/webhooks/not-an-id', keys.admin)).status).toBe(400);
  });

  it('sends a signed test message and logs deliveries with cursor pagination', async () => {
    // Stored directly: this API refuses loopback URLs, the notifier in this file may reach them.
    const secret = 'whsec_test_receiver_secret_0123456789';
    const created = await ctx.models.webhooks.create({ name: 'receiver', url: `${receiver.baseUrl}/test`, format: 'json', secrets: [secret], missions: ['UNMISS'] });
    receiver.secret('/test', secret);
    const id = String(created._id);
    expect((await call('POST', `/webhooks/${id}/test`, keys.analyst, {})).status).toBe(403);
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call('POST', `/webhooks/${id}/test`, keys.admin, {});
      expect(res.status).toBe(202);
      sent.push(res.body.deliveryId as string);
    }
    await eventually(async () => (receiver.on('/test').length === 3 ? true : undefined), 'three test messages');
    const got = receiver.on('/test');
    expect(got.every((r) => r.signatureOk)).toBe(true);
    expect(got[0]!.headers['x-vigie-event']).toBe('webhook.test');
    expect(got[0]!.json).toMatchObject({ type: 'webhook.test', alert: { mission: 'UNMISS' } });

    await eventually(async () => ((await ctx.models.webhookDeliveries.countDocuments({ webhookId: created._id, status: 'delivered' })) === 3 ? true : undefined), 'logged');
    const first = await call('GET', `/webhooks/${id}/deliveries?limit=2`, keys.admin);
    expect(first.status).toBe(200);
    const page1 = first.body.data as { id: string; status: string; attempts: number; latencyMs: number; lastStatusCode: number }[];
    expect(page1).toHaveLength(2);
    expect(page1[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, latencyMs: expect.any(Number) });
    expect(first.text).not.toContain('"body"');
    const second = await call('GET', `/webhooks/${id}/deliveries?limit=2&cursor=${String(first.body.nextCursor)}`, keys.admin);
    const page2 = second.body.data as { id: string }[];
    expect(second.body.nextCursor).toBeNull();
    expect([...page1, ...page2].map((d) => d.id).sort()).toEqual([...sent].sort());
    expect((await call('GET', `/webhooks/${id}/deliveries?status=failed`, keys.admin)).body.data).toEqual([]);
    expect((await call('GET', `/webhooks/${id}/deliveries?cursor=garbage`, keys.admin)).status).toBe(400);
  });
});

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

describe('silences API', () => {
  it('lets analysts silence with a reason, as themselves; viewers only read', async () => {
    const body = { narratives: ['false_flag'], missions: ['MINUSCA'], endsAt: inAWeek(), reason: 'Satire page relayed by bots' };
    expect((await call('POST', '/silences', keys.viewer, body)).status).toBe(403);
    const created = await call('POST', '/silences', keys.analyst, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ author: 'Amina (analyst)', active: true, narratives: ['false_flag'], reason: 'Satire page relayed by bots' });
    expect((await call('GET', '/silences', keys.viewer)).body.data).toEqual([expect.objectContaining({ id: created.body.id })]);
    const audit = await ctx.models.audit.findOne({ targetType: 'silence', targetId: String(created.body.id) }).lean();
    expect(audit).toMatchObject({ action: 'silence.create', actorName: 'Amina (analyst)', reason: 'Satire page relayed by bots' });

    const now = Date.now();
    const invalid: unknown[] = [
      { ...body, reason: undefined },
      { ...body, reason: '  ' },
      { ...body, author: 'someone else' },
      { ...body, missions: undefined, narratives: undefined },
      { ...body, startsAt: new Date(now + 86_400_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString() },
      { ...body, endsAt: new Date(now + 100 * 86_400_000).toISOString() },
      { ...body, endsAt: new Date(now - 60_000).toISOString(), startsAt: new Date(now - 120_000).toISOString() },
      { ...body, sources: ['not-an-id'] },
      { ...body, terms: [{ $ne: null }] },
      { ...body, endsAt: 'tomorrow' },
    ];
    for (const b of invalid) expect((await call('POST', '/silences', keys.analyst, b)).status, JSON.stringify(b)).toBe(400);

    expect((await call('DELETE', `/silences/${String(created.body.id)}`, keys.viewer)).status).toBe(403);
    expect((await call('DELETE', `/silences/${String(created.body.id)}`, keys.analyst)).status).toBe(204);
    expect((await call('GET', '/silences', keys.viewer)).body.data).toEqual([]);
    const all = (await call('GET', '/silences?state=all', keys.viewer)).body.data as { id: string; active: boolean; expiredBy: string }[];
    expect(all).toEqual([expect.objectContaining({ id: created.body.id, active: false, expiredBy: 'Amina (analyst)' })]);
  });

  it('keeps scoped keys inside their missions', async () => {
    const body = { narratives: ['espionage'], endsAt: inAWeek(), reason: 'Known rumour, already rebutted' };
    expect((await call('POST', '/silences', keys.monuscoAnalyst, body)).status).toBe(403);
    expect((await call('POST', '/silences', keys.monuscoAnalyst, { ...body, missions: ['UNIFIL'] })).status).toBe(403);
    const own = await call('POST', '/silences', keys.monuscoAnalyst, { ...body, missions: ['MONUSCO'] });
    expect(own.status).toBe(201);
    const global = await call('POST', '/silences', keys.analyst, body);
    expect(global.status).toBe(201);

    expect(((await call('GET', '/silences', keys.monuscoAnalyst)).body.data as { id: string }[]).map((s) => s.id)).toEqual([own.body.id]);
    expect((await call('GET', '/silences', keys.unifilViewer)).body.data).toEqual([]);
    expect((await call('GET', `/silences/${String(own.body.id)}`, keys.unifilViewer)).status).toBe(404);
    expect((await call('DELETE', `/silences/${String(global.body.id)}`, keys.monuscoAnalyst)).status).toBe(404);
    expect((await call('GET', '/silences', keys.viewer)).body.data).toHaveLength(2);
    await call('DELETE', `/silences/${String(global.body.id)}`, keys.analyst);
    await call('DELETE', `/silences/${String(own.body.id)}`, keys.analyst);
  });
});

describe('silences in the notifier', () => {
  it('mutes notifications for a matching alert, which still counts and says who silenced it', async () => {
    const secret = 'whsec_silence_receiver_secret_01234';
    await ctx.models.webhooks.create({ name: 'unisfa', url: `${receiver.baseUrl}/unisfa`, format: 'json', secrets: [secret], missions: ['UNISFA'] });
    receiver.secret('/unisfa', secret);
    const silence = await call('POST', '/silences', keys.analyst, {
      missions: ['UNISFA'],
      narratives: ['disease_health'],
      endsAt: inAWeek(),
      reason: 'Vaccination rumour handled by WHO',
    });
    expect(silence.status).toBe(201);

    const notify = async (narrative: 'disease_health' | 'expulsion_demand') => {
      const itemId = new Types.ObjectId().toHexString();
      const result = await recordEvidence(ctx.models, {
        dedupKey: dedupKeyFor('UNISFA', narrative),
        mission: 'UNISFA',
        narrative,
        severity: 'S1',
        item: { id: itemId, sourceId: new Types.ObjectId().toHexString(), title: narrative, url: null, language: 'en', score: 0.9, stance: 'endorse' },
        seenAt: new Date(),
      });
      const event: AlertEventJob = { alertId: result.alertId, type: result.createdAlert ? 'created' : 'evidence', at: new Date().toISOString(), ref: itemId };
      await events.enqueue(event, { jobId: alertEventJobId(event) });
      return event;
    };
    const muted = [await notify('disease_health'), await notify('disease_health')];
    const heard = await notify('expulsion_demand');

    const queue = new Queue(JOBS.alertEvent.queue, { connection: ctx.redis, prefix: ctx.queuePrefix });
    for (const e of muted) {
      await eventually(async () => ((await queue.getJob(alertEventJobId(e)))?.finishedOn ? true : undefined), 'silenced event processed');
    }
    await queue.close();
    await eventually(async () => (receiver.on('/unisfa').length ? true : undefined), 'the unsilenced alert notified');

    const alert = await ctx.models.alerts.findById(muted[0]!.alertId).lean();
    expect(alert).toMatchObject({ itemCount: 2, silencedBy: [silence.body.id] });
    // The only roads to a notification: a held entry (alert activity) or a delivery record. Neither exists.
    expect(await ctx.models.pendingNotifications.countDocuments({ eventKey: { $in: muted.map(alertEventKey) } })).toBe(0);
    expect(await ctx.models.webhookDeliveries.countDocuments({ alertId: alert!._id })).toBe(0);
    expect(receiver.on('/unisfa').map((r) => (r.json.alert as { narrative: string }).narrative)).toEqual(['expulsion_demand']);
    expect(heard.alertId).not.toBe(muted[0]!.alertId);
  });
});
