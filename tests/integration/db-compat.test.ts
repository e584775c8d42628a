/**
 * Proves that every query shape Vigie relies on works on the server in use (FerretDB v1 locally, MongoDB 7 in
 * production). If one of these fails after an upgrade, the feature built on it is broken.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Types } from 'mongoose';
import { dedupKeyFor, isFerretDb, recordEvidence, upsertFeedItems, upsertItem, type NewItem } from '@vigie/db';
import { openTestContext, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
beforeAll(async () => {
  ctx = await openTestContext('compat');
});
afterAll(async () => ctx?.close());

function newItem(overrides: Partial<NewItem> = {}): NewItem {
  return {
    guid: 'guid-1',
    url: 'https://example.org/a',
    canonicalUrl: 'https://example.org/a',
    title: 'Title',
    text: 'Body',
    author: null,
    publishedAt: new Date('2026-11-20T10:15:00Z'),
    language: 'fr',
    languageConfidence: 0.9,
    media: [],
    contentHash: 'h1',
    simhash: '0000000000000000',
    warnings: [],
    ...overrides,
  };
}

describe('MongoDB-wire compatibility', () => {
  it('unique indexes reject duplicates with E11000', async () => {
    const source = await ctx.models.sources.create({ name: 'dup', kind: 'rss', url: 'https://example.org/feed' });
    expect(source.name).toBe('dup');
    await expect(ctx.models.sources.create({ name: 'dup', kind: 'rss' })).rejects.toMatchObject({ code: 11000 });
  });

  it('upserts items once and detects edits by content hash', async () => {
    const sourceId = new Types.ObjectId().toHexString();
    const at = new Date('2026-11-20T11:00:00Z');
    const first = await upsertItem(ctx.models, sourceId, newItem(), at);
    const again = await upsertItem(ctx.models, sourceId, newItem(), at);
    const edited = await upsertItem(ctx.models, sourceId, newItem({ contentHash: 'h2', text: 'Body v2' }), at);
    expect(first.outcome).toBe('created');
    expect(again).toMatchObject({ outcome: 'unchanged', itemId: first.itemId, pending: true });
    expect(edited).toMatchObject({ outcome: 'edited', itemId: first.itemId });
    const stored = await ctx.models.items.findById(first.itemId).lean();
    expect(stored?.text).toBe('Body v2');
    expect(stored?.day).toBe('2026-11-20');
    expect(stored?.week).toBe('2026-W47');
    expect(await ctx.models.items.countDocuments({ sourceId: new Types.ObjectId(sourceId) })).toBe(1);
  });

  it('records alert evidence idempotently with $addToSet/$min/$max/$push+$slice', async () => {
    const sourceA = new Types.ObjectId().toHexString();
    const sourceB = new Types.ObjectId().toHexString();
    const dedupKey = dedupKeyFor('MONUSCO', 'collusion_armed_groups');
    const base = {
      dedupKey,
      mission: 'MONUSCO' as const,
      narrative: 'collusion_armed_groups' as const,
    };
    const item1 = { id: new Types.ObjectId().toHexString(), sourceId: sourceA, title: 'a', url: null, language: 'fr', score: 0.8, stance: 'endorse' };
    const item2 = { ...item1, id: new Types.ObjectId().toHexString(), sourceId: sourceB, language: 'sw' };
    const r1 = await recordEvidence(ctx.models, { ...base, severity: 'S2', item: item1, seenAt: new Date('2026-11-20T10:00:00Z') });
    // A retry of the same item must change nothing.
    await recordEvidence(ctx.models, { ...base, severity: 'S2', item: item1, seenAt: new Date('2026-11-20T10:00:00Z') });
    const r2 = await recordEvidence(ctx.models, { ...base, severity: 'S1', item: item2, seenAt: new Date('2026-11-20T09:00:00Z') });
    expect(r1.createdAlert).toBe(true);
    expect(r2).toMatchObject({ createdAlert: false, alertId: r1.alertId, newEvidence: true });
    const alert = await ctx.models.alerts.findById(r1.alertId).lean();
    expect(alert).toMatchObject({ itemCount: 2, sourceCount: 2, severity: 'S1', severityRank: 1, status: 'open' });
    expect(alert?.languages.sort()).toEqual(['fr', 'sw']);
    expect(alert?.firstSeenAt.toISOString()).toBe('2026-11-20T09:00:00.000Z');
    expect(alert?.lastSeenAt.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(alert?.evidence).toHaveLength(2);
  });

  it('caps inline evidence (FerretDB v1 ignores $push $slice)', async () => {
    const dedupKey = dedupKeyFor('UNIFIL', 'espionage');
    const sourceId = new Types.ObjectId().toHexString();
    for (let i = 0; i < 55; i++) {
      await recordEvidence(ctx.models, {
        dedupKey,
        mission: 'UNIFIL',
        narrative: 'espionage',
        severity: 'S2',
        item: { id: new Types.ObjectId().toHexString(), sourceId, title: `t${i}`, url: null, language: 'ar', score: 0.7, stance: 'endorse' },
        seenAt: new Date(Date.UTC(2026, 10, 20, 0, i)),
      });
    }
    const alert = await ctx.models.alerts.findOne({ openKey: dedupKey }).lean();
    expect(alert?.itemCount).toBe(55);
    expect(alert?.evidence).toHaveLength(50);
    expect(alert?.evidence.at(-1)?.title).toBe('t54');
  });

  it('groups precomputed buckets with $match/$group/$sum/$sort', async () => {
    const rows = await ctx.models.items.aggregate<{ _id: { day: string; language: string }; n: number }>([
      { $match: { day: { $gte: '2026-11-01' } } },
      { $group: { _id: { day: '$day', language: '$language' }, n: { $sum: 1 } } },
      { $sort: { n: -1 } },
    ]);
    expect(rows).toEqual([{ _id: { day: '2026-11-20', language: 'fr' }, n: 1 }]);
  });

  it('keyset-paginates on (field, _id) with $or', async () => {
    const t = new Date('2026-11-21T00:00:00Z');
    const docs = await ctx.models.audit.insertMany(
      Array.from({ length: 5 }, (_, i) => ({ at: t, actorName: 'x', action: `a${i}`, targetType: 't', day: '2026-11-21' })),
    );
    const sorted = docs.map((d) => d._id).sort((a, b) => (a.toHexString() < b.toHexString() ? 1 : -1));
    const page1 = await ctx.models.audit.find({}).sort({ at: -1, _id: -1 }).limit(2).lean();
    const last = page1.at(-1)!;
    const page2 = await ctx.models.audit
      .find({ $or: [{ at: { $lt: last.at } }, { at: last.at, _id: { $lt: last._id } }] })
      .sort({ at: -1, _id: -1 })
      .limit(10)
      .lean();
    expect([...page1, ...page2].map((d) => String(d._id))).toEqual(sorted.map(String));
  });

  it('splits array fields in code rather than $unwind before a multi-key $group (FerretDB v1 drops keys)', async () => {
    const { activePairs } = await import('@vigie/db');
    const sourceId = new Types.ObjectId().toHexString();
    for (const [guid, missions, narrative] of [
      ['p1', ['MONUSCO', 'MINUSCA'], 'espionage'],
      ['p2', ['MONUSCO'], 'espionage'],
      ['p3', ['MONUSCO'], 'false_flag'],
    ] as const) {
      const { itemId } = await upsertItem(ctx.models, sourceId, newItem({ guid, publishedAt: new Date() }), new Date());
      await ctx.models.items.updateOne(
        { _id: itemId },
        { $set: { status: 'classified', topNarrative: narrative, missions: [...missions], classification: { stance: 'endorse' } } },
      );
    }
    const pairs = await activePairs(ctx.models, new Date(Date.now() - 3_600_000));
    expect(pairs).toEqual([
      { mission: 'MONUSCO', narrative: 'espionage', count: 2 },
      { mission: 'MINUSCA', narrative: 'espionage', count: 1 },
      { mission: 'MONUSCO', narrative: 'false_flag', count: 1 },
    ]);
  });

  it('reads a feed\'s items and its duplicate candidates in one $or (upsertFeedItems), with a multikey $in and a projection', async () => {
    const source = await ctx.models.sources.create({ name: 'or-feed', kind: 'rss', url: 'https://example.org/or' });
    const other = await ctx.models.sources.create({ name: 'or-other', kind: 'rss', url: 'https://example.org/or2' });
    const long = 'les casques bleus ont quitté la base de Kiwanja hier soir selon des témoins sur place';
    await upsertFeedItems(ctx.models, String(other._id), [newItem({ guid: 'o1', canonicalUrl: 'https://example.org/same', text: long, simhash: '00000000000000ff' })], new Date());
    const first = await upsertFeedItems(ctx.models, String(source._id), [
      newItem({ guid: 'n1', canonicalUrl: 'https://example.org/same', text: long, simhash: '00000000000000ff' }),
      newItem({ guid: 'n2', canonicalUrl: 'https://example.org/other', text: long, simhash: '00000000000000fe', contentHash: 'h2' }),
    ], new Date());
    expect(first.map((r) => r.outcome)).toEqual(['created', 'created']);
    const root = await ctx.models.items.findOne({ guid: 'o1' }).lean();
    // n1 by canonical URL, n2 by simhash (distance 1): both point at the older root, as linkDuplicate would.
    expect(first.map((r) => r.nearDuplicateOf)).toEqual([String(root!._id), String(root!._id)]);
    const again = await upsertFeedItems(ctx.models, String(source._id), [newItem({ guid: 'n1', canonicalUrl: 'https://example.org/same', text: long, simhash: '00000000000000ff' })], new Date());
    expect(again).toEqual([{ ...first[0], outcome: 'unchanged' }]);
    expect(await ctx.models.items.countDocuments({ sourceId: source._id })).toBe(2);
  });

  it('applies a bulkWrite of a few dozen updateOne by _id (FerretDB v1 deadlocks beyond ~100 per command, so Vigie does not batch that way)', async () => {
    // Measured on FerretDB v1.24.2/SQLite (2026-11-26): 50 and 90 updates per bulkWrite complete, 110 never
    // returns. Each update of the command keeps its query cursor — one pooled SQLite connection — open until
    // the whole command ends (msg_update.go defers the close inside its loop) and the pool holds 100. Not
    // triggered here: it would wedge the shared test server. A bulkWrite also saves nothing per document on
    // this backend (each update is its own transaction), which is why the collector skips unneeded writes instead.
    const docs = await ctx.models.sources.insertMany(Array.from({ length: 40 }, (_, i) => ({ name: `bulk ${i}`, kind: 'rss', url: `https://example.org/b${i}` })));
    const result = await ctx.models.sources.bulkWrite(
      docs.map((d, i) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { 'health.itemsLastFetch': i } } } })),
      { ordered: false },
    );
    expect(result.modifiedCount).toBe(40);
    const stored = await ctx.models.sources.find({ name: /^bulk / }).lean();
    expect(stored.map((s) => s.health?.itemsLastFetch).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('tells FerretDB from MongoDB by buildInfo.ferretdbVersion (what turns the document locks on)', async () => {
    const info = await ctx.connection.db!.admin().command({ buildInfo: 1 });
    const ferret = inject('mongoServer').startsWith('FerretDB');
    expect(typeof info.ferretdbVersion === 'string').toBe(ferret);
    if (ferret) expect(info.ferretdbVersion).toMatch(/^v1\./);
    expect(await isFerretDb(ctx.connection)).toBe(ferret);
  });

  it('loses concurrent updates to one document on FerretDB v1 (why alert writers take a document lock)', async () => {
    // Measured on FerretDB v1.24.2, SQLite and PostgreSQL backends (2026-11-26): an update reads the document,
    // applies the operators in Go and writes the whole document back, outside any transaction, so of several
    // concurrent updates to one document the last write wins — 49 of 50 documents lost at least one of 4 updates.
    // If this starts failing after an upgrade, FerretDB made updates atomic and the lock (document-lock.ts) can go.
    const collection = ctx.connection.db!.collection<{ _id: string; n: number; x?: number; y?: number }>('lost_updates');
    const ids = Array.from({ length: 20 }, (_, i) => `d${i}`);
    await collection.insertMany(ids.map((_id) => ({ _id, n: 0 })));
    for (const _id of ids) {
      await Promise.all([
        collection.updateOne({ _id }, { $set: { x: 1 } }),
        collection.updateOne({ _id }, { $set: { y: 1 } }),
        collection.updateOne({ _id }, { $inc: { n: 1 } }),
        collection.updateOne({ _id }, { $inc: { n: 1 } }),
      ]);
    }
    const lost = (await collection.find({}).toArray()).filter((d) => d.x !== 1 || d.y !== 1 || d.n !== 2).length;
    if (await isFerretDb(ctx.connection)) expect(lost).toBeGreaterThan(0);
    else expect(lost).toBe(0);
  });
});
