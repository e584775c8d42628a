/// <reference lib="dom" />
/**
 * The officers' dashboard end to end, in Debian's headless Chromium driven by playwright-core (never a downloaded
 * browser): the API serves the built dashboard in-process on real Redis and FerretDB; alerts are seeded in the
 * database; the test signs in, finds the seeded S1 alert at the top of the triage queue, opens it (matched terms
 * highlighted, Arabic right-to-left), acknowledges, assigns and resolves it, switches to French and opens the
 * digests and the moments calendar; then an admin edits silences, webhooks and moments, and an analyst does not
 * see those controls. axe-core checks every main screen in English and in French and fails on serious or
 * critical violations (colour contrast included). Screenshots (laptop and 820 × 1180 tablet) and the axe report go
 * to tests/artifacts/dashboard/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Route } from 'playwright-core';
import axe from 'axe-core';
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
      reasons: [{ code: 'severity.tier', values: { narrative: s.narrative } }, { code: 'stance.endorse' }],
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

/** Every axe run: screen, language, and each violation's rule, impact and node count (kept as an artefact). */
const axeReport: { screen: string; lang: string; violations: { id: string; impact: string | null; nodes: number }[] }[] = [];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * Runs axe-core on the page as it is and fails on serious or critical violations (colour contrast is serious).
 * axe is evaluated through the DevTools protocol, so the page's self-only CSP stays on.
 */
