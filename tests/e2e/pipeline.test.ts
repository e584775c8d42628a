/**
 * The walking skeleton end to end, with every part real: a loopback feed server → collector (BullMQ on real
 * Redis) → classifier → alerts in the MongoDB-wire database → the API answering with an API key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@vigie/db';
import { createLogger, type RunningService } from '@vigie/runtime';
import { loadConfig as loadCollectorConfig, startCollector, upsertSources, type RunningCollector } from '@vigie/collector';
import { loadConfig as loadClassifierConfig, startClassifier } from '@vigie/classifier';
import { loadConfig as loadApiConfig, startApi, type RunningApi } from '@vigie/api';
import { eventually, openTestContext, type TestContextHandles } from '../support/stack.js';
import { sampleFeed, startFeedServer, type FeedServer } from '../support/feed-server.js';

interface AlertDto {
  id: string;
  mission: string;
  narrative: string;
  severity: string;
  status: string;
  itemCount: number;
  evidence: { itemId: string; url: string | null; title: string }[];
}

let ctx: TestContextHandles;
let feeds: FeedServer;
let collector: RunningCollector;
let api: RunningApi;
const services: RunningService[] = [];
const adminKey = generateKey().key;

async function stopAll() {
  for (const service of services.reverse()) {
    for (const step of service.shutdownSteps) await step.run().catch(() => {});
  }
}

beforeAll(async () => {
  ctx = await openTestContext('e2e');
  feeds = await startFeedServer();
  feeds.set('/kivu.xml', sampleFeed('kivu-echos.xml'));
  feeds.set('/monusco.xml', sampleFeed('monusco-official.xml'));
  const env = {
    REDIS_URL: ctx.redisUrl,
    MONGO_URL: ctx.mongoUrl,
    MONGO_DB: ctx.dbName,
    QUEUE_PREFIX: ctx.queuePrefix,
    LOG_LEVEL: 'silent',
    COLLECTOR_ALLOW_PRIVATE_ADDRESSES: 'true',
    PORT: '0',
    VIGIE_BOOTSTRAP_ADMIN_KEY: adminKey,
  };
  const logger = createLogger({ service: 'e2e', version: 'test', level: 'silent' });
  await upsertSources(ctx.models, [
    { name: 'Échos du Kivu', kind: 'rss', url: `${feeds.baseUrl}/kivu.xml`, missions: ['MONUSCO'], languages: ['fr'], pollIntervalSec: 3600, enabled: true, tags: [] },
    { name: 'MONUSCO', kind: 'rss', url: `${feeds.baseUrl}/monusco.xml`, missions: ['MONUSCO'], languages: ['fr'], pollIntervalSec: 3600, enabled: true, tags: ['official'] },
  ]);
  api = await startApi(loadApiConfig(env), logger);
  services.push(api);
  services.push(await startClassifier(loadClassifierConfig(env), logger));
  collector = await startCollector(loadCollectorConfig(env), logger);
  services.push(collector);
});

afterAll(async () => {
  await stopAll();
  await feeds?.close();
  await ctx?.close();
});

async function getJson<T>(path: string, key = adminKey): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as T };
}

describe('pipeline: feed → collector → classifier → alert → API', () => {
  it('raises mission alerts with their evidence, and none for debunks or benign news', async () => {
    const alerts = await eventually(async () => {
      const { body } = await getJson<{ data: AlertDto[] }>('/api/v1/alerts?mission=MONUSCO&limit=50');
      // An alert is listed from the moment it is opened; its first evidence row follows a moment later.
      const shows = (a: AlertDto | undefined, url: string) =>
        (a as { latestEvidence?: { url: string | null }[] } | undefined)?.latestEvidence?.some((e) => e.url === url);
      const collusion = body.data.find((a) => a.narrative === 'collusion_armed_groups');
      const s1 = body.data.find((a) => a.severity === 'S1');
      const ready = shows(collusion, 'http://kivu-echos.example/2026/11/monusco-m23-armes') && shows(s1, 'http://kivu-echos.example/2026/11/appel-base-butembo');
      return ready ? body.data : undefined;
    }, 'MONUSCO collusion and S1 alerts', 45_000);

    // Lists carry each alert's newest evidence rows; the alert itself carries them all.
    for (const a of alerts as unknown as { latestEvidence: unknown[]; evidence?: unknown }[]) {
      expect(a.evidence).toBeUndefined();
      expect(a.latestEvidence.length).toBeLessThanOrEqual(3);
    }
    const fullAlerts = await Promise.all(alerts.map(async (a) => (await getJson<AlertDto>(`/api/v1/alerts/${a.id}`)).body));
    return checkEvidence(fullAlerts);
  });

  function checkEvidence(alerts: AlertDto[]) {
    const collusion = alerts.find((a) => a.narrative === 'collusion_armed_groups')!;
    expect(collusion).toMatchObject({ mission: 'MONUSCO', status: 'open', severity: expect.stringMatching(/^S[12]$/) });
    expect(collusion.evidence.map((e) => e.url)).toContain('http://kivu-echos.example/2026/11/monusco-m23-armes');

    const s1 = alerts.find((a) => a.severity === 'S1')!;
    expect(s1.evidence.map((e) => e.url)).toContain('http://kivu-echos.example/2026/11/appel-base-butembo');

    const allEvidence = alerts.flatMap((a) => a.evidence.map((e) => e.url));
    expect(allEvidence).not.toContain('https://monusco.unmissions.org/demo/dementi-armes');
    expect(allEvidence).not.toContain('http://kivu-echos.example/2026/11/vaccination-rutshuru');
    expect(allEvidence).not.toContain('http://kivu-echos.example/2026/11/beni-societe-civile');
  }

  it('stores every feed item once, classified, and serves them through /items', async () => {
    const items = await eventually(async () => {
      const { body } = await getJson<{ data: { status: string; url: string; topNarrative: string | null }[] }>('/api/v1/items?limit=100');
      return body.data.length === 7 && body.data.every((i) => i.status === 'classified') ? body.data : undefined;
    }, 'seven classified items');
    expect(new Set(items.map((i) => i.url)).size).toBe(7);

    // Polling the same feeds again must not duplicate anything.
    const before = await ctx.models.items.countDocuments();
    await collector.syncSchedules();
    const queue = (await import('bullmq')).Queue;
    const q = new queue('collect-feed', { connection: ctx.redis, prefix: ctx.queuePrefix });
    const sources = await ctx.models.sources.find().lean();
    for (const s of sources) await q.add('collect-feed', { sourceId: String(s._id) });
    await eventually(async () => ((feeds.hits.get('/kivu.xml') ?? 0) >= 2 ? true : undefined), 'second poll');
    await eventually(async () => ((await q.getActiveCount()) + (await q.getWaitingCount()) === 0 ? true : undefined), 'queue drained');
    await q.close();
    expect(await ctx.models.items.countDocuments()).toBe(before);
  });

  it('answers 401 without a key and reports readiness', async () => {
    const res = await fetch(`${api.url}/api/v1/alerts`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const ready = await fetch(`${api.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });
});
