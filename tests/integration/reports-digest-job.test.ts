/**
 * The weekly digest job on real FerretDB with e-mail to a local SMTP sink (smtp-server): per-mission and overall
 * digests in FR and EN are stored, the configured language is mailed once, and a rerun (a retried job) stores
 * the same four digests and mails nothing again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { timeBuckets } from '@vigie/contracts';
import { createDigestMail, generateWeeklyDigests } from '../../services/classifier/src/digest.processor.js';
import { openTestContext, type TestContextHandles } from '../support/stack.js';
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
  await ctx?.close();
});

describe('weekly digest job', () => {
  it('stores per-mission and overall digests in FR and EN, mails the French ones once', async () => {
    const mail = createDigestMail({ smtpUrl: `smtp://127.0.0.1:${port}`, recipients: ['chef@example.org', 'porte-parole@example.org'], from: 'Vigie <vigie@example.org>', emailLang: 'fr' }, ctx.logger);
    const deps = { models: ctx.models, now: () => new Date('2026-10-05T05:00:00Z'), mail };
    const first = await generateWeeklyDigests(deps, {}, ctx.logger);
    expect(first).toEqual({ week: '2026-W40', stored: 4, emailed: 2 });
    const docs = await ctx.models.digests.find({}, { mission: 1, lang: 1, data: 1 }).sort({ mission: 1, lang: 1 }).lean();
    expect(docs.map((d) => `${d.mission}/${d.lang}`)).toEqual(['ALL/en', 'ALL/fr', 'MONUSCO/en', 'MONUSCO/fr']);
    expect((docs[2]!.data as { new: { narrative: string; thisWeek: number }[] }).new).toMatchObject([{ narrative: 'expulsion_demand', thisWeek: 3 }]);

    expect(received).toHaveLength(2);
    expect(received[0]!.to).toEqual(['chef@example.org', 'porte-parole@example.org']);
    const bodies = received.map((r) => r.body).join('\n');
    expect(bodies).toMatch(/Subject: =\?UTF-8\?Q\?Synth=C3=A8se_hebdomadaire/);
    expect(bodies).toContain('Content-Type: text/html');

    const again = await generateWeeklyDigests(deps, {}, ctx.logger);
    expect(again).toEqual({ week: '2026-W40', stored: 4, emailed: 0 });
    expect(received).toHaveLength(2);
    expect(await ctx.models.digests.countDocuments({})).toBe(4);
  });

  it('without SMTP settings stores digests and mails nothing', async () => {
    expect(createDigestMail({ smtpUrl: null, recipients: ['a@example.org'], from: 'x', emailLang: 'fr' }, ctx.logger)).toBeNull();
    const r = await generateWeeklyDigests({ models: ctx.models, now: () => new Date('2026-10-12T05:00:00Z'), mail: null }, {}, ctx.logger);
    expect(r).toEqual({ week: '2026-W41', stored: 4, emailed: 0 });
  });
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
