import { describe, expect, it } from 'vitest';
import {
  accumulateFeaturePair,
  accumulateFeatures,
  extractFeatures,
  featureGeneration,
  hashString,
  HATE_FEATURES,
  NARRATIVE_FEATURES,
  setFeatureInterningLimit,
  skeletonFeatureId,
  wordFeatureId,
  wordFeatureIds,
  type FeatureOptions,
  type FeatureVector,
  type TextFeatures,
} from './features.js';
import { arabicSkeleton, setTokenInterningLimit, tokenise, type NormalisedText } from './normaliser.js';
import { stemAr, stemFr } from './stemmers.js';

/**
 * The straightforward definition of the features (Maps, one addition per occurrence): each distinct word's own
 * features (word, stem, character n-grams) count g(n) for its n occurrences, cross-word features (bigrams, lexicon
 * groups) count tf of their sums, and the norm treats distinct words as orthogonal (see TextFeatures in features.ts).
 */
function reference(nt: NormalisedText, opts: FeatureOptions): Map<number, number> {
  const FNV_PRIME = 0x01000193;
  const mix = (a: number, b: number): number => Math.imul(a ^ Math.imul(b, 0x9e3779b1), FNV_PRIME) >>> 0;
  const tf = (c: number): number => (c > 1 ? 1 + Math.log(c) * 0.5 : c);
  const charMin = opts.charMin ?? 3;
  const charMax = opts.charMax ?? 5;
  const charWeight = Math.fround(opts.charWeight ?? 0.5);
  const add = (m: Map<number, number>, id: number, v: number): void => void m.set(id, (m.get(id) ?? 0) + v);
  const words = new Map<string, { own: Map<number, number>; n: number }>();
  const cross = new Map<number, number>();
  let prev = 0;
  for (const t of nt.tokens) {
    const w = t.norm;
    if (/^\d+$/.test(w)) {
      prev = 0;
      continue;
    }
    const hw = hashString(w, 1);
    if (prev !== 0) add(cross, mix(prev, hw) & 0x3fffffff, 1);
    prev = hw;
    const key = `${t.script === 'arabic' ? 'a' : 'l'}${w}`;
    const seen = words.get(key);
    if (seen) {
      seen.n++;
      continue;
    }
    const own = new Map<number, number>();
    add(own, hw & 0x3fffffff, 1);
    const stem = t.script === 'arabic' ? stemAr(w) : stemFr(w);
    if (stem !== w) add(own, hashString(stem, 2) & 0x3fffffff, 1);
    const s = `<${w}>`;
    for (let i = 0; i < s.length; i++) {
      let h = 0x811c9dc5;
      for (let n = 1; n <= charMax && i + n <= s.length; n++) {
        h = Math.imul(h ^ s.charCodeAt(i + n - 1), FNV_PRIME);
        if (n >= charMin) add(own, ((h ^ [0, 0, 0, 3, 4, 5][n]!) >>> 0) & 0x3fffffff, charWeight);
      }
    }
    words.set(key, { own, n: 1 });
  }
  // Consonant skeletons: of an Arabic word's light stem, of a Latin word in a text read as Arabizi; numbers have none.
  for (const t of opts.skeletonWeight ? nt.tokens : []) {
    if (/^\d+$/.test(t.norm)) continue;
    const sk = t.script === 'arabic' ? arabicSkeleton(stemAr(t.norm)) : t.arabizi;
    if (sk && sk.length >= 2) add(cross, hashString(sk, 11) & 0x3fffffff, opts.skeletonWeight!);
  }
  for (const m of opts.matches ?? []) add(cross, hashString(m.group, 7) & 0x3fffffff, Math.min(2, m.weight) * (opts.lexWeight ?? 1));
  const out = new Map<number, number>();
  let squares = 0;
  for (const { own, n } of words.values()) {
    const g = tf(n);
    for (const [id, v] of own) {
      add(out, id, g * v);
      squares += g * g * v * v;
    }
  }
  for (const [id, c] of cross) {
    add(out, id, tf(c));
    squares += tf(c) ** 2;
  }
  const inv = squares > 0 ? 1 / Math.sqrt(squares) : 0;
  for (const [id, v] of out) out.set(id, v * inv);
  return out;
}

const TEXTS = [
  'La MONUSCO arme les rebelles du M23 à Rutshuru, tout le monde le sait. La MONUSCO ment, la MONUSCO arme.',
  'اليونيفيل تتجسس على الجنوب وتنقل المعلومات للعدو الإسرائيلي اليونيفيل اليونيفيل',
  'yalla unifil barra, 3am yesta3mlo el kameret',
  'M.O.N.U.S.C.O dégaaaage 2024 12 casqu3s bl3us',
  '',
  '😀 !!!',
  'le le le le le le le le le le le le', // a word repeated: its own features count g(12), not 12
  'MONUSCO monusco Monusco M.O.N.U.S.C.O la MONUSCO', // one word under several surfaces (and a spelled-out run)
];

