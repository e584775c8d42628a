/**
 * Sparse features for the statistical layers: word unigrams and bigrams, stems, character 3–5-grams inside
 * words, and lexicon evidence (which groups matched). Features are 32-bit FNV-1a hashes computed over char codes
 * without building substrings, so extraction stays cheap at thousands of texts a second.
 */
import type { Match } from './lexicon-matcher.js';
import type { NormalisedText } from './normaliser.js';
import { stemAr, stemFr } from './stemmers.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over a string's UTF-16 code units, started from `seed` (a feature-family tag). */
export function hashString(s: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function mix(a: number, b: number): number {
  return Math.imul(a ^ Math.imul(b, 0x9e3779b1), FNV_PRIME) >>> 0;
}

const SEED_WORD = 1;
const SEED_STEM = 2;
const SEED_LEX = 7;
const SEED_CHAR = [0, 0, 0, 3, 4, 5];

/**
 * Feature settings of the narrative, stance, escalation and harm models. Character n-grams count a fifth of a
 * word: at equal weight the ~30 n-grams of a long word drowned its word and lexicon features (CV on train.jsonl:
 * narrative accuracy 0.49 → 0.52, stance 0.76 → 0.81). Lexicon groups count double.
 */
export const NARRATIVE_FEATURES = { charMin: 3, charMax: 5, charWeight: 0.2, lexWeight: 2 } as const;
/**
 * Feature settings of the generic hate layer (must match what it was trained with, see hate-layer.ts). Character
 * n-grams weigh as much as words, as they effectively did before `charWeight` existed (a single occurrence was
 * rounded up to 1), which the shipped hate-model.json was trained with.
 */
export const HATE_FEATURES = { charMin: 2, charMax: 5, charWeight: 1 } as const;

/** A sparse, L2-normalised feature vector. */
export interface FeatureVector {
  readonly ids: Uint32Array;
  readonly values: Float32Array;
}

export interface FeatureOptions {
  /** Character n-gram sizes (inclusive range). Default 3–5. */
  readonly charMin?: number;
  readonly charMax?: number;
  readonly bigrams?: boolean;
  /** Value of one character n-gram relative to a word (default 0.5). */
  readonly charWeight?: number;
  /** Multiplier on lexicon-group features (default 1). */
  readonly lexWeight?: number;
  /** Lexicon matches to add as `lex|group` features, so the model learns how far to trust each group. */
  readonly matches?: readonly Match[];
}

/**
 * The per-word part of the features (word id, stem id, character n-gram ids with their values) depends only on the
 * word and the options, and words repeat (Zipf), so it is computed once per (options, word) and cached. Ids are
 * already masked to 30 bits.
 */
interface WordFeatures {
  readonly word: number;
  readonly ids: Int32Array;
  readonly values: Float32Array;
}
const WORD_CACHE_LIMIT = 100_000;
const wordCaches = new Map<string, Map<string, WordFeatures>>();

function wordFeatures(w: string, arabic: boolean, charMin: number, charMax: number, charWeight: number, cache: Map<string, WordFeatures>): WordFeatures {
  const key = arabic ? `a${w}` : w;
  const hit = cache.get(key);
  if (hit) return hit;
  const ids: number[] = [];
  const values: number[] = [];
  const hw = hashString(w, SEED_WORD);
  const stem = arabic ? stemAr(w) : stemFr(w);
  if (stem !== w) {
    ids.push(hashString(stem, SEED_STEM) & 0x3fffffff);
    values.push(1);
  }
  // Char n-grams over "<word>", hashed incrementally from each start position.
  const L = w.length + 2;
  for (let i = 0; i < L; i++) {
    let h = FNV_OFFSET;
    for (let n = 1; n <= charMax && i + n <= L; n++) {
      const pos = i + n - 1;
      const code = pos === 0 ? 60 : pos === L - 1 ? 62 : w.charCodeAt(pos - 1);
      h = Math.imul(h ^ code, FNV_PRIME);
      if (n >= charMin) {
        ids.push(((h ^ SEED_CHAR[n]!) >>> 0) & 0x3fffffff);
        values.push(charWeight);
      }
    }
  }
  const v: WordFeatures = { word: hw, ids: Int32Array.from(ids), values: Float32Array.from(values) };
  if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
  cache.set(key, v);
  return v;
}

/**
 * A reusable open-addressing accumulator (id → summed value) on typed arrays: a Map here allocated a heap number
 * per entry and was the largest cost of extraction. Grows when half full; `reset` clears only the used slots.
 */
class Accumulator {
  keys = new Int32Array(4096).fill(-1);
  vals = new Float64Array(4096);
  used = new Int32Array(2048);
  size = 0;

  add(id: number, v: number): void {
    const mask = this.keys.length - 1;
    let slot = Math.imul(id, 0x9e3779b1) >>> 0 & mask;
    for (;;) {
      const k = this.keys[slot]!;
      if (k === id) {
        this.vals[slot]! += v;
        return;
      }
      if (k === -1) break;
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = id;
    this.vals[slot] = v;
    this.used[this.size++] = slot;
    if (this.size * 2 >= this.keys.length) this.grow();
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const oldUsed = this.used.subarray(0, this.size);
    const n = this.size;
    this.keys = new Int32Array(oldKeys.length * 2).fill(-1);
    this.vals = new Float64Array(oldKeys.length * 2);
    const used = new Int32Array(oldKeys.length);
    this.size = 0;
    this.used = used;
    for (let i = 0; i < n; i++) {
      const s = oldUsed[i]!;
      this.add(oldKeys[s]!, oldVals[s]!);
    }
  }

  reset(): void {
    for (let i = 0; i < this.size; i++) this.keys[this.used[i]!] = -1;
    this.size = 0;
  }
}
const acc = new Accumulator();
const DIGITS = /^\d+$/;

/** Extract hashed features from a normalised text. */
export function extractFeatures(nt: NormalisedText, opts: FeatureOptions = {}): FeatureVector {
  const charMin = opts.charMin ?? 3;
  const charMax = opts.charMax ?? 5;
  const charWeight = opts.charWeight ?? 0.5;
  const lexWeight = opts.lexWeight ?? 1;
  const cacheKey = `${charMin}|${charMax}|${charWeight}`;
  let cache = wordCaches.get(cacheKey);
  if (!cache) wordCaches.set(cacheKey, (cache = new Map()));
  const bigrams = opts.bigrams !== false;
  acc.reset();
  let prev = 0;
  for (const t of nt.tokens) {
    const w = t.norm;
    // Pure numbers carry little signal and vary endlessly (dates, counts).
    if (DIGITS.test(w)) {
      prev = 0;
      continue;
    }
    const wf = wordFeatures(w, t.script === 'arabic', charMin, charMax, charWeight, cache);
    // 30-bit ids keep ids small integers (see SMI_MASK in logistic-regression.ts).
    acc.add(wf.word & 0x3fffffff, 1);
    if (bigrams && prev !== 0) acc.add(mix(prev, wf.word) & 0x3fffffff, 1);
    prev = wf.word;
    const ids = wf.ids;
    const vals = wf.values;
    for (let j = 0; j < ids.length; j++) acc.add(ids[j]!, vals[j]!);
  }
  if (opts.matches) for (const m of opts.matches) acc.add(hashString(m.group, SEED_LEX) & 0x3fffffff, Math.min(2, m.weight) * lexWeight);
  const n = acc.size;
  const ids = new Uint32Array(n);
  const values = new Float32Array(n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const slot = acc.used[i]!;
    const c = acc.vals[slot]!;
    // Sub-linear term frequency, then L2 normalisation so long texts do not dominate.
    const v = c > 1 ? 1 + Math.log(c) * 0.5 : c;
    ids[i] = acc.keys[slot]!;
    values[i] = v;
    norm += v * v;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let j = 0; j < n; j++) values[j]! *= inv;
  return { ids, values };
}
