/**
 * Sparse features for the statistical layers: word unigrams and bigrams, stems, character 3–5-grams inside
 * words, and lexicon evidence (which groups matched). Features are 32-bit FNV-1a hashes computed over char codes
 * without building substrings, so extraction stays cheap at thousands of texts a second.
 */
import type { Match } from './lexicon-matcher.js';
import { arabicSkeleton, LEXEME_LIMIT, type NormalisedText, type Token } from './normaliser.js';
import { boundedMemo, stemAr, stemFr } from './stemmers.js';

/**
 * Version of the feature definition (see {@link TextFeatures}). Stored in every trained model's metadata: a model is
 * only meaningful with the features it was trained on.
 */
export const FEATURE_FORMAT = 'vigie-features/2';

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
const SEED_SKELETON = 11;

/**
 * Feature settings of the narrative, stance, escalation and harm models. Character n-grams count a fifth of a
 * word: at equal weight the ~30 n-grams of a long word drowned its word and lexicon features (CV on train.jsonl:
 * narrative accuracy 0.49 → 0.52, stance 0.76 → 0.81). Lexicon groups count double.
 *
 * Consonant skeletons count double too. Arabizi writers spell one word many ways ("7ri2", "7are2", "n7re2" share no
 * character trigram) and Arabic script writes it once more; the skeleton is what the spellings share. 3-fold CV on the
 * 4,841 training items at the shipped blend, against no skeleton: harmful F1 0.854 → 0.865, S1 recall 710 → 720 of
 * 842, false alarms 110 → 95 of 2,507; Arabizi F1 0.787 → 0.823, S1 0.766 → 0.808; Arabic F1 0.851 → 0.871. Weights
 * 0.5 / 1 / 2 / 3 gave F1 0.858 / 0.862 / 0.865 / 0.865: 2 is the lowest at the plateau. A second, q-less skeleton
 * (Lebanese Arabizi writes ق as 2, which drops out) added nothing.
 */
export const NARRATIVE_FEATURES = { charMin: 3, charMax: 5, charWeight: 0.2, lexWeight: 2, skeletonWeight: 2 } as const;
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
  /**
   * Value of each token's consonant skeleton as a cross-word feature: Arabic-script words (of their light stem) and the
   * Latin words of a text read as Arabizi (see {@link NormalisedText.arabizi}). 0 or absent: none.
   */
  readonly skeletonWeight?: number;
}

/**
 * Feature interning for {@link extractFeatures} (training and evaluation vectors): every hashed feature id seen gets a
 * small dense index, so accumulation is an indexed add into a typed array (no hash probe per n-gram) and models can
 * memoise "which weight row is this feature" per index. The table is bounded: when it passes FEATURE_RESET it is
 * cleared between texts and its generation moves on so stale indices are never used. Scoring does not intern at all
 * (see {@link WordFeatures}).
 */
const FEATURE_CAPACITY = 1 << 20;
/** Placeholder for the tables below until a training vector needs them. */
const NO_TABLE = new Int32Array(0);
/** Cleared before a text once this many features are interned (one capped text adds far fewer than the headroom). */
let featureReset = FEATURE_CAPACITY >> 1;

/** Test hook: clear the feature table after `limit` features instead of the default half million (never more). */
export function setFeatureInterningLimit(limit: number): void {
  featureReset = Math.min(limit, FEATURE_CAPACITY >> 1);
}
// Open addressing on typed arrays, at most a quarter full: a Map here was
// the largest cost of extraction (bigram ids are interned per occurrence).
const INTERN_BITS = 21;
// Allocated by the first call of extractFeatures (allocateTrainingTables): scoring reads hashed ids and does not intern,
// so the service no longer carries these 32 MB from import on (measured: 30 MB less peak RSS after the feeds).
let internKeys = NO_TABLE;
let internDense = NO_TABLE;
let internSize = 0;
let featureIdOf = NO_TABLE;
let featureGen = 0;

/** Generation of the feature interning table; {@link FeatureVector.dense} indices are valid only within one. */
export function featureGeneration(): number {
  return featureGen;
}

