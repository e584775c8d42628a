import { describe, expect, it } from 'vitest';
import { DEFAULT_BLEND } from './classifier.js';
import { pickBlend, pickRescue, TUNING_TIE } from './train.js';

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

describe('pickRescue', () => {
  const rescue = (modelRescue: number | undefined, score: number) => ({ blend: { ...DEFAULT_BLEND, ...(modelRescue === undefined ? {} : { modelRescue }) }, score });

  it('keeps no rescue when a rescue scores within the tie margin', () => {
    expect(pickRescue([rescue(undefined, 2.1), rescue(0.6, 2.1 + TUNING_TIE / 2), rescue(0.5, 2.1 + TUNING_TIE * 0.9)]).blend.modelRescue).toBeUndefined();
  });

  it('keeps a rescue that wins by more than the margin, the stricter one among near-ties', () => {
    expect(pickRescue([rescue(undefined, 2.1), rescue(0.6, 2.11), rescue(0.5, 2.112)]).blend.modelRescue).toBe(0.6);
    expect(pickRescue([rescue(undefined, 2.1), rescue(0.6, 2.104), rescue(0.5, 2.12)]).blend.modelRescue).toBe(0.5);
    expect(() => pickRescue([])).toThrow(/at least one/);
  });
});
