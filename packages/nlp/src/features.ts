/**
 * Sparse features for the statistical layers: word unigrams and bigrams, stems, character 3–5-grams inside
 * words, and lexicon evidence (which groups matched). Features are 32-bit FNV-1a hashes computed over char codes
 * without building substrings, so extraction stays cheap at thousands of texts a second.
 */
import type { Match } from './lexicon-matcher.js';
import { LEXEME_LIMIT, type NormalisedText, type Token } from './normaliser.js';
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
  /**
   * Interned index of each id (parallel to `ids`) in the process-wide feature table, valid while that table's
   * generation equals `denseGeneration`. Models memoise their weight-row lookup per index (see
   * {@link featureGeneration}); vectors built by hand simply leave these out.
   */
  readonly dense?: Int32Array;
  readonly denseGeneration?: number;
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
 * Feature interning: every hashed feature id seen gets a small dense index, so accumulation is an indexed add into a
 * typed array (no hash probe per n-gram) and models can memoise "which weight row is this feature" per index. The
 * table is bounded: when it passes FEATURE_RESET it is cleared between texts, with every per-word cache, and its
 * generation moves on so stale indices are never used.
 */
const FEATURE_CAPACITY = 1 << 20;
/** Cleared before a text once this many features are interned (one capped text adds far fewer than the headroom). */
let featureReset = FEATURE_CAPACITY >> 1;

/** Test hook: clear the feature table after `limit` features instead of the default half million (never more). */
export function setFeatureInterningLimit(limit: number): void {
  featureReset = Math.min(limit, FEATURE_CAPACITY >> 1);
}
// Open addressing on typed arrays (ids are 30-bit, so -1 marks a free slot), at most a quarter full: a Map here was
// the largest cost of extraction (bigram ids are interned per occurrence).
const INTERN_BITS = 21;
const internKeys = new Int32Array(1 << INTERN_BITS).fill(-1);
const internDense = new Int32Array(1 << INTERN_BITS);
let internSize = 0;
const featureIdOf = new Int32Array(FEATURE_CAPACITY);
let featureGen = 0;

/** Generation of the feature interning table; {@link FeatureVector.dense} indices are valid only within one. */
export function featureGeneration(): number {
  return featureGen;
}

/** Upper bound (exclusive) of {@link FeatureVector.dense} indices, for sizing memo arrays. */
export const FEATURE_INDEX_LIMIT = FEATURE_CAPACITY;

/**
 * A small direct-mapped cache in front of {@link intern} for bigram ids, which are interned per occurrence (twice per
 * text, for the narrative and the hate-layer features): the intern table is 16 MB and each probe missed the CPU
 * caches, while the bigrams of a text mostly recur. Cleared with the table.
 */
const BIGRAM_CACHE_BITS = 14;
const bigramCacheIds = new Int32Array(1 << BIGRAM_CACHE_BITS).fill(-1);
const bigramCacheDense = new Int32Array(1 << BIGRAM_CACHE_BITS);

function internBigram(id: number): number {
  const slot = Math.imul(id, 0x9e3779b1) >>> (32 - BIGRAM_CACHE_BITS);
  if (bigramCacheIds[slot] === id) return bigramCacheDense[slot]!;
  const d = intern(id);
  bigramCacheIds[slot] = id;
  bigramCacheDense[slot] = d;
  return d;
}

function intern(id: number): number {
  const mask = (1 << INTERN_BITS) - 1;
  let slot = Math.imul(id, 0x9e3779b1) >>> (32 - INTERN_BITS);
  for (;;) {
    const k = internKeys[slot]!;
    if (k === id) return internDense[slot]!;
    if (k === -1) break;
    slot = (slot + 1) & mask;
  }
  const d = internSize++;
  internKeys[slot] = id;
  internDense[slot] = d;
  featureIdOf[d] = id;
  return d;
}

/**
 * The per-word part of the features (word id, stem id, character n-gram ids with their values) depends only on the
 * word and the options, and words repeat (Zipf), so it is computed once per (options, word) and cached: by the
 * token's interned lexeme id when it has one, else by the word. Ids are already masked to 30 bits.
 */
export interface WordFeatures {
  readonly word: number;
  /** Dense index of the word feature (`word & 0x3fffffff`). */
  readonly wordDense: number;
  /** Dense indices of the stem and character n-gram features, in extraction order, and their values. */
  readonly dense: Int32Array;
  readonly values: Float32Array;
  /** Pure numbers carry little signal and vary endlessly (dates, counts): they yield no features. */
  readonly digits: boolean;
}

