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
  /** Lexicon matches to add as `lex|group` features, so the model learns how far to trust each group. */
  readonly matches?: readonly Match[];
}

/** Extract hashed features from a normalised text. */
export function extractFeatures(nt: NormalisedText, opts: FeatureOptions = {}): FeatureVector {
  const charMin = opts.charMin ?? 3;
  const charMax = opts.charMax ?? 5;
  const counts = new Map<number, number>();
  const add = (hash: number, v = 1): void => {
    // 30-bit ids keep Map keys small integers (see SMI_MASK in logistic-regression.ts).
    const h = hash & 0x3fffffff;
    counts.set(h, (counts.get(h) ?? 0) + v);
  };
  let prev = 0;
  for (const t of nt.tokens) {
    const w = t.norm;
    // Pure numbers carry little signal and vary endlessly (dates, counts).
    if (/^\d+$/.test(w)) {
      prev = 0;
      continue;
    }
    const hw = hashString(w, SEED_WORD);
    add(hw);
    if (opts.bigrams !== false && prev !== 0) add(mix(prev, hw));
    prev = hw;
    const stem = t.script === 'arabic' ? stemAr(w) : stemFr(w);
    if (stem !== w) add(hashString(stem, SEED_STEM));
    // Char n-grams over "<word>", hashed incrementally from each start position.
    const L = w.length + 2;
    for (let i = 0; i < L; i++) {
      let h = FNV_OFFSET;
      for (let n = 1; n <= charMax && i + n <= L; n++) {
        const pos = i + n - 1;
        const code = pos === 0 ? 60 : pos === L - 1 ? 62 : w.charCodeAt(pos - 1);
        h = Math.imul(h ^ code, FNV_PRIME);
        if (n >= charMin) add((h ^ SEED_CHAR[n]!) >>> 0, 0.5);
      }
    }
  }
  if (opts.matches) for (const m of opts.matches) add(hashString(m.group, SEED_LEX), Math.min(2, m.weight));
  const ids = new Uint32Array(counts.size);
  const values = new Float32Array(counts.size);
  let norm = 0;
  let i = 0;
  for (const [id, c] of counts) {
    // Sub-linear term frequency, then L2 normalisation so long texts do not dominate.
    const v = 1 + Math.log(c > 1 ? c : 1) * 0.5;
    ids[i] = id;
    values[i] = v;
    norm += v * v;
    i++;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let j = 0; j < values.length; j++) values[j]! *= inv;
  return { ids, values };
}
