import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError } from 'bullmq';
import {
  canonicaliseUrl,
  decodeFeedBytes,
  extractArticle,
  fetchFeed,
  hostKey,
  identifyLanguage,
  isFeedError,
  parseFeed,
  simhash64,
  type FetchFeedOptions,
  type FetchOk,
  type NormalisedItem,
} from '@vigie/feeds';
import type { CollectFeedJob } from '@vigie/contracts';
import { upsertFeedItems, type Models, type NewItem } from '@vigie/db';
import { UnrecoverableError, type JobContext } from '@vigie/runtime';
import { nextHealth, type FetchOutcome } from './source-health.js';
import { adaptiveIntervalSec, nextFetchAt, pushHistory, shouldFetchUnconditionally } from './adaptive-interval.js';
import { nextRedirectState } from './redirect-adoption.js';
import { IN_PROCESS_WAIT_MS, retryDelayMs, type HostLimiter } from './politeness.js';
import type { SourceLean, SourceStore } from './source-cache.js';
import { planSourceWrite } from './source-write.js';

export interface CollectDeps {
  readonly models: Models;
  readonly fetchOptions: Pick<FetchFeedOptions, 'allowPrivateAddresses' | 'totalTimeoutMs' | 'maxBytes' | 'userAgent'>;
  /** Enqueues classification; idempotent per (item, content) through its job id. */
  readonly enqueueClassify: (itemId: string, contentHash: string) => Promise<void>;
  readonly now: () => Date;
  /** Per-host politeness shared across processes; absent in unit-level tests. */
  readonly hostLimiter?: HostLimiter;
  /**
   * Where every poll's times go (Redis, shared with the API). When present, the source document is written only
   * when a poll changes something material; absent (unit-level tests), the times are written to the document.
   */
  readonly liveness?: { record(sourceId: string, times: { lastFetchAt: Date; nextFetchAt: Date | null }): Promise<void> };
  /** Source reads and writes through revision-checked memory copies; absent → straight to the database. */
  readonly sources?: SourceStore;
}

/** Milliseconds spent in each step of one poll (the bench aggregates them; logs carry them at debug). */
export interface CollectTimings {
  /** Reading the source document. */
  loadMs: number;
  /** Waiting in-process for the per-host politeness limiter (re-delays to BullMQ are not counted here). */
  hostWaitMs: number;
  fetchMs: number;
  /** Decoding and parsing (or article extraction). */
  parseMs: number;
  /** Item upserts and classification enqueues. */
  itemsMs: number;
  /** The source write (when any) and the liveness record. */
  recordMs: number;
  /** When the per-host limiter granted this fetch (Redis clock, ms since the epoch); null without a limiter. */
  hostGrantedAt: number | null;
}

export interface CollectSummary {
  readonly sourceId: string;
  readonly outcome: 'skipped' | 'deferred' | 'not_modified' | 'unchanged_body' | 'collected' | 'rate_limited';
  readonly created: number;
  readonly edited: number;
  readonly enqueued: number;
  readonly warnings: number;
  /** Whether the poll wrote the source document (false: nothing material changed; times went to Redis only). */
  readonly sourceWritten: boolean;
  readonly timings: CollectTimings;
}

const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';

function toNewItem(item: NormalisedItem): NewItem {
  return {
    guid: item.id,
    url: item.url,
    canonicalUrl: item.canonicalUrl,
    title: item.title,
    text: item.text,
    author: item.author,
    publishedAt: item.publishedAt,
    language: item.language,
    languageConfidence: item.languageConfidence,
    media: item.media,
    contentHash: item.contentHash,
    simhash: item.simhash,
    warnings: item.warnings,
  };
}

