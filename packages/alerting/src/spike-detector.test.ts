import { describe, expect, it } from 'vitest';
import { logGamma, mannKendallTau, median, poissonUpperTail } from './poisson.js';
import {
  DEFAULT_SPIKE_THRESHOLDS,
  detectSpikes,
  lowered,
  type BucketCount,
  type CountSeries,
  type Resolution,
  type SpikeInput,
} from './spike-detector.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// A Tuesday; 20:05 so the last complete hour is 19:00–20:00.
const NOW = new Date('2026-03-10T20:05:00Z');
const END = Date.parse('2026-03-10T20:00:00Z');

/** Hourly series over the last `days` days ending at END; `count(startMs)` gives each bucket. */
function hourly(
  days: number,
  count: (start: number) => number | BucketCount,
  resolution: Resolution = 'hour',
): CountSeries {
  const step = resolution === 'hour' ? HOUR : HOUR / 4;
  const buckets: BucketCount[] = [];
  for (let t = END - days * DAY; t < END; t += step) {
    const c = count(t);
    if (typeof c === 'number') {
      if (c > 0) buckets.push({ start: new Date(t), count: c });
    } else buckets.push(c);
  }
  return { resolution, buckets };
}

const hourOf = (t: number): number => new Date(t).getUTCHours();
const input = (h: CountSeries, q?: CountSeries): SpikeInput => ({
  mission: 'MONUSCO',
  narrative: 'collusion_armed_groups',
  hourly: h,
  ...(q ? { quarterHourly: q } : {}),
});
const window = (r: ReturnType<typeof detectSpikes>, name: string) => {
  const d = r.detections.find((x) => x.window.name === name);
  if (!d) throw new Error(`no ${name} detection`);
  return d;
};

describe('numerical helpers', () => {
  it('computes Poisson upper tails and log-gamma against known values', () => {
    expect(poissonUpperTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    // P(X ≥ 5 | 1) = 1 − e^{-1}(1 + 1 + 1/2 + 1/6 + 1/24)
    expect(poissonUpperTail(5, 1)).toBeCloseTo(1 - Math.exp(-1) * (1 + 1 + 0.5 + 1 / 6 + 1 / 24), 12);
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(3, 0)).toBe(0);
    // Large lambda, k below it: near 1; k far above: tiny but not zero.
    expect(poissonUpperTail(80, 100)).toBeGreaterThan(0.97);
    const tiny = poissonUpperTail(200, 20);
    expect(tiny).toBeGreaterThan(0);
    expect(tiny).toBeLessThan(1e-100);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 10);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(mannKendallTau([1, 2, 3, 4])).toBe(1);
    expect(mannKendallTau([4, 3, 2, 1])).toBe(-1);
    expect(mannKendallTau([2, 2, 2])).toBe(0);
  });
});

