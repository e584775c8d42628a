/**
 * Sources API (CRUD, health, roles, mission scoping, hostile bodies, audit) and manual intake (normalisation,
 * dedup, classify-item enqueue) against the real API on real Redis and FerretDB.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, type Job } from 'bullmq';
import { createApiKey, generateKey } from '@vigie/db';
import { createLogger, createRedisConnection, recordSourceLiveness } from '@vigie/runtime';
import { createApp, loadConfig, startApi, type RunningApi } from '@vigie/api';
import { collectFeed } from '@vigie/collector';
import { openTestContext, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
let api: RunningApi;
let classifyQueue: Queue;
const keys: Record<string, string> = {};
const bootstrap = generateKey().key;

beforeAll(async () => {
  ctx = await openTestContext('srcapi');
  api = await startApi(
    loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, QUEUE_PREFIX: ctx.queuePrefix, PORT: '0', LOG_LEVEL: 'silent', VIGIE_BOOTSTRAP_ADMIN_KEY: bootstrap }),
    createLogger({ service: 'api-test', version: 'test', level: 'silent' }),
  );
  keys.admin = bootstrap;
  keys.viewer = (await createApiKey(ctx.models, { name: 'viewer', role: 'viewer' })).key;
  keys.analyst = (await createApiKey(ctx.models, { name: 'analyst', role: 'analyst' })).key;
  keys.monuscoViewer = (await createApiKey(ctx.models, { name: 'goma viewer', role: 'viewer', missions: ['MONUSCO'] })).key;
  keys.monuscoAdmin = (await createApiKey(ctx.models, { name: 'goma admin', role: 'admin', missions: ['MONUSCO'] })).key;
  keys.unifilAnalyst = (await createApiKey(ctx.models, { name: 'naqoura analyst', role: 'analyst', missions: ['UNIFIL'] })).key;
  classifyQueue = new Queue('classify-item', { connection: ctx.redis, prefix: ctx.queuePrefix });
});

afterAll(async () => {
  await classifyQueue?.close();
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

type Json = Record<string, unknown>;
async function call(method: string, path: string, key: string | undefined, body?: unknown, raw?: string) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${api.url}/api/v1${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : {}) as Json };
}

const radioOkapi = { name: 'Radio Okapi', url: 'https://www.radiookapi.net/rss.xml', missions: ['MONUSCO'], languages: ['fr'], pollIntervalSec: 600, tags: ['radio'] };
const naharnet = { name: 'Naharnet', url: 'https://www.naharnet.com/rss', missions: ['UNIFIL'], languages: ['en'] };

describe('sources API', () => {
  let okapiId = '';
  let naharId = '';

  it('creates sources (admin), fills defaults, refuses duplicate names, and audits the write', async () => {
    const created = await call('POST', '/sources', keys.admin, radioOkapi);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Radio Okapi', kind: 'rss', enabled: true, missions: ['MONUSCO'], pollIntervalSec: 600 });
    expect(created.body.health).toMatchObject({ lastFetchAt: null, consecutiveFailures: 0, lastError: null, disabledReason: null });
    okapiId = String(created.body.id);
    naharId = String((await call('POST', '/sources', keys.admin, naharnet)).body.id);
    const again = await call('POST', '/sources', keys.admin, radioOkapi);
    expect(again.status).toBe(409);
    expect(again.type).toContain('application/problem+json');
    const audit = await ctx.models.audit.find({ action: 'source.create' }).lean();
    expect(audit.map((a) => a.targetId).sort()).toEqual([naharId, okapiId].sort());
  });

  it('rejects hostile and invalid bodies with field-level 400s', async () => {
    const cases: [unknown, string][] = [
      [{ ...radioOkapi, name: 'x2', mision: ['MONUSCO'] }, ''],
      [{ ...radioOkapi, name: 'x3', url: 'file:///etc/passwd' }, 'url'],
      [{ ...radioOkapi, name: 'x4', url: 'javascript:alert(1)' }, 'url'],
      [{ name: { $gt: '' }, url: 'https://a.example/feed' }, 'name'],
      [{ name: 'x5', kind: 'rss' }, 'url'],
      [{ ...radioOkapi, name: 'x6', pollIntervalSec: 1 }, 'pollIntervalSec'],
      [{ ...radioOkapi, name: 'x7', missions: ['NOPE'] }, 'missions.0'],
      [[radioOkapi], ''],
    ];
    for (const [body, path] of cases) {
      const res = await call('POST', '/sources', keys.admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (path) expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    }
    expect((await call('POST', '/sources', keys.admin, undefined, '{"name": "broken"')).status).toBe(400);
    expect(await ctx.models.sources.countDocuments({ name: /^x\d/ })).toBe(0);
  });

  it('lists sources with health, scoped to the key’s missions', async () => {
    await ctx.models.sources.updateOne(
      { _id: okapiId },
      { $set: { 'health.lastFetchAt': new Date('2026-01-02T03:04:05Z'), 'health.lastStatus': 'http_server_error', 'health.consecutiveFailures': 2, 'health.lastError': { code: 'http_server_error', message: 'HTTP 502', at: new Date('2026-01-02T03:04:05Z') }, 'health.nextFetchAt': new Date('2026-01-02T03:24:05Z') } },
    );
    const all = await call('GET', '/sources', keys.viewer);
    expect(all.status).toBe(200);
    const rows = all.body.data as Json[];
    expect(rows.map((r) => r.name)).toEqual(['Naharnet', 'Radio Okapi']);
    expect(rows[1]!.health).toMatchObject({ lastFetchAt: '2026-01-02T03:04:05.000Z', consecutiveFailures: 2, lastError: { code: 'http_server_error', message: 'HTTP 502' }, nextFetchAt: '2026-01-02T03:24:05.000Z' });
    const scoped = await call('GET', '/sources', keys.monuscoViewer);
    expect((scoped.body.data as Json[]).map((r) => r.name)).toEqual(['Radio Okapi']);
    expect((await call('GET', `/sources/${naharId}`, keys.monuscoViewer)).status).toBe(404);
    expect((await call('GET', `/sources/${okapiId}`, keys.monuscoViewer)).status).toBe(200);
    const page = await call('GET', '/sources?limit=1', keys.viewer);
    expect((page.body.data as Json[]).map((r) => r.name)).toEqual(['Naharnet']);
    const next = await call('GET', `/sources?limit=1&cursor=${String(page.body.nextCursor)}`, keys.viewer);
    expect((next.body.data as Json[]).map((r) => r.name)).toEqual(['Radio Okapi']);
    expect((await call('GET', '/sources?limit=9999', keys.viewer)).status).toBe(400);
    expect((await call('GET', '/sources?enabled[$ne]=x', keys.viewer)).status).toBe(400);
  });

  it('shows the time of a 304 poll that left the source document untouched (poll times kept in Redis)', async () => {
    const feed = createServer((req, res) => {
      if (req.headers['if-none-match'] === '"e1"') return void res.writeHead(304, { etag: '"e1"' }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"e1"' }).end('<rss version="2.0"><channel><title>t</title></channel></rss>');
    });
    await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
    try {
      const polledBefore = new Date(Date.now() - 3_600_000);
      const doc = await ctx.models.sources.create({
        name: 'Quiet 304 feed',
        kind: 'rss',
        url: `http://127.0.0.1:${(feed.address() as AddressInfo).port}/feed.xml`,
        missions: ['MONUSCO'],
        pollIntervalSec: 600,
        http: { etag: '"e1"', lastFullFetchAt: new Date() },
        health: { lastFetchAt: polledBefore, lastStatus: '304', consecutiveFailures: 0, itemsLastFetch: 0, nextFetchAt: new Date(polledBefore.getTime() + 4_800_000) },
        schedule: { intervalSec: 4_800, recentNew: [0, 0, 0, 0, 0, 0, 0, 0] },
      });
      const id = String(doc._id);
      const stored = await ctx.models.sources.findById(id).lean();
      const summary = await collectFeed(
        {
          models: ctx.models,
          fetchOptions: { allowPrivateAddresses: true, totalTimeoutMs: 5_000 },
          enqueueClassify: async () => undefined,
          now: () => new Date(),
          liveness: { record: (sourceId, times) => recordSourceLiveness(ctx.redis, ctx.queuePrefix, sourceId, times) },
        },
        { sourceId: id },
        { log: ctx.logger, job: { id: 'api-304' } as unknown as Job },
      );
      expect(summary).toMatchObject({ outcome: 'not_modified', sourceWritten: false });
      expect(await ctx.models.sources.findById(id).lean()).toEqual(stored);
      const shown = await call('GET', `/sources/${id}`, keys.viewer);
      const health = shown.body.health as Json;
      expect(new Date(String(health.lastFetchAt)).getTime()).toBeGreaterThan(polledBefore.getTime() + 3_000_000);
      expect(new Date(String(health.nextFetchAt)).getTime() - new Date(String(health.lastFetchAt)).getTime()).toBe(4_800_000);
      expect(health).toMatchObject({ lastStatus: '304', consecutiveFailures: 0, effectiveIntervalSec: 4_800 });
      const listed = (await call('GET', '/sources?limit=500', keys.viewer)).body.data as Json[];
      expect((listed.find((r) => r.id === id)!.health as Json).lastFetchAt).toBe(health.lastFetchAt);
      // A disabled source shows no next fetch, whatever Redis remembers.
      expect((await call('POST', `/sources/${id}/disable`, keys.admin, { reason: 'test' })).status).toBe(200);
      expect(((await call('GET', `/sources/${id}`, keys.viewer)).body.health as Json).nextFetchAt).toBeNull();
      await ctx.models.sources.deleteOne({ _id: id });
    } finally {
      feed.closeAllConnections();
      await new Promise<void>((resolve) => feed.close(() => resolve()));
    }
  });

  it('enforces roles and mission scope on writes', async () => {
    expect((await call('POST', '/sources', keys.viewer, { ...radioOkapi, name: 'v' })).status).toBe(403);
    expect((await call('POST', '/sources', keys.analyst, { ...radioOkapi, name: 'a' })).status).toBe(403);
    expect((await call('PATCH', `/sources/${okapiId}`, keys.analyst, { tags: ['x'] })).status).toBe(403);
    expect((await call('DELETE', `/sources/${okapiId}`, keys.viewer)).status).toBe(403);
    // A MONUSCO admin: cannot create or see UNIFIL sources, cannot widen a source beyond its scope.
    expect((await call('POST', '/sources', keys.monuscoAdmin, { ...naharnet, name: 'Naharnet 2' })).status).toBe(403);
    expect((await call('POST', '/sources', keys.monuscoAdmin, { ...naharnet, name: 'Global', missions: [] })).status).toBe(403);
    expect((await call('PATCH', `/sources/${naharId}`, keys.monuscoAdmin, { tags: ['x'] })).status).toBe(404);
    expect((await call('POST', `/sources/${naharId}/disable`, keys.monuscoAdmin)).status).toBe(404);
    expect((await call('PATCH', `/sources/${okapiId}`, keys.monuscoAdmin, { missions: ['MONUSCO', 'UNIFIL'] })).status).toBe(403);
    expect((await call('PATCH', `/sources/${okapiId}`, keys.monuscoAdmin, { tags: ['radio', 'national'] })).status).toBe(200);
    expect((await call('GET', '/sources', undefined)).status).toBe(401);
  });

  it('patches partially, re-validates the result, and records the diff', async () => {
    const patched = await call('PATCH', `/sources/${okapiId}`, keys.admin, { pollIntervalSec: 1200 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ pollIntervalSec: 1200, tags: ['radio', 'national'], missions: ['MONUSCO'], url: radioOkapi.url });
    expect((await call('PATCH', `/sources/${okapiId}`, keys.admin, {})).status).toBe(400);
    expect((await call('PATCH', `/sources/${okapiId}`, keys.admin, { url: null })).status).toBe(400);
    expect((await call('PATCH', `/sources/${okapiId}`, keys.admin, { health: { consecutiveFailures: 0 } })).status).toBe(400);
    expect((await call('PATCH', `/sources/${okapiId}`, keys.admin, { name: 'Naharnet' })).status).toBe(409);
    expect((await call('PATCH', '/sources/not-an-id', keys.admin, { tags: [] })).status).toBe(400);
    const entry = await ctx.models.audit.findOne({ action: 'source.update', targetId: okapiId }).sort({ at: -1 }).lean();
    expect(entry?.changes).toEqual({ pollIntervalSec: { from: 600, to: 1200 } });
  });

  it('disables with a reason, re-enables clearing the failure streak, and deletes', async () => {
    const disabled = await call('POST', `/sources/${okapiId}/disable`, keys.admin, { reason: 'moved to a new site' });
    expect(disabled.body).toMatchObject({ enabled: false });
    expect(String((disabled.body.health as Json).disabledReason)).toContain('moved to a new site');
    const enabled = await call('POST', `/sources/${okapiId}/enable`, keys.admin);
    expect(enabled.body).toMatchObject({ enabled: true, health: { disabledReason: null, consecutiveFailures: 0 } });
    expect((await call('DELETE', `/sources/${naharId}`, keys.admin)).status).toBe(204);
    expect((await call('GET', `/sources/${naharId}`, keys.admin)).status).toBe(404);
    expect((await call('DELETE', `/sources/${naharId}`, keys.admin)).status).toBe(404);
    const actions = (await ctx.models.audit.find({ targetType: 'source' }).lean()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['source.disable', 'source.enable', 'source.delete']));
  });
});

describe('sources API while Redis is unreachable', () => {
  it('still lists sources (stored poll times, marked as such) and saves and audits changes', async () => {
    const logger = createLogger({ service: 'api-test', version: 'test', level: 'silent' });
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, QUEUE_PREFIX: ctx.queuePrefix, PORT: '0', LOG_LEVEL: 'silent' });
    const deadRedis = createRedisConnection('redis://127.0.0.1:1', 'producer', { retryStrategy: () => null });
    deadRedis.on('error', () => {});
    const server = createServer(createApp({ config, models: ctx.models, redis: deadRedis, logger }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const send = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${keys.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    try {
      const created = await send('POST', '/sources', { name: 'Actualite.cd (outage)', url: 'https://actualite.cd/rss', missions: ['MONUSCO'], languages: ['fr'] });
      expect(created.status).toBe(201);
      const id = String(created.body.id);

      const list = await send('GET', '/sources?mission=MONUSCO');
      expect(list.status).toBe(200);
      const shown = (list.body.data as Json[]).find((s) => s.id === id);
      expect(shown?.health).toMatchObject({ pollTimesCurrent: false });

      const disabled = await send('POST', `/sources/${id}/disable`, { reason: 'outage drill' });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ enabled: false, health: { pollTimesCurrent: false } });
      expect(await ctx.models.audit.exists({ action: 'source.disable', targetId: id })).toBeTruthy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
      deadRedis.disconnect();
    }
  });

  it('marks poll times as current when Redis answers', async () => {
    const list = await call('GET', '/sources', keys.admin);
    expect((list.body.data as Json[]).every((s) => (s.health as Json).pollTimesCurrent === true)).toBe(true);
  });
});

describe('manual intake', () => {
  const rumour = 'Transféré plusieurs fois\nLes casques bleus ont livré des armes aux rebelles à Beni cette nuit, partagez avant que ce soit supprimé !';

  it('stores pasted text once under the manual source and enqueues it for classification', async () => {
    const first = await call('POST', '/items', keys.analyst, { text: rumour, mission: 'MONUSCO' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ duplicate: false, nearDuplicateOf: null, status: 'pending', language: 'fr' });
    const itemId = String(first.body.id);
    const item = await ctx.models.items.findById(itemId).lean();
    expect(item?.text.startsWith('Les casques bleus')).toBe(true);
    expect(item?.declaredMissions).toEqual(['MONUSCO']);
    const source = await ctx.models.sources.findById(item?.sourceId).lean();
    expect(source).toMatchObject({ name: 'Manual intake', kind: 'manual' });
    const jobs = await classifyQueue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
    expect(jobs.filter((j) => j.data.itemId === itemId)).toHaveLength(1);

    // The same text pasted again (differently spaced) is the same item.
    const second = await call('POST', '/items', keys.analyst, { text: rumour.replace(/ /g, '  ') });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: itemId, duplicate: true });
    expect(await ctx.models.items.countDocuments({ sourceId: item?.sourceId })).toBe(1);
    expect((await classifyQueue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized'])).filter((j) => j.data.itemId === itemId)).toHaveLength(1);

    // Under another source name it is a new row (provenance) linked to the first.
    const copy = await call('POST', '/items', keys.analyst, { text: `${rumour} 🙏`, sourceName: 'WhatsApp Beni' });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ duplicate: true, nearDuplicateOf: itemId });
    expect(String(copy.body.id)).not.toBe(itemId);
  });

  it('answers clear 400s for bad input and 403/409 where it must', async () => {
    const big = await call('POST', '/items', keys.analyst, { text: 'é'.repeat(60 * 1024) });
    expect(big.status).toBe(400);
    expect(JSON.stringify(big.body.errors)).toContain('KB');
    for (const body of [{}, { text: '' }, { text: '   ' }, { text: 42 }, { text: 'ok', extra: 1 }, { text: 'ok', mission: 'NOPE' }, { text: 'ok', url: 'ftp://x' }, { text: 'ok', publishedAt: 'yesterday-ish' }, { text: '<script>alert(1)</script>' }]) {
      const res = await call('POST', '/items', keys.analyst, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.type).toContain('application/problem+json');
    }
    expect((await call('POST', '/items', keys.analyst, undefined, '"just a string"')).status).toBe(400);
    expect((await call('POST', '/items', keys.viewer, { text: 'hello' })).status).toBe(403);
    expect((await call('POST', '/items', keys.unifilAnalyst, { text: 'hello there', mission: 'MONUSCO' })).status).toBe(403);
    expect((await call('POST', '/items', keys.analyst, { text: 'hello there', sourceName: 'Radio Okapi' })).status).toBe(409);
  });
});
