/**
 * Response briefs, responses and weekly digests through the API on real Redis and FerretDB: seeded items over
 * 8 weeks, alerts with a lifecycle, a published response. Figures are hand-computed in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { timeBuckets, SEVERITY_RANK, type MissionCode, type NarrativeKey, type Severity } from '@vigie/contracts';
import { createApiKey, generateKey } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { loadConfig, startApi, type RunningApi } from '@vigie/api';
import { openTestContext, type TestContextHandles } from '../support/stack.js';
import { callApi, loadCatalogue } from '../support/api-client.js';

let ctx: TestContextHandles;
let api: RunningApi;
const admin = generateKey().key;
let analyst: string;
let minuscaAnalyst: string;
const logger = createLogger({ service: 'reports-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const catalogue = loadCatalogue();

const HOUR = 3_600_000;
const H0 = Math.floor(Date.now() / HOUR) * HOUR;
/** Pivot of the seeded published response: 48 h before the current hour. */
const P = H0 - 48 * HOUR;
const sources: Record<string, Types.ObjectId> = {};
let alertId: string;
let seq = 0;

async function item(o: { source: string; at: Date; mission?: MissionCode; narrative: NarrativeKey; harmful?: boolean; stance?: string; language?: string; title?: string; alert?: string; evidence?: string[] }) {
  const b = timeBuckets(o.at);
  const mission = o.mission ?? 'MONUSCO';
  const doc = await ctx.models.items.create({
    sourceId: sources[o.source],
    guid: `g${++seq}`,
    url: `https://example.org/${seq}`,
    title: o.title ?? `item ${seq}`,
    publishedAt: o.at,
    collectedAt: o.at,
    language: o.language ?? 'fr',
    contentHash: `h${seq}`,
    status: 'classified',
    ...b,
    missions: [mission],
    topNarrative: o.narrative,
    harmful: o.harmful ?? true,
    severity: 'S2',
    classification: {
      stance: o.stance ?? 'endorse',
      missions: [mission],
      topNarrative: o.narrative,
      explanation: { matchedTerms: [{ term: 'dégage', narrative: o.narrative }], missionEvidence: [{ mission, evidence: o.evidence ?? [`named "${mission}"`, 'place "Goma"'] }], notes: [] },
    },
  });
  if (o.alert) await ctx.models.alertItems.create({ alertId: new Types.ObjectId(o.alert), itemId: doc._id, sourceId: doc.sourceId, addedAt: o.at });
  return doc;
}

async function alert(o: { mission?: MissionCode; narrative: NarrativeKey; severity?: Severity; status?: 'open' | 'acknowledged' | 'responding' | 'resolved' | 'dismissed'; openedAt: Date; ackH?: number; resolveH?: number; outcome?: string; lastSeenAt?: Date }) {
  const mission = o.mission ?? 'MONUSCO';
  const severity = o.severity ?? 'S2';
  const id = new Types.ObjectId();
  const key = `${mission}:${o.narrative}`;
  const open = !o.resolveH && o.status !== 'resolved';
  await ctx.models.alerts.create({
    _id: id,
    dedupKey: key,
    openKey: open ? key : `${key}#${String(id)}`,
    mission,
    narrative: o.narrative,
    severity,
    severityRank: SEVERITY_RANK[severity],
    status: o.status ?? (o.resolveH ? 'resolved' : o.ackH ? 'acknowledged' : 'open'),
    firstSeenAt: o.openedAt,
    lastSeenAt: o.lastSeenAt ?? o.openedAt,
    openedAt: o.openedAt,
    acknowledgedAt: o.ackH ? new Date(o.openedAt.getTime() + o.ackH * HOUR) : null,
    timeToAcknowledgeMs: o.ackH ? o.ackH * HOUR : null,
    resolvedAt: o.resolveH ? new Date(o.openedAt.getTime() + o.resolveH * HOUR) : null,
    timeToResolveMs: o.resolveH ? o.resolveH * HOUR : null,
    outcome: o.outcome ?? null,
    itemCount: 3,
    sourceCount: 2,
    languages: ['fr', 'ar'],
  });
  return String(id);
}

