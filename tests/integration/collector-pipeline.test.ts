/**
 * The collector against real Redis and FerretDB with loopback servers: idempotent re-processing, a crash between
 * upsert and enqueue retried by BullMQ, edits re-classified, the pending sweeper, SSRF refusal, 410, Retry-After,
 * permanent-redirect adoption, web sources, cross-source dedup and the shared per-host limiter.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, type Job, type Worker } from 'bullmq';
import { Types } from 'mongoose';
import { JOBS } from '@vigie/contracts';
import { saveClassification, upsertFeedItems, type Models, type NewItem } from '@vigie/db';
import { createTypedQueue, createTypedWorker, newSourceRevision, publishSourceRevision, readSourceLiveness, recordSourceLiveness, type JobContext } from '@vigie/runtime';
import { collectFeed, createHostLimiter, createSourceStore, sweepStalePending, type CollectDeps } from '@vigie/collector';
import { eventually, openTestContext, type TestContextHandles } from '../support/stack.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let ctx: TestContextHandles;
let server: Server;
let base = '';
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();

beforeAll(async () => {
  ctx = await openTestContext('collector');
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await ctx?.close();
});

interface FeedItem {
  guid: string;
  title: string;
  text: string;
  link?: string;
}
function rss(items: FeedItem[], comment = ''): string {
  const body = items
    .map((i) => `<item><guid isPermaLink="false">${i.guid}</guid><title>${i.title}</title><link>${i.link ?? `https://news.example/${i.guid}`}</link><description>${i.text}</description><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><!-- ${comment} --><rss version="2.0"><channel><title>Test</title><link>https://news.example/</link>${body}</channel></rss>`;
}
function serve(path: string, body: () => string, type = 'application/rss+xml; charset=utf-8', headers: Record<string, string> = {}) {
  routes.set(path, (_req, res) => res.writeHead(200, { 'content-type': type, ...headers }).end(body()));
}

const STORIES: FeedItem[] = [
  { guid: 'a1', title: 'Les casques bleus accusés à Beni', text: 'Des habitants de Beni affirment que les casques bleus ont livré des armes aux rebelles ADF la nuit dernière.' },
  { guid: 'a2', title: 'Marché de Goma', text: 'Le prix du manioc a augmenté de vingt pour cent au marché central de Goma cette semaine selon les commerçants.' },
  { guid: 'a3', title: 'Manifestation à Butembo', text: 'Des jeunes ont manifesté devant la base de la MONUSCO à Butembo pour exiger son départ immédiat du pays.' },
];

function deps(models: Models, enqueued: string[], allowPrivate = true): CollectDeps {
  return {
    models,
    fetchOptions: { allowPrivateAddresses: allowPrivate, totalTimeoutMs: 5_000 },
    enqueueClassify: async (itemId, hash) => {
      enqueued.push(`${itemId}:${hash}`);
    },
    now: () => new Date(),
  };
}
const jobCtx = (): JobContext => ({ log: ctx.logger, job: { id: 'test' } as unknown as Job });

async function makeSource(name: string, url: string, extra: Record<string, unknown> = {}): Promise<string> {
  const doc = await ctx.models.sources.create({ name, kind: 'rss', url, missions: ['MONUSCO'], pollIntervalSec: 600, ...extra });
  return String(doc._id);
}

describe('idempotency', () => {
  it('re-processing the same feed any number of times stores each item once and enqueues nothing new', async () => {
    let n = 0;
    serve('/same.xml', () => rss(STORIES, `render ${n++}`));
    const sourceId = await makeSource('Same', `${base}/same.xml`);
    const enqueued: string[] = [];
    const first = await collectFeed(deps(ctx.models, enqueued), { sourceId }, jobCtx());
    expect(first).toMatchObject({ outcome: 'collected', created: 3, enqueued: 3 });
    for (const item of await ctx.models.items.find({ sourceId }).lean()) {
      await saveClassification(ctx.models, String(item._id), { missions: ['MONUSCO'], topNarrative: null, harmful: false, severity: null } as never, new Date());
    }
    for (let i = 0; i < 3; i++) {
      const again = await collectFeed(deps(ctx.models, enqueued), { sourceId }, jobCtx());
      expect(again).toMatchObject({ outcome: 'collected', created: 0, edited: 0, enqueued: 0 });
    }
    expect(await ctx.models.items.countDocuments({ sourceId })).toBe(3);
    expect(enqueued).toHaveLength(3);
    const source = await ctx.models.sources.findById(sourceId).lean();
    expect(source?.health).toMatchObject({ lastStatus: '200', consecutiveFailures: 0, itemsLastFetch: 3 });
    expect(source?.health?.nextFetchAt?.getTime()).toBeGreaterThan(Date.now());
    expect(source?.schedule?.recentNew).toEqual([3, 0, 0, 0]);
  });

  it('an edit (same guid, new text) is stored in place and enqueued again under a new job id', async () => {
    let text = STORIES[0]!.text;
    serve('/edit.xml', () => rss([{ ...STORIES[0]!, text }]));
    const sourceId = await makeSource('Edit', `${base}/edit.xml`);
    const enqueued: string[] = [];
    await collectFeed(deps(ctx.models, enqueued), { sourceId }, jobCtx());
    const [item] = await ctx.models.items.find({ sourceId }).lean();
    await saveClassification(ctx.models, String(item!._id), { missions: ['MONUSCO'], topNarrative: null, harmful: false, severity: null } as never, new Date());
    text = `${text} Mise à jour : la MONUSCO dément formellement.`;
    const edited = await collectFeed(deps(ctx.models, enqueued), { sourceId }, jobCtx());
    expect(edited).toMatchObject({ created: 0, edited: 1, enqueued: 1 });
    const after = await ctx.models.items.find({ sourceId }).lean();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: 'pending' });
    expect(after[0]!.text).toContain('dément');
    expect(new Set(enqueued).size).toBe(2);
  });

  it('a worker that dies after the upsert is retried by BullMQ: nothing lost, nothing duplicated', async () => {
    serve('/crash.xml', () => rss(STORIES.map((s) => ({ ...s, guid: `crash-${s.guid}` }))));
    const sourceId = await makeSource('Crash', `${base}/crash.xml`);
    const classify = createTypedQueue(JOBS.classifyItem, ctx.redis, ctx.queuePrefix, ctx.logger);
    let crashes = 0;
    const worker: Worker = createTypedWorker(
      JOBS.collectFeed,
      (payload, jc) =>
        collectFeed(
          {
            ...deps(ctx.models, []),
            enqueueClassify: async (itemId, hash) => {
              // The process "dies" between the first upsert and its enqueue.
              if (crashes === 0) {
                crashes++;
                throw new Error('simulated crash after upsert');
              }
              await classify.enqueue({ itemId }, { jobId: `item-${itemId}-${hash.slice(0, 16)}` });
            },
          },
          payload,
          jc,
        ),
      { connection: ctx.redis, prefix: ctx.queuePrefix, logger: ctx.logger },
    );
    const collect = createTypedQueue(JOBS.collectFeed, ctx.redis, ctx.queuePrefix, ctx.logger);
    try {
      await collect.enqueue({ sourceId }, { jobId: `crash-${sourceId}` });
      const jobs = await eventually(async () => {
        const all = await classify.queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']);
        return all.length >= 3 ? all : undefined;
      }, 'classify jobs after the retry');
      expect(crashes).toBe(1);
      const done = await collect.queue.getJob(`crash-${sourceId}`);
      expect(done?.attemptsMade).toBeGreaterThanOrEqual(1);
      const items = await ctx.models.items.find({ sourceId }).lean();
      expect(items).toHaveLength(3);
      expect(jobs.map((j) => j.data.itemId).sort()).toEqual(items.map((i) => String(i._id)).sort());
    } finally {
      await worker.close();
      await collect.close();
      await classify.close();
    }
  });

  it('the sweeper re-enqueues items left pending without a job, with the same deterministic id', async () => {
    const sourceId = await makeSource('Sweep', `${base}/none.xml`);
    const { insertedId } = await ctx.models.items.collection.insertOne({
      sourceId: new Types.ObjectId(sourceId),
      guid: 'lost',
      title: 'lost',
      text: 'left pending by a crash',
      contentHash: 'f'.repeat(64),
      status: 'pending',
      collectedAt: new Date(Date.now() - 3_600_000),
      updatedAt: new Date(Date.now() - 3_600_000),
      hour: new Date(),
      day: '2026-03-02',
      week: '2026-W10',
    });
    const queued: string[] = [];
    const n = await sweepStalePending(ctx.models, async (id, hash) => void queued.push(`${id}:${hash}`), { now: new Date(), olderThanMs: 10 * 60_000 });
    expect(n).toBeGreaterThanOrEqual(1);
    expect(queued).toContain(`${String(insertedId)}:${'f'.repeat(64)}`);
  });
});

describe('fetch outcomes and source health', () => {
  it('refuses a source pointing at the cloud metadata address and records why (private addresses off)', async () => {
    const sourceId = await makeSource('Metadata', 'http://169.254.169.254/latest/meta-data/');
    await expect(collectFeed(deps(ctx.models, [], false), { sourceId }, jobCtx())).rejects.toThrow(/blocked_address/);
    const source = await ctx.models.sources.findById(sourceId).lean();
    expect(source?.enabled).toBe(false);
    expect(source?.health?.lastError?.code).toBe('blocked_address');
    expect(source?.health?.disabledReason).toMatch(/not allowed/);
    // Loopback is refused the same way, and the loopback server never sees a request.
    const before = hits.get('/private.xml') ?? 0;
    serve('/private.xml', () => rss(STORIES));
    const local = await makeSource('Loopback', `${base}/private.xml`);
    await expect(collectFeed(deps(ctx.models, [], false), { sourceId: local }, jobCtx())).rejects.toThrow(/blocked_address/);
    expect(hits.get('/private.xml') ?? 0).toBe(before);
  });

  it('disables a source whose feed is gone (410)', async () => {
    routes.set('/gone.xml', (_req, res) => res.writeHead(410).end('gone'));
    const sourceId = await makeSource('Gone', `${base}/gone.xml`);
    await expect(collectFeed(deps(ctx.models, []), { sourceId }, jobCtx())).rejects.toThrow(/http_gone/);
    const source = await ctx.models.sources.findById(sourceId).lean();
    expect(source).toMatchObject({ enabled: false });
    expect(source?.health?.disabledReason).toMatch(/410/);
    expect(source?.health?.nextFetchAt).toBeNull();
  });

  it('honours Retry-After: no poll before the server said so', async () => {
    routes.set('/busy.xml', (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'));
    const sourceId = await makeSource('Busy', `${base}/busy.xml`);
    const first = await collectFeed(deps(ctx.models, []), { sourceId }, jobCtx());
    expect(first.outcome).toBe('rate_limited');
    const source = await ctx.models.sources.findById(sourceId).lean();
    expect(source?.schedule?.notBefore?.getTime()).toBeGreaterThan(Date.now() + 100_000);
    expect(source?.health?.lastError?.code).toBe('rate_limited');
    const second = await collectFeed(deps(ctx.models, []), { sourceId }, jobCtx());
    expect(second.outcome).toBe('deferred');
    expect(hits.get('/busy.xml')).toBe(1);
  });

  it('records a permanent redirect and adopts it after the third time', async () => {
    routes.set('/moved.xml', (_req, res) => res.writeHead(301, { location: '/new-home.xml' }).end());
    serve('/new-home.xml', () => rss(STORIES.map((s) => ({ ...s, guid: `moved-${s.guid}` }))));
    const sourceId = await makeSource('Moved', `${base}/moved.xml`);
    for (let i = 1; i <= 2; i++) {
      await collectFeed(deps(ctx.models, []), { sourceId }, jobCtx());
      const s = await ctx.models.sources.findById(sourceId).lean();
      expect(s?.url).toBe(`${base}/moved.xml`);
      expect(s?.http).toMatchObject({ redirectTo: `${base}/new-home.xml`, redirectCount: i });
    }
    await collectFeed(deps(ctx.models, []), { sourceId }, jobCtx());
    const adopted = await ctx.models.sources.findById(sourceId).lean();
    expect(adopted?.url).toBe(`${base}/new-home.xml`);
    expect(adopted?.http).toMatchObject({ redirectTo: null, redirectCount: 0 });
    expect(await ctx.models.items.countDocuments({ sourceId })).toBe(3);
  });

  it('sends validators, counts 304 as success, and drops them for the daily unconditional refetch', async () => {
    const seen: (string | undefined)[] = [];
    routes.set('/etag.xml', (req, res) => {
      seen.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(rss(STORIES.map((s) => ({ ...s, guid: `etag-${s.guid}` }))));
    });
    const sourceId = await makeSource('ETag', `${base}/etag.xml`);
    await collectFeed(deps(ctx.models, []), { sourceId }, jobCtx());
    expect(await collectFeed(deps(ctx.models, []), { sourceId }, jobCtx())).toMatchObject({ outcome: 'not_modified' });
    await ctx.models.sources.updateOne({ _id: sourceId }, { $set: { 'http.lastFullFetchAt': new Date(Date.now() - 25 * 3600_000) } });
    expect(await collectFeed(deps(ctx.models, []), { sourceId }, jobCtx())).toMatchObject({ outcome: 'unchanged_body' });
    expect(seen).toEqual([undefined, '"v1"', undefined]);
    expect((await ctx.models.sources.findById(sourceId).lean())?.health).toMatchObject({ lastStatus: '200', consecutiveFailures: 0 });
  });
});

describe('web sources and cross-source dedup', () => {
  it('stores an article page as one item keyed by its URL and detects edits by content hash', async () => {
    let paragraph = 'Le porte-parole de la mission a démenti hier toute livraison d’armes aux groupes armés dans le territoire de Beni. '.repeat(4);
    routes.set('/article.html', (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html lang="fr"><head><title>Démenti de la MONUSCO</title><meta property="article:published_time" content="2026-03-01T08:00:00Z"></head><body><nav>Accueil</nav><article><h1>Démenti de la MONUSCO</h1><p>${paragraph}</p><p>${paragraph}</p></article><script>track()</script></body></html>`),
    );
    const doc = await ctx.models.sources.create({ name: 'Article', kind: 'web', url: `${base}/article.html?utm_source=x`, pollIntervalSec: 3600 });
    const sourceId = String(doc._id);
    const enqueued: string[] = [];
    expect(await collectFeed(deps(ctx.models, enqueued), { sourceId }, jobCtx())).toMatchObject({ outcome: 'collected', created: 1 });
    const [item] = await ctx.models.items.find({ sourceId }).lean();
    expect(item?.guid).toBe(`${base}/article.html`);
    expect(item?.title).toBe('Démenti de la MONUSCO');
    expect(item?.text).toContain('porte-parole');
    expect(item?.text).not.toContain('track()');
    expect(item?.publishedAt?.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    paragraph = paragraph.replace('hier', 'lundi');
    expect(await collectFeed(deps(ctx.models, enqueued), { sourceId }, jobCtx())).toMatchObject({ created: 0, edited: 1 });
    expect(await ctx.models.items.countDocuments({ sourceId })).toBe(1);
    expect(new Set(enqueued).size).toBe(2);
  });

  it('links the same story from another source by canonical URL and by simhash, keeping both rows', async () => {
    // A story no other test in this file collected (they share one database).
    const story = { guid: 'x', title: 'Pont coupé sur la route de Kasindi', text: 'La crue de la rivière Lubiriha a emporté le pont principal sur la route de Kasindi, isolant plusieurs villages depuis mardi matin selon la société civile.' };
    serve('/wire.xml', () => rss([{ ...story, guid: 'wire-1', link: 'https://agency.example/story/77?utm_source=rss' }]));
    serve('/copy.xml', () => rss([{ ...story, guid: 'copy-1', link: 'https://agency.example/story/77' }]));
    serve('/rewrite.xml', () => rss([{ guid: 'rw-1', title: story.title, text: `${story.text} (AFP)`, link: 'https://blog.example/p/1' }]));
    const wire = await makeSource('Wire', `${base}/wire.xml`);
    const copy = await makeSource('Copy', `${base}/copy.xml`);
    const rewrite = await makeSource('Rewrite', `${base}/rewrite.xml`);
    for (const sourceId of [wire, copy, rewrite]) await collectFeed(deps(ctx.models, []), { sourceId }, jobCtx());
    const original = await ctx.models.items.findOne({ sourceId: wire }).lean();
    const byUrl = await ctx.models.items.findOne({ sourceId: copy }).lean();
    const bySimhash = await ctx.models.items.findOne({ sourceId: rewrite }).lean();
    expect(original?.nearDuplicateOf).toBeNull();
    expect(String(byUrl?.nearDuplicateOf)).toBe(String(original?._id));
    expect(byUrl?.duplicateReason).toBe('canonical_url');
    expect(String(bySimhash?.nearDuplicateOf)).toBe(String(original?._id));
    expect(bySimhash?.duplicateReason).toBe('simhash');
    // Copies are still classified (a copy carries the narrative too).
    expect(byUrl?.status).toBe('pending');
  });
});

describe('feed items stored concurrently (merged reads)', () => {
  it('six feeds carrying the same story at once: each item stored once, every copy linked to the single oldest root', async () => {
    const text = 'Des tirs ont été entendus près du camp de déplacés de Bulengo au nord de Goma tôt ce matin selon des habitants';
    const story = (guid: string, n: number): NewItem => ({
      guid,
      url: `https://site${n}.example/bulengo`,
      canonicalUrl: `https://site${n}.example/bulengo`,
      title: 'Tirs près de Bulengo',
      text,
      author: null,
      publishedAt: new Date('2026-03-02T06:00:00Z'),
      language: 'fr',
      languageConfidence: 0.9,
      media: [],
      contentHash: `bulengo-${n}`,
      simhash: n % 2 === 0 ? 'a5a5a5a5a5a5a5a5' : 'a5a5a5a5a5a5a5a4',
      warnings: [],
    });
    const sources = await Promise.all(Array.from({ length: 6 }, (_, n) => makeSource(`Bulengo ${n}`, `${base}/bulengo-${n}.xml`)));
    const runs = await Promise.all(sources.map((sourceId, n) => upsertFeedItems(ctx.models, sourceId, [story(`b-${n}`, n), story(`b-${n}-bis`, n + 10)], new Date())));
    expect(runs.flat().map((r) => r.outcome)).toEqual(Array(12).fill('created'));
    const stored = await ctx.models.items.find({ sourceId: { $in: sources } }).sort({ _id: 1 }).lean();
    expect(stored).toHaveLength(12);
    const oldest = stored[0]!;
    expect(oldest.nearDuplicateOf).toBeNull();
    // Whatever the interleaving, every other copy points at the oldest one, never at another copy.
    for (const copy of stored.slice(1)) expect(String(copy.nearDuplicateOf)).toBe(String(oldest._id));
    // Again, all at once: nothing new, nothing duplicated.
    const again = await Promise.all(sources.map((sourceId, n) => upsertFeedItems(ctx.models, sourceId, [story(`b-${n}`, n), story(`b-${n}-bis`, n + 10)], new Date())));
    expect(again.flat().map((r) => r.outcome)).toEqual(Array(12).fill('unchanged'));
    expect(await ctx.models.items.countDocuments({ sourceId: { $in: sources } })).toBe(12);
  });
});

describe('per-host politeness (shared through Redis)', () => {
  it('grants at most N concurrent fetches and one start per interval per host, independently per host', async () => {
    const limiter = createHostLimiter(ctx.redis, ctx.queuePrefix, { maxConcurrent: 2, minIntervalMs: 60_000, leaseTtlMs: 30_000 });
    expect(await limiter.tryAcquire('a.example', 'l1')).toMatchObject({ kind: 'granted' });
    const second = await limiter.tryAcquire('a.example', 'l2');
    expect(second.kind).toBe('rate');
    expect(second.kind !== 'granted' && second.waitMs).toBeGreaterThan(50_000);
    expect(await limiter.tryAcquire('b.example', 'l3')).toMatchObject({ kind: 'granted' });

    const burst = createHostLimiter(ctx.redis, `${ctx.queuePrefix}:burst`, { maxConcurrent: 2, minIntervalMs: 0, leaseTtlMs: 30_000 });
    expect((await burst.tryAcquire('c.example', 'x1')).kind).toBe('granted');
    expect((await burst.tryAcquire('c.example', 'x2')).kind).toBe('granted');
    expect((await burst.tryAcquire('c.example', 'x3')).kind).toBe('busy');
    await burst.release('c.example', 'x1');
    expect((await burst.tryAcquire('c.example', 'x3')).kind).toBe('granted');
  });

  it('re-delays a job whose host is busy instead of dropping it, and runs it later', async () => {
    serve('/polite.xml', () => rss(STORIES.map((s) => ({ ...s, guid: `polite-${s.guid}` }))));
    const sourceId = await makeSource('Polite', `${base}/polite.xml`);
    const limiter = createHostLimiter(ctx.redis, `${ctx.queuePrefix}:polite`, { maxConcurrent: 1, minIntervalMs: 0, leaseTtlMs: 30_000 });
    // Another process holds the only slot for this host.
    const host = new URL(base).host;
    expect((await limiter.tryAcquire(host, 'other-process')).kind).toBe('granted');
    const worker: Worker = createTypedWorker(JOBS.collectFeed, (payload, jc) => collectFeed({ ...deps(ctx.models, []), hostLimiter: limiter }, payload, jc), {
      connection: ctx.redis,
      prefix: `${ctx.queuePrefix}:polite`,
      logger: ctx.logger,
    });
    const queue = new Queue(JOBS.collectFeed.queue, { connection: ctx.redis, prefix: `${ctx.queuePrefix}:polite` });
    try {
      await queue.add(JOBS.collectFeed.queue, { sourceId }, { jobId: 'polite-1', attempts: 1 });
      await eventually(async () => ((await queue.getJob('polite-1'))?.processedOn ? true : undefined), 'the job to start');
      await eventually(async () => ((await queue.getJobState('polite-1')) === 'delayed' ? true : undefined), 'the job to be re-delayed');
      expect(await ctx.models.items.countDocuments({ sourceId })).toBe(0);
      await limiter.release(host, 'other-process');
      await eventually(async () => ((await queue.getJobState('polite-1')) === 'completed' ? true : undefined), 'the job to complete once the host is free');
      expect(await ctx.models.items.countDocuments({ sourceId })).toBe(3);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});

describe('source writes only when something material changes (poll times in Redis)', () => {
  const liveness = () => ({ record: (id: string, times: { lastFetchAt: Date; nextFetchAt: Date | null }) => recordSourceLiveness(ctx.redis, ctx.queuePrefix, id, times) });
  /** A feed answering 304 to its ETag, or whatever `status` says. */
  function etagFeed(path: string, guidPrefix: string) {
    const state = { status: 304 as number };
    routes.set(path, (req, res) => {
      if (state.status === 500) return void res.writeHead(500).end('boom');
      if (req.headers['if-none-match'] === '"q1"') return void res.writeHead(304, { etag: '"q1"' }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"q1"' }).end(rss(STORIES.map((s) => ({ ...s, guid: `${guidPrefix}-${s.guid}` }))));
    });
    return state;
  }

  it('a quiet 304 leaves the document untouched and records the poll in Redis; a failure is written at once', async () => {
    const state = etagFeed('/quiet.xml', 'quiet');
    const sourceId = await makeSource('Quiet', `${base}/quiet.xml`);
    const d = { ...deps(ctx.models, []), liveness: liveness() };
    expect(await collectFeed(d, { sourceId }, jobCtx())).toMatchObject({ outcome: 'collected', created: 3, sourceWritten: true });
    // Eight quiet polls fill the busy/quiet history with zeros; each of them changes it, so each is written.
    for (let i = 0; i < 8; i++) expect(await collectFeed(d, { sourceId }, jobCtx())).toMatchObject({ outcome: 'not_modified', sourceWritten: true });
    const before = await ctx.models.sources.findById(sourceId).lean();
    expect(before?.schedule?.recentNew).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);

    const quiet = await collectFeed(d, { sourceId }, jobCtx());
    expect(quiet).toMatchObject({ outcome: 'not_modified', sourceWritten: false });
    const after = await ctx.models.sources.findById(sourceId).lean();
    expect(after).toEqual(before); // updatedAt included: not a single byte rewritten
    const live = (await readSourceLiveness(ctx.redis, ctx.queuePrefix, [sourceId])).get(sourceId);
    expect(live!.lastFetchAt.getTime()).toBeGreaterThan(before!.health!.lastFetchAt!.getTime());
    expect(live!.nextFetchAt!.getTime()).toBeGreaterThan(live!.lastFetchAt.getTime());

    // A status change is material: written in the same poll, with that poll's time.
    state.status = 500;
    await expect(collectFeed(d, { sourceId }, jobCtx())).rejects.toThrow(/http_server_error/);
    const failed = await ctx.models.sources.findById(sourceId).lean();
    const failedLive = (await readSourceLiveness(ctx.redis, ctx.queuePrefix, [sourceId])).get(sourceId)!;
    expect(failed?.health).toMatchObject({ lastStatus: 'http_server_error', consecutiveFailures: 1, lastError: { code: 'http_server_error' } });
    expect(failed?.health?.lastFetchAt?.getTime()).toBe(failedLive.lastFetchAt.getTime());
    // And so is the recovery.
    state.status = 304;
    expect(await collectFeed(d, { sourceId }, jobCtx())).toMatchObject({ outcome: 'not_modified', sourceWritten: true });
    expect((await ctx.models.sources.findById(sourceId).lean())?.health).toMatchObject({ lastStatus: '304', consecutiveFailures: 0, lastError: null });
  });

  it('a crash after the item upserts but before the source write loses nothing: the retry re-fetches and stores no duplicate', async () => {
    etagFeed('/crash-write.xml', 'cw');
    const sourceId = await makeSource('Crash before write', `${base}/crash-write.xml`);
    const enqueued: string[] = [];
    // The process "dies" on the source write: the models see one failing sources.updateOne.
    let fail = true;
    const crashingSources = new Proxy(ctx.models.sources, {
      get(target, prop, receiver) {
        if (prop === 'updateOne' && fail) {
          return () => {
            fail = false;
            return Promise.reject(new Error('simulated crash before the source write'));
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const d = { ...deps({ ...ctx.models, sources: crashingSources }, enqueued), liveness: liveness() };
    await expect(collectFeed(d, { sourceId }, jobCtx())).rejects.toThrow(/simulated crash/);
    expect(await ctx.models.items.countDocuments({ sourceId })).toBe(3);
    // No validators stored, so the retry fetches the body again instead of getting a 304 that would skip it.
    expect((await ctx.models.sources.findById(sourceId).lean())?.http?.etag ?? null).toBeNull();
    const retry = await collectFeed(d, { sourceId }, jobCtx());
    expect(retry).toMatchObject({ outcome: 'collected', created: 0, enqueued: 3, sourceWritten: true });
    expect(await ctx.models.items.countDocuments({ sourceId })).toBe(3);
    // Every item is enqueued again with the same deterministic job id (a no-op in BullMQ), none is missed.
    expect(new Set(enqueued).size).toBe(3);
    expect((await ctx.models.sources.findById(sourceId).lean())?.http?.etag).toBe('"q1"');
    expect(await collectFeed(d, { sourceId }, jobCtx())).toMatchObject({ outcome: 'not_modified' });
  });
});

describe('source documents held in memory by collectors (revision-checked)', () => {
  it('serves the held copy while the revision matches and re-reads after any other writer\'s change', async () => {
    const id = await makeSource('Held', `${base}/held.xml`);
    const a = createSourceStore(ctx.models, ctx.redis, ctx.queuePrefix);
    const b = createSourceStore(ctx.models, ctx.redis, ctx.queuePrefix);
    const first = await a.load(id);
    a.prime([first!]);
    // A write that bypasses the revision (a raw database edit) is not seen: the copy is trusted…
    await ctx.models.sources.updateOne({ _id: id }, { $set: { pollIntervalSec: 1200 } });
    expect((await a.load(id))?.pollIntervalSec).toBe(600);
    // …until a revision-aware writer (the API, another collector) publishes a new token.
    const rev = newSourceRevision();
    await ctx.models.sources.updateOne({ _id: id }, { $set: { enabled: false, rev } });
    await publishSourceRevision(ctx.redis, ctx.queuePrefix, id, rev);
    expect(await a.load(id)).toMatchObject({ enabled: false, pollIntervalSec: 1200, rev });
    // Another collector's write through its store: this one re-reads too.
    await b.update(first!._id, { 'health.lastStatus': '304' });
    expect((await a.load(id))?.health?.lastStatus).toBe('304');
    // Deleted (the API publishes a token on delete): the held copy is not served.
    await ctx.models.sources.deleteOne({ _id: id });
    await publishSourceRevision(ctx.redis, ctx.queuePrefix, id, newSourceRevision());
    expect(await a.load(id)).toBeNull();
  });
});
