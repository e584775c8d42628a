import { describe, expect, it } from 'vitest';
import { jitteredIntervalMs, schedulerIdFor } from './schedule.js';

describe('schedule', () => {
  it('adds a stable jitter of at most 10 %', () => {
    const a = jitteredIntervalMs('0123456789abcdef01234567', 600);
    expect(a).toBe(jitteredIntervalMs('0123456789abcdef01234567', 600));
    expect(a).toBeGreaterThanOrEqual(600_000);
    expect(a).toBeLessThan(660_000);
    const others = ['a', 'b', 'c', 'd', 'e'].map((s) => jitteredIntervalMs(s.repeat(24), 600));
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it('names schedulers after the source', () => {
    expect(schedulerIdFor('abc')).toBe('source:abc');
  });
});
