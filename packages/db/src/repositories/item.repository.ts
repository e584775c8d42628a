import { Types } from 'mongoose';
import { timeBuckets, type Classification } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';
import { termsOf } from './stats.repository.js';

/** What the collector hands over for one item, already normalised. */
export interface NewItem {
  readonly guid: string;
  readonly url: string | null;
  readonly canonicalUrl: string | null;
  readonly title: string;
  readonly text: string;
  readonly author: string | null;
  readonly publishedAt: Date | null;
  readonly language: string;
  readonly languageConfidence: number;
  readonly media: readonly { url: string; type?: string; medium?: string; thumbnail?: string }[];
  readonly contentHash: string;
  readonly simhash: string | null;
  readonly warnings: readonly string[];
  /** Missions the submitter named (manual intake); the classifier still decides `missions`. */
  readonly declaredMissions?: readonly string[];
}

export type UpsertOutcome = 'created' | 'edited' | 'unchanged';

export interface UpsertResult {
  readonly itemId: string;
  readonly outcome: UpsertOutcome;
  /** True when the item still awaits classification (new, edited, or a previous run crashed before it). */
  readonly pending: boolean;
  /** The root item this one duplicates (same canonical URL or near-identical text), or null. */
  readonly nearDuplicateOf: string | null;
  readonly contentHash: string;
}

/** How far back near-duplicate candidates are searched: a story re-told weeks later is news again. */
export const NEAR_DUPLICATE_WINDOW_MS = 14 * 24 * 3600 * 1000;
/** Hamming distance at or under which two simhashes are the same story (equals @vigie/feeds' threshold). */
export const NEAR_DUPLICATE_MAX_DISTANCE = 6;
/** Texts shorter than this many words are not compared by simhash: short titles collide by chance. */
const MIN_WORDS_FOR_SIMHASH = 8;
/** Candidates examined per lookup, newest first. */
const MAX_CANDIDATES = 500;

/** Band layout: 7 bands cover 64 bits (6 × 9 + 10), so any two hashes within distance 6 share one. */
const BAND_BITS = [9, 9, 9, 9, 9, 9, 10] as const;

/**
 * The simhash's band keys (`band × 1024 + value`), or null when it is not a 16-hex-digit simhash. Any two
 * simhashes within {@link NEAR_DUPLICATE_MAX_DISTANCE} share at least one key.
 */
export function simhashBands(simhash: string | null): number[] | null {
  if (!simhash || !/^[0-9a-f]{16}$/i.test(simhash)) return null;
  let v = BigInt(`0x${simhash}`);
  const out: number[] = [];
  BAND_BITS.forEach((bits, band) => {
    out.push(band * 1024 + Number(v & ((1n << BigInt(bits)) - 1n)));
    v >>= BigInt(bits);
  });
  return out;
}

// db depends on contracts only, so the 64-bit Hamming distance is repeated here (same as @vigie/feeds').
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
export function simhashDistance(a: string, b: string): number {
  return popcount32((parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) >>> 0) + popcount32((parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16)) >>> 0);
}

/** The deterministic classify-item job id for one item's content: re-enqueueing the same content is a no-op. */
export function classifyJobId(itemId: string, contentHash: string): string {
  return `item-${itemId}-${contentHash.slice(0, 16)}`;
}

/**
 * Inserts an item once per (source, guid); an edit (same guid, different content hash) replaces the content and
 * marks it pending again. Safe to repeat any number of times: the unique index decides, not the caller.
 */
export async function upsertItem(models: Models, sourceId: string, item: NewItem, collectedAt: Date): Promise<UpsertResult> {
  // A new or edited item's near-duplicate check is (re)done by linkDuplicate.
  const content = { ...itemContentFields(item, collectedAt), dupChecked: false, nearDuplicateOf: null, duplicateReason: null };
  const sourceObjectId = new Types.ObjectId(sourceId);
  let inserted;
  try {
    inserted = await models.items.updateOne(
      { sourceId: sourceObjectId, guid: item.guid },
      { $setOnInsert: { ...content, sourceId: sourceObjectId, guid: item.guid, collectedAt, status: 'pending' } },
      { upsert: true },
    );
  } catch (error) {
    // Two workers upserting the same new item: the loser sees E11000 and the item exists; carry on as "existing".
    if (!isDuplicateKeyError(error)) throw error;
    inserted = null;
  }
  if (inserted?.upsertedId) {
    const itemId = String(inserted.upsertedId);
    const dup = await linkDuplicate(models, itemId, item);
    return { itemId, outcome: 'created', pending: true, nearDuplicateOf: dup, contentHash: item.contentHash };
  }
  const edited = await models.items.updateOne(
    { sourceId: sourceObjectId, guid: item.guid, contentHash: { $ne: item.contentHash } },
    { $set: { ...content, status: 'pending' } },
  );
  const existing = await models.items
    .findOne({ sourceId: sourceObjectId, guid: item.guid }, { _id: 1, status: 1, dupChecked: 1, nearDuplicateOf: 1, contentHash: 1 })
    .lean()
    .orFail();
  const itemId = String(existing._id);
  // Also re-run after a crash between the insert and the check (dupChecked still false).
  const nearDuplicateOf = existing.dupChecked ? (existing.nearDuplicateOf ? String(existing.nearDuplicateOf) : null) : await linkDuplicate(models, itemId, item);
  return {
    itemId,
    outcome: edited.modifiedCount === 1 ? 'edited' : 'unchanged',
    pending: existing.status === 'pending',
    nearDuplicateOf,
    contentHash: existing.contentHash,
  };
}

