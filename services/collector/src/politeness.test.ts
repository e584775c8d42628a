import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './politeness.js';

describe('retryDelayMs', () => {
  it('waits exactly until the host frees up when the refusal was the rate limit, plus a little jitter', () => {
    expect(retryDelayMs({ kind: 'rate', waitMs: 1_500 }, () => 0)).toBe(1_510);
    expect(retryDelayMs({ kind: 'rate', waitMs: 1_500 }, () => 0.999)).toBe(1_759);
  });

  it('retries a busy host soon, not after the stuck lease’s whole TTL', () => {
    expect(retryDelayMs({ kind: 'busy', waitMs: 29_000 }, () => 0)).toBe(750);
    expect(retryDelayMs({ kind: 'busy', waitMs: 100 }, () => 0)).toBe(350);
  });

  it('caps a rate wait at a minute', () => {
    expect(retryDelayMs({ kind: 'rate', waitMs: 10 * 60_000 }, () => 0)).toBe(60_010);
  });

  it('spreads the waiting jobs of one host', () => {
    const delays = new Set([0, 0.3, 0.6, 0.9].map((r) => retryDelayMs({ kind: 'busy', waitMs: 200 }, () => r)));
    expect(delays.size).toBe(4);
  });
});
