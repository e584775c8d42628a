import { describe, expect, it } from 'vitest';
import { createVerifiedKeyCache } from './key-cache.js';

const hq = { id: '1', name: 'hq', role: 'admin' as const, missions: [] };
const goma = { id: '2', name: 'goma', role: 'viewer' as const, missions: ['MONUSCO' as const] };

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('verified key cache', () => {
  it('trusts a verified key until its lifetime ends, then asks again', () => {
    const time = clock();
    const cache = createVerifiedKeyCache({ ttlMs: 10_000, now: time.now });
    cache.remember('hash-hq', hq);
    time.advance(9_999);
    expect(cache.get('hash-hq')).toEqual(hq);
    time.advance(1);
    expect(cache.get('hash-hq')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets every key at once when any key changes', () => {
    const cache = createVerifiedKeyCache({ ttlMs: 10_000 });
    cache.remember('hash-hq', hq);
    cache.remember('hash-goma', goma);
    cache.forgetAll();
    expect(cache.get('hash-hq')).toBeUndefined();
    expect(cache.get('hash-goma')).toBeUndefined();
  });

  it('keeps at most maxEntries keys, dropping the oldest verification first', () => {
    const cache = createVerifiedKeyCache({ ttlMs: 10_000, maxEntries: 2 });
    cache.remember('a', hq);
    cache.remember('b', goma);
    cache.remember('a', hq); // verified again: now the newest
    cache.remember('c', goma);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(hq);
    expect(cache.get('c')).toEqual(goma);
  });

  it('holds nothing when its lifetime is 0 (API_KEY_CACHE_SECONDS=0)', () => {
    const cache = createVerifiedKeyCache({ ttlMs: 0 });
    cache.remember('hash-hq', hq);
    expect(cache.get('hash-hq')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