/** A `web` source's page as one item: guid = the source's canonical URL, so re-fetches detect edits by hash. */
export function articleToNewItem(sourceUrl: string, fetched: Pick<FetchOk, 'finalUrl'>, html: string): NewItem {
  const article = extractArticle(html, fetched.finalUrl);
  const guid = canonicaliseUrl(sourceUrl) ?? sourceUrl;
  const lang = identifyLanguage(article.text);
  return {
    guid,
    url: fetched.finalUrl,
    canonicalUrl: canonicaliseUrl(article.canonicalUrl) ?? guid,
    title: article.title,
    text: article.text,
    author: article.byline,
    publishedAt: article.publishedAt,
    language: article.language,
    languageConfidence: article.language === lang.language ? lang.confidence : 0.5,
    media: [],
    contentHash: createHash('sha256').update(`${article.title}\n${article.text}`).digest('hex'),
    simhash: simhash64(`${article.title}\n${article.text}`),
    warnings: [],
  };
}

/**
 * One poll of one source (`rss` feed or `web` article page): per-host politeness → fetch (conditional,
 * SSRF-safe; unconditional once a day) → decode → parse or extract → upsert items → enqueue the new, edited or
 * still-pending ones for classification → record health, the adaptive interval and redirect state.
 * Transient failures throw (BullMQ retries with backoff); permanent ones throw UnrecoverableError after
 * recording why. A 429/503 with Retry-After is recorded and honoured by not polling before that time.
 */
export async function collectFeed(deps: CollectDeps, payload: CollectFeedJob, ctx: JobContext): Promise<CollectSummary> {
  const { models } = deps;
  const timings: CollectTimings = { loadMs: 0, hostWaitMs: 0, fetchMs: 0, parseMs: 0, itemsMs: 0, recordMs: 0, hostGrantedAt: null };
  const summary = (outcome: CollectSummary['outcome'], extra: Partial<CollectSummary> = {}): CollectSummary => ({
    sourceId: payload.sourceId,
    outcome,
    created: 0,
    edited: 0,
    enqueued: 0,
    warnings: 0,
    sourceWritten: false,
    timings,
    ...extra,
  });
  let t = performance.now();
  const source = deps.sources ? await deps.sources.load(payload.sourceId) : ((await models.sources.findById(payload.sourceId).lean()) as SourceLean | null);
  timings.loadMs = performance.now() - t;
  if (!source || !source.enabled || !source.url || (source.kind !== 'rss' && source.kind !== 'web')) {
    ctx.log.info({ sourceId: payload.sourceId }, 'source missing, disabled or not fetchable; skipping');
    return summary('skipped');
  }
  const log = ctx.log.child({ sourceId: payload.sourceId });
  const notBefore = source.schedule?.notBefore;
  if (notBefore && notBefore.getTime() > deps.now().getTime()) {
    log.debug({ notBefore }, 'server asked us to wait (Retry-After); not polling yet');
    return summary('deferred');
  }

  const host = hostKey(source.url);
  const leaseId = randomUUID();
  t = performance.now();
  if (deps.hostLimiter && host) timings.hostGrantedAt = await acquireHost(deps.hostLimiter, host, leaseId, ctx);
  timings.hostWaitMs = performance.now() - t;
  try {
    const result = await pollSource(deps, source, log, summary, timings);
    log.debug({ outcome: result.outcome, sourceWritten: result.sourceWritten, timings }, 'poll done');
    return result;
  } finally {
    if (deps.hostLimiter && host) await deps.hostLimiter.release(host, leaseId);
  }
}

/** Waits briefly in-process, else moves the job back to delayed (never drops it, never holds a slot long). */
async function acquireHost(limiter: HostLimiter, host: string, leaseId: string, ctx: JobContext): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const decision = await limiter.tryAcquire(host, leaseId);
    if (decision.kind === 'granted') return decision.at;
    const delay = retryDelayMs(decision);
    if (delay > IN_PROCESS_WAIT_MS || !ctx.job.token) {
      if (!ctx.job.token) throw new Error(`host ${host} is busy and this job cannot be re-delayed (no lock token)`);
      await ctx.job.moveToDelayed(Date.now() + delay, ctx.job.token);
      // BullMQ treats DelayedError as "moved, not failed": no attempt is consumed.
      throw new DelayedError();
    }
    await sleep(delay);
  }
  await ctx.job.moveToDelayed(Date.now() + 1_000, ctx.job.token);
  throw new DelayedError();
}

