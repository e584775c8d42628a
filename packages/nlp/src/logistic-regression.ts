/**
 * A compact multinomial logistic regression (softmax) over hashed sparse features, trained with AdaGrad and L2.
 * Chosen over naive Bayes because its probabilities are calibrated enough to blend with lexicon scores, and it
 * learns how much to trust each lexicon group. Serialised as JSON with a pruned vocabulary.
 */
import { createHash } from 'node:crypto';
import { FEATURE_INDEX_LIMIT, featureGeneration, fillWordIds, WordIds, wordFeatureId, type FeatureVector, type TextFeatures, type WordFeatures } from './features.js';
import { LEXEME_LIMIT } from './normaliser.js';

/** Serialised model: `features[i]` is a hashed feature id, `weights[i]` its per-class weights (sparse pairs). */
export interface LinearModelJson {
  readonly kind: 'softmax-lr';
  readonly classes: readonly string[];
  readonly bias: readonly number[];
  readonly features: readonly number[];
  /** For each feature: flat [classIndex, weight, classIndex, weight, …] of the non-negligible weights. */
  readonly weights: readonly (readonly number[])[];
  /** Softmax temperature applied at prediction time (1 = none). */
  readonly temperature: number;
  /** When set, feature ids are folded into 2^hashBits buckets (the hashing trick) before lookup. */
  readonly hashBits?: number;
  readonly meta: Readonly<Record<string, string | number>>;
}

export interface TrainOptions {
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly l2?: number;
  /** Keep at most this many features (by largest absolute weight). */
  readonly maxFeatures?: number;
  /** Drop weights smaller than this in absolute value when serialising. */
  readonly minWeight?: number;
  /** Weight examples of rare classes up (inverse-frequency^power; 0 = no reweighting). */
  readonly classBalance?: number;
  readonly seed?: number;
  /**
   * Train this many times, the examples shuffled with seeds `seed`, `seed + 1`, …, and average the weights (default 1).
   * One shuffle's model depends on its order more than its figures suggest: six seeds of the same narrative training
   * gave held-out false alarms from 0.024 to 0.042 and dev S1 precision from 0.74 to 0.83 (data/README.md, "Sixth
   * round"). The average of several is the model the data supports, not one draw.
   */
  readonly shuffles?: number;
  /** Fold feature ids into 2^hashBits buckets: a fixed-size model that keeps every feature's signal, unlike pruning. */
  readonly hashBits?: number;
  readonly meta?: Record<string, string | number>;
}

export interface LabelledVector {
  readonly x: FeatureVector;
  readonly y: string;
  readonly weight?: number;
}

/** Deterministic PRNG (mulberry32), so a retrain on the same data gives the same model and hash. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fingerprint of what {@link trainSoftmax} learns from: every example's feature ids, values, label and weight, in order,
 * and the options (without `meta`). Stored in the model's `meta.inputs`, so a test can tell whether the shipped model
 * was trained on the vectors the current code extracts: a change to normalisation, matching or features that alters
 * a training vector, left without a retrain, otherwise goes unnoticed — the shipped weights then no longer line up
 * with the features they are read with, and `vigie train` no longer reproduces the file.
 */
