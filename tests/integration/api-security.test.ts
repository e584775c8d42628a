/**
 * Authentication, roles, mission scoping and hostile input against the real API on real Redis and FerretDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { createApiKey, dedupKeyFor, generateKey, recordEvidence } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { loadConfig, startApi, type RunningApi } from '@vigie/api';
import { openTestContext, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
let api: RunningApi;
const keys: Record<string, string> = {};
const bootstrap = generateKey().key;

beforeAll(async () => {
  ctx = await openTestContext('apisec');
  api = await startApi(
    loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', VIGIE_BOOTSTRAP_ADMIN_KEY: bootstrap, BODY_LIMIT: '10kb', CORS_ORIGINS: 'https://comms.monusco.example' }),
    createLogger({ service: 'api-test', version: 'test', level: 'silent' }),
  );
  keys.admin = bootstrap;
  keys.viewer = (await createApiKey(ctx.models, { name: 'viewer', role: 'viewer' })).key;
  keys.analyst = (await createApiKey(ctx.models, { name: 'analyst', role: 'analyst' })).key;
  keys.monuscoViewer = (await createApiKey(ctx.models, { name: 'goma', role: 'viewer', missions: ['MONUSCO'] })).key;
  keys.unifilAdmin = (await createApiKey(ctx.models, { name: 'naqoura admin', role: 'admin', missions: ['UNIFIL'] })).key;
  const revoked = await createApiKey(ctx.models, { name: 'old', role: 'admin' });
  await ctx.models.apiKeys.updateOne({ _id: revoked.id }, { $set: { revokedAt: new Date() } });
  keys.revoked = revoked.key;
  for (const [mission, narrative] of [
    ['MONUSCO', 'collusion_armed_groups'],
    ['UNIFIL', 'espionage'],
  ] as const) {
    await recordEvidence(ctx.models, {
      dedupKey: dedupKeyFor(mission, narrative),
      mission,
      narrative,
      severity: 'S2',
      item: { id: new Types.ObjectId().toHexString(), sourceId: new Types.ObjectId().toHexString(), title: `${mission} item`, url: null, language: 'fr', score: 0.9, stance: 'endorse' },
      seenAt: new Date(),
    });
  }
});

afterAll(async () => {
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

async function call(path: string, key?: string, init: RequestInit = {}) {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${api.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('authentication', () => {
  it('distinguishes missing, malformed, wrong and revoked keys (401) from insufficient roles (403)', async () => {
    expect((await call('/api/v1/alerts')).status).toBe(401);
    expect((await call('/api/v1/alerts', 'not-a-key')).status).toBe(401);
    expect((await call('/api/v1/alerts', generateKey().key)).status).toBe(401);
    expect((await call('/api/v1/alerts', keys.revoked)).status).toBe(401);
    const forbidden = await call('/api/v1/keys', keys.analyst);
    expect(forbidden.status).toBe(403);
    expect(forbidden.type).toContain('application/problem+json');
    expect(String(forbidden.body.detail)).toContain('admin role');
  });

  it('accepts X-API-Key as well as Bearer', async () => {
    expect((await call('/api/v1/alerts', undefined, { headers: { 'x-api-key': keys.viewer! } })).status).toBe(200);
  });
});

describe('mission scoping', () => {
  it('never shows a scoped key the other missions, whatever it asks for', async () => {
    const all = await call('/api/v1/alerts', keys.viewer);
    expect((all.body.data as { mission: string }[]).map((a) => a.mission).sort()).toEqual(['MONUSCO', 'UNIFIL']);
    const scoped = await call('/api/v1/alerts', keys.monuscoViewer);
    expect((scoped.body.data as { mission: string }[]).map((a) => a.mission)).toEqual(['MONUSCO']);
    const sneaky = await call('/api/v1/alerts?mission=UNIFIL', keys.monuscoViewer);
    expect(sneaky.body.data).toEqual([]);
    const unifilAlert = (all.body.data as { id: string; mission: string }[]).find((a) => a.mission === 'UNIFIL')!;
    expect((await call(`/api/v1/alerts/${unifilAlert.id}`, keys.monuscoViewer)).status).toBe(404);
    expect((await call(`/api/v1/alerts/${unifilAlert.id}`, keys.viewer)).status).toBe(200);
  });

  it('stops a mission-scoped admin from minting wider keys', async () => {
    const wide = await call('/api/v1/keys', keys.unifilAdmin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'everything', role: 'viewer' }),
    });
    expect(wide.status).toBe(403);
    const ok = await call('/api/v1/keys', keys.unifilAdmin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tyre office', role: 'viewer', missions: ['UNIFIL'] }),
    });
    expect(ok.status).toBe(201);
    expect(String(ok.body.key)).toMatch(/^vk_[a-f0-9]{12}_/);
    const listed = await call('/api/v1/keys', keys.admin);
    expect(JSON.stringify(listed.body)).not.toContain(String(ok.body.key));
    const audit = await call('/api/v1/audit?action=key.create', keys.admin);
    expect((audit.body.data as { actor: { name: string } }[])[0]?.actor.name).toBe('naqoura admin');
  });
});

describe('hostile input', () => {
  it('rejects operator injection and unknown query fields with field-level problems', async () => {
    const injection = await call('/api/v1/alerts?mission[$ne]=X', keys.viewer);
    expect(injection.status).toBe(400);
    expect(injection.type).toContain('application/problem+json');
    const badEnum = await call('/api/v1/alerts?mission=NOPE&limit=5000', keys.viewer);
    expect(badEnum.status).toBe(400);
    const paths = (badEnum.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['limit', 'mission.0']);
    expect((await call('/api/v1/alerts?cursor=garbage', keys.viewer)).status).toBe(400);
    expect((await call('/api/v1/alerts/not-an-id', keys.viewer)).status).toBe(400);
  });

  it('rejects malformed and oversized JSON bodies without stack traces', async () => {
    const malformed = await call('/api/v1/keys', keys.admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    const huge = await call('/api/v1/keys', keys.admin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(20_000), role: 'viewer' }),
    });
    expect(huge.status).toBe(413);
    const operator = await call('/api/v1/keys', keys.admin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: { $gt: '' }, role: 'admin' }),
    });
    expect(operator.status).toBe(400);
  });

  it('answers unknown routes with a problem that says where the API lives', async () => {
    const res = await call('/api/v2/alerts', keys.viewer);
    expect(res.status).toBe(404);
    expect(String(res.body.detail)).toContain('/api/v1');
  });
});

describe('API description', () => {
  it('serves the OpenAPI document and Swagger UI without anything from outside the server', async () => {
    const doc = await call('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const res = await fetch(`${api.url}/docs/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a key spends its per-minute budget, per key', async () => {
    const limited = await startApi(
      loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '3', QUEUE_PREFIX: `${ctx.queuePrefix}-rl` }),
      createLogger({ service: 'api-test', version: 'test', level: 'silent' }),
    );
    try {
      const hit = (key: string) => fetch(`${limited.url}/api/v1/alerts`, { headers: { authorization: `Bearer ${key}` } });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await hit(keys.viewer!)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await hit(keys.viewer!);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect((await hit(keys.analyst!)).status).toBe(200);
    } finally {
      for (const step of limited.shutdownSteps) await step.run();
    }
  });
});

describe('verified key cache', () => {
  it('stops trusting a revoked key at once, in every API process, even with a long cache lifetime', async () => {
    // Two API processes sharing Redis, each caching verified keys for 5 minutes: only the revocation
    // announcement can make the second one refuse the key in time.
    const env = { REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', QUEUE_PREFIX: `${ctx.queuePrefix}-keys`, API_KEY_CACHE_SECONDS: '300' };
    const logger = createLogger({ service: 'api-test', version: 'test', level: 'silent' });
    const first = await startApi(loadConfig({ ...env, VIGIE_BOOTSTRAP_ADMIN_KEY: bootstrap }), logger);
    const second = await startApi(loadConfig(env), logger);
    try {
      const leaked = await createApiKey(ctx.models, { name: 'leaked laptop', role: 'analyst' });
      const hit = (url: string, key: string) => fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
      // Used once on each process, so both hold it in their caches.
      expect([await hit(first.url, leaked.key), await hit(second.url, leaked.key)]).toEqual([200, 200]);

      const revoke = await fetch(`${first.url}/api/v1/keys/${leaked.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${bootstrap}` } });
      expect(revoke.status).toBe(204);
      expect(await hit(first.url, leaked.key)).toBe(401);
      // The other process hears of it through Redis pub/sub: allow for delivery, far below the 300 s lifetime.
      await expect.poll(() => hit(second.url, leaked.key), { timeout: 5_000, interval: 100 }).toBe(401);
      // Other keys keep working (after a fresh database check).
      expect(await hit(second.url, keys.viewer!)).toBe(200);
    } finally {
      for (const step of [...first.shutdownSteps, ...second.shutdownSteps]) await step.run();
    }
  });

  it('lets a key revoked directly in the database work no longer than the cache lifetime', async () => {
    const short = await startApi(
      loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', QUEUE_PREFIX: `${ctx.queuePrefix}-keys2`, API_KEY_CACHE_SECONDS: '1' }),
      createLogger({ service: 'api-test', version: 'test', level: 'silent' }),
    );
    try {
      const key = await createApiKey(ctx.models, { name: 'revoked by hand', role: 'viewer' });
      const hit = () => fetch(`${short.url}/api/v1/me`, { headers: { authorization: `Bearer ${key.key}` } }).then((r) => r.status);
      expect(await hit()).toBe(200);
      await ctx.models.apiKeys.updateOne({ _id: key.id }, { $set: { revokedAt: new Date() } });
      await expect.poll(hit, { timeout: 5_000, interval: 200 }).toBe(401);
    } finally {
      for (const step of short.shutdownSteps) await step.run();
    }
  });
});

describe('identity and CORS', () => {
  it('tells a key who it is', async () => {
    const me = await call('/api/v1/me', keys.monuscoViewer);
    expect(me.body).toMatchObject({ name: 'goma', role: 'viewer', missions: ['MONUSCO'] });
  });

  it('sends CORS headers to allow-listed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/api/v1/alerts`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    const allowed = await preflight('https://comms.monusco.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://comms.monusco.example');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('narrative catalogue', () => {
  it('lists every narrative with its tier and FR/EN counter-messaging, and refuses unknown keys', async () => {
    const all = await call('/api/v1/narratives', keys.viewer);
    const data = all.body.data as { key: string; tier: string; counterMessaging: { fr: string[]; en: string[] } }[];
    expect(data).toHaveLength(15);
    const collusion = data.find((n) => n.key === 'collusion_armed_groups')!;
    expect(collusion.tier).toBe('S2');
    expect(collusion.counterMessaging.fr.length).toBeGreaterThan(0);
    expect(collusion.counterMessaging.en.length).toBeGreaterThan(0);
    expect((await call('/api/v1/narratives/failure_to_protect', keys.viewer)).body).toMatchObject({ key: 'failure_to_protect', tier: 'S4' });
    expect((await call('/api/v1/narratives/not_a_key', keys.viewer)).status).toBe(400);
    expect((await call('/api/v1/narratives')).status).toBe(401);
  });
});