async function pollSource(
  deps: CollectDeps,
  source: SourceLean,
  log: JobContext['log'],
  summary: (o: CollectSummary['outcome'], extra?: Partial<CollectSummary>) => CollectSummary,
  timings: CollectTimings,
): Promise<CollectSummary> {
  const { models } = deps;
  const sourceId = String(source._id);
  const url = source.url!;
  const startedAt = deps.now();
  const unconditional = shouldFetchUnconditionally(source.http?.lastFullFetchAt, startedAt);
  let t = performance.now();
  const fetched = await fetchFeed(url, {
    ...deps.fetchOptions,
    etag: unconditional ? null : (source.http?.etag ?? null),
    lastModified: unconditional ? null : (source.http?.lastModified ?? null),
    ...(source.kind === 'web' ? { accept: HTML_ACCEPT } : {}),
  });
  timings.fetchMs = performance.now() - t;
  const recordTimed = async (outcome: FetchOutcome, at: Date, extra: RecordExtra, http?: Record<string, unknown>) => {
    const t0 = performance.now();
    try {
      return await record(deps, source, outcome, at, extra, http);
    } finally {
      timings.recordMs += performance.now() - t0;
    }
  };

  if (fetched.kind === 'not_modified') {
    const r = await recordTimed({ kind: 'not_modified' }, startedAt, { created: 0 });
    return summary('not_modified', { sourceWritten: r.written });
  }
  if (fetched.kind === 'error') {
    if (fetched.code === 'rate_limited') {
      // Honour the server: no poll before Retry-After (or one interval when it gave none). Not retried by BullMQ,
      // whose backoff would come back sooner than asked.
      const r = await recordTimed({ kind: 'error', code: fetched.code, message: fetched.message }, startedAt, { retryAfterMs: fetched.retryAfterMs ?? 0 });
      log.warn({ retryAfterMs: fetched.retryAfterMs }, 'rate limited by the server; next poll deferred');
      return summary('rate_limited', { sourceWritten: r.written });
    }
    const { patch } = await recordTimed({ kind: 'error', code: fetched.code, message: fetched.message }, startedAt, {});
    const text = `${fetched.code}: ${fetched.message}`;
    throw patch.retry === 'permanent' ? new UnrecoverableError(text) : new Error(text);
  }

  const redirect = nextRedirectState({ redirectTo: source.http?.redirectTo ?? null, count: source.http?.redirectCount ?? 0 }, fetched.permanentRedirectTo, url);
  const httpState: Record<string, unknown> = {
    'http.etag': fetched.etag,
    'http.lastModified': fetched.lastModified,
    'http.redirectTo': redirect.redirectTo,
    'http.redirectCount': redirect.count,
    ...(unconditional ? { 'http.lastFullFetchAt': startedAt } : {}),
    ...(redirect.adopt ? { url: redirect.adopt } : {}),
  };
  if (redirect.adopt) log.info({ from: url, to: redirect.adopt }, 'permanent redirect seen repeatedly; source URL updated');

  const bodyHash = createHash('sha256').update(fetched.body).digest('hex');
  if (bodyHash === source.http?.bodyHash) {
    // Same bytes as last time (servers without validators): nothing to parse.
    const r = await recordTimed({ kind: 'ok', status: fetched.status, items: 0 }, startedAt, { created: 0 }, httpState);
    return summary('unchanged_body', { sourceWritten: r.written });
  }

  let items: NewItem[];
  let warnings = 0;
  t = performance.now();
  try {
    const decoded = decodeFeedBytes(fetched.body, fetched.charset);
    if (source.kind === 'web') {
      const item = articleToNewItem(url, fetched, decoded.text);
      if (!item.text.trim()) throw new UnrecoverableError('empty: the page has no readable text');
      items = [item];
    } else {
      const parsed = await parseFeed(decoded.text, { feedUrl: fetched.finalUrl });
      items = parsed.items.map(toNewItem);
      warnings = parsed.warnings.length;
    }
  } catch (error) {
    timings.parseMs = performance.now() - t;
    if (isFeedError(error) || error instanceof UnrecoverableError) {
      // Validators are deliberately not updated: the next poll must fetch the body again.
      const code = isFeedError(error) ? error.code : 'empty';
      const { patch } = await recordTimed({ kind: 'error', code, message: error.message }, startedAt, {});
      throw patch.retry === 'permanent' ? new UnrecoverableError(`${code}: ${error.message}`) : error;
    }
    throw error;
  }
  timings.parseMs = performance.now() - t;

  let created = 0;
  let edited = 0;
  let enqueued = 0;
  t = performance.now();
  // One batched upsert per feed (two collection reads on FerretDB whatever the feed's length).
  for (const result of await upsertFeedItems(models, sourceId, items, startedAt)) {
    if (result.outcome === 'created') created++;
    if (result.outcome === 'edited') edited++;
    // Enqueue every still-pending item, not only new ones: if a previous attempt crashed between the upsert
    // and the enqueue, this retry picks the item up. The job id makes repeats no-ops.
    if (result.pending) {
      await deps.enqueueClassify(result.itemId, result.contentHash);
      enqueued++;
    }
  }
  timings.itemsMs = performance.now() - t;
  // Validators and the body hash are stored last, with the health, in one write: a crash before it makes the
  // next poll fetch and upsert the same body again (a no-op for stored items), so nothing is lost.
  const r = await recordTimed({ kind: 'ok', status: fetched.status, items: items.length }, startedAt, { created: created + edited }, { ...httpState, 'http.bodyHash': bodyHash });
  log.info({ items: items.length, created, edited, enqueued, warnings }, 'source collected');
  return summary('collected', { created, edited, enqueued, warnings, sourceWritten: r.written });
}

