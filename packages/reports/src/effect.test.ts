import { describe, expect, it } from 'vitest';
import { responseEffect, type EffectSeriesRow } from './effect.js';

const at = (s: string) => new Date(`${s}Z`);
const row = (hour: string, sourceId: string, count: number, harmful: number): EffectSeriesRow => ({ hour: at(hour), sourceId, count, harmful });

// Published 10:20 → pivot 10:00 (the publication hour counts as "after").
const series = [
  row('2026-11-13T09:00', 'D', 10, 10), // 169 h before the pivot: outside every window
  row('2026-11-19T09:00', 'A', 4, 4), // 25 h before: in 72 h and 7 d, not in 24 h
  row('2026-11-20T08:00', 'A', 2, 1),
  row('2026-11-20T08:00', 'B', 2, 2),
  row('2026-11-20T09:00', 'C', 1, 0),
  row('2026-11-20T10:00', 'A', 1, 0), // pivot hour: after
  row('2026-11-20T15:00', 'A', 1, 1),
  row('2026-11-22T10:00', 'B', 2, 0), // 48 h after
  row('2026-11-23T12:00', 'B', 50, 50), // after now: never counted
];

describe('responseEffect (hand-computed)', () => {
  const effect = responseEffect(series, at('2026-11-20T10:20'), at('2026-11-23T10:00'));
  const [d1, d3, d7] = effect.rows;

  it('pivots on the publication hour', () => {
    expect(effect.pivot.toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });

  it('24 h: 5 items from A, B, C (3 harmful) before; 2 items from A (1 harmful) after', () => {
    expect(d1!.window).toBe('24h');
    expect(d1!.before).toEqual({ volume: 5, sources: 3, harmfulShare: 0.6, hours: 24, perHour: 0.208 });
    expect(d1!.after).toEqual({ volume: 2, sources: 1, harmfulShare: 0.5, hours: 24, perHour: 0.083 });
    expect(d1!.complete).toBe(true);
    expect(d1!.volumeChangePct).toBe(-60); // (2 − 5) / 5
    expect(d1!.sourcesChange).toBe(-2);
    expect(d1!.harmfulShareChangePts).toBe(-10); // 50 % − 60 %
  });

  it('72 h: 9 items (7 harmful) before; 4 items from A and B (1 harmful) after, complete exactly at now', () => {
    expect(d3!.before).toMatchObject({ volume: 9, sources: 3, harmfulShare: 0.778 });
    expect(d3!.after).toMatchObject({ volume: 4, sources: 2, harmfulShare: 0.25, hours: 72 });
    expect(d3!.complete).toBe(true);
    expect(d3!.volumeChangePct).toBe(-55.6); // (4 − 9) / 9
    expect(d3!.harmfulShareChangePts).toBe(-52.8); // 25 % − 77.8 %
  });

  it('7 d: the after-window is truncated at now and compared per hour', () => {
    expect(d7!.before).toMatchObject({ volume: 9, sources: 3, hours: 168 });
    expect(d7!.after).toMatchObject({ volume: 4, sources: 2, hours: 72 });
    expect(d7!.complete).toBe(false);
    expect(d7!.volumeChangePct).toBe(3.7); // 4/72 vs 9/168: +3.7 %
  });

  it('no data: zeros and nulls, never NaN', () => {
    const empty = responseEffect([], at('2026-11-20T10:20'), at('2026-11-20T10:30'));
    expect(empty.rows[0]!.before).toEqual({ volume: 0, sources: 0, harmfulShare: null, hours: 24, perHour: 0 });
    expect(empty.rows[0]!.after.hours).toBeCloseTo(0.5);
    expect(empty.rows[0]!.volumeChangePct).toBeNull();
    expect(empty.rows[0]!.harmfulShareChangePts).toBeNull();
  });
});