/** Upper bound (exclusive) of {@link FeatureVector.dense} indices, for sizing memo arrays. */
export const FEATURE_INDEX_LIMIT = FEATURE_CAPACITY;

function intern(id: number): number {
  const mask = (1 << INTERN_BITS) - 1;
  // Keys are stored as id + 1 (ids are 30-bit), so a zeroed slot is free and the table needs no fill: untouched pages
  // of it are never resident.
  const key = id + 1;
  let slot = Math.imul(id, 0x9e3779b1) >>> (32 - INTERN_BITS);
  for (;;) {
    const k = internKeys[slot]!;
    if (k === key) return internDense[slot]!;
    if (k === 0) break;
    slot = (slot + 1) & mask;
  }
  const d = internSize++;
  internKeys[slot] = key;
  internDense[slot] = d;
  featureIdOf[d] = id;
  return d;
}

/**
 * The per-word part of the features (word id, stem id, character n-gram ids) depends only on the word and the options,
 * and words repeat (Zipf), so it is computed once per (options, word) and cached by the token's interned form id
 * (see {@link WordCache}). Ids are 30-bit hashed ids, not interned indices: a never-seen word's n-grams
 * were each interned into a 16 MB table only for the models to look their rows up once, and a stream of new words
 * filled that table and dropped every cached word with it.
 *
 * A cached word keeps what is costly to find again (its stem's id: a stemmer call) and what a text's norm reads
 * (its squared norm), not its character n-gram ids: those are a few dozen multiplications away, and the models read
 * them once per word and lexeme generation (the partial logits are memoised, see logistic-regression.ts), so they are
 * regenerated when needed ({@link fillWordIds}), under the settings of the text features being scored: so one word
 * object serves both option sets of {@link accumulateFeaturePair}, only its squared norm differs (both are in its
 * record). It holds only integers (V8 small integers) and references; its doubles are in a shared slab
 * ({@link WordSlab}), because every double-valued field of a JS object is a heap number of its own. A cached word
 * costs an object of 72 bytes and a record of 24; with four heap numbers, a typed-array view on its ids, the ids,
 * and a second word object for the hate layer's settings it cost ≈ 430 bytes (heap snapshots after 40,000 never-seen
 * words).
 */
export interface WordFeatures {
  /** FNV-1a hash of the word (the bigram features mix it) as a signed 32-bit integer, a small integer to V8. */
  readonly word: number;
  /** The word's primary normalised form, from which its n-grams are regenerated. */
  readonly norm: string;
  /** The slab holding the word's record, from `at` (see {@link WordSlab} for the layout). */
  readonly slab: WordSlab;
  readonly at: number;
  /**
   * The word's index among the distinct words of the last text it was counted in. It is in the current text exactly
   * when that index is below the text's word count and the text's word there is this object (see
   * {@link isCountedInText}): no per-word stamp of the text is needed.
   */
  slot: number;
}

/**
 * Where cached words' records are stored, side by side (a typed array of its own per word cost an ArrayBuffer and a
 * separately allocated backing store: 89,000 ArrayBuffers in a heap snapshot after 100,000 never-seen words). A slab
 * is freed when the caches that hold its words are. A word's record is 6 ints from an even int index `at`:
 *
 *   doubles[at / 2]      its squared norm ({@link wordSquaredNorm})
 *   doubles[at / 2 + 1]  its squared norm under the second option set of {@link accumulateFeaturePair}, once found
 *   ints[at + 4]         the id of its stem feature, or -1 when the word is its own stem
 *   ints[at + 5]         the number of that second option set ({@link optionSetNumber}), 0 while there is none
 */
export class WordSlab {
  readonly ints: Int32Array;
  readonly doubles: Float64Array;
  constructor(ints: number) {
    const buffer = new ArrayBuffer(ints * 4);
    this.ints = new Int32Array(buffer);
    this.doubles = new Float64Array(buffer);
  }
}
/** Offsets in a word's slab record (see {@link WordSlab}): the second norm in `doubles`, the others in `ints`. */
const SECOND_NORM = 1;
const STEM_ID = 4;
const SECOND_SET = 5;
const WORD_RECORD_INTS = 6;

