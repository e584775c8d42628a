import { describe, expect, it } from 'vitest';
import { formatDuration, median } from './stats.js';
import { isoWeekStart, previousIsoWeek, weeksEndingWith } from './week.js';

describe('median', () => {
  it('odd, even, empty', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([])).toBeNull();
  });
});

describe('ISO weeks', () => {
  it('finds the Monday of a week, across year boundaries', () => {
    expect(isoWeekStart('2026-W48')!.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(isoWeekStart('2026-W01')!.toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(isoWeekStart('2020-W53')!.toISOString()).toBe('2020-12-28T00:00:00.000Z');
  });
  it('rejects malformed or non-existent weeks', () => {
    for (const bad of ['2026-W54', '2026-W00', '2025-W53', '2026W48', '2026-W4', '<script>', '1999-W10']) expect(isoWeekStart(bad)).toBeNull();
  });
  it('lists 8 weeks ending with a week and the previous week of a date', () => {
    expect(weeksEndingWith('2026-W02', 3)).toEqual(['2025-W52', '2026-W01', '2026-W02']);
    expect(previousIsoWeek(new Date('2026-11-23T05:00:00Z'))).toBe('2026-W47');
  });
  it('formats durations', () => {
    expect(formatDuration(3 * 3_600_000)).toBe('3 h 0 min');
    expect(formatDuration(null)).toBe('—');
  });
});
