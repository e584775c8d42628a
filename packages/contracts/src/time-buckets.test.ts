import { describe, expect, it } from 'vitest';
import { isoWeekKey, timeBuckets } from './time-buckets.js';

describe('time buckets', () => {
  it('computes ISO weeks across year boundaries', () => {
    expect(isoWeekKey(new Date('2026-01-01T12:00:00Z'))).toBe('2026-W01');
    expect(isoWeekKey(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(isoWeekKey(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeekKey(new Date('2026-11-26T05:00:00Z'))).toBe('2026-W48');
  });

  it('floors to the quarter-hour and hour in UTC', () => {
    const b = timeBuckets(new Date('2026-11-26T05:47:12.345Z'));
    expect(b.quarterHour.toISOString()).toBe('2026-11-26T05:45:00.000Z');
    expect(b.hour.toISOString()).toBe('2026-11-26T05:00:00.000Z');
    expect(b.day).toBe('2026-11-26');
  });
});
