import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { decodeFeedBytes, fetchFeed, isFeedError, parseFeed, type FetchFeedOptions, type NormalisedItem } from '@vigie/feeds';
import type { CollectFeedJob } from '@vigie/contracts';
import { upsertItem, type Models, type NewItem } from '@vigie/db';
import { UnrecoverableError, type JobContext } from '@vigie/runtime';
import { nextHealth, type FetchOutcome } from './source-health.js';

export interface CollectDeps {
  readonly models: Models;
  readonly fetchOptions: Pick<FetchFeedOptions, 'allowPrivateAddresses' | 'totalTimeoutMs' | 'maxBytes' | 'userAgent'>;
  /** Enqueues classification; idempotent per (item, content) through its job id. */
  readonly enqueueClassify: (itemId: string, contentHash: string) => Promise<void>;
  readonly now: () => Date;
}

export interface CollectSummary {
  readonly sourceId: string;
  readonly outcome: 'skipped' | 'not_modified' | 'unchanged_body' | 'collected';
  readonly created: number;
  readonly edited: number;
  readonly enqueued: number;
  readonly warnings: number;
}

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

/**
 * One poll of one feed source: fetch (conditional, SSRF-safe) → decode → parse → upsert items → enqueue the
 * new or edited ones for classification → record health. Transient failures throw (BullMQ retries with
 * backoff); permanent ones throw UnrecoverableError after recording why.
 */
export async function collectFeed(deps: CollectDeps, payload: CollectFeedJob, ctx: JobContext): Promise<CollectSummary> {
  const { models } = deps;
  const source = await models.sources.findById(payload.sourceId).lean();
  if (!source || !source.enabled || !source.url || source.kind !== 'rss') {
    ctx.log.info({ sourceId: payload.sourceId }, 'source missing, disabled or not a feed; skipping');
    return { sourceId: payload.sourceId, outcome: 'skipped', created: 0, edited: 0, enqueued: 0, warnings: 0 };
  }
  const log = ctx.log.child({ sourceId: payload.sourceId });
  const startedAt = deps.now();
  const fetched = await fetchFeed(source.url, {
    ...deps.fetchOptions,
    etag: source.http?.etag ?? null,
    lastModified: source.http?.lastModified ?? null,
  });

  if (fetched.kind === 'not_modified') {
    await recordHealth(models, payload.sourceId, source.health?.consecutiveFailures ?? 0, { kind: 'not_modified' }, startedAt);
    return { sourceId: payload.sourceId, outcome: 'not_modified', created: 0, edited: 0, enqueued: 0, warnings: 0 };
  }
  if (fetched.kind === 'error') {
    await failWith(models, payload.sourceId, source.health?.consecutiveFailures ?? 0, fetched.code, fetched.message, startedAt);
    throw new Error('unreachable');
  }

  const bodyHash = createHash('sha256').update(fetched.body).digest('hex');
  const validators = { 'http.etag': fetched.etag, 'http.lastModified': fetched.lastModified };
  if (bodyHash === source.http?.bodyHash) {
    // Same bytes as last time (servers without validators): nothing to parse.
    await models.sources.updateOne({ _id: source._id }, { $set: validators });
    await recordHealth(models, payload.sourceId, source.health?.consecutiveFailures ?? 0, { kind: 'ok', status: fetched.status, items: 0 }, startedAt);
    return { sourceId: payload.sourceId, outcome: 'unchanged_body', created: 0, edited: 0, enqueued: 0, warnings: 0 };
  }

  let parsed;
  try {
    const decoded = decodeFeedBytes(fetched.body, fetched.charset);
    parsed = await parseFeed(decoded.text, { feedUrl: fetched.finalUrl });
  } catch (error) {
    if (isFeedError(error)) {
      // Validators are deliberately not updated: the next poll must fetch the body again.
      await failWith(models, payload.sourceId, source.health?.consecutiveFailures ?? 0, error.code, error.message, startedAt);
    }
    throw error;
  }

  let created = 0;
  let edited = 0;
  let enqueued = 0;
  for (const item of parsed.items) {
    const result = await upsertItem(models, payload.sourceId, toNewItem(item), startedAt);
    if (result.outcome === 'created') created++;
    if (result.outcome === 'edited') edited++;
    // Enqueue every still-pending item, not only new ones: if a previous attempt crashed between the upsert
    // and the enqueue, this retry picks the item up. The job id makes repeats no-ops.
    if (result.pending) {
      await deps.enqueueClassify(result.itemId, item.contentHash);
      enqueued++;
    }
  }
  await models.sources.updateOne({ _id: source._id }, { $set: { ...validators, 'http.bodyHash': bodyHash } });
  await recordHealth(models, payload.sourceId, source.health?.consecutiveFailures ?? 0, { kind: 'ok', status: fetched.status, items: parsed.items.length }, startedAt);
  log.info({ items: parsed.items.length, created, edited, enqueued, warnings: parsed.warnings.length }, 'feed collected');
  return { sourceId: payload.sourceId, outcome: 'collected', created, edited, enqueued, warnings: parsed.warnings.length };
}

async function recordHealth(models: Models, sourceId: string, failures: number, outcome: FetchOutcome, at: Date) {
  const patch = nextHealth({ consecutiveFailures: failures }, outcome);
  await models.sources.updateOne(
    { _id: new Types.ObjectId(sourceId) },
    {
      $set: {
        'health.lastFetchAt': at,
        'health.lastStatus': patch.lastStatus,
        'health.consecutiveFailures': patch.consecutiveFailures,
        'health.itemsLastFetch': patch.itemsLastFetch,
        'health.lastError': patch.lastError ? { ...patch.lastError, at } : null,
        ...(patch.disable ? { enabled: false, 'health.disabledReason': patch.disable } : {}),
      },
    },
  );
  return patch;
}

async function failWith(models: Models, sourceId: string, failures: number, code: string, message: string, at: Date): Promise<never> {
  const patch = await recordHealth(models, sourceId, failures, { kind: 'error', code, message }, at);
  const text = `${code}: ${message}`;
  if (patch.retry === 'permanent') throw new UnrecoverableError(text);
  throw new Error(text);
}