export function trainingInputHash(input: readonly LabelledVector[], opts: TrainOptions = {}): string {
  const h = createHash('sha256');
  const { meta: _meta, ...settings } = opts;
  h.update(JSON.stringify(settings, Object.keys(settings).sort()));
  for (const d of input) {
    h.update(`\u0000${d.y}\u0000${d.weight ?? 1}\u0000${d.x.ids.length}\u0000`);
    h.update(new Uint8Array(d.x.ids.buffer, d.x.ids.byteOffset, d.x.ids.byteLength));
    h.update(new Uint8Array(d.x.values.buffer, d.x.values.byteOffset, d.x.values.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

/** Train a softmax regression. Classes are the sorted distinct labels. */
export function trainSoftmax(input: readonly LabelledVector[], opts: TrainOptions = {}): LinearModelJson {
  const mask = opts.hashBits ? (1 << opts.hashBits) - 1 : 0;
  const data = mask ? input.map((d) => ({ ...d, x: foldVector(d.x, mask) })) : input;
  const classes = [...new Set(data.map((d) => d.y))].sort();
  const K = classes.length;
  const cls = new Map(classes.map((c, i) => [c, i]));
  const epochs = opts.epochs ?? 20;
  const lr = opts.learningRate ?? 0.5;
  const l2 = opts.l2 ?? 1e-5;
  const freq = new Array<number>(K).fill(0);
  for (const d of data) freq[cls.get(d.y)!]!++;
  const balance = opts.classBalance ?? 0;
  const classWeight = freq.map((f) => (f > 0 ? Math.pow(data.length / (K * f), balance) : 1));

  const index = new Map<number, number>();
  for (const d of data) for (const id of d.x.ids) if (!index.has(id)) index.set(id, index.size);
  const F = index.size;
  const local = data.map((d) => ({ idx: Uint32Array.from(d.x.ids, (id) => index.get(id)!), v: d.x.values, y: cls.get(d.y)!, w: d.weight ?? 1 }));
  // One AdaGrad run per shuffle seed, their weights averaged (see TrainOptions.shuffles).
  const shuffles = Math.max(1, opts.shuffles ?? 1);
  const W = new Float64Array(F * K);
  const b = new Float64Array(K);
  for (let r = 0; r < shuffles; r++) {
    const run = fitOneShuffle(local, F, K, classWeight, { epochs, lr, l2, seed: (opts.seed ?? 42) + r });
    for (let i = 0; i < W.length; i++) W[i]! += run.W[i]! / shuffles;
    for (let k = 0; k < K; k++) b[k]! += run.b[k]! / shuffles;
  }

  // Prune: keep the features with the largest weights, drop tiny weights; this keeps the shipped JSON small.
  const maxFeatures = opts.maxFeatures ?? 20_000;
  const minWeight = opts.minWeight ?? 0.01;
  const ids = [...index.keys()];
  const strength = ids.map((_, fi) => {
    let m = 0;
    for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(W[fi * K + k]!));
    return m;
  });
  const kept = ids.map((id, fi) => ({ id, fi, s: strength[fi]! })).filter((e) => e.s >= minWeight);
  kept.sort((a, c) => c.s - a.s || a.id - c.id);
  const top = kept.slice(0, maxFeatures).sort((a, c) => a.id - c.id);
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  return {
    kind: 'softmax-lr',
    classes,
    bias: Array.from(b, round),
    features: top.map((e) => e.id),
    weights: top.map((e) => {
      const out: number[] = [];
      for (let k = 0; k < K; k++) {
        const w = W[e.fi * K + k]!;
        if (Math.abs(w) >= minWeight) out.push(k, round(w));
      }
      return out;
    }),
    temperature: 1,
    ...(opts.hashBits ? { hashBits: opts.hashBits } : {}),
    meta: { examples: data.length, epochs, ...(opts.meta ?? {}), inputs: trainingInputHash(input, opts) },
  };
}

/** One AdaGrad pass over `local` (epochs shuffled by `seed`): the weights and biases it ends with. */
function fitOneShuffle(
  local: readonly { idx: Uint32Array; v: Float32Array; y: number; w: number }[],
  F: number,
  K: number,
  classWeight: readonly number[],
  o: { epochs: number; lr: number; l2: number; seed: number },
): { W: Float64Array; b: Float64Array } {
  const { epochs, lr, l2 } = o;
  const rand = prng(o.seed);
  const W = new Float64Array(F * K);
  const G = new Float64Array(F * K).fill(1e-8);
  const b = new Float64Array(K);
  const gb = new Float64Array(K).fill(1e-8);
  const order = local.map((_, i) => i);
  const z = new Float64Array(K);
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const oi of order) {
      const ex = local[oi]!;
      for (let k = 0; k < K; k++) z[k] = b[k]!;
      for (let f = 0; f < ex.idx.length; f++) {
        const base = ex.idx[f]! * K;
        const v = ex.v[f]!;
        for (let k = 0; k < K; k++) z[k]! += W[base + k]! * v;
      }
      softmaxInPlace(z, 1);
      const sw = ex.w * classWeight[ex.y]!;
      for (let k = 0; k < K; k++) {
        const g = (z[k]! - (k === ex.y ? 1 : 0)) * sw;
        gb[k]! += g * g;
        b[k]! -= (lr * g) / Math.sqrt(gb[k]!);
        for (let f = 0; f < ex.idx.length; f++) {
          const p = ex.idx[f]! * K + k;
          const gw = g * ex.v[f]! + l2 * W[p]!;
          G[p]! += gw * gw;
          W[p]! -= (lr * gw) / Math.sqrt(G[p]!);
        }
      }
    }
  }
  return { W, b };
}

/** Fold a vector's ids into buckets, summing values that collide. */
export function foldVector(x: FeatureVector, mask: number): FeatureVector {
  const m = new Map<number, number>();
  for (let i = 0; i < x.ids.length; i++) {
    const id = x.ids[i]! & mask;
    m.set(id, (m.get(id) ?? 0) + x.values[i]!);
  }
  return { ids: Uint32Array.from(m.keys()), values: Float32Array.from(m.values()) };
}

function softmaxInPlace(z: Float64Array, temperature: number): void {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]! / temperature);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k]! / temperature - max);
    sum += z[k]!;
  }
  for (let k = 0; k < z.length; k++) z[k]! /= sum;
}