const call = (key: string, method: string, path: string, body?: unknown) => callApi<Record<string, unknown> & { data: Record<string, unknown>[] }>(api.url, key, method, path, body);

beforeAll(async () => {
  ctx = await openTestContext('reports');
  api = await startApi(loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', VIGIE_BOOTSTRAP_ADMIN_KEY: admin }), logger);
  analyst = (await createApiKey(ctx.models, { name: 'Amina (analyst)', role: 'analyst' })).key;
  minuscaAnalyst = (await createApiKey(ctx.models, { name: 'Bangui analyst', role: 'analyst', missions: ['MINUSCA'] })).key;
  for (const [name, missions, languages] of [
    ['Radio Kivu', ['MONUSCO'], ['fr', 'sw']],
    ['Blog <b>Est</b>', ['MONUSCO'], ['fr']],
    ['صوت الشعب', ['MONUSCO'], ['ar']],
    ['Bangui FM', ['MINUSCA'], ['fr', 'sg']],
  ] as const) {
    const s = await ctx.models.sources.create({ name, kind: 'rss', url: `https://example.org/${encodeURIComponent(name)}`, missions: [...missions], languages: [...languages] });
    sources[name] = s._id;
  }

  // The alert under brief: MONUSCO × expulsion_demand, first seen 60 h ago.
  alertId = await alert({ narrative: 'expulsion_demand', openedAt: new Date(P - 12 * HOUR), ackH: 1, lastSeenAt: new Date(P + 30 * HOUR) });
  const at = (h: number) => new Date(P + h * HOUR + 5 * 60_000);
  // 24 h before the pivot: 3 harmful (Radio Kivu) + 1 not harmful (Blog) → volume 4, 2 sources, 75 % harmful.
  for (let i = 0; i < 3; i++) await item({ source: 'Radio Kivu', at: at(-12), narrative: 'expulsion_demand', alert: alertId, title: i === 0 ? '<script>alert(1)</script> MONUSCO dégage' : `MONUSCO dégage ${i}` });
  await item({ source: 'Blog <b>Est</b>', at: at(-2), narrative: 'expulsion_demand', harmful: false, alert: alertId });
  // A debunk: never counted.
  await item({ source: 'Radio Kivu', at: at(-3), narrative: 'expulsion_demand', stance: 'counter' });
  // 30 h before: only in the 72 h window → 72 h before: volume 6, 2 sources, 5/6 = 83.3 % harmful.
  for (let i = 0; i < 2; i++) await item({ source: 'Radio Kivu', at: at(-30), narrative: 'expulsion_demand' });
  // After: +1 h harmful (Radio Kivu), +5 h not harmful (Arabic source) → 24 h after: volume 2, 2 sources, 50 %.
  await item({ source: 'Radio Kivu', at: at(1), narrative: 'expulsion_demand', alert: alertId });
  await item({ source: 'صوت الشعب', at: at(5), narrative: 'expulsion_demand', harmful: false, language: 'ar', title: 'اطردوهم من القاعدة', alert: alertId });
  // +30 h: 72 h after (truncated at now) → volume 4, 3 sources, 25 %.
  for (let i = 0; i < 2; i++) await item({ source: 'Blog <b>Est</b>', at: at(30), narrative: 'expulsion_demand', harmful: false });

  // The response that went out 48 h ago (inserted directly: the API records publication at or after approval).
  await ctx.models.responses.create({ alertId: new Types.ObjectId(alertId), mission: 'MONUSCO', narrative: 'expulsion_demand', channel: 'radio', text: 'Émission spéciale <i>sur</i> le mandat', status: 'published', publishedAt: new Date(P + 10 * 60_000), author: 'Amina', approvedBy: 'admin', approvedAt: new Date(P) });
  // A past alert on the same narrative, resolved, with what was done.
  const past = await alert({ narrative: 'expulsion_demand', openedAt: new Date('2026-06-01T00:00:00Z'), ackH: 2, resolveH: 50, outcome: 'rebutted' });
  await ctx.models.responses.create({ alertId: new Types.ObjectId(past), mission: 'MONUSCO', narrative: 'expulsion_demand', channel: 'community_meeting', text: 'Réunion avec les chefs de quartier', status: 'published', publishedAt: new Date('2026-06-02T00:00:00Z'), author: 'x', approvedBy: 'y' });

  // Digest week 2026-W40 (28 Sep → 5 Oct) and the 7 weeks before it.
  const d = (s: string) => new Date(`${s}Z`);
  for (let i = 0; i < 2; i++) await item({ source: 'Radio Kivu', at: d('2026-09-22T10:00'), narrative: 'collusion_armed_groups' }); // W39: 2
  for (let i = 0; i < 5; i++) await item({ source: 'Radio Kivu', at: d('2026-09-29T10:00'), narrative: 'collusion_armed_groups' }); // W40: 5 → escalating
  await item({ source: 'صوت الشعب', at: d('2026-09-30T10:00'), narrative: 'expulsion_demand', language: 'ar' }); // W40: 2 → new
  await item({ source: 'Blog <b>Est</b>', at: d('2026-10-01T10:00'), narrative: 'expulsion_demand', language: 'en' });
  await item({ source: 'Radio Kivu', at: d('2026-08-25T10:00'), narrative: 'false_flag' }); // W35
  await item({ source: 'Radio Kivu', at: d('2026-10-02T10:00'), narrative: 'false_flag' }); // W40 → recurring
  for (let i = 0; i < 3; i++) await item({ source: 'Bangui FM', at: d('2026-09-29T12:00'), mission: 'MINUSCA', narrative: 'hate_speech' });
  // Handling in W40: acknowledged after 2 h, 4 h, 12 h (median 4 h); resolved after 24 h and 48 h (median 36 h).
  await alert({ narrative: 'collusion_armed_groups', openedAt: d('2026-09-29T08:00'), ackH: 2, resolveH: 24 });
  await alert({ narrative: 'incitement_violence', severity: 'S1', openedAt: d('2026-09-30T00:00'), ackH: 4, status: 'acknowledged' });
  await alert({ narrative: 'false_flag', openedAt: d('2026-10-01T00:00'), ackH: 12, resolveH: 48 });
  await alert({ mission: 'MINUSCA', narrative: 'hate_speech', openedAt: d('2026-09-29T12:00') });
  await ctx.models.moments.create({ mission: 'MONUSCO', title: 'Vote du mandat', kind: 'mandate_vote', date: d('2026-10-09T15:00') });
}, 120_000);

afterAll(async () => {
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

describe('responses', () => {
  it('draft (analyst) → approve (admin only) → publish, edits only while draft, every write audited', async () => {
    const created = await call(analyst, 'POST', `/alerts/${alertId}/responses`, { channel: 'press_release', text: 'La MONUSCO reste à la demande du gouvernement.' });
    expect(created.status).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ status: 'draft', mission: 'MONUSCO', narrative: 'expulsion_demand', author: 'Amina (analyst)' });
    expect((await call(analyst, 'PATCH', `/responses/${id}`, { text: 'Texte révisé' })).json().text).toBe('Texte révisé');
    expect((await call(analyst, 'POST', `/responses/${id}/publish`, {})).status).toBe(409); // not approved
    expect((await call(analyst, 'POST', `/responses/${id}/approve`, {})).status).toBe(403);
    const approved = await call(admin, 'POST', `/responses/${id}/approve`, {});
    expect(approved.json()).toMatchObject({ status: 'approved', approvedBy: 'bootstrap admin' });
    expect((await call(analyst, 'PATCH', `/responses/${id}`, { text: 'trop tard' })).status).toBe(409);
    const published = await call(analyst, 'POST', `/responses/${id}/publish`, {});
    expect(published.json()).toMatchObject({ status: 'published', publishedBy: 'Amina (analyst)' });
    // The alert lifecycle stays with the existing action.
    const respond = await call(analyst, 'POST', `/alerts/${alertId}/respond`, { responseId: id });
    expect(respond.status).toBe(200);
    expect(respond.json().status).toBe('responding');
    const list = await call(analyst, 'GET', `/alerts/${alertId}/responses`);
    expect(list.json().data.map((r) => r.channel)).toEqual(['radio', 'press_release']);
    const audit = await ctx.models.audit.find({ targetId: id }).lean();
    expect(audit.map((a) => a.action).sort()).toEqual(['response.approve', 'response.create', 'response.publish', 'response.update']);
    // Scoped keys see nothing of other missions.
    expect((await call(minuscaAnalyst, 'GET', `/alerts/${alertId}/responses`)).status).toBe(404);
    expect((await call(minuscaAnalyst, 'PATCH', `/responses/${id}`, { text: 'x' })).status).toBe(404);
    expect((await call(analyst, 'POST', `/alerts/${alertId}/responses`, { channel: 'fax', text: 'x' })).status).toBe(400);
  });
});

describe('brief', () => {
  it('Markdown: claim, sources, counter-messaging in FR and EN, response effect figures', async () => {
    const res = await call(analyst, 'GET', `/alerts/${alertId}/brief?format=md&lang=fr`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/markdown');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="brief-MONUSCO-expulsion_demand-${alertId}-fr.md"`);
    const md = res.text;
    const entry = catalogue.narratives.expulsion_demand!;
    expect(md).toContain(entry.definition.fr.replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1'));
    for (const line of [...entry.counterMessaging.fr, ...entry.counterMessaging.en]) expect(md).toContain(`> ${line.replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1')}`);
    // 24 h: 4 → 2 items, 2 → 2 sources, 75 % → 50 % harmful, −50 %; 72 h before: 6 items, 83.3 % harmful, after 4 items from 3 sources.
    expect(md).toContain('| 24h | 4 → 2 | 2 → 2 | 75 % → 50 % | -50 % |');
    expect(md).toMatch(/\| 72h \(incomplet : chiffres à ce jour, [\d.]+ h\) \| 6 → 4 \| 2 → 3 \| 83\.3 % → 25 % \|/);
    expect(md).toContain('Radio Kivu: 4');
    // The places of the classifier's evidence (`place "Goma"`), not its other kinds (`named "MONUSCO"`).
    expect(md).toMatch(/Goma \(\d+\)/);
    expect(md).not.toContain('place "Goma"');
    expect(md).not.toContain('named "');
    expect(md).toContain('rebutted');
    expect(md).toContain('Réunion avec les chefs de quartier');
  });

  it('HTML: self-contained, printable, escaped, Arabic right-to-left, in English', async () => {
    const res = await call(analyst, 'GET', `/alerts/${alertId}/brief?format=html&lang=en&download=0`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="brief-MONUSCO-expulsion_demand-[a-f0-9]{24}-en\.html"$/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = res.text;
    expect(html).toContain('@media print');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Blog &lt;b&gt;Est&lt;/b&gt;');
    expect(html).toContain('<span lang="ar" dir="auto">اطردوهم من القاعدة</span>');
    expect(html).toContain(catalogue.narratives.expulsion_demand!.counterMessaging.en[0]!.replace(/'/g, '&#39;'));
    expect(html).toContain('75 % → 50 %');
    expect(html).toContain('<svg');
    const json = (await call(analyst, 'GET', `/alerts/${alertId}/brief?format=json`)).json() as unknown as { responses: { effect: { rows: { before: { volume: number } }[] } | null }[] };
    expect(json.responses[0]!.effect!.rows.map((r) => r.before.volume)).toEqual([4, 6, 6]);
  });

  it('is scoped: another mission’s key gets 404; bad queries get 400 problem+json', async () => {
    expect((await call(minuscaAnalyst, 'GET', `/alerts/${alertId}/brief`)).status).toBe(404);
    expect((await call(analyst, 'GET', `/alerts/${new Types.ObjectId().toHexString()}/brief`)).status).toBe(404);
    for (const q of ['format=pdf', `lang=${'x'.repeat(5000)}`, 'lang=de', 'format=md&format=html', 'evil=1']) {
      const res = await call(analyst, 'GET', `/alerts/${alertId}/brief?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('digests', () => {
  it('generates the week’s digest with hand-computed figures, idempotently', async () => {
    const first = await call(analyst, 'POST', '/digests', { mission: 'MONUSCO', week: '2026-W40', lang: 'en' });
    expect(first.status).toBe(201);
    const id = first.json().data[0]!.id as string;
    const again = await call(analyst, 'POST', '/digests', { mission: 'MONUSCO', week: '2026-W40', lang: 'en' });
    expect(again.status).toBe(200);
    expect(again.json().data[0]!.id).toBe(id);
    expect(await ctx.models.digests.countDocuments({ mission: 'MONUSCO', week: '2026-W40', lang: 'en' })).toBe(1);

    const md = (await call(analyst, 'GET', `/digests/${id}?format=md`)).text;
    expect(md).toContain('| 3 | 3 | 2 | 4 h 0 min | 36 h 0 min |');
    const json = (await call(analyst, 'GET', `/digests/${id}?format=json`)).json() as unknown as {
      new: { narrative: string }[];
      escalating: { narrative: string; weekly: number[] }[];
      recurring: { narrative: string }[];
      s1: { narrative: string }[];
      languages: { language: string; count: number }[];
      coverage: { missingLanguages: string[] };
      moments: { title: string }[];
    };
    expect(json.new.map((n) => n.narrative)).toEqual(['expulsion_demand']);
    expect(json.escalating.map((n) => [n.narrative, n.weekly.slice(-2)])).toEqual([['collusion_armed_groups', [2, 5]]]);
    expect(json.recurring.map((n) => n.narrative)).toEqual(['false_flag']);
    expect(json.s1.map((a) => a.narrative)).toEqual(['incitement_violence']);
    expect(json.languages).toEqual([
      { language: 'fr', count: 6, share: 0.75 },
      { language: 'ar', count: 1, share: 0.125 },
      { language: 'en', count: 1, share: 0.125 },
    ]);
    expect(json.coverage.missingLanguages).toEqual(['sw']);
    expect(json.moments.map((m) => m.title)).toEqual(['Vote du mandat']);
    const html = (await call(analyst, 'GET', `/digests/${id}?format=html`)).text;
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Blog &lt;b&gt;Est&lt;/b&gt;');
  });

  it('overall digests count each mission; scoped keys only see and make their own missions’ digests', async () => {
    const overall = await call(admin, 'POST', '/digests', { week: '2026-W40', lang: 'fr' });
    expect(overall.status).toBe(201);
    const id = overall.json().data[0]!.id as string;
    const json = (await call(admin, 'GET', `/digests/${id}?format=json`)).json() as unknown as { missions: { mission: string; thisWeek: number; raised: number }[] };
    expect(json.missions).toEqual([
      { mission: 'MONUSCO', thisWeek: 8, lastWeek: 2, raised: 3, s1: 1 },
      { mission: 'MINUSCA', thisWeek: 3, lastWeek: 0, raised: 1, s1: 0 },
    ]);
    expect((await call(minuscaAnalyst, 'GET', `/digests/${id}`)).status).toBe(404);
    expect((await call(minuscaAnalyst, 'POST', '/digests', { week: '2026-W40' })).status).toBe(403);
    expect((await call(minuscaAnalyst, 'POST', '/digests', { mission: 'MONUSCO', week: '2026-W40' })).status).toBe(403);
    const own = await call(minuscaAnalyst, 'POST', '/digests', { mission: 'MINUSCA', week: '2026-W40' });
    expect(own.json().data.map((d) => d.lang)).toEqual(['en', 'fr']);
    const listed = (await call(minuscaAnalyst, 'GET', '/digests')).json().data;
    expect(listed.map((d) => d.mission)).toEqual(['MINUSCA', 'MINUSCA']);
    expect((await call(admin, 'GET', '/digests?mission=ALL')).json().data.map((d) => d.id)).toEqual([id]);
  });

  it('rejects hostile input with 400 problem+json', async () => {
    for (const body of [{ week: '2026-W99' }, { week: '<script>' }, { week: '2026-W48x' }, { lang: 'x'.repeat(5000) }, { mission: 'NOPE' }, { week: '2099-W01' }, { extra: 1 }]) {
      const res = await call(admin, 'POST', '/digests', body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    for (const q of ['format=pdf', 'week=W40', 'mission=<x>']) expect((await call(admin, 'GET', `/digests?${q}`)).status).toBe(400);
    expect((await call(admin, 'GET', `/digests/${new Types.ObjectId().toHexString()}?format=exe`)).status).toBe(400);
  });
});