/** A number (from 1) per feature option set seen, by options key, so a word's record can name one in an int. */
const optionSetNumbers = new Map<string, number>();
function optionSetNumber(key: string): number {
  let n = optionSetNumbers.get(key);
  if (n === undefined) optionSetNumbers.set(key, (n = optionSetNumbers.size + 1));
  return n;
}

/** Σ of the squares of the word's own feature values (word, stem, n-grams; repeats within the word summed first). */
export function wordSquaredNorm(wf: WordFeatures): number {
  return wf.slab.doubles[wf.at >> 1]!;
}

/** Id of the word feature itself (30-bit). */
export function wordFeatureId(wf: WordFeatures): number {
  return wf.word & 0x3fffffff;
}

/**
 * A word's stem and character n-gram ids (see {@link fillWordIds}): `ids[0, count)`, of which the first `stemCount`
 * (0 or 1) is the stem feature, valued 1; the others are n-grams, valued at the settings' `charValue`.
 */
export class WordIds {
  ids = new Int32Array(256);
  count = 0;
  stemCount = 0;
}

/**
 * The ids of `wf`'s stem (first, when it has one) and character n-grams under the settings of `x` (the text features
 * the word was accumulated in), in extraction order, into `out`.
 */
export function fillWordIds(wf: WordFeatures, x: TextFeatures, out: WordIds): void {
  writeWordIds(wf.norm, wf.slab.ints[wf.at + STEM_ID]!, x.charMin, x.charMax, out);
}

/** A copy of a word's stem and character n-gram ids (see {@link fillWordIds}), and how many are stems; for tests. */
export function wordFeatureIds(wf: WordFeatures, x: TextFeatures): { ids: Int32Array; stemCount: number } {
  const out = new WordIds();
  fillWordIds(wf, x, out);
  return { ids: out.ids.slice(0, out.count), stemCount: out.stemCount };
}

/** {@link fillWordIds} for the word `w` whose stem id is `stemId` (-1: none). */
function writeWordIds(w: string, stemId: number, charMin: number, charMax: number, out: WordIds): void {
  const L = w.length + 2;
  // At most one stem and (charMax − charMin + 1) n-grams per start position.
  const capacity = 1 + L * (charMax - charMin + 1);
  if (capacity > out.ids.length) out.ids = new Int32Array(capacity);
  const ids = out.ids;
  let count = 0;
  if (stemId >= 0) ids[count++] = stemId;
  out.stemCount = count;
  // Char n-grams over "<word>", hashed incrementally from each start position.
  for (let i = 0; i < L; i++) {
    let h = FNV_OFFSET;
    for (let n = 1; n <= charMax && i + n <= L; n++) {
      const pos = i + n - 1;
      const code = pos === 0 ? 60 : pos === L - 1 ? 62 : w.charCodeAt(pos - 1);
      h = Math.imul(h ^ code, FNV_PRIME);
      if (n < charMin) continue;
      ids[count++] = ((h ^ SEED_CHAR[n]!) >>> 0) & 0x3fffffff;
    }
  }
  out.count = count;
}

/** A memo indexed by form id, allocated at full size: filling an empty array at scattered indices made it a slow dictionary. */
function formArray(): (WordFeatures | undefined)[] {
  return new Array<WordFeatures | undefined>(LEXEME_LIMIT).fill(undefined);
}

/**
 * The words of one option set, by the normaliser's form id (see {@link Token.form}): one object per word for the
 * whole token-table generation, hence for a whole text, as {@link accumulateFeatures} needs. Bounded by the token table
 * and dropped with it. A Map from the norm to the word, beside a memo by lexeme, cost more (heap after 40,000
 * never-seen words: 19 bytes per word net of the normaliser's form table, and 2 MB for the labelled sets' words) and
 * kept words across the token table's roll-over (their stems then need not be found again, but their partial logits,
 * lexicon keys and forms are derived again there anyway).
 */
interface WordCache {
  byForm: (WordFeatures | undefined)[];
  generation: number;
}
const wordCaches = new Map<string, WordCache>();
const DIGITS = /^\d+$/;

