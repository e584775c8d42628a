/**
 * The early-warning scan on real FerretDB: series built from precomputed item buckets, a burst detected with
 * its explanation, idempotent re-runs, and prebunk tasks opened ahead of a high-risk moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classification } from '@vigie/contracts';
import { createApiKey, generateKey, saveClassification, upsertItem } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { loadConfig, startApi, type RunningApi } from '@vigie/api';
import { scanEarlyWarnings } from '../../services/classifier/src/early-warning.js';
import { openTestContext, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
const now = new Date('2026-11-26T12:10:00Z');
const HOUR = 3_600_000;

function classification(narrative: 'expulsion_demand' | 'failure_to_protect'): Classification {
  return {
    language: 'fr',
    missions: ['MONUSCO'],
    narratives: [{ key: narrative, score: 0.8 }],
    topNarrative: narrative,
    stance: 'endorse',
    harmful: narrative === 'expulsion_demand',
    severity: narrative === 'expulsion_demand' ? 'S3' : 'S4',
    classifierVersion: 'seed',
    explanation: { matchedTerms: [{ term: 'monusco dégage', narrative, language: 'fr', weight: 1 }], missionEvidence: [], notes: [] },
  };
}

async function seed(sourceName: string, at: Date, n: number, narrative: 'expulsion_demand' | 'failure_to_protect') {
  const source = await ctx.models.sources.findOneAndUpdate({ name: sourceName }, { $setOnInsert: { name: sourceName, kind: 'rss' } }, { upsert: true, returnDocument: 'after' }).lean();
  for (let i = 0; i < n; i++) {
    const guid = `${sourceName}-${at.getTime()}-${i}`;
    const { itemId } = await upsertItem(
      ctx.models,
      String(source!._id),
      { guid, url: null, canonicalUrl: null, title: guid, text: 'MONUSCO dégage', author: null, publishedAt: new Date(at.getTime() + i * 1000), language: 'fr', languageConfidence: 1, media: [], contentHash: guid, simhash: null, warnings: [] },
      at,
    );
    await saveClassification(ctx.models, itemId, classification(narrative), at);
  }
}

const deps = () => ({ models: ctx.models, now: () => now, counterMessages: () => ({ en: ['The mission protects civilians.'], fr: ['La mission protège les civils.'] }) });
const silent = { info: () => {}, warn: () => {} } as never;

beforeAll(async () => {
  ctx = await openTestContext('earlywarn');
  // Two weeks of a quiet background (one item every 6 hours) for both narratives…
  for (let h = 14 * 24; h >= 2; h -= 6) {
    await seed('Radio Kivu', new Date(now.getTime() - h * HOUR), 1, 'expulsion_demand');
  }
  // …then a burst of "MONUSCO dégage" in the last hour, from three sources.
  await seed('Radio Kivu', new Date(now.getTime() - 50 * 60_000), 8, 'expulsion_demand');
  await seed('Page Facebook A', new Date(now.getTime() - 30 * 60_000), 7, 'expulsion_demand');
  await seed('Groupe WhatsApp B', new Date(now.getTime() - 25 * 60_000), 5, 'expulsion_demand');
  // Items of the current, unfinished quarter-hour are not judged yet.
  await seed('Groupe WhatsApp B', new Date(now.getTime() - 5 * 60_000), 1, 'expulsion_demand');
  // A quiet narrative going from 0 to 2 must not page anyone.
  await seed('Radio Kivu', new Date(now.getTime() - 20 * 60_000), 2, 'failure_to_protect');
  await ctx.models.moments.create({ mission: 'MONUSCO', title: 'Vote on the mandate renewal', kind: 'mandate_renewal', date: new Date('2026-12-01T00:00:00Z'), prebunkLeadDays: 7, windowBeforeDays: 6 });
});

let api: RunningApi | undefined;
afterAll(async () => {
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

describe('early-warning scan', () => {
  it('detects the burst, explains it, ignores the quiet narrative, and opens the prebunk task', async () => {
    const summary = await scanEarlyWarnings(deps(), silent);
    expect(summary.newSignals).toBeGreaterThanOrEqual(1);
    const signals = await ctx.models.earlyWarnings.find({}).lean();
    expect(signals.every((s) => s.narrative === 'expulsion_demand')).toBe(true);
    const spike = signals.find((s) => s.kind === 'spike');
    expect(spike).toBeDefined();
    expect(spike!.observed).toBeGreaterThanOrEqual(15);
    expect(spike!.reasons.join(' ')).toMatch(/\d/);
    expect((spike!.topSources as { key: string }[]).map((s) => s.key)).toEqual(expect.arrayContaining(['Radio Kivu', 'Page Facebook A', 'Groupe WhatsApp B']));
    expect((spike!.topTerms as { key: string }[])[0]?.key).toBe('monusco dégage');
    // Inside the mandate vote's window the thresholds are lowered.
    expect(spike!.thresholdFactor).toBeLessThan(1);

    const tasks = await ctx.models.tasks.find({}).lean();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ type: 'prebunk', mission: 'MONUSCO', status: 'open' });
    expect(tasks[0]!.narratives).toContain('expulsion_demand');
    expect(JSON.stringify(tasks[0]!.counterMessages)).toContain('La mission protège les civils.');
  });

  it('writes nothing new when run again on the same data', async () => {
    const before = await ctx.models.earlyWarnings.countDocuments();
    const summary = await scanEarlyWarnings(deps(), silent);
    expect(summary).toMatchObject({ newSignals: 0, tasksOpened: 0 });
    expect(await ctx.models.earlyWarnings.countDocuments()).toBe(before);
  });

  it('serves signals, the timeseries, moments and tasks through the API, scoped by mission', async () => {
    const admin = generateKey().key;
    api = await startApi(
      loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', VIGIE_BOOTSTRAP_ADMIN_KEY: admin }),
      createLogger({ service: 'ew-api', version: 'test', level: 'silent' }),
    );
    const unifil = (await createApiKey(ctx.models, { name: 'naqoura', role: 'admin', missions: ['UNIFIL'] })).key;
    const get = async (path: string, key = admin) => {
      const res = await fetch(`${api!.url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, body: (await res.json()) as { data: Record<string, unknown>[] } & Record<string, unknown> };
    };
    const signals = await get('/early-warnings?mission=MONUSCO');
    expect(signals.body.data[0]).toMatchObject({ mission: 'MONUSCO', narrative: 'expulsion_demand', kind: 'spike' });
    expect((await get('/early-warnings', unifil)).body.data).toEqual([]);
    const series = await get(`/stats/timeseries?mission=MONUSCO&narrative=expulsion_demand&bucket=hour&from=${new Date(now.getTime() - 2 * HOUR).toISOString()}&to=${now.toISOString()}`);
    expect(series.body.data.reduce((n, r) => n + Number(r.count), 0)).toBe(21);
    expect((await get('/stats/timeseries?mission=MONUSCO', unifil)).status).toBe(403);
    expect((await get('/stats/timeseries?mission=MONUSCO&from=2020-01-01')).status).toBe(400);
    const tasks = await get('/tasks?mission=MONUSCO');
    expect(tasks.body.data[0]).toMatchObject({ type: 'prebunk', status: 'open' });
    const post = (body: unknown, key = admin) =>
      fetch(`${api!.url}/api/v1/moments`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ mission: 'MONUSCO', title: 'x', kind: 'election', date: '2026-12-20' }, unifil)).status).toBe(403);
    expect((await post({ mission: 'MONUSCO', title: 'x', kind: 'party', date: 'soon' })).status).toBe(400);
    const created = await post({ mission: 'UNIFIL', title: 'Anniversary of the 2022 Aqibiya attack', kind: 'anniversary', date: '2026-12-14' }, unifil);
    expect(created.status).toBe(201);
    expect((await get('/moments', unifil)).body.data.map((m) => m.title)).toEqual(['Anniversary of the 2022 Aqibiya attack']);
  });
});