/**
 * Per-word partial logits, memoised by form id ({@link TextFeatures.wordForms}): a word's own features (word, stem, character n-grams) are the same
 * in every text, so their weighted sum for each output column is computed once per word and each text adds one
 * such row per distinct word instead of one weight row per feature (see {@link ModelBank.predictText}). Valid for
 * one (token-table generation, feature settings): when the token table rolls over, the memo is dropped with it, so
 * it stays bounded by the lexeme limit.
 */
/** A model that computes a word's partial logits P_w into `out[0, width)`, under the feature settings of `x`. */
interface PartialFiller {
  fillWordPartial(word: WordFeatures, x: TextFeatures, out: Float64Array): void;
}

/** Where {@link PartialFiller}s regenerate a word's ids (see fillWordIds in features.ts); used one word at a time. */
const partialWordIds = new WordIds();

class WordPartials {
  /**
   * Float32: the rows of a real vocabulary (≈ 25,000 words × 23 columns) then nearly fit the core's L2 cache, and the
   * lookup of each distinct word's row was the largest single cost of scoring. A partial is summed in doubles, then
   * stored rounded to float32 (relative error ≈ 6e-8, far below the 3 decimals of every output).
   */
  private table: Float32Array | undefined;
  private readonly valid = new Int32Array(LEXEME_LIMIT);
  private epoch = 0;
  private lexemeGeneration = -1;
  private optionsKey = '';
  /** Where a partial is summed before it is stored; also the row of a word with no memo row (form -1). */
  private readonly scratch: Float64Array;

  constructor(readonly width: number) {
    this.scratch = new Float64Array(width);
  }

  /** The table, after checking that `x` belongs to the lexeme generation and settings the memo was filled in. */
  private tableFor(x: TextFeatures): Float32Array {
    if (x.lexemeGeneration !== this.lexemeGeneration || x.optionsKey !== this.optionsKey) {
      this.lexemeGeneration = x.lexemeGeneration;
      this.optionsKey = x.optionsKey;
      this.epoch++;
    }
    // Allocated on first use: LEXEME_LIMIT rows of `width` floats, touched (so resident) only as words are seen.
    return (this.table ??= new Float32Array(LEXEME_LIMIT * this.width));
  }

  /** Whether the row of `form` holds this epoch's partial; marks it so when not (the caller then fills it). */
  claim(form: number): boolean {
    if (this.valid[form] === this.epoch) return true;
    this.valid[form] = this.epoch;
    return false;
  }