/**
 * Scratch for {@link computeWordFeatures}: a word's ids, then its distinct ids and their summed values. Words
 * longer than the scratch (a few hundred characters of one token) grow it.
 */
const wordIdScratch = new WordIds();
let distinctIds = new Int32Array(256);
let distinctValues = new Float64Array(256);

/** The slab new words' records are carved from. */
const SLAB_INTS = 1 << 16;
let wordSlab = new WordSlab(SLAB_INTS);
let wordSlabUsed = 0;

/**
 * Pure numbers carry little signal and vary endlessly (dates, counts): they yield no features, and all share this
 * object, which is never counted in a text (so its slot and record are never written).
 */
const NUMBER_WORD: WordFeatures = { word: 0, norm: '', slab: new WordSlab(WORD_RECORD_INTS), at: 0, slot: 0 };

/** A word with its record (see {@link WordSlab}) carved from the current slab. */
function carveWord(word: number, norm: string, stemId: number, squaredNorm: number): WordFeatures {
  if (wordSlabUsed + WORD_RECORD_INTS > SLAB_INTS) {
    wordSlab = new WordSlab(SLAB_INTS);
    wordSlabUsed = 0;
  }
  const slab = wordSlab;
  const at = wordSlabUsed;
  wordSlabUsed = at + WORD_RECORD_INTS;
  slab.doubles[at >> 1] = squaredNorm;
  slab.ints[at + STEM_ID] = stemId;
  return { word, norm, slab, at, slot: 0 };
}

/** The feature id of a consonant skeleton (see {@link FeatureOptions.skeletonWeight}). */
export function skeletonFeatureId(skeleton: string): number {
  return hashString(skeleton, SEED_SKELETON) & 0x3fffffff;
}

/** Consonant skeleton of an Arabic word's light stem, the form its Arabizi spellings share (see arabicSkeleton). */
const arabicWordSkeleton = boundedMemo((w) => arabicSkeleton(stemAr(w)));

/** A word's features under the settings given. */
function computeWordFeatures(w: string, arabic: boolean, charMin: number, charMax: number, charWeight: number): WordFeatures {
  if (DIGITS.test(w)) return NUMBER_WORD;
  const hw = hashString(w, SEED_WORD) | 0;
  const stem = arabic ? stemAr(w) : stemFr(w);
  const stemId = stem !== w ? hashString(stem, SEED_STEM) & 0x3fffffff : -1;
  // Stored as float32, as the values always were.
  return carveWord(hw, w, stemId, ownSquaredNorm(w, hw & 0x3fffffff, stemId, charMin, charMax, Math.fround(charWeight)));
}

/**
 * Σ of the squares of a word's own feature values (word, stem, n-grams valued `charValue`), repeats within the word
 * ("banana": "ana" twice) summed first. Distinct ids in order of first appearance, each value summed in order, then the
 * squares summed in that order: the same arithmetic as the Map this replaced (a word has a few dozen features, so a
 * scan is cheaper than hashing).
 */
function ownSquaredNorm(w: string, wordId: number, stemId: number, charMin: number, charMax: number, charValue: number): number {
  writeWordIds(w, stemId, charMin, charMax, wordIdScratch);
  const { ids, count, stemCount } = wordIdScratch;
  if (count + 1 > distinctIds.length) {
    distinctIds = new Int32Array(count + 1);
    distinctValues = new Float64Array(count + 1);
  }
  let distinct = 1;
  distinctIds[0] = wordId;
  distinctValues[0] = 1;
  for (let j = 0; j < count; j++) {
    const d = ids[j]!;
    const v = j < stemCount ? 1 : charValue;
    let k = 0;
    while (k < distinct && distinctIds[k] !== d) k++;
    if (k === distinct) {
      distinctIds[distinct] = d;
      distinctValues[distinct++] = 0 + v;
    } else distinctValues[k]! += v;
  }
  let squaredNorm = 0;
  for (let k = 0; k < distinct; k++) squaredNorm += distinctValues[k]! * distinctValues[k]!;
  return squaredNorm;
}

