import { Types } from 'mongoose';
import { timeBuckets, type Classification } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';

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
}

export type UpsertOutcome = 'created' | 'edited' | 'unchanged';

export interface UpsertResult {
  readonly itemId: string;
  readonly outcome: UpsertOutcome;
  /** True when the item still awaits classification (new, edited, or a previous run crashed before it). */
  readonly pending: boolean;
}

/**
 * Inserts an item once per (source, guid); an edit (same guid, different content hash) replaces the content and
 * marks it pending again. Safe to repeat any number of times: the unique index decides, not the caller.
 */
export async function upsertItem(models: Models, sourceId: string, item: NewItem, collectedAt: Date): Promise<UpsertResult> {
  const effective = item.publishedAt ?? collectedAt;
  const buckets = timeBuckets(effective);
  const content = {
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
    warnings: [...item.warnings],
    hour: buckets.hour,
    day: buckets.day,
    week: buckets.week,
  };
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
    return { itemId: String(inserted.upsertedId), outcome: 'created', pending: true };
  }
  const edited = await models.items.updateOne(
    { sourceId: sourceObjectId, guid: item.guid, contentHash: { $ne: item.contentHash } },
    { $set: { ...content, status: 'pending' } },
  );
  const existing = await models.items
    .findOne({ sourceId: sourceObjectId, guid: item.guid }, { _id: 1, status: 1 })
    .lean()
    .orFail();
  return {
    itemId: String(existing._id),
    outcome: edited.modifiedCount === 1 ? 'edited' : 'unchanged',
    pending: existing.status === 'pending',
  };
}

/** Stores a classification and the denormalised fields list filters use. Idempotent. */
export async function saveClassification(models: Models, itemId: string, result: Classification, at: Date): Promise<void> {
  await models.items.updateOne(
    { _id: new Types.ObjectId(itemId) },
    {
      $set: {
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