/** The SimHash bands an item is looked up by: none for texts under MIN_WORDS_FOR_SIMHASH words or without a hash. */
export function simBandsOf(item: Pick<NewItem, 'simhash' | 'title' | 'text'>): number[] {
  const words = `${item.title} ${item.text}`.split(/\s+/).filter(Boolean).length;
  return (words >= MIN_WORDS_FOR_SIMHASH ? simhashBands(item.simhash) : null) ?? [];
}

/**
 * The stored content fields of an item — what an edit replaces — with its SimHash bands and its time buckets (of
 * `publishedAt`, else `collectedAt`). Shared by {@link upsertItem} and the batched `upsertFeedItems`, which add
 * their own near-duplicate link fields.
 */
export function itemContentFields(item: NewItem, collectedAt: Date) {
  const buckets = timeBuckets(item.publishedAt ?? collectedAt);
  return {
    url: item.url,
    canonicalUrl: item.canonicalUrl,
    title: item.title,
    text: item.text,
    author: item.author,
    publishedAt: item.publishedAt,
    language: item.language,
    languageConfidence: item.languageConfidence,
    media: [...item.media],
    contentHash: item.contentHash,
    simhash: item.simhash,
    simBands: simBandsOf(item),
    warnings: [...item.warnings],
    declaredMissions: [...(item.declaredMissions ?? [])],
    quarterHour: buckets.quarterHour,
    hour: buckets.hour,
    day: buckets.day,
    week: buckets.week,
  };
}

/**
 * Finds the root item this one repeats — first by canonical URL (any other item, any source), then by SimHash
 * (an item sharing a band, collected in the last NEAR_DUPLICATE_WINDOW_MS, within NEAR_DUPLICATE_MAX_DISTANCE)
 * — and records it. The row itself is always kept (provenance: who carried the story, when); only counting
 * treats it as a copy. Links always point at a root, never at another copy.
 *
 * Why 7 bands and not 4 × 16 bits: with 4 bands, two hashes at distance 4 differ in every band about 9 % of the
 * time (23 % at 5, 38 % at 6) and the copy is missed; 7 bands make recall exact up to 6 for ~1.4 % random
 * candidates per band lookup, capped at MAX_CANDIDATES newest.
 */
export async function linkDuplicate(models: Models, itemId: string, item: Pick<NewItem, 'canonicalUrl' | 'simhash' | 'title' | 'text'>): Promise<string | null> {
  const self = new Types.ObjectId(itemId);
  let root: { id: Types.ObjectId; reason: 'canonical_url' | 'simhash' } | null = null;
  if (item.canonicalUrl) {
    const first = await models.items
      .findOne({ canonicalUrl: item.canonicalUrl, _id: { $ne: self } }, { _id: 1, nearDuplicateOf: 1 })
      .sort({ _id: 1 })
      .lean();
    // Only an item older than this one can be its root: two items racing each other both pick the older.
    if (first && String(first._id) < itemId) root = { id: first.nearDuplicateOf ?? first._id, reason: 'canonical_url' };
  }
  const bands = simBandsOf(item);
  if (!root && bands.length > 0 && item.simhash) {
    const since = new Date(Date.now() - NEAR_DUPLICATE_WINDOW_MS);
    const candidates = await models.items
      .find(
        { simBands: { $in: bands }, collectedAt: { $gte: since }, _id: { $ne: self } },
        { _id: 1, simhash: 1, nearDuplicateOf: 1 },
      )
      .sort({ collectedAt: -1 })
      .limit(MAX_CANDIDATES)
      .lean();
    let best: (typeof candidates)[number] | null = null;
    for (const c of candidates) {
      if (!c.simhash || String(c._id) > itemId) continue;
      if (simhashDistance(c.simhash, item.simhash) > NEAR_DUPLICATE_MAX_DISTANCE) continue;
      if (!best || String(c._id) < String(best._id)) best = c;
    }
    if (best) root = { id: best.nearDuplicateOf ?? best._id, reason: 'simhash' };
  }
  await models.items.updateOne(
    { _id: self },
    { $set: { dupChecked: true, nearDuplicateOf: root?.id ?? null, duplicateReason: root?.reason ?? null, storyId: root?.id ?? self } },
  );
  return root ? String(root.id) : null;
}

/**
 * Items still pending whose last write is older than `olderThan`: a crash between the upsert and the enqueue
 * left them without a classify job. The sweeper re-enqueues them with their deterministic job id.
 */
export async function findStalePending(models: Models, olderThan: Date, limit = 500): Promise<{ itemId: string; contentHash: string }[]> {
  const rows = await models.items
    .find({ status: 'pending', updatedAt: { $lt: olderThan } }, { _id: 1, contentHash: 1 })
    .sort({ updatedAt: 1 })
    .limit(limit)
    .lean();
  return rows.map((r) => ({ itemId: String(r._id), contentHash: r.contentHash }));
}

/**
 * Stores a classification and the denormalised fields list filters and statistics use (`terms`, `storyId`).
 * Idempotent. `storyId` is re-derived here too, so re-classifying older items fills it in. `read` is the item as
 * the caller just read it (its near-duplicate link), which saves a second read — on FerretDB v1 a scan of items.
 */
export async function saveClassification(
  models: Models,
  itemId: string,
  result: Classification,
  at: Date,
  read?: { readonly nearDuplicateOf?: Types.ObjectId | null },
): Promise<void> {
  const id = new Types.ObjectId(itemId);
  const links = read ?? (await models.items.findById(id, { nearDuplicateOf: 1 }).lean());
  await models.items.updateOne(
    { _id: id },
    {
      $set: {
        terms: termsOf(result),
        storyId: links?.nearDuplicateOf ?? id,
        classification: result,
        classifiedAt: at,
        status: 'classified',
        missions: result.missions,
        topNarrative: result.topNarrative,
        harmful: result.harmful,
        severity: result.severity,
      },
    },
  );
}