describe('detectSpikes', () => {
  it('flags a burst over a flat baseline, with the numbers, terms, sources and languages', () => {
    const series = hourly(15, (t): BucketCount => {
      if (t === END - HOUR) {
        return {
          start: new Date(t),
          count: 30,
          terms: { 'complices du M23': 14, 'MONUSCO dégage': 9, convoi: 3 },
          sources: { radio_okapi: 4, 'tiktok:@kivu': 20, 'fb:goma-news': 6 },
          languages: { fr: 22, ln: 5, sw: 3 },
        };
      }
      const quiet: BucketCount = { start: new Date(t), count: 3, terms: { convoi: 1 }, languages: { fr: 3 } };
      return quiet;
    });
    const r = detectSpikes(input(series), NOW);
    expect(r.kind).toBe('spike');
    expect(r.primary.window.name).toBe('hour');
    expect(r.primary.window.start.toISOString()).toBe('2026-03-10T19:00:00.000Z');
    expect(r.primary.window.end.toISOString()).toBe('2026-03-10T20:00:00.000Z');
    expect(r.primary.observed).toBe(30);
    expect(r.primary.expected).toBe(3);
    expect(r.primary.ratio).toBe(10);
    expect(r.primary.pValue).toBeLessThan(1e-10);
    expect(r.primary.reasons[0]).toBe('spike over the last hour: 30 items, ×10 the expected 3');
    expect(r.primary.reasons).toContain('baseline: 3 per hour over the previous 12 h');
    expect(r.primary.reasons).toContain('top terms: complices du M23 (14), MONUSCO dégage (9), convoi (3)');
    expect(r.primary.topSources[0]).toEqual({ key: 'tiktok:@kivu', count: 20 });
    expect(r.primary.languages).toEqual([
      { key: 'fr', count: 22 },
      { key: 'ln', count: 5 },
      { key: 'sw', count: 3 },
    ]);
    // 30 more items in a day of ~72 is not a daily spike: ×1.4.
    expect(window(r, 'day').kind).toBe('none');
  });

  it('does not page for a quiet narrative going from 0 to 2', () => {
    const r = detectSpikes(input(hourly(15, (t) => (t === END - HOUR ? 2 : 0))), NOW);
    expect(r.kind).toBe('none');
    const hour = window(r, 'hour');
    expect(hour.observed).toBe(2);
    expect(hour.expected).toBe(1); // the floor
    expect(hour.reasons).toContain('below the minimum count (2 < 5)');
    expect(hour.reasons.some((x) => x.startsWith('not significant'))).toBe(true);
  });

  it('treats missing buckets as zeros (a sparse series equals a dense one with zeros)', () => {
    const sparse = hourly(15, (t) => (hourOf(t) % 5 === 0 ? 2 : 0));
    const dense: CountSeries = {
      resolution: 'hour',
      buckets: Array.from({ length: 15 * 24 }, (_, i) => {
        const t = END - 15 * DAY + i * HOUR;
        return { start: new Date(t), count: hourOf(t) % 5 === 0 ? 2 : 0 };
      }),
    };
    expect(sparse.buckets.length).toBeLessThan(dense.buckets.length);
    const a = detectSpikes(input(sparse), NOW);
    const b = detectSpikes(input(dense), NOW);
    expect(a.detections.map((d) => [d.observed, d.expected])).toEqual(
      b.detections.map((d) => [d.observed, d.expected]),
    );
    // 12 h baseline 10:00–18:00 has 10:00 and 15:00 at 2 each → 4/12 per hour, floored to 1.
    expect(window(a, 'hour').references.baseline).toBeCloseTo(4 / 12, 10);
  });

  describe('daily cycle (the evening radio show at 19:00 every day)', () => {
    const cycle = (extra: (t: number) => number) => hourly(15, (t) => (hourOf(t) === 19 ? 30 : 1) + extra(t));

    it('does not alert at the usual hour, and says why', () => {
      const r = detectSpikes(input(cycle(() => 0)), NOW);
      const hour = window(r, 'hour');
      expect(hour.observed).toBe(30);
      expect(hour.references.baseline).toBe(1);
      expect(hour.references.dayEarlier).toBe(30);
      expect(hour.expected).toBe(30);
      expect(r.kind).toBe('none');
      expect(
        hour.reasons.some((x) => x.includes('usual for this time: 30 at the same time on previous days')),
      ).toBe(true);
    });

    it('alerts when the same volume comes at an unusual hour', () => {
      // 03:00–04:00 today: evaluate at 04:05.
      const at = new Date('2026-03-10T04:05:00Z');
      const burstStart = Date.parse('2026-03-10T03:00:00Z');
      const r = detectSpikes(input(cycle((t) => (t === burstStart ? 29 : 0))), at);
      expect(r.kind).toBe('spike');
      const hour = window(r, 'hour');
      expect(hour.observed).toBe(30);
      expect(hour.references.dayEarlier).toBe(1);
      // The 12 h baseline includes last evening's show: (30 + 11) / 12.
      expect(hour.expected).toBeCloseTo(41 / 12, 10);
    });

    it('still alerts when the usual hour carries far more than usual', () => {
      const r = detectSpikes(input(cycle((t) => (t === END - HOUR ? 70 : 0))), NOW);
      expect(r.kind).toBe('spike');
      expect(r.primary.ratio).toBeCloseTo(100 / 30, 10);
    });

    it('is not fooled by a one-off spike yesterday at the same hour (median of three days)', () => {
      const yesterday = END - HOUR - DAY;
      const series = hourly(15, (t) => (t === END - HOUR || t === yesterday ? 30 : 1));
      const r = detectSpikes(input(series), NOW);
      expect(window(r, 'hour').references.dayEarlier).toBe(1);
      expect(r.kind).toBe('spike');
    });
  });

  describe('weekly cycle (a Tuesday programme at 19:00)', () => {
    const weekly = (t: number) => (hourOf(t) === 19 && new Date(t).getUTCDay() === 2 ? 30 : 1);

    it('does not alert on the usual weekday', () => {
      const r = detectSpikes(input(hourly(15, weekly)), NOW);
      const hour = window(r, 'hour');
      expect(hour.references.dayEarlier).toBe(1);
      expect(hour.references.weekEarlier).toBe(30);
      expect(r.kind).toBe('none');
      expect(hour.reasons.some((x) => x.includes('a week earlier'))).toBe(true);
      // Nor as a day: last Tuesday had the same total.
      expect(window(r, 'day').kind).toBe('none');
    });

    it('alerts when it happens on another day', () => {
      // Monday 19:00 (not Tuesday): evaluate on Monday 20:05.
      const mondayEnd = END - DAY;
      const series = hourly(15, (t) => (t === mondayEnd - HOUR ? 30 : t < mondayEnd ? weekly(t) : 0));
      const r = detectSpikes(input(series), new Date(mondayEnd + 5 * 60_000));
      expect(window(r, 'hour').references.weekEarlier).toBe(1);
      expect(r.kind).toBe('spike');
    });
  });

  it('raises `rising` on steady growth before the volume thresholds are met, then a spike', () => {
    // Quiet (1 item every 8 hours) then growth over the last hours.
    const growth = [0, 1, 1, 2, 3, 4, 6, 9];
    const seriesAt = (hoursShown: number) =>
      hourly(15, (t) => {
        const idx = growth.length - (END - t) / HOUR - (growth.length - hoursShown);
        if (idx >= 0 && idx < hoursShown) return growth[idx] ?? 0;
        if (idx >= hoursShown) return 0;
        return hourOf(t) % 8 === 0 ? 1 : 0;
      });
    // After 6 hours of growth (…, 3, 4): not a spike yet, but rising.
    const early = detectSpikes(input(seriesAt(6)), NOW);
    expect(window(early, 'hour').kind).toBe('none');
    expect(early.kind).toBe('rising');
    expect(early.primary.window.name).toBe('rising');
    expect(early.primary.reasons[0]).toBe('rising: 11 items over the last 6 h, growing consistently');
    expect(early.primary.reasons).toContain('per-hour counts over the last 6 h: 0, 1, 1, 2, 3, 4');
    expect(early.primary.score).toBeGreaterThan(0.9);
    // Two hours later (…, 6, 9): the hour window spikes.
    const later = detectSpikes(input(seriesAt(8)), NOW);
    expect(later.kind).toBe('spike');
    expect(window(later, 'hour').kind).toBe('spike');
    expect(window(later, 'hour').observed).toBe(9);
    // The strongest window leads: the day (28 items against ~3 a day) is more surprising than the hour.
    expect(later.primary.window.name).toBe('day');
    expect(later.primary.observed).toBe(28);
  });

  it('does not call an erratic series rising', () => {
    const pattern = [3, 0, 4, 1, 0, 4];
    const r = detectSpikes(
      input(hourly(15, (t) => ((END - t) / HOUR <= 6 ? (pattern[6 - (END - t) / HOUR] ?? 0) : 0))),
      NOW,
    );
    expect(r.kind).toBe('none');
    expect(window(r, 'rising').reasons.some((x) => x.startsWith('no consistent growth'))).toBe(true);
  });

  it('makes a borderline case alert when thresholds are lowered for a high-risk moment', () => {
    const series = hourly(15, (t) => (t === END - HOUR ? 5 : 1));
    const normal = detectSpikes(input(series), NOW);
    expect(normal.kind).toBe('none');
    expect(window(normal, 'hour').reasons.some((x) => x.startsWith('not significant (p = 3.7e-3'))).toBe(
      true,
    );
    const risky = detectSpikes(input(series), NOW, lowered(DEFAULT_SPIKE_THRESHOLDS, 0.6));
    expect(risky.kind).toBe('spike');
    expect(risky.primary.observed).toBe(5);
  });

  it('lowers thresholds predictably and rejects nonsense factors', () => {
    const l = lowered(DEFAULT_SPIKE_THRESHOLDS, 0.5);
    const hour = l.windows[0];
    expect(hour?.minCount).toBe(3);
    expect(hour?.minRatio).toBe(2);
    expect(hour?.maxPValue).toBeCloseTo(Math.sqrt(0.001), 12);
    expect(hour?.minExpected).toBe(1);
    expect(l.rising.minGrowth).toBe(1.5);
    expect(lowered(DEFAULT_SPIKE_THRESHOLDS, 1)).toEqual(DEFAULT_SPIKE_THRESHOLDS);
    expect(() => lowered(DEFAULT_SPIKE_THRESHOLDS, 0)).toThrow(/factor/);
    expect(() => lowered(DEFAULT_SPIKE_THRESHOLDS, 1.5)).toThrow(/factor/);
  });

  it('uses quarter-hour buckets for the hour window when given, so a burst is seen within 15 minutes', () => {
    const h = hourly(15, () => 2);
    const q8 = hourly(8, (t) => (t >= END - HOUR / 2 ? 12 : 1), 'quarterHour');
    // The burst goes on in the current hour (20:00–20:15), which the hourly series cannot show yet.
    const q: CountSeries = { ...q8, buckets: [...q8.buckets, { start: new Date(END), count: 12 }] };
    const at = new Date(END + 16 * 60_000); // 20:16 → last complete quarter ends 20:15
    const r = detectSpikes(input(h, q), at);
    const hour = window(r, 'hour');
    expect(hour.window.resolution).toBe('quarterHour');
    expect(hour.window.end.toISOString()).toBe('2026-03-10T20:15:00.000Z');
    expect(hour.window.start.toISOString()).toBe('2026-03-10T19:15:00.000Z');
    expect(hour.observed).toBe(1 + 12 * 3);
    expect(hour.kind).toBe('spike');
  });

  it('does not judge windows whose baseline is mostly before counting started', () => {
    const series: CountSeries = {
      ...hourly(1, (t) => (t === END - HOUR ? 40 : 0)),
      since: new Date(END - 4 * HOUR),
    };
    const r = detectSpikes(input(series), NOW);
    expect(r.kind).toBe('none');
    expect(window(r, 'hour').references.weekEarlier).toBeNull();
    expect(window(r, 'hour').reasons).toContain('not judged: only 25% of the baseline is covered by data');
  });

  it('rejects negative counts', () => {
    const bad: CountSeries = { resolution: 'hour', buckets: [{ start: new Date(END - HOUR), count: -1 }] };
    expect(() => detectSpikes(input(bad), NOW)).toThrow(/invalid count/);
  });
});