function wordFeatures(t: Token, charMin: number, charMax: number, charWeight: number, cache: WordCache): WordFeatures {
  const hit = cache.byForm[t.form];
  if (hit) return hit;
  const v = computeWordFeatures(t.norm, t.script === 'arabic', charMin, charMax, charWeight);
  cache.byForm[t.form] = v;
  return v;
}

/** Per-text accumulator over dense feature indices (used to emit vectors): summed values plus the indices in first-touch order. `mark` holds the text's stamp so nothing needs clearing between texts. */
let accVals = new Float64Array(0);
let accMark = NO_TABLE;

/** The interning table and the accumulator of {@link extractFeatures}, allocated on first use (32 MB). */
function allocateTrainingTables(): void {
  if (internKeys.length > 0) return;
  internKeys = new Int32Array(1 << INTERN_BITS);
  internDense = new Int32Array(1 << INTERN_BITS);
  featureIdOf = new Int32Array(FEATURE_CAPACITY);
  accVals = new Float64Array(FEATURE_CAPACITY);
  accMark = new Int32Array(FEATURE_CAPACITY);
}
let accUsed = new Int32Array(4096);
let accSize = 0;
let accStamp = 0;
/**
 * The cross-word features (bigrams, lexicon groups) of the current text, by id, in first-touch order: an open-addressing
 * table of this text's ids only (stamped like the accumulator, so nothing is cleared between texts). Most bigrams are
 * unique to a text and unknown to every model; interning them into the process-wide table, as the word features are,
 * cost a probe into 16 MB per occurrence and grew the table for nothing.
 */
let crossBits = 10;
let crossSlotStamp = new Int32Array(1 << crossBits);
let crossSlotId = new Int32Array(1 << crossBits);
let crossSlotIndex = new Int32Array(1 << crossBits);
let crossIds = new Int32Array(1 << (crossBits - 1));
let crossSums = new Float64Array(1 << (crossBits - 1));
let crossValues = new Float64Array(1 << (crossBits - 1));
/** tf of the bigrams alone, before lexicon groups are added: the second set of {@link accumulateFeaturePair} has no lexicon groups. */
let bigramValues = new Float64Array(1 << (crossBits - 1));
let crossSize = 0;

/** Room for `n` distinct cross features at most half full (grown only, never between two adds of one text). */
function reserveCross(n: number): void {
  if (2 * n <= 1 << crossBits) return;
  while (2 * n > 1 << crossBits) crossBits++;
  crossSlotStamp = new Int32Array(1 << crossBits);
  crossSlotId = new Int32Array(1 << crossBits);
  crossSlotIndex = new Int32Array(1 << crossBits);
  crossIds = new Int32Array(1 << (crossBits - 1));
  crossSums = new Float64Array(1 << (crossBits - 1));
  crossValues = new Float64Array(1 << (crossBits - 1));
  bigramValues = new Float64Array(1 << (crossBits - 1));
}

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

function crossAdd(id: number, v: number): void {
  const mask = (1 << crossBits) - 1;
  let slot = Math.imul(id, 0x9e3779b1) >>> (32 - crossBits);
  while (crossSlotStamp[slot] === accStamp) {
    if (crossSlotId[slot] === id) {
      crossSums[crossSlotIndex[slot]!]! += v;
      return;
    }
    slot = (slot + 1) & mask;
  }
  crossSlotStamp[slot] = accStamp;
  crossSlotId[slot] = id;
  crossSlotIndex[slot] = crossSize;
  crossIds[crossSize] = id;
  crossSums[crossSize++] = v;
}

function startText(): void {
  accSize = 0;
  crossSize = 0;
  if (++accStamp > 0x3fffffff) {
    accMark.fill(0);
    crossSlotStamp.fill(0);
    accStamp = 1;
  }
  if (internSize >= featureReset) {
    internKeys.fill(0);
    internSize = 0;
    featureGen++;
  }
}

