import { Router } from 'express';
import { z } from 'zod';
import { NarrativeKey } from '@vigie/contracts';
import { topSources, topTerms, type StatsFilter, type Models } from '@vigie/db';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { csvEnum, isoDate, missionsQuery, objectId } from './query.js';

const DAY_MS = 86_400_000;
/** The longest window one request may count over: the same cap as the time series. */
export const STATS_MAX_DAYS = 92;
const WINDOWS = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS } as const;

/**
 * The query of both top lists. `window` (default 7d, ending now) or an explicit `from`/`to`, not both; `to`
 * defaults to now and `from` to `to` − 7 days.
 */
export const TopStatsQuery = z
  .object({
    mission: missionsQuery,
    narrative: csvEnum(NarrativeKey).optional(),
    sourceId: csvEnum(objectId).optional(),
    window: z.enum(Object.keys(WINDOWS) as [keyof typeof WINDOWS, ...(keyof typeof WINDOWS)[]]).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    harmful: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true').optional(),
    limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'at most 100').default(10),
  })
  .strict()
  .refine((q) => !(q.window && (q.from || q.to)), { message: 'give either `window` or `from`/`to`, not both', path: ['window'] })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: '`from` must be before `to`', path: ['from'] })
  .refine((q) => !q.from || (q.to ?? new Date()).getTime() - q.from.getTime() <= STATS_MAX_DAYS * DAY_MS, {
    message: `at most ${STATS_MAX_DAYS} days per request`,
    path: ['from'],
  });
export type TopStatsQuery = z.infer<typeof TopStatsQuery>;

const ranked = { stories: z.number().int().describe('distinct stories (near-duplicates count once)'), items: z.number().int().describe('items, copies included') };
const statsEnvelope = {
  from: z.string(),
  to: z.string(),
  missions: z.array(z.string()).nullable().describe('the missions counted (null: every mission)'),
  narratives: z.array(z.string()).nullable(),
  harmfulOnly: z.boolean(),
  totals: z.object(ranked).describe('over every counted item'),
  distinct: z.number().int().describe('how many sources / terms there were before the limit'),
};
export const TopSourcesDto = z.object({ ...statsEnvelope, data: z.array(z.object({ sourceId: z.string(), name: z.string().nullable(), ...ranked })) });
export const TopTermsDto = z.object({ ...statsEnvelope, data: z.array(z.object({ term: z.string(), ...ranked })) });

/** The window and filter a validated query asks for, inside the key's missions. */
export function statsFilterOf(q: TopStatsQuery, missions: StatsFilter['missions'], now: Date): StatsFilter {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - (q.window ? WINDOWS[q.window] : WINDOWS['7d']));
  return {
    missions,
    ...(q.narrative?.length ? { narratives: q.narrative } : {}),
    ...(q.sourceId?.length ? { sourceIds: q.sourceId } : {}),
    from,
    to,
    harmfulOnly: q.harmful ?? false,
  };
}

/** GET /stats/top-sources and /stats/top-terms: who carries the narratives, and in which words. */
export function statsRouter(models: Models): Router {
  const router = Router();

  const parse = (query: unknown, principal: Parameters<typeof allowedMissions>[0]) => {
    const q = TopStatsQuery.parse(query);
    // A key limited to missions counts only inside them, whatever it asks for (an empty intersection counts nothing).
    const filter = statsFilterOf(q, allowedMissions(principal, q.mission), new Date());
    const envelope = {
      from: filter.from.toISOString(),
      to: filter.to.toISOString(),
      missions: filter.missions ? [...filter.missions] : null,
      narratives: filter.narratives ? [...filter.narratives] : null,
      harmfulOnly: filter.harmfulOnly ?? false,
    };
    return { q, filter, envelope };
  };
  const empty = { data: [], totals: { stories: 0, items: 0 }, distinct: 0 };

  router.get('/stats/top-sources', requireRole('viewer'), async (req, res) => {
    const { q, filter, envelope } = parse(req.query, req.principal!);
    if (filter.missions?.length === 0) return void res.json({ ...envelope, ...empty });
    const result = await topSources(models, filter, q.limit);
    res.json({
      ...envelope,
      totals: result.totals,
      distinct: result.distinct,
      data: result.data.map((s) => ({ sourceId: s.key, name: s.name, stories: s.stories, items: s.items })),
    });
  });

  router.get('/stats/top-terms', requireRole('viewer'), async (req, res) => {
    const { q, filter, envelope } = parse(req.query, req.principal!);
    if (filter.missions?.length === 0) return void res.json({ ...envelope, ...empty });
    const result = await topTerms(models, filter, q.limit);
    res.json({
      ...envelope,
      totals: result.totals,
      distinct: result.distinct,
      data: result.data.map((t) => ({ term: t.key, stories: t.stories, items: t.items })),
    });
  });

  return router;
}