/** Same features with the same values (float32 rounding apart), in any order. */
function expectSame(a: FeatureVector, b: FeatureVector | Map<number, number>): void {
  const m = b instanceof Map ? b : new Map(Array.from(b.ids, (id, i) => [id, b.values[i]!]));
  expect(Array.from(a.ids).sort((x, y) => x - y)).toEqual([...m.keys()].sort((x, y) => x - y));
  Array.from(a.values).forEach((v, i) => expect(v).toBeCloseTo(m.get(a.ids[i]!)!, 7));
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

  it('gives the spellings of one Arabic word, Arabizi and Arabic script, a feature in common, and plain English none', () => {
    // "barra" (out), as Lebanese Arabizi writes it twice and Arabic script once: no word or character n-gram is shared
    // by all three, their consonant skeleton "br" is.
    const br = skeletonFeatureId('br');
    const has = (text: string): boolean => Array.from(extractFeatures(tokenise(text), NARRATIVE_FEATURES).ids).includes(br);
    expect(has('yalla unifil barra 3an ardna, ma badna ya7kmouna')).toBe(true);
    expect(has('yalla unifil bara 3an ardna, ma badna ya7kmouna')).toBe(true);
    expect(has('يلا اليونيفيل برا عن أرضنا')).toBe(true);
    // English is not read as Arabizi, so its "bar" and "bra" have no skeleton; nor does the hate layer read skeletons.
    expect(has('the bar sells a bra')).toBe(false);
    expect(Array.from(extractFeatures(tokenise('yalla unifil barra 3an ardna, ma badna ya7kmouna'), HATE_FEATURES).ids)).not.toContain(br);
  });

  it('returns an empty vector for a text without words', () => {
    const x = extractFeatures(tokenise('😀 !!! 2024'), NARRATIVE_FEATURES);
    expect(x.ids.length).toBe(0);
    expect(x.values.length).toBe(0);
  });

  it('keeps a Latin word apart from an Arabic-script word spelled like it without its first letter', () => {
    // The word cache was once keyed by the norm, with "a" prepended for Arabic script: the Arabic-script number ٣٨٤٧
    // (norm "3847") took the key of the Latin "a3847", so the motorway A3847 was scored as that number (no features).
    extractFeatures(tokenise('الطريق رقم ٣٨٤٧ مغلق'), NARRATIVE_FEATURES);
    const nt = tokenise('traffic jam on the A3847 motorway');
    expectSame(extractFeatures(nt, NARRATIVE_FEATURES), reference(nt, NARRATIVE_FEATURES));
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

/** The vector a TextFeatures stands for, by feature id (what a linear model reads from it). */
function vectorOf(x: TextFeatures): Map<number, number> {
  const out = new Map<number, number>();
  const add = (id: number, v: number): void => void out.set(id, (out.get(id) ?? 0) + v * x.inverseNorm);
  for (let i = 0; i < x.wordCount; i++) {
    const w = x.words[i]!;
    const g = x.wordWeights[i]!;
    add(wordFeatureId(w), g);
    const { ids, stemCount } = wordFeatureIds(w, x);
    ids.forEach((id, j) => add(id, g * (j < stemCount ? 1 : x.charValue)));
  }
  for (let i = 0; i < x.crossCount; i++) add(x.crossIds[i]!, x.crossValues[i]!);
  return out;
}

describe('accumulateFeatures (scoring)', () => {
  it('interns nothing: a stream of new words never rolls the feature table over, so cached words stay cached', () => {
    const before = featureGeneration();
    setFeatureInterningLimit(5000);
    try {
      const words = Array.from({ length: 3000 }, (_, i) => `nouveaumot${i.toString(36)}`);
      for (let i = 0; i < words.length; i += 300) accumulateFeatures(tokenise(words.slice(i, i + 300).join(' ')), NARRATIVE_FEATURES);
      expect(featureGeneration()).toBe(before);
      // Training vectors do intern, and do roll over past the limit.
      extractFeatures(tokenise(words.join(' ')), NARRATIVE_FEATURES);
      extractFeatures(tokenise('x'), NARRATIVE_FEATURES);
      expect(featureGeneration()).not.toBe(before);
    } finally {
      setFeatureInterningLimit(Infinity);
    }
  });
});

describe('accumulateFeaturePair', () => {
  const matches = [{ group: 'collusion_armed_groups', weight: 1.2 }, { group: '_call_to_act', weight: 3 }] as never;
  const narrative = { ...NARRATIVE_FEATURES, matches };

  it("scores the second set on the first set's words, with the same result as computed alone", () => {
    // Words no earlier test has seen, so the hate layer's settings meet them only through the narrative words.
    const tag = `${process.pid}${Date.now()}`.replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!);
    for (const text of [`Les casquesx${tag} bleus arment les rebellesy${tag} à Goma`, `اليونيفيل تتجسس${tag.length} على الجنوبز`, `banana${tag} ananas${tag} 2024`]) {
      const nt = tokenise(text);
      const pair = accumulateFeaturePair(nt, narrative, HATE_FEATURES);
      expectSameMap(vectorOf(pair.secondary()), reference(nt, HATE_FEATURES));
    }
  });

  it('gives each option set the features it would have on its own, from one pass', () => {
    for (const text of TEXTS) {
      const nt = tokenise(text);
      const pair = accumulateFeaturePair(nt, narrative, HATE_FEATURES);
      const primary = vectorOf(pair.primary);
      const secondary = vectorOf(pair.secondary());
      expectSameMap(primary, reference(nt, narrative));
      expectSameMap(secondary, reference(nt, HATE_FEATURES));
      expectSameMap(secondary, vectorOf(accumulateFeatures(nt, HATE_FEATURES)));
    }
  });

  it('refuses a second set with lexicon matches, and a pair read after another extraction', () => {
    const nt = tokenise(TEXTS[0]!);
    expect(() => accumulateFeaturePair(nt, NARRATIVE_FEATURES, narrative)).toThrow(/no lexicon matches/);
    const pair = accumulateFeaturePair(nt, narrative, HATE_FEATURES);
    accumulateFeatures(tokenise(TEXTS[1]!), NARRATIVE_FEATURES);
    expect(() => pair.secondary()).toThrow(/stale/);
  });
});

function expectSameMap(a: Map<number, number>, b: Map<number, number>): void {
  expect([...a.keys()].sort((x, y) => x - y)).toEqual([...b.keys()].sort((x, y) => x - y));
  for (const [id, v] of a) expect(v).toBeCloseTo(b.get(id)!, 6);
}