  /**
   * Σ_words g(n_w)·P_w into `sums[0, width)`: each word's partial from the memo, computed by `fill` (into `out` at
   * `off`) the first time its form is seen in this epoch, or every time for a word without a memo row.
   */
  addWordPartials(x: TextFeatures, sums: Float64Array, filler: PartialFiller): void {
    const W = this.width;
    const table = this.tableFor(x);
    const scratch = this.scratch;
    for (let i = 0; i < x.wordCount; i++) {
      const form = x.wordForms[i]!;
      const g = x.wordWeights[i]!;
      if (form < 0) {
        filler.fillWordPartial(x.words[i]!, x, scratch);
        for (let c = 0; c < W; c++) sums[c]! += g * scratch[c]!;
        continue;
      }
      const off = form * W;
      if (!this.claim(form)) {
        filler.fillWordPartial(x.words[i]!, x, scratch);
        for (let c = 0; c < W; c++) table[off + c] = scratch[c]!;
      }
      if (g === 1) for (let c = 0; c < W; c++) sums[c]! += table[off + c]!;
      else for (let c = 0; c < W; c++) sums[c]! += g * table[off + c]!;
    }
  }
}

/**
 * Map keys must stay in V8's small-integer range (31 bits): uint32 hashes above 2^30 become heap numbers, which
 * made every lookup allocate and hash a double (measured: predict was 60 % of classify time). Ids are folded to
 * 30 bits on both sides; the extra collisions are negligible at ≤ 20k features.
 */
export const SMI_MASK = 0x3fffffff;

/**
 * A loaded model ready to predict. Weights live in one flat Float32Array addressed through an open-addressing
 * table of 30-bit ids (or directly by bucket for hashed models): a Map of per-feature arrays cost ~400 µs per
 * prediction on a 1 KB text, this costs a few tens.
 */
export class SoftmaxModel {
  readonly classes: readonly string[];
  /** Short content hash; part of `classifierVersion`. */
  readonly hash: string;
  private readonly K: number;
  private readonly bias: Float64Array;
  /** Softmax temperature (1 = none). */
  readonly temperature: number;
  private readonly mask: number;
  private readonly dense: boolean;
  private readonly keys: Int32Array;
  private readonly shift: number;
  private readonly w: Float32Array;
  private readonly z: Float64Array;

  // The JSON is read, not kept: its weight rows (one JS array per feature, 154,000 for the shipped models) stayed
  // alive with every classifier, a heap of arrays nothing read after loading.
  constructor(json: LinearModelJson) {
    this.classes = json.classes;
    const K = (this.K = json.classes.length);
    this.bias = Float64Array.from(json.bias);
    this.temperature = json.temperature || 1;
    this.dense = Boolean(json.hashBits);
    this.mask = json.hashBits ? (1 << json.hashBits) - 1 : SMI_MASK;
    this.z = new Float64Array(K);
    let bits = 4;
    while (1 << bits < json.features.length * 2) bits++;
    this.shift = 32 - bits;
    const slots = this.dense ? this.mask + 1 : 1 << bits;
    this.keys = new Int32Array(this.dense ? 0 : slots).fill(-1);
    this.w = new Float32Array(slots * K);
    json.features.forEach((id, i) => {
      const slot = this.dense ? id & this.mask : this.insertKey(id & SMI_MASK);
      const pairs = json.weights[i] ?? [];
      for (let j = 0; j + 1 < pairs.length; j += 2) this.w[slot * K + pairs[j]!]! += pairs[j + 1]!;
    });
    this.hash = createHash('sha256').update(JSON.stringify(json)).digest('hex').slice(0, 10);
  }

  private insertKey(id: number): number {
    let slot = Math.imul(id, 0x9e3779b1) >>> this.shift;
    while (this.keys[slot] !== -1 && this.keys[slot] !== id) slot = (slot + 1) & (this.keys.length - 1);
    this.keys[slot] = id;
    return slot;
  }

