import type { PipelineStage } from 'mongoose';
import type { MissionCode, NarrativeKey } from '@vigie/contracts';
import type { Models } from '../models.js';

/**
 * Items that count towards a narrative's volume: classified with that top narrative, not a counter-message.
 * Reports count (news of a protest is a signal), debunks do not.
 */
function volumeMatch(mission: MissionCode | null, narrative: NarrativeKey | null, field: 'hour' | 'quarterHour', since: Date, until?: Date) {
  const match: Record<string, unknown> = {
    status: 'classified',
    topNarrative: narrative ?? { $ne: null },
    'classification.stance': { $ne: 'counter' },
    [field]: until ? { $gte: since, $lt: until } : { $gte: since },
  };
  if (mission) match.missions = mission;
  return match;
}

export interface BucketRow {
  readonly start: Date;
  readonly count: number;
}

/** Counts per bucket (hour or quarter-hour) for one mission × narrative: $match + $group + $sum only. */
export async function countSeries(models: Models, mission: MissionCode | null, narrative: NarrativeKey | null, field: 'hour' | 'quarterHour', since: Date, until?: Date): Promise<BucketRow[]> {
  const rows = await models.items.aggregate<{ _id: Date; n: number }>([
    { $match: volumeMatch(mission, narrative, field, since, until) },
    { $group: { _id: `$${field}`, n: { $sum: 1 } } },
    { $sort: { _id: 1 } },
  ]);
  return rows.filter((r) => r._id).map((r) => ({ start: new Date(r._id), count: r.n }));
}

/** Mission × narrative pairs with volume since `since` (what the early-warning scan looks at). */
export async function activePairs(models: Models, since: Date): Promise<{ mission: MissionCode; narrative: NarrativeKey; count: number }[]> {
  // No $unwind before a multi-key $group: FerretDB v1 then drops every key but the unwound one. Group on the
  // missions array as a whole and split it here instead.
  const pipeline: PipelineStage[] = [
    { $match: volumeMatch(null, null, 'hour', since) },
    { $group: { _id: { missions: '$missions', narrative: '$topNarrative' }, n: { $sum: 1 } } },
  ];
  const rows = await models.items.aggregate<{ _id: { missions: MissionCode[] | null; narrative: NarrativeKey }; n: number }>(pipeline);
  const totals = new Map<string, { mission: MissionCode; narrative: NarrativeKey; count: number }>();
  for (const row of rows) {
    for (const mission of row._id.missions ?? []) {
      const key = `${mission}:${row._id.narrative}`;
      const entry = totals.get(key) ?? { mission, narrative: row._id.narrative, count: 0 };
      entry.count += row.n;
      totals.set(key, entry);
    }
  }
  return [...totals.values()].sort((a, b) => b.count - a.count);
}

export interface Breakdown {
  readonly key: string;
  readonly count: number;
}

/** Top sources, languages and matched terms behind a window, for "each spike says why". */
export async function windowBreakdown(
  models: Models,
  mission: MissionCode,
  narrative: NarrativeKey,
  since: Date,
  until: Date,
  resolution: 'hour' | 'quarterHour' = 'hour',
  limit = 5,
) {
  // Same buckets as the window that fired, so the breakdown explains exactly the counted items.
  const match = volumeMatch(mission, narrative, resolution, since, until);
  const group = async (field: string): Promise<Breakdown[]> => {
    const rows = await models.items.aggregate<{ _id: unknown; n: number }>([
      { $match: match },
      { $group: { _id: `$${field}`, n: { $sum: 1 } } },
      { $sort: { n: -1 } },
      { $limit: limit },
    ]);
    return rows.map((r) => ({ key: String(r._id), count: r.n }));
  };
  // Terms are counted here, not with $unwind + $group: FerretDB v1 loses nested paths after $unwind. A window
  // holds at most a few thousand items; the cap keeps a flood from turning this into a full scan.
  const termRows = (await models.items.find(match, { classification: 1 }).limit(5_000).lean()) as { classification?: unknown }[];
  const termCounts = new Map<string, number>();
  for (const row of termRows) {
    const terms = (row.classification as { explanation?: { matchedTerms?: { term?: string }[] } } | null)?.explanation?.matchedTerms ?? [];
    for (const term of new Set(terms.map((t) => t.term).filter((t): t is string => Boolean(t)))) {
      termCounts.set(term, (termCounts.get(term) ?? 0) + 1);
    }
  }
  const terms = [...termCounts.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([key, count]) => ({ key, count }));
  const sourceRows = await group('sourceId');
  const names = await models.sources.find({ _id: { $in: sourceRows.map((s) => s.key) } }, { name: 1 }).lean();
  const nameOf = new Map(names.map((n) => [String(n._id), n.name]));
  return {
    sources: sourceRows.map((s) => ({ key: nameOf.get(s.key) ?? s.key, count: s.count })),
    languages: await group('language'),
    terms,
  };
}
