/**
 * `vigie sources import|export` and `vigie intake` as people run them: a real process against the test database
 * and queue prefix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { openTestContext, type TestContextHandles } from '../support/stack.js';
import { runVigie } from '../support/cli.js';

let ctx: TestContextHandles;
let dir: string;

beforeAll(async () => {
  ctx = await openTestContext('cliimport');
  dir = mkdtempSync(join(tmpdir(), 'vigie-cli-import-'));
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await ctx?.close();
});

const vigie = (...args: string[]) => runVigie(ctx, ...args);

const OPML = `<?xml version="1.0"?>
<opml version="2.0"><head><title>Inoreader</title></head><body>
  <outline text="Congo"><outline type="rss" text="Radio Okapi" xmlUrl="https://www.radiookapi.net/rss.xml"/>
    <outline type="rss" text="7sur7" xmlUrl="https://7sur7.cd/feed"/></outline>
  <outline type="rss" text="Broken" xmlUrl="gopher://old.example/feed"/>
</body></opml>`;

describe('vigie sources import / export', () => {
  it('imports OPML with categories as tags, reports the invalid outline, and updates on re-import', async () => {
    const file = join(dir, 'subs.opml');
    writeFileSync(file, OPML);
    const first = await vigie('sources', 'import', file, '--missions', 'monusco', '--languages', 'fr');
    expect(first.code, first.stderr).toBe(1);
    const report = JSON.parse(first.stdout) as { created: number; updated: number; invalid: { name: string; errors: string[] }[] };
    expect(report).toMatchObject({ created: 2, updated: 0 });
    expect(report.invalid).toHaveLength(1);
    expect(report.invalid[0]!.name).toBe('Broken');
    const okapi = await ctx.models.sources.findOne({ name: 'Radio Okapi' }).lean();
    expect(okapi).toMatchObject({ kind: 'rss', url: 'https://www.radiookapi.net/rss.xml', tags: ['Congo'], missions: ['MONUSCO'], languages: ['fr'] });

    writeFileSync(file, OPML.replace('https://7sur7.cd/feed', 'https://7sur7.cd/rss'));
    const again = JSON.parse((await vigie('sources', 'import', file)).stdout) as { created: number; updated: number; unchanged: number };
    expect(again).toMatchObject({ created: 0, updated: 2 });
    expect((await ctx.models.sources.findOne({ name: '7sur7' }).lean())?.url).toBe('https://7sur7.cd/rss');
    expect(await ctx.models.sources.countDocuments({})).toBe(2);
  });

  it('exports YAML that imports back unchanged, and OPML', async () => {
    const yaml = await vigie('sources', 'export');
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toContain('name: Radio Okapi');
    const file = join(dir, 'export.yaml');
    writeFileSync(file, yaml.stdout);
    const reimport = await vigie('sources', 'import', file);
    expect(JSON.parse(reimport.stdout), reimport.stdout + yaml.stdout).toMatchObject({ created: 0, updated: 0, unchanged: 2, invalid: [] });
    const opml = await vigie('sources', 'export', '--format', 'opml');
    expect(opml.stdout).toContain('<outline text="Congo" title="Congo">');
    expect(opml.stdout).toContain('xmlUrl="https://www.radiookapi.net/rss.xml"');
  });
});

describe('vigie intake', () => {
  it('submits a JSONL file, dedups repeated texts, reports bad lines by number, and enqueues classification', async () => {
    const file = join(dir, 'transcripts.jsonl');
    const rumour = 'Les casques bleus transportent des armes pour les ADF, ils ont été vus cette nuit près de Mavivi.';
    writeFileSync(
      file,
      `\uFEFF${JSON.stringify({ text: rumour, mission: 'MONUSCO', sourceName: 'Radio transcripts' })}\r\n` +
        `${JSON.stringify({ text: 'Le marché de Beni rouvre lundi après trois jours de fermeture, annoncent les autorités locales.' })}\r\n` +
        `{"text": oops}\r\n\r\n` +
        `${JSON.stringify({ text: `  ${rumour}  `, sourceName: 'Radio transcripts' })}\n`,
    );
    const run = await vigie('intake', file);
    expect(run.code, run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { items: number; dups: number; errors: number; lineErrors: { line: number }[] };
    expect(summary).toMatchObject({ items: 2, dups: 1, errors: 1 });
    expect(summary.lineErrors.map((e) => e.line)).toEqual([3]);
    expect(run.stderr).toContain('line 3');
    const manual = await ctx.models.sources.findOne({ name: 'Radio transcripts' }).lean();
    expect(manual).toMatchObject({ kind: 'manual', missions: ['MONUSCO'] });
    expect(await ctx.models.items.countDocuments({ sourceId: manual!._id })).toBe(1);
    const queue = new Queue('classify-item', { connection: ctx.redis, prefix: ctx.queuePrefix });
    try {
      const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
      expect(jobs).toHaveLength(2);
    } finally {
      await queue.close();
    }
  });
});
