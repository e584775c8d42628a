import { describe, expect, it } from 'vitest';
import { extractFeatures, hashString, HATE_FEATURES, NARRATIVE_FEATURES, setFeatureInterningLimit, type FeatureOptions, type FeatureVector } from './features.js';
import { setTokenInterningLimit, tokenise, type NormalisedText } from './normaliser.js';
import { stemAr, stemFr } from './stemmers.js';

/**
 * The straightforward definition of the features (a Map, one addition per occurrence), as the code was before the
 * interning and per-word grouping: the fast extractor must give the same ids, in the same order, with the same values.
 */
function reference(nt: NormalisedText, opts: FeatureOptions): FeatureVector {
  const FNV_PRIME = 0x01000193;
  const mix = (a: number, b: number): number => Math.imul(a ^ Math.imul(b, 0x9e3779b1), FNV_PRIME) >>> 0;
  const charMin = opts.charMin ?? 3;
  const charMax = opts.charMax ?? 5;
  const charWeight = Math.fround(opts.charWeight ?? 0.5);
  const acc = new Map<number, number>();
  const add = (id: number, v: number): void => void acc.set(id, (acc.get(id) ?? 0) + v);
  let prev = 0;
  for (const t of nt.tokens) {
    const w = t.norm;
    if (/^\d+$/.test(w)) {
      prev = 0;
      continue;
    }
    const hw = hashString(w, 1);
    add(hw & 0x3fffffff, 1);
    if (prev !== 0) add(mix(prev, hw) & 0x3fffffff, 1);
    prev = hw;
    const stem = t.script === 'arabic' ? stemAr(w) : stemFr(w);
    if (stem !== w) add(hashString(stem, 2) & 0x3fffffff, 1);
    const s = `<${w}>`;
    for (let i = 0; i < s.length; i++) {
      let h = 0x811c9dc5;
      for (let n = 1; n <= charMax && i + n <= s.length; n++) {
        h = Math.imul(h ^ s.charCodeAt(i + n - 1), FNV_PRIME);
        if (n >= charMin) add(((h ^ [0, 0, 0, 3, 4, 5][n]!) >>> 0) & 0x3fffffff, charWeight);
      }
    }
  }
  for (const m of opts.matches ?? []) add(hashString(m.group, 7) & 0x3fffffff, Math.min(2, m.weight) * (opts.lexWeight ?? 1));
  const ids = Uint32Array.from(acc.keys());
  const values = Float32Array.from(acc.values(), (c) => (c > 1 ? 1 + Math.log(c) * 0.5 : c));
  let norm = 0;
  for (const id of acc.keys()) {
    const c = acc.get(id)!;
    const v = c > 1 ? 1 + Math.log(c) * 0.5 : c;
    norm += v * v;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let j = 0; j < values.length; j++) values[j]! *= inv;
  return { ids, values };
}

const TEXTS = [
  'La MONUSCO arme les rebelles du M23 à Rutshuru, tout le monde le sait. La MONUSCO ment, la MONUSCO arme.',
  'اليونيفيل تتجسس على الجنوب وتنقل المعلومات للعدو الإسرائيلي اليونيفيل اليونيفيل',
  'yalla unifil barra, 3am yesta3mlo el kameret',
  'M.O.N.U.S.C.O dégaaaage 2024 12 casqu3s bl3us',
  '',
  '😀 !!!',
  'le le le le le le le le le le le le', // a repeated n-gram whose summed value passes 1 (sub-linear branch)
];

function expectSame(a: FeatureVector, b: FeatureVector): void {
  expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
  // Per-word grouping may change the last bits of a double sum; float32 values absorb it on these texts.
  Array.from(a.values).forEach((v, i) => expect(v).toBeCloseTo(b.values[i]!, 7));
}

describe('extractFeatures', () => {
  it('gives the reference ids, order and values for the narrative and hate settings', () => {
    for (const text of TEXTS) {
      const nt = tokenise(text);
      const matches = [{ group: 'collusion_armed_groups', weight: 1.2 }, { group: '_call_to_act', weight: 3 }] as never;
      expectSame(extractFeatures(nt, { ...NARRATIVE_FEATURES, matches }), reference(nt, { ...NARRATIVE_FEATURES, matches }));
      expectSame(extractFeatures(nt, HATE_FEATURES), reference(nt, HATE_FEATURES));
    }
  });

  it('returns an empty vector for a text without words', () => {
    const x = extractFeatures(tokenise('😀 !!! 2024'), NARRATIVE_FEATURES);
    expect(x.ids.length).toBe(0);
    expect(x.values.length).toBe(0);
  });

  it('stays right after the token and feature interning tables roll over', () => {
    const nts = TEXTS.map((t) => tokenise(t));
    const before = nts.map((nt) => extractFeatures(nt, NARRATIVE_FEATURES));
    const gen = nts[0]!.generation;
    setTokenInterningLimit(2000);
    setFeatureInterningLimit(5000);
    try {
      // More distinct words than either table now holds: both are cleared and start a new generation.
      extractFeatures(tokenise(Array.from({ length: 2500 }, (_, i) => `mot${i.toString(36)}`).join(' ')), NARRATIVE_FEATURES);
      const after = [...TEXTS].reverse().map((t) => extractFeatures(tokenise(t), NARRATIVE_FEATURES)).reverse();
      expect(tokenise('x').generation).not.toBe(gen);
      after.forEach((x, i) => expectSame(x, before[i]!));
      // A vector from the old generation no longer claims valid dense indices.
      expect(before[0]!.denseGeneration).not.toBe(after[0]!.denseGeneration);
    } finally {
      setTokenInterningLimit(Infinity);
      setFeatureInterningLimit(Infinity);
    }
  });
});
