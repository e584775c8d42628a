import { describe, expect, it } from 'vitest';
import { DEFAULT_BLEND } from './classifier.js';
import { pickBlend, TUNING_TIE } from './train.js';

const scored = (s1Threshold: number, score: number, threshold = 0.45) => ({ blend: { ...DEFAULT_BLEND, s1Threshold, threshold }, score });

describe('pickBlend', () => {
  it('breaks near-ties toward the higher S1 threshold (fewer escalations)', () => {
    // The cross-validation scores of the 2026-11-27 training set: 0.3 first by 0.004 over 0.4.
    const pick = pickBlend([scored(0.15, 2.118), scored(0.25, 2.1239), scored(0.3, 2.1289), scored(0.4, 2.1247)]);
    expect(pick.blend.s1Threshold).toBe(0.4);
  });

  it('keeps the best score when the others are further than the tie margin', () => {
    expect(pickBlend([scored(0.25, 2.2), scored(0.4, 2.2 - TUNING_TIE - 0.001)]).blend.s1Threshold).toBe(0.25);
  });

  it('among blends of the same S1 threshold within the margin, keeps the better score, then the first tried', () => {
    expect(pickBlend([scored(0.4, 2.1, 0.45), scored(0.4, 2.102, 0.5)]).blend.threshold).toBe(0.5);
    expect(pickBlend([scored(0.4, 2.1, 0.45), scored(0.4, 2.1, 0.5)]).blend.threshold).toBe(0.45);
    expect(() => pickBlend([])).toThrow(/at least one/);
  });
});