/** Sub-linear term frequency: `c` up to 1, `1 + ln(c) / 2` above. */
export function sublinear(c: number): number {
  return c > 1 ? (c < SUBLINEAR.length && c === Math.floor(c) ? SUBLINEAR[c]! : 1 + Math.log(c) * 0.5) : c;
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
 * A text's features in the form the models score from ({@link ModelBank.predictText}, {@link SoftmaxModel.predictText}):
 * its distinct words with their weights, its cross-word features, and the norm. The feature vector
 * ({@link extractFeatures}) is defined from these:
 *
 *   value(f) = (Σ_words g(n_w)·a_wf + tf(x_f)) / N,   N² = Σ_words g(n_w)²·‖a_w‖² + Σ_f tf(x_f)²
 *
 * where a_w is a word's own features (word 1, stem 1, character n-grams at `charWeight`), n_w its occurrences in the
 * text, g = tf the sub-linear term frequency (c up to 1, 1 + ln(c)/2 above), and x_f a cross-word feature's count
 * (bigrams, lexicon groups). N is the L2 norm the vector would have if no two distinct words shared a feature; it is
 * not the exact norm, but it makes a text's logits a sum of per-word terms: a linear model computes
 * bias + (Σ_w g(n_w)·P_w + Σ_f W_f·tf(x_f)) / N with P_w = W·a_w memoised per word. The exact per-feature tf and norm
 * needed every one of a 1 KB text's ≈ 1,400 features summed per text, which was a third of the classifier's time.
 * Valid until the next call; its arrays are shared buffers, read-only.
 */
export interface TextFeatures {
  /** 1 / N (0 for a text without features). */
  readonly inverseNorm: number;
  /** The text's distinct words (first-occurrence order) and their weights g(n_w). */
  readonly wordCount: number;
  readonly words: readonly WordFeatures[];
  readonly wordWeights: Float64Array;
  /**
   * The form id of each word (see {@link Token.form}, valid in `lexemeGeneration`), by which the models memoise its
   * partial logits; -1 when none of its tokens has a lexeme id (spelled-out runs), whose partials are not memoised.
   * Not its lexeme id: the case variants of a word ("Paix", "paix") then share one row (33,102 lexemes but 28,016
   * forms in the recorded feeds).
   */
  readonly wordForms: Int32Array;
  readonly lexemeGeneration: number;
  /** The cross-word features (first-touch order): hashed ids (30-bit, not interned) and values tf(x_f). */
  readonly crossCount: number;
  readonly crossIds: Int32Array;
  readonly crossValues: Float64Array;
  /** The word-feature settings (`charMin|charMax|charWeight`): a word's own features depend on them. */
  readonly optionsKey: string;
  /** The character n-gram sizes of these settings, and the value of each n-gram (`charWeight` rounded to float32). */
  readonly charMin: number;
  readonly charMax: number;
  readonly charValue: number;
}

let textWords: WordFeatures[] = [];
let wordOccurrences = new Int32Array(1024);
let wordWeights = new Float64Array(1024);
let wordForms = new Int32Array(1024);
let wordCount = 0;

/**
 * Whether `wf` is already among the current text's distinct words: the words at [0, wordCount) of `textWords` are
 * exactly those pushed since the text started, so its slot must be one of them and hold it.
 */
function isCountedInText(wf: WordFeatures): boolean {
  const slot = wf.slot;
  return slot < wordCount && textWords[slot] === wf;
}

function pushWord(wf: WordFeatures, form: number): void {
  if (wordCount === wordOccurrences.length) {
    const o = new Int32Array(wordCount * 2);
    o.set(wordOccurrences);
    wordOccurrences = o;
    const l = new Int32Array(wordCount * 2);
    l.set(wordForms);
    wordForms = l;
    wordWeights = new Float64Array(wordCount * 2);
  }
  wf.slot = wordCount;
  textWords[wordCount] = wf;
  wordOccurrences[wordCount] = 1;
  wordForms[wordCount++] = form;
}

/** The word-feature settings of an option set, defaults filled in, and their key (see {@link TextFeatures.optionsKey}). */
interface WordSettings {
  readonly charMin: number;
  readonly charMax: number;
  readonly charWeight: number;
  readonly key: string;
}

function wordSettingsOf(opts: FeatureOptions): WordSettings {
  const charMin = opts.charMin ?? 3;
  const charMax = opts.charMax ?? 5;
  const charWeight = opts.charWeight ?? 0.5;
  return { charMin, charMax, charWeight, key: `${charMin}|${charMax}|${charWeight}` };
}

/** The word cache of one option set, checked against the text's token-table generation. */
function cacheFor(nt: NormalisedText, key: string): WordCache {
  let cache = wordCaches.get(key);
  if (!cache) wordCaches.set(key, (cache = { byForm: formArray(), generation: nt.generation }));
  if (cache.generation !== nt.generation) {
    // The normaliser cleared its interning table: form ids now name other words.
    cache.byForm = formArray();
    cache.generation = nt.generation;
  }
  return cache;
}

/** A normalised text's words, cross-word features and norm (see {@link TextFeatures}). */
export function accumulateFeatures(nt: NormalisedText, opts: FeatureOptions = {}): TextFeatures {
  return accumulate(nt, opts);
}

/** Two feature sets of one text; `secondary()` is valid until the next extraction, like `primary`. */
export interface TextFeaturePair {
  readonly primary: TextFeatures;
  secondary(): TextFeatures;
}

/**
 * The features of one text under two option sets (the narrative bank's and the hate layer's) from one pass over its
 * tokens: the words, their occurrences and the bigrams do not depend on the n-gram settings, so only each word's own
 * features differ. `secondary` must have no lexicon matches and the same bigram setting; it is computed on demand,
 * and equals {@link accumulateFeatures} with those options.
 */
export function accumulateFeaturePair(nt: NormalisedText, primary: FeatureOptions, secondary: FeatureOptions): TextFeaturePair {
  if (secondary.matches?.length || (secondary.bigrams !== false) !== (primary.bigrams !== false)) {
    throw new Error('accumulateFeaturePair: the second option set takes no lexicon matches and the same bigram setting');
  }
  const first = accumulate(nt, primary, true);
  const stamp = accStamp;
  let second: TextFeatures | undefined;
  return {
    primary: first,
    secondary(): TextFeatures {
      if (accStamp !== stamp) throw new Error('accumulateFeaturePair: another text was extracted since; the pair is stale');
      return (second ??= secondFeatures(first, secondary));
    },
  };
}

function accumulate(nt: NormalisedText, opts: FeatureOptions, keepBigrams = false): TextFeatures {
  const { charMin, charMax, charWeight, key } = wordSettingsOf(opts);
  const lexWeight = opts.lexWeight ?? 1;
  startText();
  const cache = cacheFor(nt, key);
  const bigrams = opts.bigrams !== false;
  const tokens = nt.tokens;
  // At most one bigram and one skeleton per token, and one feature per match.
  reserveCross(2 * tokens.length + (opts.matches?.length ?? 0) + 1);
  wordCount = 0;
  if (textWords.length > 4096) textWords = []; // do not keep a huge text's word objects alive
  let prev = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const wf = wordFeatures(t, charMin, charMax, charWeight, cache);
    if (wf === NUMBER_WORD) {
      prev = 0;
      continue;
    }
    // One word, one object in a text (the cache is only cleared between texts): its slot counts its occurrences.
    if (!isCountedInText(wf)) pushWord(wf, t.lexeme >= 0 ? t.form : -1);
    else {
      wordOccurrences[wf.slot]!++;
      if (wordForms[wf.slot]! < 0 && t.lexeme >= 0) wordForms[wf.slot] = t.form;
    }
    if (bigrams && prev !== 0) crossAdd(mix(prev, wf.word) & 0x3fffffff, 1);
    prev = wf.word;
  }
  bigramCount = crossSize;
  if (keepBigrams) for (let i = 0; i < crossSize; i++) bigramValues[i] = sublinear(crossSums[i]!);
  const skeletonWeight = opts.skeletonWeight ?? 0;
  if (skeletonWeight > 0) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      // Numbers have no skeleton, as they have no word features: an Arabizi reading of "37" is not a word.
      const sk = t.script === 'arabic' ? arabicWordSkeleton(t.norm) : t.arabizi !== undefined && !DIGITS.test(t.norm) ? t.arabizi : undefined;
      if (sk !== undefined && sk.length >= 2) crossAdd(skeletonFeatureId(sk), skeletonWeight);
    }
  }
  if (opts.matches) for (const m of opts.matches) crossAdd(lexFeatureId(m.group), Math.min(2, m.weight) * lexWeight);
  let squares = 0;
  for (let i = 0; i < wordCount; i++) {
    const g = sublinear(wordOccurrences[i]!);
    wordWeights[i] = g;
    squares += g * g * wordSquaredNorm(textWords[i]!);
  }
  for (let i = 0; i < crossSize; i++) {
    const v = sublinear(crossSums[i]!);
    crossValues[i] = v;
    squares += v * v;
  }
  return {
    inverseNorm: squares > 0 ? 1 / Math.sqrt(squares) : 0,
    wordCount,
    words: textWords,
    wordWeights,
    wordForms,
    lexemeGeneration: nt.generation,
    crossCount: crossSize,
    crossIds,
    crossValues,
    optionsKey: key,
    charMin,
    charMax,
    charValue: Math.fround(charWeight),
  };
}

