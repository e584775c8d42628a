/**
 * GET /alerts from the in-memory read model (ALERT_READ_MODEL) against the same request answered by the database,
 * on real Redis and FerretDB: identical pages and cursors, mission scoping, freshness through alert events and
 * through this API's own writes, rebuilds, and hostile event messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { alertEventsChannel, MISSION_CODES, SEVERITIES, SEVERITY_RANK } from '@vigie/contracts';
import { createApiKey, generateKey } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { loadConfig, startApi, type RunningApi } from '@vigie/api';
import { eventually, openTestContext, serviceEnv, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
let fromMemory: RunningApi;
let fromDb: RunningApi;
let scopedViewer: string;
const admin = generateKey().key;
const logger = createLogger({ service: 'read-model-test', version: 'test', level: 'silent' });
const base = Date.UTC(2026, 10, 26, 8);

function makeAlert(i: number, overrides: Record<string, unknown> = {}) {
  const mission = MISSION_CODES[i % 3]!;
  const severity = SEVERITIES[i % 4]!;
  const narrative = i % 2 ? 'collusion_armed_groups' : 'resource_exploitation';
  const dedupKey = `${mission}:${narrative}:rm-${i}`;
  // Every third alert shares its lastSeenAt with the previous one: the _id tie-break is exercised.
  const seen = new Date(base - Math.floor(i / 2) * 60_000);
  const status = ['open', 'acknowledged', 'resolved', 'open'][i % 4]!;
  return {
    _id: new Types.ObjectId(),
    dedupKey,
    openKey: status === 'resolved' ? `${dedupKey}#closed` : dedupKey,
    mission,
    narrative,
    status,
    severity,
    severityRank: SEVERITY_RANK[severity],
    itemCount: 1 + (i % 5),
    sourceIds: [],
    sourceCount: 1,
    languages: ['fr'],
    firstSeenAt: seen,
    lastSeenAt: seen,
    openedAt: seen,
    evidence: [],
    history: [],
    ...overrides,
  };
}

async function list(api: RunningApi, query: string, key = admin) {
  const res = await fetch(`${api.url}/api/v1/alerts?${query}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { data: { id: string; status: string; lastSeenAt: string }[]; nextCursor: string | null };
}

/** Every page of a query, following cursors. */
async function walk(api: RunningApi, query: string, key = admin) {
  const pages = [];
  let cursor: string | null = null;
  do {
    const page = await list(api, `${query}${cursor ? `&cursor=${cursor}` : ''}`, key);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

beforeAll(async () => {
  ctx = await openTestContext('readmodel');
  await ctx.models.alerts.collection.insertMany(Array.from({ length: 90 }, (_, i) => makeAlert(i)));
  const env = { ...serviceEnv(ctx), PORT: '0', VIGIE_BOOTSTRAP_ADMIN_KEY: admin };
  fromMemory = await startApi(loadConfig({ ...env, ALERT_READ_MODEL: 'true', ALERT_READ_MODEL_REBUILD_MINUTES: '0' }), logger);
  fromDb = await startApi(loadConfig(env), logger);
  scopedViewer = (await createApiKey(ctx.models, { name: 'goma', role: 'viewer', missions: ['MONUSCO'] })).key;
  await eventually(async () => (fromMemory.alertReadModel?.ready ? true : undefined), 'the read model to load');
});

afterAll(async () => {
  for (const api of [fromMemory, fromDb]) for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

describe('alert list read model', () => {
  it('is off by default and on only when asked', () => {
    expect(fromDb.alertReadModel).toBeNull();
    expect(fromMemory.alertReadModel?.stats().size).toBe(90);
  });

  it('answers exactly like the database, page by page and cursor by cursor', async () => {
    const hitsBefore = fromMemory.alertReadModel!.stats().hits;
    const queries = [
      'sort=triage&status=open&limit=7',
      'sort=recent&limit=11',
      'mission=MONUSCO,UNMISS&narrative=collusion_armed_groups&limit=5',
      'severity=S1,S2&status=open,acknowledged&sort=triage&limit=4',
      `from=${new Date(base - 30 * 60_000).toISOString()}&to=${new Date(base - 10 * 60_000).toISOString()}&limit=6`,
    ];
    for (const q of queries) {
      const memory = await walk(fromMemory, q);
      expect(memory.flatMap((p) => p.data).length).toBeGreaterThan(0);
      expect(memory).toEqual(await walk(fromDb, q));
    }
    // Scoped keys see their missions only, from memory as from the database.
    const scoped = await walk(fromMemory, 'sort=triage&limit=9', scopedViewer);
    expect(scoped).toEqual(await walk(fromDb, 'sort=triage&limit=9', scopedViewer));
    expect(new Set(scoped.flatMap((p) => p.data.map((a) => (a as unknown as { mission: string }).mission)))).toEqual(new Set(['MONUSCO']));
    expect(fromMemory.alertReadModel!.stats().hits).toBeGreaterThan(hitsBefore);
  });

  it('shows a change once its alert event is published, and ignores malformed events', async () => {
    const fresh = makeAlert(1_000, { lastSeenAt: new Date(base + 3_600_000), status: 'open', severity: 'S1', severityRank: 0 });
    await ctx.models.alerts.collection.insertOne(fresh);
    expect((await list(fromMemory, 'sort=recent&limit=1')).data[0]!.id).not.toBe(String(fresh._id));

    const channel = alertEventsChannel(ctx.queuePrefix);
    for (const hostile of ['not json', '{"alertId":"$where"}', '{"alertId":{"$gt":""}}', 'null', '{}']) await ctx.redis.publish(channel, hostile);
    await ctx.redis.publish(channel, JSON.stringify({ id: 'x', alertId: String(fresh._id), type: 'created' }));
    await eventually(async () => ((await list(fromMemory, 'sort=recent&limit=1')).data[0]?.id === String(fresh._id) ? true : undefined), 'the new alert to be listed');
    expect((await list(fromMemory, 'sort=triage&status=open&limit=1')).data[0]!.id).toBe(String(fresh._id));
    expect(await walk(fromMemory, 'sort=triage&status=open&limit=13')).toEqual(await walk(fromDb, 'sort=triage&status=open&limit=13'));
  });

  it('reflects a lifecycle action made through the same API at once', async () => {
    const top = (await list(fromMemory, 'sort=triage&status=open&limit=1')).data[0]!;
    const res = await fetch(`${fromMemory.url}/api/v1/alerts/${top.id}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    await eventually(async () => ((await list(fromMemory, 'sort=triage&status=open&limit=1')).data[0]?.id !== top.id ? true : undefined), 'the acknowledged alert to leave the open queue', 5_000);
    expect(await walk(fromMemory, 'sort=triage&status=open,acknowledged&limit=17')).toEqual(await walk(fromDb, 'sort=triage&status=open,acknowledged&limit=17'));
  });

  it('a rebuild picks up changes that raised no event (and deletions)', async () => {
    const victim = (await list(fromMemory, 'sort=recent&limit=1')).data[0]!;
    await ctx.models.alerts.deleteOne({ _id: new Types.ObjectId(victim.id) });
    // openKey is unique: each closed alert gets its own value, as the lifecycle does.
    for (const a of await ctx.models.alerts.find({ mission: 'UNMISS' }).lean()) {
      await ctx.models.alerts.collection.updateOne({ _id: a._id }, { $set: { status: 'dismissed', openKey: `${a.dedupKey}#${String(a._id)}` } });
    }
    await fromMemory.alertReadModel!.rebuild();
    expect(await walk(fromMemory, 'sort=triage&limit=20')).toEqual(await walk(fromDb, 'sort=triage&limit=20'));
    expect(fromMemory.alertReadModel!.stats().rebuilds).toBeGreaterThanOrEqual(2);
  });
});
