/// <reference lib="dom" />
/**
 * The officers' dashboard end to end, in Debian's headless Chromium driven by playwright-core (never a downloaded
 * browser): the API serves the built dashboard in-process on real Redis and FerretDB; alerts are seeded in the
 * database; the test signs in, finds the seeded S1 alert at the top of the triage queue, opens it (matched terms
 * highlighted, Arabic right-to-left), acknowledges, assigns and resolves it, switches to French and opens the
 * digests (or the moments calendar while digests are not served). Screenshots go to tests/artifacts/dashboard/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Classification, MissionCode, NarrativeKey, Severity } from '@vigie/contracts';
import { createApiKey, generateKey, recordEvidence, saveClassification, upsertItem } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { loadConfig, startApi, type RunningApi } from '@vigie/api';
import { eventually, openTestContext, type TestContextHandles } from '../support/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const artifacts = join(repoRoot, 'tests/artifacts/dashboard');

let ctx: TestContextHandles;
let api: RunningApi;
let browser: BrowserContext;
let page: Page;
let userDataDir: string;
const admin = generateKey().key;
const consoleErrors: string[] = [];
/** Deadlines for UI polls: generous, the machine is shared (these are not timing assertions). */
const POLL = { timeout: 20_000, interval: 100 };
const ids: Record<string, string> = {};
let viewer: string;

interface Seed {
  guid: string;
  mission: MissionCode;
  narrative: NarrativeKey;
  severity: Severity;
  language: string;
  title: string;
  text: string;
  surfaces: string[];
  hoursAgo: number;
}

async function seedAlert(s: Seed): Promise<string> {
  const source = await ctx.models.sources
    .findOneAndUpdate({ name: `Radio ${s.mission}` }, { $setOnInsert: { name: `Radio ${s.mission}`, kind: 'rss', missions: [s.mission] } }, { upsert: true, returnDocument: 'after' })
    .lean();
  const at = new Date(Date.now() - s.hoursAgo * 3_600_000);
  const { itemId } = await upsertItem(
    ctx.models,
    String(source!._id),
    { guid: s.guid, url: `https://example.org/${s.guid}`, canonicalUrl: null, title: s.title, text: s.text, author: null, publishedAt: at, language: s.language, languageConfidence: 1, media: [], contentHash: s.guid, simhash: null, warnings: [] },
    at,
  );
  const classification: Classification = {
    language: s.language,
    missions: [s.mission],
    narratives: [{ key: s.narrative, score: 0.91 }],
    topNarrative: s.narrative,
    stance: 'endorse',
    harmful: true,
    severity: s.severity,
    classifierVersion: 'e2e-fixed',
    explanation: {
      matchedTerms: s.surfaces.map((surface) => ({ term: surface.toLowerCase(), surface, narrative: s.narrative, language: s.language, weight: 1.2 })),
      missionEvidence: [{ mission: s.mission, evidence: [s.mission] }],
      notes: [],
    },
  };
  await saveClassification(ctx.models, itemId, classification, at);
  const { alertId } = await recordEvidence(ctx.models, {
    dedupKey: `${s.mission}:${s.narrative}`,
    mission: s.mission,
    narrative: s.narrative,
    severity: s.severity,
    item: { id: itemId, sourceId: String(source!._id), title: s.title, url: `https://example.org/${s.guid}`, language: s.language, score: 0.91, stance: 'endorse' },
    seenAt: at,
  });
  return alertId;
}

