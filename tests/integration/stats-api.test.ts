/**
 * GET /api/v1/stats/top-sources and /stats/top-terms against real Redis and FerretDB: near-duplicates count once,
 * counter-messages and items outside the window do not count, filters (narrative, harmful, window, source),
 * mission scoping (a MONUSCO key never sees UNIFIL counts), roles, and hostile query strings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classification, MatchedTerm, MissionCode, NarrativeKey } from '@vigie/contracts';
import { createApiKey, generateKey, saveClassification, upsertItem } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { loadConfig, startApi, type RunningApi } from '@vigie/api';
import { openTestContext, serviceEnv, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
let api: RunningApi;
const keys: Record<string, string> = {};
const sources: Record<string, string> = {};
const HOUR = 3_600_000;
const now = Date.now();

const term = (t: string, narrative: MatchedTerm['narrative'] = 'collusion_armed_groups'): MatchedTerm => ({ term: t, narrative, language: 'fr', weight: 1 });

function classification(mission: MissionCode, narrative: NarrativeKey, terms: MatchedTerm[], overrides: Partial<Classification> = {}): Classification {
  return {
    language: 'fr',
    missions: [mission],
    narratives: [{ key: narrative, score: 0.9 }],
    topNarrative: narrative,
    stance: 'endorse',
    harmful: true,
    severity: 'S2',
    classifierVersion: 'fixed',
    explanation: { matchedTerms: terms, missionEvidence: [], notes: [] },
    ...overrides,
  };
}

/** Stores an item (the collector's path: dedup links included) and its classification. */
async function seed(source: string, guid: string, opts: { canonicalUrl?: string; hoursAgo?: number; result: Classification }) {
  const at = new Date(now - (opts.hoursAgo ?? 1) * HOUR);
  const { itemId, nearDuplicateOf } = await upsertItem(
    ctx.models,
    sources[source]!,
    { guid, url: opts.canonicalUrl ?? null, canonicalUrl: opts.canonicalUrl ?? null, title: guid, text: guid, author: null, publishedAt: at, language: 'fr', languageConfidence: 1, media: [], contentHash: guid, simhash: null, warnings: [] },
    at,
  );
  await saveClassification(ctx.models, itemId, opts.result, new Date());
  return { itemId, nearDuplicateOf };
}

beforeAll(async () => {
  ctx = await openTestContext('statsapi');
  const admin = generateKey().key;
  api = await startApi(
    loadConfig({ ...serviceEnv(ctx), PORT: '0', VIGIE_BOOTSTRAP_ADMIN_KEY: admin }),
    createLogger({ service: 'stats-test', version: 'test', level: 'silent' }),
  );
  keys.admin = admin;
  keys.viewer = (await createApiKey(ctx.models, { name: 'viewer', role: 'viewer' })).key;
  keys.goma = (await createApiKey(ctx.models, { name: 'goma', role: 'viewer', missions: ['MONUSCO'] })).key;
  keys.naqoura = (await createApiKey(ctx.models, { name: 'naqoura', role: 'analyst', missions: ['UNIFIL'] })).key;
  for (const name of ['Radio Okapi', 'Blog Kivu', 'Naqoura FM']) sources[name] = String((await ctx.models.sources.create({ name, kind: 'rss' }))._id);

  const collusion = (...t: MatchedTerm[]) => classification('MONUSCO', 'collusion_armed_groups', t);
  // Story 1: carried by Radio Okapi (twice: a re-post) and copied by Blog Kivu — one story for each.
  const first = await seed('Radio Okapi', 'okapi-1', { canonicalUrl: 'https://news.example/story-1', result: collusion(term('complices'), term('brûlons', '_call_to_act')) });
  const repost = await seed('Radio Okapi', 'okapi-1-repost', { canonicalUrl: 'https://news.example/story-1', result: collusion(term('complices')) });
  const copy = await seed('Blog Kivu', 'kivu-1', { canonicalUrl: 'https://news.example/story-1', result: collusion(term('Complices'), term('armes')) });
  expect([repost.nearDuplicateOf, copy.nearDuplicateOf]).toEqual([first.itemId, first.itemId]);
  // Story 2 (Okapi), stories 3 and 4 (Kivu, one not harmful).
  await seed('Radio Okapi', 'okapi-2', { result: collusion(term('complices')) });
  await seed('Blog Kivu', 'kivu-3', { result: collusion(term('armes')) });
  await seed('Blog Kivu', 'kivu-4', { result: classification('MONUSCO', 'expulsion_demand', [term('dégagez', 'expulsion_demand')], { harmful: false, severity: null }) });
  // Not counted: a debunk (counter stance), an item 40 days old.
  await seed('Radio Okapi', 'okapi-debunk', { result: collusion(term('complices'), term('fausse information', '_counter')) });
  await ctx.models.items.updateOne({ guid: 'okapi-debunk' }, { $set: { 'classification.stance': 'counter' } });
  await seed('Blog Kivu', 'kivu-old', { hoursAgo: 40 * 24, result: collusion(term('complices')) });
  // UNIFIL only.
  for (const guid of ['naqoura-1', 'naqoura-2', 'naqoura-3']) {
    await seed('Naqoura FM', guid, { result: classification('UNIFIL', 'espionage', [term('espions', 'espionage')]) });
  }
});