  private slotOf(id: number): number {
    if (this.dense) return id & this.mask;
    const key = id & SMI_MASK;
    const m = this.keys.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = this.keys[slot]!;
      if (k === key) return slot;
      if (k === -1) return -1;
      slot = (slot + 1) & m;
    }
  }

  /** Class probabilities, in `classes` order (a fresh array). */
  predict(x: FeatureVector): Float64Array {
    const K = this.K;
    const z = this.z;
    z.set(this.bias);
    const w = this.w;
    const dense = this.dense;
    const mask = this.mask;
    for (let f = 0; f < x.ids.length; f++) {
      const slot = dense ? x.ids[f]! & mask : this.slotOf(x.ids[f]!);
      if (slot < 0) continue;
      const v = x.values[f]!;
      const base = slot * K;
      if (K === 3) {
        // The hate layer's shape (NOT / OFF / HS), unrolled: same operations in the same order, without the loop.
        z[0]! += w[base]! * v;
        z[1]! += w[base + 1]! * v;
        z[2]! += w[base + 2]! * v;
      } else for (let k = 0; k < K; k++) z[k]! += w[base + k]! * v;
    }
    softmaxInPlace(z, this.temperature);
    return Float64Array.from(z);
  }

  /**
   * {@link predict} of the vector {@link extractFeatures} would emit for `x`, from per-word partial logits (see
   * {@link TextFeatures} and {@link ModelBank.predictText}). Equal to `predict` in real arithmetic; in floating point
   * the sums are associated differently and the values are not rounded to float32 (differences of about 1e-8).
   */
  predictText(x: TextFeatures): Float64Array {
    const K = this.K;
    const S = this.z;
    S.fill(0);
    const w = this.w;
    (this.partials ??= new WordPartials(K)).addWordPartials(x, S, this);
    for (let f = 0; f < x.crossCount; f++) {
      const slot = this.slotOf(x.crossIds[f]!);
      if (slot < 0) continue;
      const v = x.crossValues[f]!;
      const base = slot * K;
      for (let k = 0; k < K; k++) S[k]! += w[base + k]! * v;
    }
    const inv = x.inverseNorm;
    for (let k = 0; k < K; k++) S[k] = this.bias[k]! + S[k]! * inv;
    softmaxInPlace(S, this.temperature);
    return Float64Array.from(S);
  }

  private partials: WordPartials | undefined;
  /** Σ over a word's own features of value × weight row, into `out[0, K)` (see {@link PartialFiller}). */
  fillWordPartial(wf: WordFeatures, x: TextFeatures, out: Float64Array): void {
    const K = this.K;
    const w = this.w;
    out.fill(0, 0, K);
    fillWordIds(wf, x, partialWordIds);
    const { ids, count, stemCount } = partialWordIds;
    const charValue = x.charValue;
    // j = -1 is the word feature itself (value 1), then the stem (value 1) and the character n-grams.
    for (let j = -1; j < count; j++) {
      const slot = this.slotOf(j < 0 ? wordFeatureId(wf) : ids[j]!);
      if (slot < 0) continue;
      const v = j < stemCount ? 1 : charValue;
      for (let k = 0; k < K; k++) out[k]! += w[slot * K + k]! * v;
    }
  }

  /** Probability of one class (0 when the model does not know it). */
  probability(x: FeatureVector, label: string): number {
    const k = this.classes.indexOf(label);
    return k < 0 ? 0 : this.predict(x)[k]!;
  }
}

/**
 * Several pruned (non-hashed) models over the same feature vector, scored in one pass: one open-addressing lookup
 * per feature yields the weights of every class of every model side by side. The narrative, stance, escalation and
 * harm heads share their features, so this does a quarter of the lookups of four {@link SoftmaxModel}s.
 */
export class ModelBank {
  readonly models: readonly SoftmaxModel[];
  private readonly offsets: Int32Array;
  private readonly width: number;
  /**
   * Open addressing, a slot per pair of entries: the feature id (-1 when free), then its weight row (rows are packed:
   * one per distinct feature, not per slot). Side by side, a lookup costs one cache miss instead of two, and a
   * never-seen word looks up every one of its few dozen n-grams.
   */
  private readonly slots: Int32Array;
  private readonly slotMask: number;
  private readonly shift: number;
  private readonly w: Float32Array;
  /**
   * Per row, the column range [lo, hi) covering the heads that have weights for that feature. The other columns hold
   * exact zeros, so skipping them leaves the sums unchanged, and most features are known to the narrative head only.
   */
  private readonly lo: Uint8Array;
  private readonly hi: Uint8Array;
  private readonly bias: Float64Array;
  private readonly z: Float64Array;
  /**
   * Weight row per interned feature index (see {@link FeatureVector.dense}): -1 absent, -2 not looked up yet.
   * Allocated on first use, reset when the feature table's generation moves on.
   */
  private rowMemo: Int32Array | undefined;
  private memoGeneration = -1;

