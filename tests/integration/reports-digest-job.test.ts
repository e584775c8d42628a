/**
 * The weekly digest job on real FerretDB with e-mail to a local SMTP sink (smtp-server): per-mission and overall
 * digests in FR and EN are stored, the configured language is mailed once, and a rerun (a retried job) stores
 * the same four digests and mails nothing again. Webhooks subscribed to `digest.published` receive each digest
 * once through the signed deliver-webhook queue (real worker, real Redis) at a loopback receiver that checks every
 * signature; mission scoping holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Types } from 'mongoose';
import { JOBS, timeBuckets, type MissionCode } from '@vigie/contracts';
import { createTypedQueue, createTypedWorker, type TypedQueue } from '@vigie/runtime';
import { createDigestMail, generateWeeklyDigests } from '../../services/classifier/src/digest.processor.js';
import { deliverWebhook } from '../../services/classifier/src/deliver-webhook.processor.js';
import { createWebhookClient } from '../../services/classifier/src/webhook-client.js';
import { eventually, openTestContext, type TestContextHandles } from '../support/stack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { runVigie } from '../support/cli.js';

let ctx: TestContextHandles;
let smtp: SMTPServer;
let port = 0;
const received: { to: string[]; body: string }[] = [];

beforeAll(async () => {
  ctx = await openTestContext('digestjob');
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let body = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (body += chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;

  const source = await ctx.models.sources.create({ name: 'Radio Kivu', kind: 'rss', missions: ['MONUSCO'], languages: ['fr'] });
  for (let i = 0; i < 3; i++) {
    const at = new Date('2026-09-29T10:00:00Z');
    await ctx.models.items.create({
      sourceId: source._id,
      guid: `g${i}`,
      collectedAt: at,
      publishedAt: at,
      contentHash: `h${i}`,
      status: 'classified',
      language: 'fr',
      ...timeBuckets(at),
      missions: ['MONUSCO'],
      topNarrative: 'expulsion_demand',
      harmful: true,
      classification: { stance: 'endorse' },
    });
  }
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await worker?.close();
  await deliveries?.close();
  await receiver?.close();
  await ctx?.close();
});

describe('weekly digest job', () => {
  it('stores per-mission and overall digests in FR and EN, mails the French ones once', async () => {
    const mail = createDigestMail({ smtpUrl: `smtp://127.0.0.1:${port}`, recipients: ['chef@example.org', 'porte-parole@example.org'], from: 'Vigie <vigie@example.org>', emailLang: 'fr' }, ctx.logger);
    const deps = { models: ctx.models, now: () => new Date('2026-10-05T05:00:00Z'), mail, webhooks: null };
    const first = await generateWeeklyDigests(deps, {}, ctx.logger);
    expect(first).toEqual({ week: '2026-W40', stored: 4, emailed: 2, webhookDeliveries: 0 });
    const docs = await ctx.models.digests.find({}, { mission: 1, lang: 1, data: 1 }).sort({ mission: 1, lang: 1 }).lean();
    expect(docs.map((d) => `${d.mission}/${d.lang}`)).toEqual(['ALL/en', 'ALL/fr', 'MONUSCO/en', 'MONUSCO/fr']);
    expect((docs[2]!.data as { new: { narrative: string; thisWeek: number }[] }).new).toMatchObject([{ narrative: 'expulsion_demand', thisWeek: 3 }]);

    expect(received).toHaveLength(2);
    expect(received[0]!.to).toEqual(['chef@example.org', 'porte-parole@example.org']);
    const bodies = received.map((r) => r.body).join('\n');
    expect(bodies).toMatch(/Subject: =\?UTF-8\?Q\?Synth=C3=A8se_hebdomadaire/);
    expect(bodies).toContain('Content-Type: text/html');

    const again = await generateWeeklyDigests(deps, {}, ctx.logger);
    expect(again).toEqual({ week: '2026-W40', stored: 4, emailed: 0, webhookDeliveries: 0 });
    expect(received).toHaveLength(2);
    expect(await ctx.models.digests.countDocuments({})).toBe(4);
  });

  it('without SMTP settings stores digests and mails nothing', async () => {
    expect(createDigestMail({ smtpUrl: null, recipients: ['a@example.org'], from: 'x', emailLang: 'fr' }, ctx.logger)).toBeNull();
    const r = await generateWeeklyDigests({ models: ctx.models, now: () => new Date('2026-10-12T05:00:00Z'), mail: null, webhooks: null }, {}, ctx.logger);
    expect(r).toEqual({ week: '2026-W41', stored: 4, emailed: 0, webhookDeliveries: 0 });
  });
});

let receiver: WebhookReceiver;
let deliveries: TypedQueue<typeof JOBS.deliverWebhook.schema>;
let worker: ReturnType<typeof createTypedWorker> | undefined;

describe('weekly digest by webhook', () => {
  async function hook(path: string, o: { format?: 'json' | 'slack' | 'teams'; missions?: MissionCode[]; events?: string[]; enabled?: boolean }) {
    const secret = `whsec_${new Types.ObjectId().toHexString()}`;
    const doc = await ctx.models.webhooks.create({ name: path, url: `${receiver.baseUrl}${path}`, format: o.format ?? 'json', secrets: [secret], missions: o.missions ?? [], events: o.events ?? ['digest.published'], enabled: o.enabled ?? true });
    receiver.secret(path, secret);
    return String(doc._id);
  }

  it('delivers each digest once, signed, to subscribed webhooks only, within their missions; Slack and Teams formats', async () => {
    receiver = await startWebhookReceiver();
    receiver.script('/flaky', [503, 200]);
    deliveries = createTypedQueue(JOBS.deliverWebhook, ctx.redis, ctx.queuePrefix, ctx.logger);
    const client = createWebhookClient({ allowPrivateAddresses: true, timeoutMs: 5_000 });
    worker = createTypedWorker(JOBS.deliverWebhook, (payload, job) => deliverWebhook({ models: ctx.models, client, now: () => new Date(), userAgent: 'Vigie-Webhook/test' }, payload, job), { connection: ctx.redis, prefix: ctx.queuePrefix, logger: ctx.logger, concurrency: 2 });
    // A UNIFIL source: UNIFIL gets its own digest, which a MONUSCO-scoped webhook must never receive.
    await ctx.models.sources.create({ name: 'Tyre FM', kind: 'rss', missions: ['UNIFIL'], languages: ['ar'] });
    await hook('/all', {});
    await hook('/monusco', { missions: ['MONUSCO'] });
    await hook('/slack', { format: 'slack', missions: ['UNIFIL'] });
    await hook('/teams', { format: 'teams', missions: ['MONUSCO'] });
    await hook('/flaky', { missions: ['MONUSCO'] });
    await hook('/alerts-only', { events: [] });
    await hook('/paused', { enabled: false });

    const webhooks = { publicUrl: 'https://vigie.example.org', enqueueDelivery: (deliveryId: string) => deliveries.enqueue({ deliveryId }, { jobId: `dw-${deliveryId}`, backoffDelayMs: 50 }) };
    const deps = { models: ctx.models, now: () => new Date('2026-10-05T05:00:00Z'), mail: null, webhooks };
    const r = await generateWeeklyDigests(deps, {}, ctx.logger);
    // MONUSCO, UNIFIL and overall digests: /all 3, /monusco 1, /slack 1, /teams 1, /flaky 1.
    expect(r).toEqual({ week: '2026-W40', stored: 6, emailed: 0, webhookDeliveries: 7 });
    await eventually(async () => ((await ctx.models.webhookDeliveries.countDocuments({ status: 'delivered' })) === 7 ? true : undefined), '7 digest deliveries delivered');

    expect(receiver.received.every((d) => d.signatureOk)).toBe(true);
    expect(receiver.received.every((d) => d.headers['x-vigie-event'] === 'digest.published')).toBe(true);
    const missionsOf = (path: string) => receiver.on(path).filter((d) => d.answered < 300).map((d) => (d.json.digest as { mission: string | null } | undefined)?.mission ?? null).sort();
    expect(missionsOf('/all')).toEqual(['MONUSCO', 'UNIFIL', null].sort());
    expect(missionsOf('/monusco')).toEqual(['MONUSCO']);
    expect(receiver.on('/flaky').map((d) => d.answered)).toEqual([503, 200]); // retried with backoff, then delivered
    expect(receiver.on('/alerts-only')).toEqual([]);
    expect(receiver.on('/paused')).toEqual([]);

    const monusco = receiver.on('/monusco')[0]!.json as { id: string; type: string; digest: { week: string; counts: { new: number }; summary: { en: string; fr: string }; links: { html: { fr: string } }; markdown: { fr: string } } };
    expect(monusco).toMatchObject({ id: 'digest.MONUSCO.2026-W40', type: 'digest.published', digest: { week: '2026-W40', counts: { new: 1 } } });
    expect(monusco.digest.summary.en).toContain('1 new narrative (expulsion demand)');
    expect(monusco.digest.markdown.fr).toContain('# Synthèse hebdomadaire — MONUSCO — 2026-W40');
    const frDigest = await ctx.models.digests.findOne({ mission: 'MONUSCO', week: '2026-W40', lang: 'fr' }).lean();
    expect(monusco.digest.links.html.fr).toBe(`https://vigie.example.org/api/v1/digests/${String(frDigest!._id)}?format=html`);
    const slack = receiver.on('/slack')[0]!.json as { text: string; blocks: unknown[] };
    expect(slack.text).toBe('Weekly digest — UNIFIL — 2026-W40 | Synthèse hebdomadaire — UNIFIL — 2026-W40');
    const teams = receiver.on('/teams')[0]!.json as { type: string; attachments: { contentType: string }[] };
    expect(teams).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }] });

    // A rerun of the job (a retry) finds every delivery and sends nothing again.
    const before = receiver.received.length;
    expect(await generateWeeklyDigests(deps, {}, ctx.logger)).toEqual({ week: '2026-W40', stored: 6, emailed: 0, webhookDeliveries: 0 });
    expect(await ctx.models.webhookDeliveries.countDocuments({})).toBe(7);
    expect(receiver.received.length).toBe(before);
  }, 60_000);
});

const vigie = (...args: string[]) => runVigie(ctx, ...args);

describe('vigie digest (CLI)', () => {
  it('prints a mission digest as Markdown and refuses a bad week', async () => {
    const ok = await vigie('digest', '--mission', 'MONUSCO', '--week', '2026-W40', '--format', 'md', '--lang', 'fr');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('# Synthèse hebdomadaire — MONUSCO — 2026-W40');
    expect(ok.stdout).toMatch(/\| expulsion\\_demand \| 0 \| 3 \|/);
    const bad = await vigie('digest', '--week', '2026-W99');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--week must be an ISO week');
  }, 60_000);
});