let bigramCount = 0;

/**
 * The second option set's features of the text `first` was accumulated from: same words and weights, bigrams only.
 * The word objects are the first set's (the models regenerate a word's ids under the settings of the features they
 * score, see {@link fillWordIds}); each word's squared norm under these settings is found once and kept in its record.
 */
function secondFeatures(first: TextFeatures, opts: FeatureOptions): TextFeatures {
  const { charMin, charMax, charWeight, key } = wordSettingsOf(opts);
  const charValue = Math.fround(charWeight);
  const set = optionSetNumber(key);
  let squares = 0;
  for (let i = 0; i < wordCount; i++) {
    const wf = textWords[i]!;
    const { ints, doubles } = wf.slab;
    if (ints[wf.at + SECOND_SET] !== set) {
      doubles[(wf.at >> 1) + SECOND_NORM] = ownSquaredNorm(wf.norm, wordFeatureId(wf), ints[wf.at + STEM_ID]!, charMin, charMax, charValue);
      ints[wf.at + SECOND_SET] = set;
    }
    const g = wordWeights[i]!;
    squares += g * g * doubles[(wf.at >> 1) + SECOND_NORM]!;
  }
  for (let i = 0; i < bigramCount; i++) squares += bigramValues[i]! * bigramValues[i]!;
  return {
    ...first,
    inverseNorm: squares > 0 ? 1 / Math.sqrt(squares) : 0,
    crossCount: bigramCount,
    crossValues: bigramValues,
    optionsKey: key,
    charMin,
    charMax,
    charValue,
  };
}

