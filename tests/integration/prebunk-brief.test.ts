/**
 * Prebunk briefs and moment editing through the API on real Redis and FerretDB: a high-risk moment (created and
 * edited through the API) with its prebunk task; seeded items, past alerts and responses for the narratives
 * expected to surge. Figures are hand-computed in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { timeBuckets, type MissionCode, type NarrativeKey } from '@vigie/contracts';
import { createApiKey, generateKey } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { loadConfig, startApi, type RunningApi } from '@vigie/api';
import { openTestContext, type TestContextHandles } from '../support/stack.js';
import { callApi, loadCatalogue } from '../support/api-client.js';

let ctx: TestContextHandles;
let api: RunningApi;
const admin = generateKey().key;
let analyst: string;
let unifilViewer: string;
let unifilAdmin: string;
const logger = createLogger({ service: 'prebunk-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const catalogue = loadCatalogue();

const DAY = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const sources: Record<string, Types.ObjectId> = {};
let seq = 0;
let momentId: string;
let taskId: string;

async function item(o: { source: string; at: Date; mission?: MissionCode; narrative: NarrativeKey; stance?: string }) {
  const mission = o.mission ?? 'MONUSCO';
  await ctx.models.items.create({
    sourceId: sources[o.source],
    guid: `g${++seq}`,
    title: `item ${seq}`,
    publishedAt: o.at,
    collectedAt: o.at,
    language: 'fr',
    contentHash: `h${seq}`,
    status: 'classified',
    ...timeBuckets(o.at),
    missions: [mission],
    topNarrative: o.narrative,
    harmful: true,
    classification: { stance: o.stance ?? 'endorse', missions: [mission], topNarrative: o.narrative },
  });
}

const call = (key: string, method: string, path: string, body?: unknown) => callApi(api.url, key, method, path, body);

interface BriefJson {
  daysToMoment: number;
  moment: { title: string; windowStart: string; windowEnd: string };
  narratives: { key: string; total: number; last7d: number; previous7d: number; daily: { count: number }[]; topSources: { name: string; count: number }[]; pastAlerts: { outcome: string | null; responses: { text: string }[] }[]; counterMessaging: { fr: string[]; en: string[] } }[];
}

beforeAll(async () => {
  ctx = await openTestContext('prebunk');
  api = await startApi(loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', VIGIE_BOOTSTRAP_ADMIN_KEY: admin }), logger);
  analyst = (await createApiKey(ctx.models, { name: 'Amina (analyst)', role: 'analyst' })).key;
  unifilViewer = (await createApiKey(ctx.models, { name: 'Naqoura viewer', role: 'viewer', missions: ['UNIFIL'] })).key;
  unifilAdmin = (await createApiKey(ctx.models, { name: 'Naqoura admin', role: 'admin', missions: ['UNIFIL'] })).key;
  for (const name of ['Radio Kivu', 'Blog Est', 'Tyre FM']) {
    sources[name] = (await ctx.models.sources.create({ name, kind: 'rss', url: `https://example.org/${encodeURIComponent(name)}` }))._id;
  }
  const now = Date.now();
  // MONUSCO × expulsion_demand: 3 items 2 days ago (last 7 days), 2 items 10 days ago (the 7 days before),
  // 1 item 40 days ago (outside the 28 days shown), a debunk yesterday (never counted), and one UNIFIL item.
  for (let i = 0; i < 3; i++) await item({ source: 'Radio Kivu', at: new Date(now - 2 * DAY), narrative: 'expulsion_demand' });
  for (let i = 0; i < 2; i++) await item({ source: 'Blog Est', at: new Date(now - 10 * DAY), narrative: 'expulsion_demand' });
  await item({ source: 'Radio Kivu', at: new Date(now - 40 * DAY), narrative: 'expulsion_demand' });
  await item({ source: 'Radio Kivu', at: new Date(now - DAY), narrative: 'expulsion_demand', stance: 'counter' });
  await item({ source: 'Tyre FM', at: new Date(now - DAY), mission: 'UNIFIL', narrative: 'expulsion_demand' });

  // Last year's mandate vote: a resolved alert and what was done.
  const past = new Types.ObjectId();
  await ctx.models.alerts.create({ _id: past, dedupKey: 'MONUSCO:expulsion_demand', openKey: `MONUSCO:expulsion_demand#${String(past)}`, mission: 'MONUSCO', narrative: 'expulsion_demand', severity: 'S3', severityRank: 2, status: 'resolved', firstSeenAt: new Date('2025-12-10T08:00:00Z'), lastSeenAt: new Date('2025-12-12T08:00:00Z'), openedAt: new Date('2025-12-10T08:00:00Z'), resolvedAt: new Date('2025-12-14T08:00:00Z'), outcome: 'rebutted', itemCount: 41 });
  await ctx.models.responses.create({ alertId: past, mission: 'MONUSCO', narrative: 'expulsion_demand', channel: 'radio', text: 'Émission spéciale sur le mandat', status: 'published', publishedAt: new Date('2025-12-11T18:00:00Z'), author: 'x', approvedBy: 'y' });
  const unifilPast = new Types.ObjectId();
  await ctx.models.alerts.create({ _id: unifilPast, dedupKey: 'UNIFIL:expulsion_demand', openKey: `UNIFIL:expulsion_demand#${String(unifilPast)}`, mission: 'UNIFIL', narrative: 'expulsion_demand', severity: 'S3', severityRank: 2, status: 'resolved', firstSeenAt: new Date('2025-08-01T00:00:00Z'), lastSeenAt: new Date('2025-08-01T00:00:00Z'), openedAt: new Date('2025-08-01T00:00:00Z'), outcome: 'no_action', itemCount: 2 });

  const created = await call(admin, 'POST', '/moments', { mission: 'MONUSCO', title: 'Vote du mandat <CSNU>', kind: 'mandate_renewal', date: new Date(TODAY + 5 * DAY).toISOString(), narratives: ['expulsion_demand'] });
  expect(created.status).toBe(201);
  momentId = created.json().id as string;
  // The early-warning scan opens this task prebunkLeadDays before the moment; created directly here.
  const task = await ctx.models.tasks.create({
    key: `prebunk:${momentId}`,
    type: 'prebunk',
    mission: 'MONUSCO',
    title: 'Prebunk: Vote du mandat <CSNU>',
    momentId: new Types.ObjectId(momentId),
    momentDate: new Date(TODAY + 5 * DAY),
    dueAt: new Date(TODAY - 2 * DAY),
    narratives: ['expulsion_demand'],
    counterMessages: [{ narrative: 'expulsion_demand', ...catalogue.narratives.expulsion_demand!.counterMessaging }],
    openedAt: new Date(TODAY - 2 * DAY),
  });
  taskId = String(task._id);
}, 120_000);

afterAll(async () => {
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

describe('prebunk brief', () => {
  it('JSON: the moment, its window and per narrative the hand-computed volume, sources and past alerts', async () => {
    const res = await call(analyst, 'GET', `/tasks/${taskId}/brief?format=json&lang=en`);
    expect(res.status).toBe(200);
    const brief = res.json() as unknown as BriefJson;
    expect(brief.daysToMoment).toBe(5);
    // Default window: 3 days before the day, 2 days after it (to the end of the third day).
    expect(brief.moment).toMatchObject({ title: 'Vote du mandat <CSNU>', windowStart: new Date(TODAY + 2 * DAY).toISOString(), windowEnd: new Date(TODAY + 8 * DAY).toISOString() });
    expect(brief.narratives).toHaveLength(1);
    const n = brief.narratives[0]!;
    expect(n).toMatchObject({ key: 'expulsion_demand', total: 5, last7d: 3, previous7d: 2 });
    expect(n.daily).toHaveLength(28);
    expect(n.daily.reduce((s, p) => s + p.count, 0)).toBe(5);
    expect(n.topSources).toEqual([
      { name: 'Radio Kivu', count: 3 },
      { name: 'Blog Est', count: 2 },
    ]);
    expect(n.pastAlerts).toHaveLength(1); // the UNIFIL one is another mission
    expect(n.pastAlerts[0]).toMatchObject({ outcome: 'rebutted', responses: [{ text: 'Émission spéciale sur le mandat' }] });
    expect(n.counterMessaging).toEqual(catalogue.narratives.expulsion_demand!.counterMessaging);
  });

  it('Markdown and print HTML, in French and English, escaped and self-contained', async () => {
    const md = await call(analyst, 'GET', `/tasks/${taskId}/brief?format=md&lang=fr`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toContain('text/markdown');
    expect(md.headers.get('content-disposition')).toBe(`attachment; filename="prebunk-MONUSCO-${taskId}-fr.md"`);
    expect(md.text).toContain('# Note de prébunking: MONUSCO — Vote du mandat \\<CSNU\\>');
    expect(md.text).toContain('- 5 contenus (28 jours affichés); 7 derniers jours: 3 (7 jours précédents: 2)');
    expect(md.text).toContain('- Radio Kivu: 3');
    for (const line of catalogue.narratives.expulsion_demand!.counterMessaging.fr) expect(md.text).toContain(`> ${line.replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1')}`);
    const html = await call(analyst, 'GET', `/tasks/${taskId}/brief?format=html&lang=en&download=0`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.headers.get('content-disposition')).toBe(`inline; filename="prebunk-MONUSCO-${taskId}-en.html"`);
    expect(html.text).toContain('Vote du mandat &lt;CSNU&gt;');
    expect(html.text).toContain('Days until the moment: 5');
    expect(html.text).toContain('@media print');
    expect(html.text).toContain('<svg');
    expect(html.text).not.toMatch(/<script/i);
  });

  it('is scoped and validated: another mission’s key gets 404, bad queries 400 problem+json', async () => {
    expect((await call(unifilViewer, 'GET', `/tasks/${taskId}/brief`)).status).toBe(404);
    expect((await call(analyst, 'GET', `/tasks/${new Types.ObjectId().toHexString()}/brief`)).status).toBe(404);
    expect((await call(analyst, 'GET', '/tasks/not-an-id/brief')).status).toBe(400);
    for (const q of ['format=pdf', 'lang=de', 'evil=1', `lang=${'x'.repeat(5000)}`]) {
      const res = await call(analyst, 'GET', `/tasks/${taskId}/brief?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('moment editing', () => {
  it('PATCH moves the moment, its open prebunk task follows, and the brief shows the new narratives', async () => {
    const res = await call(admin, 'PATCH', `/moments/${momentId}`, { date: new Date(TODAY + 6 * DAY + 3_600_000).toISOString(), narratives: ['expulsion_demand', 'sovereignty_partition'], windowBeforeDays: 4, thresholdFactor: 0.5 });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ id: momentId, date: new Date(TODAY + 6 * DAY).toISOString(), windowBeforeDays: 4, windowAfterDays: 2, thresholdFactor: 0.5, narratives: ['expulsion_demand', 'sovereignty_partition'] });
    const task = await ctx.models.tasks.findById(taskId).lean();
    expect(task).toMatchObject({ momentDate: new Date(TODAY + 6 * DAY), dueAt: new Date(TODAY - DAY), narratives: ['expulsion_demand', 'sovereignty_partition'] });
    const brief = (await call(analyst, 'GET', `/tasks/${taskId}/brief?format=json`)).json() as unknown as BriefJson;
    expect(brief.daysToMoment).toBe(6);
    expect(brief.moment.windowStart).toBe(new Date(TODAY + 2 * DAY).toISOString());
    expect(brief.narratives.map((n) => [n.key, n.total])).toEqual([
      ['expulsion_demand', 5],
      ['sovereignty_partition', 0],
    ]);
    const cleared = await call(admin, 'PATCH', `/moments/${momentId}`, { thresholdFactor: null });
    expect(cleared.json().thresholdFactor).toBeNull();
    const audit = await ctx.models.audit.find({ targetId: momentId, action: 'moment.update' }).lean();
    expect(audit).toHaveLength(2);
    expect(Object.keys(audit[0]!.changes as object).sort()).toEqual(['date', 'narratives', 'thresholdFactor', 'windowBeforeDays']);
  });

  it('refuses analysts, other missions’ admins and invalid fields (problem+json with the field)', async () => {
    expect((await call(analyst, 'PATCH', `/moments/${momentId}`, { title: 'x' })).status).toBe(403);
    expect((await call(unifilAdmin, 'PATCH', `/moments/${momentId}`, { title: 'x' })).status).toBe(404);
    expect((await call(unifilAdmin, 'PATCH', `/moments/${momentId}`, { mission: 'UNIFIL' })).status).toBe(404);
    for (const body of [{}, { windowBeforeDays: -1 }, { kind: 'party' }, { title: '' }, { evil: 1 }, { narratives: ['nope'] }, { date: 'tomorrow' }, { thresholdFactor: 2 }]) {
      const res = await call(admin, 'PATCH', `/moments/${momentId}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const bad = (await call(admin, 'PATCH', `/moments/${momentId}`, { windowBeforeDays: 400 })).json() as { errors?: { path: string }[] };
    expect(bad.errors?.map((e) => e.path)).toContain('windowBeforeDays');
    expect((await call(admin, 'GET', '/moments')).json().data).toMatchObject([{ title: 'Vote du mandat <CSNU>', windowBeforeDays: 4 }]);
  });
});