  constructor(jsons: readonly LinearModelJson[]) {
    if (jsons.some((j) => j.hashBits)) throw new Error('ModelBank takes pruned models only');
    this.models = jsons.map((j) => new SoftmaxModel(j));
    this.offsets = new Int32Array(jsons.length + 1);
    jsons.forEach((j, i) => (this.offsets[i + 1] = this.offsets[i]! + j.classes.length));
    const W = (this.width = this.offsets[jsons.length]!);
    const ids = new Set<number>();
    for (const j of jsons) for (const id of j.features) ids.add(id & SMI_MASK);
    let bits = 4;
    while (1 << bits < ids.size * 2) bits++;
    this.shift = 32 - bits;
    this.slots = new Int32Array(2 << bits).fill(-1);
    this.slotMask = (1 << bits) - 1;
    this.w = new Float32Array(ids.size * W);
    if (W > 255) throw new Error('ModelBank takes at most 255 classes in all');
    this.lo = new Uint8Array(ids.size).fill(W);
    this.hi = new Uint8Array(ids.size);
    this.bias = new Float64Array(W);
    this.z = new Float64Array(W);
    let rows = 0;
    jsons.forEach((j, m) => {
      const off = this.offsets[m]!;
      j.bias.forEach((b, k) => (this.bias[off + k] = b));
      j.features.forEach((id, i) => {
        const slot = this.insertKey(id & SMI_MASK);
        if (this.slots[2 * slot + 1] === -1) this.slots[2 * slot + 1] = rows++;
        const row = this.slots[2 * slot + 1]!;
        const pairs = j.weights[i] ?? [];
        for (let q = 0; q + 1 < pairs.length; q += 2) this.w[row * W + off + pairs[q]!]! += pairs[q + 1]!;
        this.lo[row] = Math.min(this.lo[row]!, off);
        this.hi[row] = Math.max(this.hi[row]!, this.offsets[m + 1]!);
      });
    });
  }

  private insertKey(id: number): number {
    let slot = Math.imul(id, 0x9e3779b1) >>> this.shift;
    while (this.slots[2 * slot] !== -1 && this.slots[2 * slot] !== id) slot = (slot + 1) & this.slotMask;
    this.slots[2 * slot] = id;
    return slot;
  }

  /** Weight row of a feature id, or -1. */
  private rowOf(key: number): number {
    const slots = this.slots;
    const mask = this.slotMask;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    let k = slots[2 * slot]!;
    while (k !== key && k !== -1) {
      slot = (slot + 1) & mask;
      k = slots[2 * slot]!;
    }
    return k === -1 ? -1 : slots[2 * slot + 1]!;
  }

  /** Row memo for `x`'s dense indices, or undefined when `x` has none from the current feature generation. */
  private memoFor(x: FeatureVector): Int32Array | undefined {
    if (x.dense === undefined || x.denseGeneration !== featureGeneration()) return undefined;
    return this.memoForGeneration(x.denseGeneration);
  }

  /** The row memo, reset when the feature table's generation has moved on. */
  private memoForGeneration(generation: number): Int32Array {
    if (this.rowMemo === undefined || this.memoGeneration !== generation) {
      if (this.rowMemo === undefined) this.rowMemo = new Int32Array(FEATURE_INDEX_LIMIT);
      this.rowMemo.fill(-2);
      this.memoGeneration = generation;
    }
    return this.rowMemo;
  }

