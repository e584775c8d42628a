import { describe, expect, it } from 'vitest';
import { MIN_INTERVAL_SEC, adaptiveIntervalSec, nextFetchAt, pushHistory, shouldFetchUnconditionally } from './adaptive-interval.js';

const base = { configuredSec: 900, recentNew: [] as number[], consecutiveFailures: 0 };

describe('adaptiveIntervalSec', () => {
  it('keeps the configured interval without history or for an ordinary source', () => {
    expect(adaptiveIntervalSec(base)).toBe(900);
    expect(adaptiveIntervalSec({ ...base, recentNew: [1, 0, 2, 1] })).toBe(900);
  });

  it('polls busy sources faster, down to a quarter of the configured interval', () => {
    expect(adaptiveIntervalSec({ ...base, recentNew: [3, 2, 2, 3] })).toBe(450);
    expect(adaptiveIntervalSec({ ...base, recentNew: [20, 30, 12, 9] })).toBe(225);
  });

  it('never goes under a minute unless the admin configured less', () => {
    expect(adaptiveIntervalSec({ configuredSec: 120, recentNew: [50, 50], consecutiveFailures: 0 })).toBe(MIN_INTERVAL_SEC);
    expect(adaptiveIntervalSec({ configuredSec: 30, recentNew: [50, 50], consecutiveFailures: 0 })).toBe(30);
  });

  it('slows down quiet sources progressively, up to 8×', () => {
    expect(adaptiveIntervalSec({ ...base, recentNew: [4, 0, 0] })).toBe(900);
    expect(adaptiveIntervalSec({ ...base, recentNew: [1, 0, 0, 0] })).toBe(1800);
    expect(adaptiveIntervalSec({ ...base, recentNew: [1, 0, 0, 0, 0] })).toBe(3600);
    expect(adaptiveIntervalSec({ ...base, recentNew: [0, 0, 0, 0, 0, 0, 0, 0] })).toBe(7200);
    // A single new item after a quiet spell brings it straight back.
    expect(adaptiveIntervalSec({ ...base, recentNew: [0, 0, 0, 0, 0, 0, 0, 1] })).toBe(900);
  });

  it('backs off on failure, capped at 8×, whatever the history says', () => {
    expect(adaptiveIntervalSec({ ...base, recentNew: [30, 30], consecutiveFailures: 1 })).toBe(1800);
    expect(adaptiveIntervalSec({ ...base, consecutiveFailures: 2 })).toBe(3600);
    expect(adaptiveIntervalSec({ ...base, consecutiveFailures: 50 })).toBe(7200);
    expect(adaptiveIntervalSec({ configuredSec: 7 * 86_400, recentNew: [], consecutiveFailures: 9 })).toBe(56 * 86_400);
  });

  it('keeps the last eight fetches of history', () => {
    expect(pushHistory([1, 2, 3, 4, 5, 6, 7, 8], 9)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pushHistory([], 0)).toEqual([0]);
  });
});

describe('nextFetchAt', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  it('is one interval away, or later when the server asked for more', () => {
    expect(nextFetchAt(now, 600)).toEqual({ nextFetchAt: new Date('2026-03-01T10:10:00Z'), notBefore: null });
    expect(nextFetchAt(now, 600, 3_600_000)).toEqual({ nextFetchAt: new Date('2026-03-01T11:00:00Z'), notBefore: new Date('2026-03-01T11:00:00Z') });
    // A short Retry-After still forbids an early poll but does not bring the next one forward.
    expect(nextFetchAt(now, 600, 30_000)).toEqual({ nextFetchAt: new Date('2026-03-01T10:10:00Z'), notBefore: new Date('2026-03-01T10:00:30Z') });
  });
});

describe('shouldFetchUnconditionally', () => {
  const now = new Date('2026-03-02T10:00:00Z');
  it('drops validators on the first fetch and once a day', () => {
    expect(shouldFetchUnconditionally(null, now)).toBe(true);
    expect(shouldFetchUnconditionally(new Date('2026-03-02T00:00:00Z'), now)).toBe(false);
    expect(shouldFetchUnconditionally(new Date('2026-03-01T10:00:00Z'), now)).toBe(true);
  });
});
