import { Types } from 'mongoose';
import { timeBuckets } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';
import {
  NEAR_DUPLICATE_MAX_DISTANCE,
  NEAR_DUPLICATE_WINDOW_MS,
  simhashBands,
  simhashDistance,
  upsertItem,
  type NewItem,
  type UpsertResult,
} from './item.repository.js';

/**
 * Stores one fetched feed's items — the batched form of {@link upsertItem}, with the same guarantees: one item per
 * (source, guid) whatever the number of runs or workers, edits (same guid, new content hash) stored in place and
 * pending again, near-duplicates linked to the oldest root by canonical URL then SimHash.
 *
 * Why batched: on FerretDB v1 (SQLite) a filter on anything but `_id` alone reads and decodes the whole items
 * collection, and `upsertItem` needs four such reads per new item (upsert, re-read, two duplicate lookups). Here
 * a feed costs two reads whatever its length — one before writing (existing items and duplicate candidates in one
 * `$or`) and one after (duplicates stored meanwhile by another worker) — plus one insert per new item and one
 * `_id` update per edit. Unchanged items, the usual case on a re-fetched feed, cost no write at all.
 *
 * Race with another worker storing a copy at the same time: every item checks again after its own insert, so of
 * two copies at least the younger sees the older, and both end up pointing at the same root (as in upsertItem).
 */
export async function upsertFeedItems(models: Models, sourceId: string, items: readonly NewItem[], collectedAt: Date): Promise<UpsertResult[]> {
  const source = new Types.ObjectId(sourceId);
  // The parser keeps guids distinct; should one repeat, the first occurrence wins and both get its result.
  const byGuid = new Map<string, NewItem>();
  for (const item of items) if (!byGuid.has(item.guid)) byGuid.set(item.guid, item);
  const unique = [...byGuid.values()];
  if (unique.length === 0) return [];

  const since = new Date(Date.now() - NEAR_DUPLICATE_WINDOW_MS);
  const rows = await readCandidates(models, since, unique, { sourceId: source, guids: unique.map((i) => i.guid) });
  const existing = new Map(rows.filter((r) => String(r.sourceId) === sourceId).map((r) => [r.guid, r]));

  // Decide per item; ids of new items are taken now, so "older" (smaller _id) is known before anything is written.
  type Plan = { item: NewItem; id: Types.ObjectId; kind: 'new' | 'edit' | 'recheck' | 'unchanged'; row?: CandidateRow };
  const plans: Plan[] = unique.map((item) => {
    const row = existing.get(item.guid);
    if (!row) return { item, id: new Types.ObjectId(), kind: 'new' };
    if (row.contentHash !== item.contentHash) return { item, id: row._id, kind: 'edit', row };
    // A crash between an earlier insert and its duplicate check left dupChecked false: finish it now.
    return { item, id: row._id, kind: row.dupChecked ? 'unchanged' : 'recheck', row };
  });
  const toCheck = plans.filter((p) => p.kind !== 'unchanged').sort((a, b) => cmpId(a.id, b.id));
  const pool: CandidateRow[] = [...rows];
  const roots = new Map<string, Root | null>();
  for (const p of toCheck) {
    const root = findRoot(p.id, p.item, pool, since);
    roots.set(String(p.id), root);
    // Later items of this batch may be copies of this one (or of its root).
    pool.push({ _id: p.id, sourceId: source, guid: p.item.guid, contentHash: p.item.contentHash, status: 'pending', dupChecked: true, nearDuplicateOf: root?.id ?? null, canonicalUrl: p.item.canonicalUrl, simhash: p.item.simhash, simBands: bandsOf(p.item), collectedAt });
  }

  const results = new Map<string, UpsertResult>();
  for (const p of plans) {
    const id = String(p.id);
    const root = roots.get(id) ?? null;
    const links = { dupChecked: true, nearDuplicateOf: root?.id ?? null, duplicateReason: root?.reason ?? null, storyId: root?.id ?? p.id };
    if (p.kind === 'new') {
      try {
        await models.items.create({ _id: p.id, ...feedItemContent(p.item, collectedAt), ...links, sourceId: source, guid: p.item.guid, collectedAt, status: 'pending' });
      } catch (error) {
        // Another worker stored this guid between our read and our insert: its row decides, as in upsertItem.
        if (!isDuplicateKeyError(error)) throw error;
        roots.delete(id);
        results.set(p.item.guid, await upsertItem(models, sourceId, p.item, collectedAt));
        continue;
      }
      results.set(p.item.guid, { itemId: id, outcome: 'created', pending: true, nearDuplicateOf: root ? String(root.id) : null, contentHash: p.item.contentHash });
    } else if (p.kind === 'edit') {
      await models.items.updateOne({ _id: p.id }, { $set: { ...feedItemContent(p.item, collectedAt), ...links, status: 'pending' } });
      results.set(p.item.guid, { itemId: id, outcome: 'edited', pending: true, nearDuplicateOf: root ? String(root.id) : null, contentHash: p.item.contentHash });
    } else if (p.kind === 'recheck') {
      await models.items.updateOne({ _id: p.id }, { $set: links });
      results.set(p.item.guid, { itemId: id, outcome: 'unchanged', pending: p.row!.status === 'pending', nearDuplicateOf: root ? String(root.id) : null, contentHash: p.row!.contentHash });
    } else {
      const r = p.row!;
      results.set(p.item.guid, { itemId: id, outcome: 'unchanged', pending: r.status === 'pending', nearDuplicateOf: r.nearDuplicateOf ? String(r.nearDuplicateOf) : null, contentHash: r.contentHash });
    }
  }

  // Copies another worker stored while we were deciding: look again now that ours are visible to them too.
  const written = toCheck.filter((p) => roots.has(String(p.id)));
  if (written.length > 0) {
    const after = await readCandidates(models, since, written.map((p) => p.item), null);
    const mine = new Set(written.map((p) => String(p.id)));
    const others = after.filter((r) => !mine.has(String(r._id)));
    const settled: CandidateRow[] = [...others];
    for (const p of written) {
      const before = roots.get(String(p.id)) ?? null;
      const root = findRoot(p.id, p.item, [...settled], since);
      settled.push({ _id: p.id, sourceId: source, guid: p.item.guid, contentHash: p.item.contentHash, status: 'pending', dupChecked: true, nearDuplicateOf: root?.id ?? null, canonicalUrl: p.item.canonicalUrl, simhash: p.item.simhash, simBands: bandsOf(p.item), collectedAt });
      if (String(root?.id ?? '') === String(before?.id ?? '')) continue;
      await models.items.updateOne({ _id: p.id }, { $set: { nearDuplicateOf: root?.id ?? null, duplicateReason: root?.reason ?? null, storyId: root?.id ?? p.id } });
      const r = results.get(p.item.guid);
      if (r) results.set(p.item.guid, { ...r, nearDuplicateOf: root ? String(root.id) : null });
    }
  }
  return items.map((i) => results.get(i.guid)!);
}