afterAll(async () => {
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

async function get(path: string, key: string | null = keys.viewer!) {
  const res = await fetch(`${api.url}/api/v1${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
}

type SourceRow = { name: string; stories: number; items: number; sourceId: string };
type TermRow = { term: string; stories: number; items: number };

describe('GET /stats/top-sources', () => {
  it('ranks sources by distinct stories in the window, near-duplicates and re-posts counted once', async () => {
    const res = await get('/stats/top-sources?mission=MONUSCO');
    expect(res.status).toBe(200);
    expect((res.body.data as SourceRow[]).map(({ name, stories, items }) => ({ name, stories, items }))).toEqual([
      { name: 'Blog Kivu', stories: 3, items: 3 },
      { name: 'Radio Okapi', stories: 2, items: 3 },
    ]);
    expect(res.body).toMatchObject({ missions: ['MONUSCO'], harmfulOnly: false, totals: { stories: 4, items: 6 }, distinct: 2 });
  });

  it('filters harmful items, narratives, sources, windows and limits', async () => {
    const harmful = await get('/stats/top-sources?mission=MONUSCO&harmful=true');
    expect((harmful.body.data as SourceRow[]).map((s) => [s.name, s.stories, s.items])).toEqual([
      ['Radio Okapi', 2, 3],
      ['Blog Kivu', 2, 2],
    ]);
    const expulsion = await get('/stats/top-sources?narrative=expulsion_demand');
    expect((expulsion.body.data as SourceRow[]).map((s) => s.name)).toEqual(['Blog Kivu']);
    const okapi = await get(`/stats/top-sources?sourceId=${sources['Radio Okapi']}`);
    expect((okapi.body.data as SourceRow[]).map((s) => s.name)).toEqual(['Radio Okapi']);
    const limited = await get('/stats/top-sources?limit=1');
    expect(limited.body.data).toHaveLength(1);
    expect(limited.body.distinct).toBe(3);
    // A 60-day window reaches the 40-day-old item.
    const wide = await get(`/stats/top-sources?mission=MONUSCO&from=${new Date(now - 60 * 24 * HOUR).toISOString()}`);
    expect((wide.body.data as SourceRow[]).find((s) => s.name === 'Blog Kivu')).toMatchObject({ stories: 4, items: 4 });
    const lastDay = await get('/stats/top-sources?window=24h&mission=MONUSCO');
    expect((lastDay.body.totals as { items: number }).items).toBe(6);
  });

  it('keeps mission-scoped keys inside their missions, whatever they ask for', async () => {
    const goma = await get('/stats/top-sources', keys.goma);
    expect((goma.body.data as SourceRow[]).map((s) => s.name).sort()).toEqual(['Blog Kivu', 'Radio Okapi']);
    expect(goma.body.missions).toEqual(['MONUSCO']);
    const sneaky = await get('/stats/top-sources?mission=UNIFIL', keys.goma);
    expect(sneaky.status).toBe(200);
    expect(sneaky.body).toMatchObject({ data: [], missions: [], totals: { stories: 0, items: 0 } });
    const bySource = await get(`/stats/top-sources?sourceId=${sources['Naqoura FM']}`, keys.goma);
    expect(bySource.body.data).toEqual([]);
    const naqoura = await get('/stats/top-sources', keys.naqoura);
    expect((naqoura.body.data as SourceRow[]).map((s) => [s.name, s.stories])).toEqual([['Naqoura FM', 3]]);
    const everyone = await get('/stats/top-sources', keys.admin);
    expect((everyone.body.totals as { stories: number }).stories).toBe(7);
  });
});

describe('GET /stats/top-terms', () => {
  it('ranks matched terms by distinct stories, without counter-messaging cues or debunks', async () => {
    const res = await get('/stats/top-terms?mission=MONUSCO');
    expect(res.status).toBe(200);
    expect(res.body.data as TermRow[]).toEqual([
      { term: 'complices', stories: 2, items: 4 },
      { term: 'armes', stories: 2, items: 2 },
      { term: 'brûlons', stories: 1, items: 1 },
      { term: 'dégagez', stories: 1, items: 1 },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('fausse information');
  });

  it('is scoped like top-sources', async () => {
    expect(((await get('/stats/top-terms', keys.naqoura)).body.data as TermRow[]).map((t) => t.term)).toEqual(['espions']);
    expect(((await get('/stats/top-terms', keys.goma)).body.data as TermRow[]).map((t) => t.term)).not.toContain('espions');
    expect((await get('/stats/top-terms?mission=UNIFIL', keys.goma)).body.data).toEqual([]);
    const harmful = await get('/stats/top-terms?mission=MONUSCO&harmful=true&limit=2', keys.goma);
    expect((harmful.body.data as TermRow[]).map((t) => t.term)).toEqual(['complices', 'armes']);
  });
});

describe('hostile and broken input', () => {
  it('answers 401 without a key and 400 problem+json with field detail for bad queries', async () => {
    expect((await get('/stats/top-terms', null)).status).toBe(401);
    for (const path of ['/stats/top-sources', '/stats/top-terms']) {
      const cases: [string, string[]][] = [
        ['?mission[$ne]=X', ['']],
        ['?mission=NOPE&limit=5000', ['limit', 'mission.0']],
        ['?from=yesterday', ['from']],
        ['?from=2026-11-20&to=2026-11-10', ['from']],
        ['?from=2020-01-01', ['from']],
        ['?window=7d&from=2026-11-20', ['window']],
        ['?harmful=1', ['harmful']],
        ['?sourceId[$gt]=', ['']],
        ['?narrative=espionage&narrative[$ne]=x', ['']],
      ];
      for (const [query, paths] of cases) {
        const res = await get(`${path}${query}`);
        expect(res.status, `${path}${query}`).toBe(400);
        expect(res.type).toContain('application/problem+json');
        expect((res.body.errors as { path: string }[]).map((e) => (e.path === '(body)' ? '' : e.path)).sort(), `${path}${query}`).toEqual(paths);
      }
    }
  });

  it('documents both endpoints in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json', null)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/stats/top-sources', '/api/v1/stats/top-terms']));
  });
});