/** A memo indexed by lexeme id, allocated at full size: filling an empty array at scattered indices made it a slow dictionary. */
function lexemeArray(): (WordFeatures | undefined)[] {
  return new Array<WordFeatures | undefined>(LEXEME_LIMIT).fill(undefined);
}

interface WordCache {
  byWord: Map<string, WordFeatures>;
  byLexeme: (WordFeatures | undefined)[];
  lexemeGeneration: number;
}
const WORD_CACHE_LIMIT = 100_000;
const wordCaches = new Map<string, WordCache>();
const DIGITS = /^\d+$/;

function computeWordFeatures(w: string, arabic: boolean, charMin: number, charMax: number, charWeight: number): WordFeatures {
  if (DIGITS.test(w)) return { word: 0, wordDense: -1, dense: new Int32Array(0), values: new Float32Array(0), digits: true };
  const dense: number[] = [];
  const values: number[] = [];
  const hw = hashString(w, SEED_WORD);
  const stem = arabic ? stemAr(w) : stemFr(w);
  if (stem !== w) {
    dense.push(intern(hashString(stem, SEED_STEM) & 0x3fffffff));
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
        dense.push(intern(((h ^ SEED_CHAR[n]!) >>> 0) & 0x3fffffff));
        values.push(charWeight);
      }
    }
  }
  return { word: hw, wordDense: intern(hw & 0x3fffffff), dense: Int32Array.from(dense), values: Float32Array.from(values), digits: false };
}

function wordFeatures(t: Token, charMin: number, charMax: number, charWeight: number, cache: WordCache): WordFeatures {
  if (t.lexeme >= 0) {
    const hit = cache.byLexeme[t.lexeme];
    if (hit) return hit;
  }
  const w = t.norm;
  const arabic = t.script === 'arabic';
  const key = arabic ? `a${w}` : w;
  let v = cache.byWord.get(key);
  if (!v) {
    v = computeWordFeatures(w, arabic, charMin, charMax, charWeight);
    if (cache.byWord.size >= WORD_CACHE_LIMIT) cache.byWord.clear();
    cache.byWord.set(key, v);
  }
  if (t.lexeme >= 0) cache.byLexeme[t.lexeme] = v;
  return v;
}

/**
 * Per-text accumulator over dense feature indices: summed values plus the indices in first-touch order (the order
 * of the output vector, which fixes the models' floating-point summation order). `mark` holds the text's stamp so
 * nothing needs clearing between texts.
 */
const accVals = new Float64Array(FEATURE_CAPACITY);
const accMark = new Int32Array(FEATURE_CAPACITY);
let accUsed = new Int32Array(4096);
let accSize = 0;
let accStamp = 0;
/** Occurrences of each lexeme in the current text (stamped like the accumulator); see {@link extractFeatures}. */
const lexStamp = new Int32Array(LEXEME_LIMIT);
const lexCount = new Int32Array(LEXEME_LIMIT);
/** The cross-word features' (bigrams', lexicon groups') part of each sum, stamped like the accumulator. */
const crossSums = new Float64Array(FEATURE_CAPACITY);
const crossMark = new Int32Array(FEATURE_CAPACITY);

function accAdd(d: number, v: number): void {
  if (accMark[d] === accStamp) {
    accVals[d]! += v;
    return;
  }
  accMark[d] = accStamp;
  accVals[d] = v;
  if (accSize === accUsed.length) {
    const grown = new Int32Array(accUsed.length * 2);
    grown.set(accUsed);
    accUsed = grown;
  }
  accUsed[accSize++] = d;
}

function startText(): void {
  accSize = 0;
  if (++accStamp > 0x3fffffff) {
    accMark.fill(0);
    lexStamp.fill(0);
    crossMark.fill(0);
    accStamp = 1;
  }
  if (internSize >= featureReset) {
    internKeys.fill(-1);
    bigramCacheIds.fill(-1);
    internSize = 0;
    wordCaches.clear();
    featureGen++;
  }
}

/** `1 + ln(c) / 2` for whole c below 256, computed with the same expression as the general case. */
const SUBLINEAR = Float64Array.from({ length: 256 }, (_, c) => 1 + Math.log(c) * 0.5);

/**
 * Feature vectors' arrays are carved from shared slabs: allocating an ArrayBuffer per vector (zeroed, tracked as
 * external memory) was a visible cost at thousands of vectors a second. A slab lives as long as any vector in it.
 */
const SLAB_BYTES = 1 << 20;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function carve(bytes: number): [ArrayBuffer, number] {
  if (bytes > SLAB_BYTES >> 2) return [new ArrayBuffer(bytes), 0];
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const off = slabUsed;
  slabUsed += bytes;
  return [slab, off];
}