async function shot(name: string, fullPage = false) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's package: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH). The test never downloads a browser.`);
  }
  // Always build the dashboard first, so the test exercises the current sources, not a stale dist/.
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: join(repoRoot, 'packages/dashboard'), stdio: 'inherit' });
  mkdirSync(artifacts, { recursive: true });

  ctx = await openTestContext('dashboard');
  const logger = createLogger({ service: 'dashboard-e2e', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  api = await startApi(loadConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, PORT: '0', LOG_LEVEL: 'silent', VIGIE_BOOTSTRAP_ADMIN_KEY: admin }), logger);

  // The S1 alert is older than the others: it must still be first (severity before recency).
  ids.s1 = await seedAlert({
    guid: 'e2e-s1',
    mission: 'MONUSCO',
    narrative: 'incitement_violence',
    severity: 'S1',
    language: 'fr',
    title: 'Appel à attaquer la base de la MONUSCO à Beni',
    text: 'Tous à la base de Beni demain : il faut chasser les casques bleus par la force, brûlez leurs véhicules.',
    surfaces: ['chasser les casques bleus', 'brûlez leurs véhicules'],
    hoursAgo: 30,
  });
  await seedAlert({
    guid: 'e2e-s1-ar',
    mission: 'MONUSCO',
    narrative: 'incitement_violence',
    severity: 'S1',
    language: 'ar',
    title: 'دعوة لطرد قوات حفظ السلام',
    text: 'يجب طرد قوات حفظ السلام من المدينة الآن',
    surfaces: ['طرد قوات حفظ السلام'],
    hoursAgo: 29,
  });
  await seedAlert({
    guid: 'e2e-s2',
    mission: 'UNIFIL',
    narrative: 'espionage',
    severity: 'S2',
    language: 'en',
    title: 'UNIFIL drones spy on southern villages',
    text: 'Residents say UNIFIL drones spy on the villages at night for a foreign army.',
    surfaces: ['drones spy'],
    hoursAgo: 2,
  });
  await seedAlert({
    guid: 'e2e-s3',
    mission: 'MINUSCA',
    narrative: 'resource_plunder',
    severity: 'S3',
    language: 'fr',
    title: 'La MINUSCA pillerait les mines d’or',
    text: 'Selon un blog, la MINUSCA pillerait les mines d’or de l’est.',
    surfaces: ['pillerait les mines'],
    hoursAgo: 1,
  });
  const election = new Date(Date.now() + 5 * 86_400_000);
  const moment = await ctx.models.moments.create({ mission: 'MONUSCO', title: 'Élections provinciales', kind: 'election', date: election, narratives: ['incitement_violence'] });
  await ctx.models.tasks.create({
    key: `prebunk:${String(moment._id)}`,
    type: 'prebunk',
    mission: 'MONUSCO',
    title: 'Prebunk before the provincial elections',
    momentId: moment._id,
    momentDate: election,
    dueAt: new Date(Date.now() + 2 * 86_400_000),
    narratives: ['incitement_violence'],
    counterMessages: [
      {
        narrative: 'incitement_violence',
        fr: ['La MONUSCO protège les civils de Beni ; toute attaque contre ses bases met en danger la population.'],
        en: ['MONUSCO protects civilians in Beni; any attack on its bases puts the population in danger.'],
      },
    ],
    openedAt: new Date(),
  });

  viewer = (await createApiKey(ctx.models, { name: 'Aline (viewer)', role: 'viewer' })).key;
  userDataDir = mkdtempSync(join(tmpdir(), 'vigie-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1366, height: 768 },
    locale: 'en-US',
    timezoneId: 'Africa/Kinshasa',
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

describe('dashboard in headless Chromium', () => {
  it('is served by the API under a self-only Content-Security-Policy', async () => {
    const res = await fetch(`${api.url}/app/queue`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app">');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|unsafe-inline|\*/);
  });

  it('walks sign-in → triage queue → alert detail → acknowledge → assign → resolve → French → digests', async () => {
    await page.goto(`${api.url}/`);
    await page.getByLabel('API key').fill('vk_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(async () => page.getByRole('alert').textContent(), POLL).toContain('not valid or has been revoked');
    await shot('01-sign-in-error');

    await page.getByLabel('API key').fill(admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const rows = page.locator('table.queue tbody tr');
    await rows.first().waitFor();
    await expect.poll(async () => rows.count(), POLL).toBe(3);
    const first = rows.first();
    expect(await first.getAttribute('data-alert-id')).toBe(ids.s1);
    expect(await first.textContent()).toContain('S1');
    expect(await first.textContent()).toContain('Incitement to violence');
    expect(await rows.nth(1).textContent()).toContain('S2');
    await expect.poll(async () => page.getByTestId('freshness').textContent(), POLL).toMatch(/Updated|Live/);
    await shot('02-triage-queue');

    // Keyboard: j moves down, k back up, Enter opens the current row.
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await expect.poll(async () => page.url(), POLL).toBe(`${api.url}/app/alerts/${ids.s1}`);
    await page.locator('h1#alert-title').waitFor();
    expect(await page.locator('h1#alert-title').textContent()).toContain('Incitement to violence — MONUSCO');
    await page.locator('.evidence mark').first().waitFor();
    const marks = await page.locator('.evidence mark').allTextContents();
    expect(marks).toEqual(expect.arrayContaining(['chasser les casques bleus', 'brûlez leurs véhicules', 'طرد قوات حفظ السلام']));
    const arabic = page.locator('.item[lang="ar"] .item-text');
    expect(await arabic.getAttribute('dir')).toBe('auto');
    expect(await arabic.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    await shot('03-alert-detail', true);
    // The response brief is linked when the server has it (the reports routes); downloading it needs the key.
    const brief = page.getByRole('button', { name: 'Download the response brief (HTML)' });
    await brief.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), brief.click()]);
    expect(download.suggestedFilename()).toMatch(/^brief-MONUSCO-.*\.html$/);

    await page.locator('button[data-action="acknowledge"]').click();
    await expect.poll(async () => page.locator('.title-row .status').textContent(), POLL).toBe('Acknowledged');
    await page.getByLabel('Assign to (name or id)').fill('Joseph K.');
    await page.locator('button[data-action="assign"]').click();
    await expect.poll(async () => page.getByTestId('owner').textContent(), POLL).toBe('Joseph K.');
    await page.getByLabel('Outcome').selectOption('referred_to_security');
    await page.locator('button[data-action="resolve"]').click();
    await expect.poll(async () => page.locator('.title-row .status').textContent(), POLL).toBe('Resolved');
    expect(await page.locator('button[data-action="acknowledge"]').isDisabled()).toBe(true);
    expect(await page.locator('button[data-action="acknowledge"]').getAttribute('title')).toContain('Resolved');
    await shot('04-alert-resolved', true);

    const stored = await eventually(async () => {
      const a = await ctx.models.alerts.findById(ids.s1).lean();
      return a?.status === 'resolved' ? a : undefined;
    }, 'the alert resolved in the database');
    expect(stored.history.map((h) => h.action)).toEqual(['acknowledge', 'assign', 'resolve']);
    expect(stored).toMatchObject({ ownerId: 'Joseph K.', outcome: 'referred_to_security' });

    await page.getByTestId('lang-switch').click();
    await expect.poll(async () => page.locator('nav').textContent(), POLL).toContain('File de tri');
    expect(await page.locator('h1#alert-title').textContent()).toContain('Incitation à la violence');
    expect(await page.locator('.title-row .status').textContent()).toBe('Résolue');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    const digests = page.getByRole('link', { name: 'Synthèses' });
    if (await digests.count()) {
      await digests.click();
      await page.locator('h1#digests-title').waitFor();
      expect(await page.locator('h1#digests-title').textContent()).toBe('Synthèses hebdomadaires');
      await page.getByRole('button', { name: 'Générer la synthèse de la semaine passée' }).click();
      const digestRows = page.locator('table[data-testid="digests"] tbody tr');
      await digestRows.first().waitFor();
      await digestRows.first().getByRole('button', { name: 'Lire' }).click();
      await expect.poll(async () => (await page.getByTestId('digest-text').textContent())?.length ?? 0, POLL).toBeGreaterThan(50);
      await shot('05-digests-fr');
    }
    {
      await page.getByRole('link', { name: 'Moments et prébunking' }).click();
      await page.locator('h1#moments-title').waitFor();
      await expect.poll(async () => page.locator('.calendar').textContent(), POLL).toContain('Élections provinciales');
      await expect.poll(async () => page.locator('.tasks').textContent(), POLL).toContain('toute attaque contre ses bases');
      await shot('09-moments-fr');
    }

    await page.getByRole('link', { name: 'Contenus' }).click();
    await page.locator('h1#items-title').waitFor();
    await expect.poll(async () => page.locator('.evidence .item').count(), POLL).toBe(4);
    await shot('07-items-fr');
    await page.getByRole('link', { name: 'Tendances' }).click();
    await page.locator('svg.chart polyline').first().waitFor();
    await shot('08-trends-fr');

    // Tablet portrait: the queue still fits (narrow columns hidden), in French.
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('link', { name: 'File de tri' }).click();
    await page.locator('table.queue tbody tr').first().waitFor();
    await shot('06-queue-tablet-fr');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // Sign out, then in again as a viewer: actions are disabled with the reason, admin screens are hidden.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByLabel("Clé d'API").fill(viewer);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('table.queue tbody tr').first().waitFor();
    expect(await page.locator('nav').textContent()).not.toContain('Webhooks');
    await page.locator('table.queue tbody tr').first().getByRole('link').click();
    const ack = page.locator('button[data-action="acknowledge"]');
    await ack.waitFor();
    expect(await ack.isDisabled()).toBe(true);
    expect(await ack.getAttribute('title')).toContain('analyste');

    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });
});