  /**
   * {@link predict} of the vector {@link extractFeatures} would emit for `x`, from per-word partial logits. The vector's
   * values are v_f = (Σ_w g(n_w)·a_wf + tf(x_f)) / N (see {@link TextFeatures}), so a head's logits are
   * bias + (Σ_w g(n_w)·P_w + Σ_f W_f·tf(x_f)) / N, where P_w = Σ_{f of w} a_wf·W_f is the word's partial logit, memoised
   * per form ({@link WordPartials}): one row per distinct word and one per cross-word feature (bigram, lexicon
   * group), instead of one per feature. Equal to {@link predict} in real arithmetic; in floating point the association
   * differs and values are not rounded to float32 (differences of about 1e-8).
   */
  predictText(x: TextFeatures): Float64Array[] {
    const W = this.width;
    const S = this.z;
    S.fill(0);
    const w = this.w;
    const lo = this.lo;
    const hi = this.hi;
    (this.partials ??= new WordPartials(W)).addWordPartials(x, S, this);
    const crossIds = x.crossIds;
    const crossValues = x.crossValues;
    for (let f = 0; f < x.crossCount; f++) {
      // Cross features are not interned (see TextFeatures): their rows come from the bank's own small key table.
      const row = this.rowOf(crossIds[f]! & SMI_MASK);
      if (row < 0) continue;
      const v = crossValues[f]!;
      const base = row * W;
      for (let k = lo[row]!, e = hi[row]!; k < e; k++) S[k]! += w[base + k]! * v;
    }
    const inv = x.inverseNorm;
    const bias = this.bias;
    for (let c = 0; c < W; c++) S[c] = bias[c]! + S[c]! * inv;
    return this.softmaxAll();
  }

  private partials: WordPartials | undefined;

  /** P_w: Σ over a word's own features of value × weight row, into `out[0, width)` (see {@link PartialFiller}). */
  fillWordPartial(wf: WordFeatures, x: TextFeatures, out: Float64Array): void {
    const W = this.width;
    out.fill(0, 0, W);
    fillWordIds(wf, x, partialWordIds);
    const { ids, count, stemCount } = partialWordIds;
    const charValue = x.charValue;
    // j = -1 is the word feature itself (value 1), then the stem (value 1) and the character n-grams.
    for (let j = -1; j < count; j++) {
      const row = this.rowOf(j < 0 ? wordFeatureId(wf) : ids[j]!);
      if (row < 0) continue;
      const v = j < stemCount ? 1 : charValue;
      const base = row * W;
      for (let k = this.lo[row]!, e = this.hi[row]!; k < e; k++) out[k]! += this.w[base + k]! * v;
    }
  }

  private softmaxAll(): Float64Array[] {
    const z = this.z;
    const out: Float64Array[] = [];
    for (let m = 0; m < this.models.length; m++) {
      const seg = z.slice(this.offsets[m]!, this.offsets[m + 1]!);
      softmaxInPlace(seg, this.models[m]!.temperature);
      out.push(seg);
    }
    return out;
  }

  /** Probabilities of every model, each a fresh array in its `classes` order. */
  predict(x: FeatureVector): Float64Array[] {
    const W = this.width;
    const z = this.z;
    z.set(this.bias);
    const w = this.w;
    const lo = this.lo;
    const hi = this.hi;
    const memo = this.memoFor(x);
    const dense = x.dense;
    const ids = x.ids;
    const values = x.values;
    const n = ids.length;
    for (let f = 0; f < n; f++) {
      let row: number;
      if (memo !== undefined) {
        const d = dense![f]!;
        row = memo[d]!;
        if (row === -2) row = memo[d] = this.rowOf(ids[f]! & SMI_MASK);
      } else row = this.rowOf(ids[f]! & SMI_MASK);
      if (row < 0) continue;
      const v = values[f]!;
      const base = row * W;
      // Unrolled by four (each column still gets exactly one addition per feature, in feature order).
      let c = lo[row]!;
      const e = hi[row]!;
      for (; c + 3 < e; c += 4) {
        const b = base + c;
        z[c]! += w[b]! * v;
        z[c + 1]! += w[b + 1]! * v;
        z[c + 2]! += w[b + 2]! * v;
        z[c + 3]! += w[b + 3]! * v;
      }
      for (; c < e; c++) z[c]! += w[base + c]! * v;
    }
    return this.softmaxAll();
  }
}