// Lexicon-group feature ids, by group name: a handful of groups, matched dozens of times per text.
const lexIds = new Map<string, number>();

function lexFeatureId(group: string): number {
  let id = lexIds.get(group);
  if (id === undefined) {
    id = hashString(group, SEED_LEX) & 0x3fffffff;
    if (lexIds.size < 10_000) lexIds.set(group, id);
  }
  return id;
}

/**
 * A text's features summed but not yet written out as a vector: what {@link extractFeatures} computes before it
 * emits, for models that score straight from the accumulator ({@link ModelBank.predictText},
 * {@link SoftmaxModel.predictText}). Valid until the next extraction; its arrays are shared buffers, read-only.
 */
export interface TextFeatures {
  /** Number of distinct features. */
  readonly size: number;
  /** Dense index of each distinct feature, in first-touch order (the order of the emitted vector), `[0, size)`. */
  readonly dense: Int32Array;
  /** Hashed feature id by dense index (30-bit). */
  readonly featureIds: Int32Array;
  /** Summed raw value by dense index: every occurrence of the feature, before the sub-linear term frequency. */
  readonly sums: Float64Array;
  /** Term-frequency value of the i-th distinct feature (`1 + ln(c)/2` above 1, else c), before normalisation. */
  readonly tf: Float64Array;
  /** 1 / L2 norm of the tf values (0 for an empty text): the emitted value of feature i is `fround(fround(tf[i]) × inverseNorm)`. */
  readonly inverseNorm: number;
  /** Feature-table generation the dense indices belong to (see {@link featureGeneration}). */
  readonly generation: number;
  /** Every dense index of this generation so far is below this (they are handed out in order). */
  readonly denseLimit: number;
  /**
   * The words whose own features (word, stem, character n-grams) make up the sums, each with its number of
   * occurrences: `sums` = Σ occurrences × the word's own values + the cross-word features (bigrams, lexicon groups).
   */
  readonly wordCount: number;
  readonly words: readonly WordFeatures[];
  readonly wordOccurrences: Int32Array;
  /** Lexeme id of each word (valid in `lexemeGeneration`), or -1 for a token the normaliser did not intern. */
  readonly wordLexemes: Int32Array;
  readonly lexemeGeneration: number;
  /**
   * The features whose tf value is not the words' own part of their sum, with the difference: tf(c) − c + (cross-word
   * part of c). Only cross-word features and features summing past 1 (the sub-linear part) have one, so a linear
   * model's Σ_f W_f·tf(c_f) is Σ_words occurrences × (the word's own Σ W_f·value) + Σ_corrections W_f·difference.
   */
  readonly correctionCount: number;
  readonly correctionDense: Int32Array;
  readonly correctionValues: Float64Array;
  /** The word-feature settings (`charMin|charMax|charWeight`): a word's own features depend on them. */
  readonly optionsKey: string;
}

let tfScratch = new Float64Array(4096);
let correctionDense = new Int32Array(4096);
let correctionValues = new Float64Array(4096);
let textWords: WordFeatures[] = [];
let wordOccurrences = new Int32Array(1024);
let wordLexemes = new Int32Array(1024);
let wordCount = 0;

function crossAdd(d: number, v: number): void {
  accAdd(d, v);
  if (crossMark[d] === accStamp) crossSums[d]! += v;
  else {
    crossMark[d] = accStamp;
    crossSums[d] = v;
  }
}

function pushWord(wf: WordFeatures, occurrences: number, lexeme: number): void {
  if (wordCount === wordOccurrences.length) {
    const o = new Int32Array(wordCount * 2);
    o.set(wordOccurrences);
    wordOccurrences = o;
    const l = new Int32Array(wordCount * 2);
    l.set(wordLexemes);
    wordLexemes = l;
  }
  textWords[wordCount] = wf;
  wordOccurrences[wordCount] = occurrences;
  wordLexemes[wordCount++] = lexeme;
}