/** Extract hashed features from a normalised text: the vector {@link TextFeatures} defines, for training. */
export function extractFeatures(nt: NormalisedText, opts: FeatureOptions = {}): FeatureVector {
  allocateTrainingTables();
  const acc = accumulateFeatures(nt, opts);
  for (let i = 0; i < acc.wordCount; i++) {
    const wf = acc.words[i]!;
    const g = acc.wordWeights[i]!;
    accAdd(intern(wordFeatureId(wf)), g);
    fillWordIds(wf, acc, wordIdScratch);
    const { ids, count, stemCount } = wordIdScratch;
    for (let j = 0; j < count; j++) accAdd(intern(ids[j]!), (j < stemCount ? 1 : acc.charValue) * g);
  }
  for (let i = 0; i < acc.crossCount; i++) accAdd(intern(acc.crossIds[i]!), acc.crossValues[i]!);
  const n = accSize;
  const [buf, off] = carve(n * 12);
  const ids = new Uint32Array(buf, off, n);
  const values = new Float32Array(buf, off + n * 4, n);
  const dense = new Int32Array(buf, off + n * 8, n);
  dense.set(accUsed.subarray(0, n));
  const inv = acc.inverseNorm;
  for (let i = 0; i < n; i++) {
    const d = dense[i]!;
    ids[i] = featureIdOf[d]!;
    values[i] = accVals[d]! * inv;
  }
  return { ids, values, dense, denseGeneration: featureGen };
}
