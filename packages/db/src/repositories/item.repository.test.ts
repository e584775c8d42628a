import { describe, expect, it } from 'vitest';
import { classifyJobId, simhashBands, simhashDistance } from './item.repository.js';

function flip(hex: string, bits: number[]): string {
  let v = BigInt(`0x${hex}`);
  for (const b of bits) v ^= 1n << BigInt(b);
  return v.toString(16).padStart(16, '0');
}

describe('simhash bands', () => {
  it('cuts a simhash into 7 tagged bands and rejects anything else', () => {
    const bands = simhashBands('0123456789abcdef')!;
    expect(bands).toHaveLength(7);
    bands.forEach((b, i) => expect(Math.floor(b / 1024)).toBe(i));
    expect(simhashBands(null)).toBeNull();
    expect(simhashBands('xyz')).toBeNull();
    expect(simhashBands('0123456789abcdef0')).toBeNull();
  });

  it('always gives two hashes within distance 6 a common band (the worst case spreads flips over every band)', () => {
    const base = 'f0e1d2c3b4a59687';
    // One flip in each of six bands: the seventh still matches.
    const worst = flip(base, [0, 9, 18, 27, 36, 45]);
    expect(simhashDistance(base, worst)).toBe(6);
    const shared = simhashBands(base)!.filter((b) => simhashBands(worst)!.includes(b));
    expect(shared.length).toBeGreaterThanOrEqual(1);
    // Pseudo-random flips, deterministic.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const bits = new Set<number>();
      const k = 1 + Math.floor(rand() * 6);
      while (bits.size < k) bits.add(Math.floor(rand() * 64));
      const other = flip(base, [...bits]);
      expect(simhashDistance(base, other)).toBe(k);
      expect(simhashBands(base)!.some((b) => simhashBands(other)!.includes(b))).toBe(true);
    }
  });

  it('measures Hamming distance over 64 bits', () => {
    expect(simhashDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(simhashDistance('8000000000000001', '0000000000000000')).toBe(2);
  });

  it('ties the classify job id to the content', () => {
    expect(classifyJobId('a'.repeat(24), 'b'.repeat(64))).toBe(`item-${'a'.repeat(24)}-${'b'.repeat(16)}`);
  });
});
