import { describe, expect, it } from 'vitest';
import { nbRatios } from './hate-layer.js';

const vec = (...ids: number[]) => ({ ids: Uint32Array.from(ids), values: new Float32Array(ids.length).fill(1) });

describe('nbRatios', () => {
  it('gives a bucket seen only in offensive tweets a larger ratio than one seen equally in both classes', () => {
    const r = nbRatios(
      [
        { x: vec(1, 2), y: 'OFF' },
        { x: vec(1, 2), y: 'HS' },
        { x: vec(2), y: 'NOT' },
        { x: vec(2), y: 'NOT' },
      ],
      4,
    );
    expect(r[1]!).toBeGreaterThan(r[2]!);
    // Counts (α = 1): offensive total 16 + 4, NOT total 16 + 2; bucket 1: p = 3, q = 1.
    expect(r[1]!).toBeCloseTo(Math.abs(Math.log(3 / 20 / (1 / 18))), 6);
    expect(r.length).toBe(16);
  });
});