/** Sum a normalised text's features into the shared accumulator (see {@link TextFeatures}). */
export function accumulateFeatures(nt: NormalisedText, opts: FeatureOptions = {}): TextFeatures {
  const charMin = opts.charMin ?? 3;
  const charMax = opts.charMax ?? 5;
  const charWeight = opts.charWeight ?? 0.5;
  const lexWeight = opts.lexWeight ?? 1;
  startText();
  const cacheKey = `${charMin}|${charMax}|${charWeight}`;
  let cache = wordCaches.get(cacheKey);
  if (!cache) wordCaches.set(cacheKey, (cache = { byWord: new Map(), byLexeme: lexemeArray(), lexemeGeneration: nt.generation }));
  if (cache.lexemeGeneration !== nt.generation) {
    // The normaliser cleared its interning table: lexeme ids now name other words.
    cache.byLexeme = lexemeArray();
    cache.lexemeGeneration = nt.generation;
  }
  const bigrams = opts.bigrams !== false;
  // A word's own features (word, stem, character n-grams) are added once, at its first occurrence, times its number of
  // occurrences: function words and names repeat, and this skips a third of the additions on a typical text. The
  // first-touch order of features (the output order) is unchanged; sums may differ from one-by-one addition in the
  // last bits of a double, which the float32 values absorb. Bigrams still go occurrence by occurrence.
  const tokens = nt.tokens;
  const stamp = accStamp;
  wordCount = 0;
  if (textWords.length > 4096) textWords = []; // do not keep a huge text's word objects alive
  for (const t of tokens) {
    const l = t.lexeme;
    if (l < 0) continue;
    if (lexStamp[l] !== stamp) {
      lexStamp[l] = stamp;
      lexCount[l] = 1;
    } else lexCount[l]!++;
  }
  let prev = 0;
  for (const t of tokens) {
    const wf = wordFeatures(t, charMin, charMax, charWeight, cache);
    if (wf.digits) {
      prev = 0;
      continue;
    }
    const l = t.lexeme;
    let count = 1;
    if (l >= 0) {
      // lexCount is negated once the word's features are in.
      count = lexCount[l]!;
      if (count > 0) lexCount[l] = -count;
    }
    // 30-bit ids keep ids small integers (see SMI_MASK in logistic-regression.ts).
    if (count > 0) {
      accAdd(wf.wordDense, count);
      pushWord(wf, count, l);
    }
    if (bigrams && prev !== 0) crossAdd(internBigram(mix(prev, wf.word) & 0x3fffffff), 1);
    prev = wf.word;
    if (count <= 0) continue;
    const dense = wf.dense;
    const vals = wf.values;
    if (count === 1) for (let j = 0; j < dense.length; j++) accAdd(dense[j]!, vals[j]!);
    else for (let j = 0; j < dense.length; j++) accAdd(dense[j]!, vals[j]! * count);
  }
  if (opts.matches) for (const m of opts.matches) crossAdd(intern(lexFeatureId(m.group)), Math.min(2, m.weight) * lexWeight);
  const n = accSize;
  if (tfScratch.length < n) tfScratch = new Float64Array(Math.max(n, tfScratch.length * 2));
  const tf = tfScratch;
  if (correctionDense.length < n) {
    correctionDense = new Int32Array(tf.length);
    correctionValues = new Float64Array(tf.length);
  }
  let correctionCount = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const d = accUsed[i]!;
    const c = accVals[d]!;
    // Sub-linear term frequency, then L2 normalisation so long texts do not dominate. Small whole counts (the hate
    // layer's n-grams) read the same value from a table.
    const v = c > 1 ? (c < SUBLINEAR.length && c === Math.floor(c) ? SUBLINEAR[c]! : 1 + Math.log(c) * 0.5) : c;
    tf[i] = v;
    norm += v * v;
    const cross = crossMark[d] === stamp;
    if (v !== c || cross) {
      correctionDense[correctionCount] = d;
      // tf(c) minus the words' own part of c, which is c minus its cross-word part.
      correctionValues[correctionCount++] = cross ? v - (c - crossSums[d]!) : v - c;
    }
  }
  return {
    size: n,
    dense: accUsed,
    featureIds: featureIdOf,
    sums: accVals,
    tf,
    inverseNorm: norm > 0 ? 1 / Math.sqrt(norm) : 0,
    generation: featureGen,
    denseLimit: internSize,
    wordCount,
    words: textWords,
    wordOccurrences,
    wordLexemes,
    lexemeGeneration: nt.generation,
    correctionCount,
    correctionDense,
    correctionValues,
    optionsKey: cacheKey,
  };
}

/** Extract hashed features from a normalised text. */
export function extractFeatures(nt: NormalisedText, opts: FeatureOptions = {}): FeatureVector {
  const acc = accumulateFeatures(nt, opts);
  const n = acc.size;
  const [buf, off] = carve(n * 12);
  const ids = new Uint32Array(buf, off, n);
  const values = new Float32Array(buf, off + n * 4, n);
  const dense = new Int32Array(buf, off + n * 8, n);
  dense.set(acc.dense.subarray(0, n));
  const tf = acc.tf;
  for (let i = 0; i < n; i++) {
    ids[i] = featureIdOf[dense[i]!]!;
    values[i] = tf[i]!;
  }
  const inv = acc.inverseNorm;
  for (let j = 0; j < n; j++) values[j]! *= inv;
  return { ids, values, dense, denseGeneration: acc.generation };
}
