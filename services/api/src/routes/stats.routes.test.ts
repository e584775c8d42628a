import { describe, expect, it } from 'vitest';
import { TopStatsQuery, statsFilterOf } from './stats.routes.js';

const now = new Date('2026-11-26T10:00:00Z');

describe('TopStatsQuery', () => {
  it('defaults to the last 7 days, every narrative, all items, 10 rows', () => {
    const q = TopStatsQuery.parse({});
    expect(q).toMatchObject({ limit: 10 });
    const f = statsFilterOf(q, null, now);
    expect(f).toEqual({ missions: null, from: new Date('2026-11-19T10:00:00Z'), to: now, harmfulOnly: false });
  });

  it('reads windows, lists and booleans from query strings', () => {
    const q = TopStatsQuery.parse({ mission: 'MONUSCO,UNIFIL', narrative: ['espionage', 'false_flag'], window: '24h', harmful: 'true', limit: '5' });
    const f = statsFilterOf(q, ['MONUSCO'], now);
    expect(f).toMatchObject({ missions: ['MONUSCO'], narratives: ['espionage', 'false_flag'], harmfulOnly: true, from: new Date('2026-11-25T10:00:00Z') });
  });

  it('rejects hostile and broken input field by field', () => {
    const paths = (input: Record<string, unknown>) => {
      const r = TopStatsQuery.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.')).sort();
    };
    expect(paths({ 'mission[$ne]': 'X' })).toEqual(['']);
    expect(paths({ mission: 'NOPE', limit: '5000' })).toEqual(['limit', 'mission.0']);
    expect(paths({ limit: '-1' })).toEqual(['limit']);
    expect(paths({ limit: '1e400' })).toEqual(['limit']);
    expect(paths({ from: 'yesterday' })).toEqual(['from']);
    expect(paths({ from: '2026-11-20', to: '2026-11-10' })).toEqual(['from']);
    expect(paths({ from: '2026-01-01', to: '2026-11-10' })).toEqual(['from']);
    expect(paths({ window: '7d', from: '2026-11-20' })).toEqual(['window']);
    expect(paths({ window: '1y' })).toEqual(['window']);
    expect(paths({ harmful: 'yes' })).toEqual(['harmful']);
    expect(paths({ sourceId: '{"$gt":""}' })).toEqual(['sourceId.0']);
    expect(paths({ narrative: { $ne: null } })).toEqual(['narrative']);
  });
});
