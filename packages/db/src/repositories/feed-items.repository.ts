import { Types } from 'mongoose';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';
import {
  NEAR_DUPLICATE_MAX_DISTANCE,
  NEAR_DUPLICATE_WINDOW_MS,
  itemContentFields,
  simBandsOf,
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
 * a feed needs two reads whatever its length — one before writing (existing items and duplicate candidates in one
 * `$or`) and one after (duplicates stored meanwhile by another worker), both merged with those of concurrent
 * calls — plus one insert per new item and one `_id` update per edit. Unchanged items, the usual case on a
 * re-fetched feed, cost no write at all.
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

  type Plan = { item: NewItem; id: Types.ObjectId | null; kind: 'new' | 'edit' | 'recheck' | 'unchanged'; row?: CandidateRow };
  const plans: Plan[] = unique.map((item) => {
    const row = existing.get(item.guid);
    if (!row) return { item, id: null, kind: 'new' };
    if (row.contentHash !== item.contentHash) return { item, id: row._id, kind: 'edit', row };
    // A crash between an earlier insert and its duplicate check left dupChecked false: finish it now.
    return { item, id: row._id, kind: row.dupChecked ? 'unchanged' : 'recheck', row };
  });
  // Stored rows first (oldest ids), then new ones in feed order. A new item's _id is taken just before its insert,
  // so "older" (smaller _id) follows insertion order as closely as with server-side ids; each item's root is decided
  // against what was read plus the items of this batch already written.
  const order = [...plans.filter((p) => p.kind === 'edit' || p.kind === 'recheck').sort((a, b) => cmpId(a.id!, b.id!)), ...plans.filter((p) => p.kind === 'new')];
  const pool: CandidateRow[] = [...rows];
  const roots = new Map<string, Root | null>();
  const written: { item: NewItem; id: Types.ObjectId }[] = [];
  const results = new Map<string, UpsertResult>();
  for (const p of order) {
    const oid = p.id ?? new Types.ObjectId();
    const id = String(oid);
    const root = findRoot(oid, p.item, pool, since);
    const links = { dupChecked: true, nearDuplicateOf: root?.id ?? null, duplicateReason: root?.reason ?? null, storyId: root?.id ?? oid };
    if (p.kind === 'new') {
      try {
        await models.items.create({ _id: oid, ...itemContentFields(p.item, collectedAt), ...links, sourceId: source, guid: p.item.guid, collectedAt, status: 'pending' });
      } catch (error) {
        // Another worker stored this guid between our read and our insert: its row decides, as in upsertItem.
        if (!isDuplicateKeyError(error)) throw error;
        results.set(p.item.guid, await upsertItem(models, sourceId, p.item, collectedAt));
        continue;
      }
      results.set(p.item.guid, { itemId: id, outcome: 'created', pending: true, nearDuplicateOf: root ? String(root.id) : null, contentHash: p.item.contentHash });
    } else if (p.kind === 'edit') {
      await models.items.updateOne({ _id: oid }, { $set: { ...itemContentFields(p.item, collectedAt), ...links, status: 'pending' } });
      results.set(p.item.guid, { itemId: id, outcome: 'edited', pending: true, nearDuplicateOf: root ? String(root.id) : null, contentHash: p.item.contentHash });
    } else {
      await models.items.updateOne({ _id: oid }, { $set: links });
      results.set(p.item.guid, { itemId: id, outcome: 'unchanged', pending: p.row!.status === 'pending', nearDuplicateOf: root ? String(root.id) : null, contentHash: p.row!.contentHash });
    }
    roots.set(id, root);
    written.push({ item: p.item, id: oid });
    // Later items of this batch may be copies of this one (or of its root).
    pool.push({ _id: oid, sourceId: source, guid: p.item.guid, contentHash: p.item.contentHash, status: 'pending', dupChecked: true, nearDuplicateOf: root?.id ?? null, canonicalUrl: p.item.canonicalUrl, simhash: p.item.simhash, simBands: simBandsOf(p.item), collectedAt });
  }
  for (const p of plans) {
    if (p.kind !== 'unchanged') continue;
    const r = p.row!;
    results.set(p.item.guid, { itemId: String(r._id), outcome: 'unchanged', pending: r.status === 'pending', nearDuplicateOf: r.nearDuplicateOf ? String(r.nearDuplicateOf) : null, contentHash: r.contentHash });
  }

  // Copies another worker stored while we were deciding: look again now that ours are visible to them too.
  if (written.length > 0) {
    const after = await readCandidates(models, since, written.map((w) => w.item), null);
    const mine = new Set(written.map((w) => String(w.id)));
    const settled: CandidateRow[] = after.filter((r) => !mine.has(String(r._id)));
    for (const w of [...written].sort((a, b) => cmpId(a.id, b.id))) {
      const before = roots.get(String(w.id)) ?? null;
      const root = findRoot(w.id, w.item, settled, since);
      settled.push({ _id: w.id, sourceId: source, guid: w.item.guid, contentHash: w.item.contentHash, status: 'pending', dupChecked: true, nearDuplicateOf: root?.id ?? null, canonicalUrl: w.item.canonicalUrl, simhash: w.item.simhash, simBands: simBandsOf(w.item), collectedAt });
      if (String(root?.id ?? '') === String(before?.id ?? '')) continue;
      await models.items.updateOne({ _id: w.id }, { $set: { nearDuplicateOf: root?.id ?? null, duplicateReason: root?.reason ?? null, storyId: root?.id ?? w.id } });
      const r = results.get(w.item.guid);
      if (r) results.set(w.item.guid, { ...r, nearDuplicateOf: root ? String(root.id) : null });
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

/** What one caller needs read: its feed's stored items (when `own`), and duplicate candidates of its items. */
interface CandidateQuery {
  readonly own: { sourceId: Types.ObjectId; guids: ReadonlySet<string> } | null;
  readonly urls: ReadonlySet<string>;
  readonly bands: ReadonlySet<number>;
  readonly since: Date;
}

interface PendingRead {
  readonly query: CandidateQuery;
  readonly resolve: (rows: CandidateRow[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Candidate reads of concurrent calls on one connection are merged: while one read is running, the next callers
 * queue, and the following read serves them all with one `$or` (each caller keeps the rows matching its own
 * query). On FerretDB every such read decodes the whole items collection, so ten feeds stored at once cost one
 * read instead of ten. A caller's read always starts after the call was made, so the check after an insert sees
 * that insert's competitors, as the race argument above needs.
 */
const readers = new WeakMap<Models, { queue: PendingRead[]; running: boolean }>();

/** Reads stop growing the `$or` beyond this many callers (the next read takes the rest). */
const MAX_MERGED_READS = 64;

function readCandidates(models: Models, since: Date, items: readonly NewItem[], own: { sourceId: Types.ObjectId; guids: string[] } | null): Promise<CandidateRow[]> {
  const query: CandidateQuery = {
    own: own ? { sourceId: own.sourceId, guids: new Set(own.guids) } : null,
    urls: new Set(items.map((i) => i.canonicalUrl).filter((u): u is string => !!u)),
    bands: new Set(items.flatMap((i) => simBandsOf(i))),
    since,
  };
  if (!query.own && query.urls.size === 0 && query.bands.size === 0) return Promise.resolve([]);
  let reader = readers.get(models);
  if (!reader) {
    reader = { queue: [], running: false };
    readers.set(models, reader);
  }
  const r = reader;
  const done = new Promise<CandidateRow[]>((resolve, reject) => r.queue.push({ query, resolve, reject }));
  if (!r.running) void drain(models, r);
  return done;
}

async function drain(models: Models, reader: { queue: PendingRead[]; running: boolean }): Promise<void> {
  reader.running = true;
  try {
    while (reader.queue.length > 0) {
      const batch = reader.queue.splice(0, MAX_MERGED_READS);
      try {
        const rows = await findCandidates(models, batch.map((b) => b.query));
        for (const b of batch) b.resolve(rows.filter((row) => matches(b.query, row)));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
  } finally {
    reader.running = false;
  }
}

async function findCandidates(models: Models, queries: readonly CandidateQuery[]): Promise<CandidateRow[]> {
  const or: Record<string, unknown>[] = [];
  const guidsBySource = new Map<string, { id: Types.ObjectId; guids: Set<string> }>();
  for (const q of queries) {
    if (!q.own) continue;
    const entry = guidsBySource.get(String(q.own.sourceId)) ?? { id: q.own.sourceId, guids: new Set<string>() };
    for (const g of q.own.guids) entry.guids.add(g);
    guidsBySource.set(String(q.own.sourceId), entry);
  }
  for (const { id, guids } of guidsBySource.values()) or.push({ sourceId: id, guid: { $in: [...guids] } });
  const urls = [...new Set(queries.flatMap((q) => [...q.urls]))];
  const bands = [...new Set(queries.flatMap((q) => [...q.bands]))];
  if (urls.length) or.push({ canonicalUrl: { $in: urls } });
  if (bands.length) or.push({ simBands: { $in: bands }, collectedAt: { $gte: new Date(Math.min(...queries.map((q) => q.since.getTime()))) } });
  if (or.length === 0) return [];
  return (await models.items
    .find({ $or: or }, { _id: 1, sourceId: 1, guid: 1, contentHash: 1, status: 1, dupChecked: 1, nearDuplicateOf: 1, canonicalUrl: 1, simhash: 1, simBands: 1, collectedAt: 1 })
    .lean()) as unknown as CandidateRow[];
}

/** The same test the database applied to one caller's part of the merged `$or`. */
function matches(q: CandidateQuery, row: CandidateRow): boolean {
  if (q.own && String(row.sourceId) === String(q.own.sourceId) && q.own.guids.has(row.guid)) return true;
  if (row.canonicalUrl && q.urls.has(row.canonicalUrl)) return true;
  return row.collectedAt >= q.since && (row.simBands ?? []).some((b) => q.bands.has(b));
}

/** The root `id`'s item repeats among `pool` — linkDuplicate's rules: canonical URL first, then SimHash; older only. */
function findRoot(id: Types.ObjectId, item: NewItem, pool: readonly CandidateRow[], since: Date): Root | null {
  const self = String(id);
  if (item.canonicalUrl) {
    let first: CandidateRow | null = null;
    for (const c of pool) if (c.canonicalUrl === item.canonicalUrl && String(c._id) !== self && (!first || cmpId(c._id, first._id) < 0)) first = c;
    if (first && String(first._id) < self) return { id: first.nearDuplicateOf ?? first._id, reason: 'canonical_url' };
  }
  const bands = new Set(simBandsOf(item));
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