interface CandidateRow {
  _id: Types.ObjectId;
  sourceId: Types.ObjectId;
  guid: string;
  contentHash: string;
  status: string;
  dupChecked: boolean;
  nearDuplicateOf: Types.ObjectId | null;
  canonicalUrl: string | null;
  simhash: string | null;
  /** As stored: empty for texts too short to compare, which are then never simhash candidates. */
  simBands: number[];
  collectedAt: Date;
}
interface Root {
  id: Types.ObjectId;
  reason: 'canonical_url' | 'simhash';
}

const cmpId = (a: Types.ObjectId, b: Types.ObjectId) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/** Texts shorter than this many words are not compared by simhash (same rule as upsertItem's). */
const MIN_WORDS_FOR_SIMHASH = 8;
function bandsOf(item: Pick<NewItem, 'simhash' | 'title' | 'text'>): number[] {
  const words = `${item.title} ${item.text}`.split(/\s+/).filter(Boolean).length;
  return (words >= MIN_WORDS_FOR_SIMHASH ? simhashBands(item.simhash) : null) ?? [];
}

/** One read: this feed's stored items (when `own` is given) and every duplicate candidate of `items`. */
async function readCandidates(models: Models, since: Date, items: readonly NewItem[], own: { sourceId: Types.ObjectId; guids: string[] } | null): Promise<CandidateRow[]> {
  const urls = [...new Set(items.map((i) => i.canonicalUrl).filter((u): u is string => !!u))];
  const bands = [...new Set(items.flatMap((i) => bandsOf(i)))];
  const or: Record<string, unknown>[] = [];
  if (own) or.push({ sourceId: own.sourceId, guid: { $in: own.guids } });
  if (urls.length) or.push({ canonicalUrl: { $in: urls } });
  if (bands.length) or.push({ simBands: { $in: bands }, collectedAt: { $gte: since } });
  if (or.length === 0) return [];
  return (await models.items
    .find({ $or: or }, { _id: 1, sourceId: 1, guid: 1, contentHash: 1, status: 1, dupChecked: 1, nearDuplicateOf: 1, canonicalUrl: 1, simhash: 1, simBands: 1, collectedAt: 1 })
    .lean()) as unknown as CandidateRow[];
}

/** The root `id`'s item repeats among `pool` — linkDuplicate's rules: canonical URL first, then SimHash; older only. */
function findRoot(id: Types.ObjectId, item: NewItem, pool: readonly CandidateRow[], since: Date): Root | null {
  const self = String(id);
  if (item.canonicalUrl) {
    let first: CandidateRow | null = null;
    for (const c of pool) if (c.canonicalUrl === item.canonicalUrl && String(c._id) !== self && (!first || cmpId(c._id, first._id) < 0)) first = c;
    if (first && String(first._id) < self) return { id: first.nearDuplicateOf ?? first._id, reason: 'canonical_url' };
  }
  const bands = new Set(bandsOf(item));
  if (bands.size === 0 || !item.simhash) return null;
  let best: CandidateRow | null = null;
  for (const c of pool) {
    if (!c.simhash || String(c._id) >= self || c.collectedAt < since) continue;
    if (!(c.simBands ?? []).some((b) => bands.has(b))) continue;
    if (simhashDistance(c.simhash, item.simhash) > NEAR_DUPLICATE_MAX_DISTANCE) continue;
    if (!best || cmpId(c._id, best._id) < 0) best = c;
  }
  return best ? { id: best.nearDuplicateOf ?? best._id, reason: 'simhash' } : null;
}

/** The stored content fields of an item (what an edit replaces). */
function feedItemContent(item: NewItem, collectedAt: Date) {
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
    simBands: bandsOf(item),
    warnings: [...item.warnings],
    declaredMissions: [...(item.declaredMissions ?? [])],
    quarterHour: buckets.quarterHour,
    hour: buckets.hour,
    day: buckets.day,
    week: buckets.week,
  };
}
