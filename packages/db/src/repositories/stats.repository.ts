import { Types } from 'mongoose';
import type { Classification, MissionCode, NarrativeKey } from '@vigie/contracts';
import type { Models } from '../models.js';

/** At most this many terms are stored per item (a long text matching half the lexicon is noise past this). */
export const MAX_TERMS_PER_ITEM = 50;

/**
 * The item's `terms` field, precomputed when it is classified: the distinct lexicon terms that matched, minus
 * counter-messaging cues (a debunk's "fausse information" is not what a narrative says). Top-level and flat so
 * top-terms groups on it directly — FerretDB v1 drops group keys after `$unwind`, and cannot reach into
 * `classification.explanation.matchedTerms`.
 */
export function termsOf(classification: Pick<Classification, 'explanation'>): string[] {
  const out = new Set<string>();
  for (const t of classification.explanation?.matchedTerms ?? []) {
    if (t.narrative === '_counter' || typeof t.term !== 'string') continue;
    const term = t.term.trim().toLowerCase();
    if (term) out.add(term);
    if (out.size >= MAX_TERMS_PER_ITEM) break;
  }
  return [...out];
}

/** What to count. Every field is already validated; `missions` null = every mission (an unscoped key). */
export interface StatsFilter {
  readonly missions: readonly MissionCode[] | null;
  readonly narratives?: readonly NarrativeKey[];
  /** Effective-time window on the precomputed `hour` bucket: from ≤ hour < to. */
  readonly from: Date;
  readonly to: Date;
  readonly harmfulOnly?: boolean;
  readonly sourceIds?: readonly string[];
}

/**
 * The $match of the statistics: items classified with a narrative, not counter-messages (the same items the
 * volume series count), in the window, in the caller's missions. Values only ever land in operator *arguments*
 * built here, so nothing from a query string can become an operator.
 */
export function statsMatch(filter: StatsFilter): Record<string, unknown> {
  const match: Record<string, unknown> = {
    status: 'classified',
    topNarrative: filter.narratives?.length ? { $in: [...filter.narratives] } : { $ne: null },
    'classification.stance': { $ne: 'counter' },
    hour: { $gte: filter.from, $lt: filter.to },
  };
  if (filter.missions) match.missions = { $in: [...filter.missions] };
  if (filter.harmfulOnly) match.harmful = true;
  if (filter.sourceIds?.length) match.sourceId = { $in: filter.sourceIds.map((id) => new Types.ObjectId(id)) };
  return match;
}

/** One $group row: the key(s) it counts for, the story it belongs to, and how many items. */
export interface StoryRow {
  readonly keys: readonly string[];
  /** `storyId` (the root of its near-duplicate family), when the item has one. */
  readonly story: string | null;
  /** `nearDuplicateOf`, for items classified before `storyId` existed. */
  readonly duplicateOf: string | null;
  readonly count: number;
}

export interface RankedStat {
  readonly key: string;
  /** Distinct stories: near-duplicates (same canonical URL or SimHash family) count once. */
  readonly stories: number;
  /** Every item, copies included. */
  readonly items: number;
}

/**
 * Ranks keys (sources, terms) by distinct stories, then items, then key — deterministic. A row without a story
 * id (an item classified before it was stored) counts as its root's story when it is a copy, else as `count`
 * stories of its own. Pure: the $group rows come in, the ranking goes out.
 */
export function rankByStories(rows: readonly StoryRow[], limit: number): { data: RankedStat[]; keys: number } {
  const acc = new Map<string, { stories: Set<string>; loose: number; items: number }>();
  for (const row of rows) {
    for (const key of new Set(row.keys)) {
      const entry = acc.get(key) ?? { stories: new Set<string>(), loose: 0, items: 0 };
      entry.items += row.count;
      const story = row.story ?? row.duplicateOf;
      if (story) entry.stories.add(story);
      else entry.loose += row.count;
      acc.set(key, entry);
    }
  }
  const data = [...acc.entries()]
    .map(([key, e]) => ({ key, stories: e.stories.size + e.loose, items: e.items }))
    .sort((a, b) => b.stories - a.stories || b.items - a.items || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { data: data.slice(0, limit), keys: data.length };
}

/** Distinct stories and items over all rows (the denominator of shares). */
export function totalsOf(rows: readonly StoryRow[]): { stories: number; items: number } {
  const stories = new Set<string>();
  let loose = 0;
  let items = 0;
  for (const row of rows) {
    items += row.count;
    const story = row.story ?? row.duplicateOf;
    if (story) stories.add(story);
    else loose += row.count;
  }
  return { stories: stories.size + loose, items };
}

type GroupRow = { _id: { k?: unknown; story?: unknown; dup?: unknown }; n: number };

const idString = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * One $match + $group + $sum over items, grouped by (key field, story, duplicate-of): one row per story per
 * key value. Array fields (`terms`) are grouped as a whole and split in rankByStories, because FerretDB v1
 * drops the other keys of a multi-key $group after `$unwind`.
 */
async function storyRows(models: Models, filter: StatsFilter, field: 'sourceId' | 'terms'): Promise<StoryRow[]> {
  const rows = await models.items.aggregate<GroupRow>([
    { $match: statsMatch(filter) },
    { $group: { _id: { k: `$${field}`, story: '$storyId', dup: '$nearDuplicateOf' }, n: { $sum: 1 } } },
  ]);
  return rows.map((r) => {
    const k = r._id.k;
    const keys = Array.isArray(k) ? k.filter((t): t is string => typeof t === 'string') : k === null || k === undefined ? [] : [String(k)];
    return { keys, story: idString(r._id.story), duplicateOf: idString(r._id.dup), count: r.n };
  });
}

export interface TopSource extends RankedStat {
  readonly name: string | null;
}

/** The sources carrying the most distinct stories in the filter, with their names. */
export async function topSources(models: Models, filter: StatsFilter, limit: number) {
  const rows = await storyRows(models, filter, 'sourceId');
  const ranked = rankByStories(rows, limit);
  const names = await models.sources.find({ _id: { $in: ranked.data.map((s) => new Types.ObjectId(s.key)) } }, { name: 1 }).lean();
  const nameOf = new Map(names.map((n) => [String(n._id), n.name]));
  const data: TopSource[] = ranked.data.map((s) => ({ ...s, name: nameOf.get(s.key) ?? null }));
  return { data, distinct: ranked.keys, totals: totalsOf(rows) };
}

/** The lexicon terms found in the most distinct stories in the filter. */
export async function topTerms(models: Models, filter: StatsFilter, limit: number) {
  const rows = await storyRows(models, filter, 'terms');
  const ranked = rankByStories(rows, limit);
  // Totals over every counted item, with or without terms: shares read "in x % of the stories".
  return { data: ranked.data, distinct: ranked.keys, totals: totalsOf(rows) };
}