async function a11y(screen: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const result = await page.evaluate((tags) => (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), AXE_TAGS);
  const lang = (await page.locator('html').getAttribute('lang')) ?? '?';
  axeReport.push({ screen, lang, violations: result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, nodes: v.nodes.length })) });
  const blocking = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(' | ')}`);
  expect(blocking, `${screen} [${lang}]`).toEqual([]);
}

/** A control: axe must flag a grey-on-white probe, or a broken setup would pass every screen silently. */
async function a11yProbe() {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const ids = await page.evaluate(async () => {
    const probe = document.createElement('p');
    probe.id = 'axe-probe';
    probe.textContent = 'low-contrast probe';
    probe.style.cssText = 'color:#b0b0b0;background:#ffffff';
    document.body.append(probe);
    try {
      const r = await (window as unknown as { axe: typeof axe }).axe.run('#axe-probe', { runOnly: { type: 'rule', values: ['color-contrast'] } });
      return r.violations.map((v) => v.id);
    } finally {
      probe.remove();
    }
  });
  expect(ids).toEqual(['color-contrast']);
}

/** axe in the current language, then in the other one, then back (the switch is client-side: state stays). */
async function a11yBoth(screen: string) {
  const html = page.locator('html');
  const first = await html.getAttribute('lang');
  await a11y(screen);
  await page.getByTestId('lang-switch').click();
  await expect.poll(async () => html.getAttribute('lang'), POLL).not.toBe(first);
  await a11y(screen);
  await page.getByTestId('lang-switch').click();
  await expect.poll(async () => html.getAttribute('lang'), POLL).toBe(first);
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
  if (axeReport.length) writeFileSync(join(artifacts, 'axe-report.json'), JSON.stringify(axeReport, null, 2));
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
    await a11yProbe();
    await a11yBoth('sign-in');

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
    await a11yBoth('queue');

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
    // Why it was flagged, as sentences in the UI language (the classifier stores codes).
    expect(await page.locator('.evidence .why').first().textContent()).toContain('The taxonomy’s severity for “Incitement to violence”.');
    await shot('03-alert-detail', true);
    await a11yBoth('alert-detail');
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
    expect(await page.locator('.evidence .why').first().textContent()).toContain('Gravité de « Incitation à la violence » dans la taxonomie.');
    await expect.poll(async () => page.locator('html').getAttribute('lang'), POLL).toBe('fr');

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
      await a11yBoth('digests');
    }
    {
      await page.getByRole('link', { name: 'Moments et prébunking' }).click();
      await page.locator('h1#moments-title').waitFor();
      await expect.poll(async () => page.locator('.calendar').textContent(), POLL).toContain('Élections provinciales');
      await expect.poll(async () => page.locator('.tasks').textContent(), POLL).toContain('toute attaque contre ses bases');
      await shot('09-moments-fr');
      await a11yBoth('moments');
    }

    await page.getByRole('link', { name: 'Contenus' }).click();
    await page.locator('h1#items-title').waitFor();
    await expect.poll(async () => page.locator('.evidence .item').count(), POLL).toBe(4);
    await shot('07-items-fr');
    await page.getByRole('link', { name: 'Tendances' }).click();
    await page.locator('svg.chart polyline').first().waitFor();
    await shot('08-trends-fr');

    // Tablet portrait (820 × 1180, an iPad Air): the queue and the alert still fit (narrow columns hidden), in French.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByRole('link', { name: 'File de tri' }).click();
    await page.locator('table.queue tbody tr').first().waitFor();
    await shot('06-queue-tablet-fr');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.goto(`${api.url}/app/alerts/${ids.s1}`);
    await page.locator('.evidence mark').first().waitFor();
    await shot('10-alert-tablet-fr');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await a11y('alert-detail-tablet');

    // Sign out, then in again as a viewer: actions are disabled with the reason, admin screens are hidden.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByLabel("Clé d'API").waitFor();
    await a11y('sign-in');
    await page.getByLabel("Clé d'API").fill(viewer);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('table.queue tbody tr').first().waitFor();
    expect(await page.locator('nav').textContent()).not.toContain('Webhooks');
    await page.locator('table.queue tbody tr').first().getByRole('link').click();
    const ack = page.locator('button[data-action="acknowledge"]');
    await ack.waitFor();
    expect(await ack.isDisabled()).toBe(true);
    expect(await ack.getAttribute('title')).toContain('analyste');
    // No editing of moments for a viewer; the prebunk brief is still there to read.
    await page.getByRole('link', { name: 'Moments et prébunking' }).click();
    await page.locator('.tasks li').first().waitFor();
    await page.locator('.calendar li').first().waitFor();
    expect(await page.getByRole('button', { name: 'Modifier' }).count()).toBe(0);
    expect(await page.getByTestId('moment-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Note de prébunking \(HTML/ }).count()).toBe(1);

    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it('lets an admin edit silences, webhooks and moments with the API’s validation messages; an analyst sees none of it', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByTestId('lang-switch').click();
    await page.getByLabel('API key').fill(admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.queue tbody tr').first().waitFor();

    // Silences: the API's messages next to the fields, then a silence created and ended.
    await page.getByRole('link', { name: 'Silences', exact: true }).click();
    await page.locator('h1#silences-title').waitFor();
    await page.getByRole('button', { name: 'Create the silence' }).click();
    await expect.poll(async () => page.locator('#s-reason-error').textContent(), POLL).toContain('say why');
    expect(await page.getByLabel('Reason').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('form.edit [role="alert"]').textContent()).toContain('reason:');
    await a11yBoth('silences-errors');
    await page.locator('#s-missions').getByLabel('MONUSCO').check();
    await page.getByLabel('Terms').fill('chassez, brûlez');
    await page.getByLabel('Reason').fill('Rebroadcast of a known radio programme');
    await page.getByRole('button', { name: 'Create the silence' }).click();
    const silenceRow = page.locator('table[data-testid="silences"] tbody tr', { hasText: 'Rebroadcast of a known radio programme' });
    await silenceRow.waitFor();
    expect(await silenceRow.textContent()).toContain('MONUSCO');
    await shot('11-silences');
    await a11yBoth('silences');
    const silence = await ctx.models.silences.findOne({ reason: 'Rebroadcast of a known radio programme' }).lean();
    expect(silence).toMatchObject({ missions: ['MONUSCO'], terms: ['chassez', 'brûlez'], author: 'bootstrap admin' });
    await silenceRow.getByRole('button', { name: /^End now/ }).click();
    await expect.poll(async () => page.getByRole('status').textContent(), POLL).toBe('Silence ended.');
    await expect.poll(async () => (await ctx.models.silences.findById(silence!._id).lean())?.expiredAt ?? undefined, POLL).toBeInstanceOf(Date);

    // Webhooks: a bad URL is refused with the API's words; then create (secret shown once), test, log, pause.
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.locator('h1#webhooks-title').waitFor();
    await page.getByLabel('Name').fill('Comms cell Slack');
    await page.getByLabel('Address (URL)').fill('not a url');
    await page.getByRole('button', { name: 'Create the webhook' }).click();
    await expect.poll(async () => page.locator('#w-url-error').textContent(), POLL).toContain('must be a full http(s) URL');
    await page.getByLabel('Address (URL)').fill('https://hooks.example.org/vigie');
    await page.getByLabel('Format').selectOption('slack');
    await page.locator('#w-events').getByLabel('Weekly digest').check();
    await page.locator('#w-missions').getByLabel('MONUSCO').check();
    await page.getByRole('button', { name: 'Create the webhook' }).click();
    await expect.poll(async () => page.getByTestId('webhook-secret').textContent(), POLL).toMatch(/whsec_/);
    const card = page.locator('[data-testid="webhooks"] li', { hasText: 'Comms cell Slack' });
    await card.getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(async () => card.locator('table tbody tr').first().textContent(), POLL).toContain('webhook.test');
    await shot('12-webhooks');
    await a11yBoth('webhooks');
    await card.getByRole('button', { name: 'Pause' }).click();
    // The badge changes once the list is reloaded after the API answered (buttons are also disabled while a
    // request is in flight, so their state alone proves nothing).
    await expect.poll(async () => card.locator('.card-title .badge').textContent(), POLL).toBe('paused');
    expect(await page.getByRole('status').first().textContent()).toBe('Comms cell Slack is paused.');
    expect(await card.getByRole('button', { name: 'Send a test' }).isDisabled()).toBe(true);
    const hook = await ctx.models.webhooks.findOne({ name: 'Comms cell Slack' }).lean();
    expect(hook).toMatchObject({ format: 'slack', events: ['digest.published'], missions: ['MONUSCO'], enabled: false });
    expect(await ctx.models.webhookDeliveries.countDocuments({ webhookId: hook!._id, eventType: 'webhook.test' })).toBe(1);

    // Moments: a validation error, then create → edit → delete; the prebunk brief downloads.
    await page.getByRole('link', { name: 'Moments & prebunk' }).click();
    const form = page.getByTestId('moment-form');
    await form.waitFor();
    const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('Title').fill('Mandate vote');
    await form.getByLabel('Date').fill(day);
    await form.getByLabel('Kind').selectOption('mandate_renewal');
    await form.getByLabel('Watch from (days before)').fill('400');
    await form.locator('#m-narratives').getByLabel('Expulsion demand').check();
    await form.getByRole('button', { name: 'Add the moment' }).click();
    await expect.poll(async () => page.locator('#m-before-error').textContent(), POLL).toContain('90');
    await a11yBoth('moments-form-errors');
    await form.getByLabel('Watch from (days before)').fill('3');
    await form.getByRole('button', { name: 'Add the moment' }).click();
    await expect.poll(async () => page.locator('.calendar').textContent(), POLL).toContain('Mandate vote');
    await page.getByRole('button', { name: 'Edit “Mandate vote”' }).click();
    await expect.poll(async () => form.getByLabel('Title').inputValue(), POLL).toBe('Mandate vote');
    await form.getByLabel('Title').fill('Security Council mandate vote');
    await form.getByRole('button', { name: 'Save the moment' }).click();
    await expect.poll(async () => page.locator('.calendar').textContent(), POLL).toContain('Security Council mandate vote');
    const moment = await ctx.models.moments.findOne({ title: 'Security Council mandate vote' }).lean();
    expect(moment).toMatchObject({ mission: 'MONUSCO', kind: 'mandate_renewal', narratives: ['expulsion_demand'], windowBeforeDays: 3, date: new Date(`${day}T00:00:00Z`) });
    await shot('13-moments-admin', true);
    await a11yBoth('moments-admin');
    await page.getByRole('button', { name: 'Delete “Security Council mandate vote”' }).click();
    await page.getByRole('button', { name: 'Confirm: delete “Security Council mandate vote”' }).click();
    await expect.poll(async () => ctx.models.moments.countDocuments({ _id: moment!._id }), POLL).toBe(0);
    const [brief] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Prebunk brief (HTML, to print): Prebunk before the provincial elections' }).click()]);
    expect(brief.suggestedFilename()).toMatch(/^prebunk-MONUSCO-[a-f0-9]{24}-en\.html$/);
    const briefHtml = readFileSync(await brief.path(), 'utf8');
    expect(briefHtml).toContain('Prebunk brief: MONUSCO — Élections provinciales');
    expect(briefHtml).toContain('<svg');

    // An analyst: no admin screens, no moment editing — and the API refuses them anyway.
    const analyst = (await createApiKey(ctx.models, { name: 'Amina (analyst)', role: 'analyst' })).key;
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The analyst's own feature checks answer late: until then the page must not show the admin's screens.
    const slowCheck = async (route: Route): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    };
    await page.route('**/api/v1/silences', slowCheck);
    await page.getByLabel('API key').fill(analyst);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.queue tbody tr').first().waitFor();
    const nav = await page.locator('nav').textContent();
    expect(nav).not.toContain('Silences');
    expect(nav).not.toContain('Webhooks');
    await page.unroute('**/api/v1/silences', slowCheck);
    await page.getByRole('link', { name: 'Moments & prebunk' }).click();
    await page.locator('.tasks li').first().waitFor();
    await page.locator('.calendar li').first().waitFor();
    expect(await page.getByTestId('moment-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    const refused = await fetch(`${api.url}/api/v1/moments`, { method: 'POST', headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: JSON.stringify({ mission: 'MONUSCO', title: 'x', kind: 'other', date: day }) });
    expect(refused.status).toBe(403);
    expect((await fetch(`${api.url}/api/v1/webhooks`, { headers: { authorization: `Bearer ${analyst}` } })).status).toBe(403);

    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });
});