interface RecordExtra {
  /** New or edited items of this poll (undefined: a failure, which leaves the busy/quiet history alone). */
  readonly created?: number;
  readonly retryAfterMs?: number;
}

/**
 * Applies the health rules, the adaptive interval and the next-fetch time — plus the poll's HTTP state — in at
 * most one write of only the fields that change; the poll times go to the liveness store (Redis).
 */
async function record(
  deps: CollectDeps,
  source: SourceLean,
  outcome: FetchOutcome,
  at: Date,
  extra: RecordExtra,
  httpState: Record<string, unknown> = {},
) {
  const failures = source.health?.consecutiveFailures ?? 0;
  const patch = nextHealth({ consecutiveFailures: failures }, outcome);
  const recentNew = extra.created === undefined ? [...(source.schedule?.recentNew ?? [])] : pushHistory(source.schedule?.recentNew ?? [], extra.created);
  const intervalSec = adaptiveIntervalSec({ configuredSec: source.pollIntervalSec, recentNew, consecutiveFailures: patch.consecutiveFailures });
  const next = nextFetchAt(at, intervalSec, extra.retryAfterMs);
  const wanted: Record<string, unknown> = {
    ...httpState,
    'health.lastStatus': patch.lastStatus,
    'health.consecutiveFailures': patch.consecutiveFailures,
    'health.itemsLastFetch': patch.itemsLastFetch,
    'health.lastError': patch.lastError ? { ...patch.lastError, at } : null,
    'schedule.intervalSec': intervalSec,
    'schedule.notBefore': next.notBefore,
    'schedule.recentNew': recentNew,
    ...(patch.disable ? { enabled: false, 'health.disabledReason': patch.disable } : {}),
  };
  const times = { lastFetchAt: at, nextFetchAt: patch.disable ? null : next.nextFetchAt };
  const plan = planSourceWrite(source, wanted, times, { livenessInRedis: deps.liveness !== undefined });
  if (plan.set) {
    if (deps.sources) await deps.sources.update(source._id, plan.set);
    else await deps.models.sources.updateOne({ _id: source._id }, { $set: plan.set });
  }
  // After the document: if this fails the job retries, and the document already holds whatever was material.
  await deps.liveness?.record(String(source._id), times);
  return { patch, written: plan.set !== null };
}
