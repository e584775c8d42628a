import { describe, expect, it } from 'vitest';
import { loadHateModel, loadModel } from './classifier.js';
import { accumulateFeatures, extractFeatures, HATE_FEATURES, NARRATIVE_FEATURES, setFeatureInterningLimit } from './features.js';
import { ModelBank, SoftmaxModel, trainingInputHash, trainSoftmax } from './logistic-regression.js';
import { setTokenInterningLimit, tokenise } from './normaliser.js';

const TEXTS = [
  'La MONUSCO arme les rebelles du M23 à Rutshuru, tout le monde le sait.',
  'اليونيفيل تتجسس على الجنوب وتنقل المعلومات للعدو الإسرائيلي',
  'Demain à 8h rendez-vous au rond-point, brûlons la base de la MONUSCO à Goma !',
  '',
];

/** Repeated words, repeated n-grams past the sub-linear threshold, digits, bigrams and lexicon-group features. */
const MORE_TEXTS = [
  ...TEXTS,
  'le le le le le le le le le le le le casques bleus casques bleus casque',
  'La MONUSCO ment, la MONUSCO arme, la MONUSCO tue : 2024 morts à Beni, Beni, Beni.',
  'yalla unifil barra, 3am yesta3mlo el kameret 3al 7doud',
];
/** Lexicon-group features as the classifier adds them (cross-word features, like bigrams). */
const LEX_OPTIONS = (text: string) => ({ ...NARRATIVE_FEATURES, matches: text.includes('MONUSCO') ? [{ group: 'collusion_armed_groups', weight: 1.5 }, { group: '_call_to_act', weight: 3 }] as never : [] });
// The emitted vector rounds every value to float32 (relative error up to 6e-8 each), the partial sums do not: measured
// at most 3.4e-8 apart (bank) and 1.9e-8 (hate layer) over dev, train and 400 OSACT4 tweets.
const TOLERANCE = 1e-7;

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.map((r) => r.length)).toEqual(expected.map((r) => r.length));
  actual.forEach((row, m) => row.forEach((p, k) => expect(Math.abs(p - expected[m]![k]!)).toBeLessThan(TOLERANCE)));
}

describe('ModelBank', () => {
  const mj = loadModel();

  it.runIf(mj !== null)('scores every head exactly as its own SoftmaxModel, with and without the row memo', () => {
    const jsons = [mj!.narrative, mj!.stance, ...(mj!.s1 ? [mj!.s1] : []), ...(mj!.harm ? [mj!.harm] : [])];
    const bank = new ModelBank(jsons);
    const single = jsons.map((j) => new SoftmaxModel(j));
    for (const text of TEXTS) {
      const x = extractFeatures(tokenise(text), NARRATIVE_FEATURES);
      const expected = single.map((m) => Array.from(m.predict(x)));
      // First call fills the per-feature row memo, the second reads it; a vector without dense indices probes.
      for (const v of [x, x, { ids: x.ids, values: x.values }]) expect(bank.predict(v).map((p) => Array.from(p))).toEqual(expected);
    }
  });

  it.runIf(mj !== null)('scores from per-word partial logits as from the emitted vector, up to float rounding', () => {
    const bank = new ModelBank([mj!.narrative, mj!.stance, ...(mj!.s1 ? [mj!.s1] : []), ...(mj!.harm ? [mj!.harm] : [])]);
    // Twice: the second pass reads the memoised partials.
    for (const text of [...MORE_TEXTS, ...MORE_TEXTS]) {
      const nt = tokenise(text);
      const expected = bank.predict(extractFeatures(nt, LEX_OPTIONS(text))).map((p) => Array.from(p));
      const actual = bank.predictText(accumulateFeatures(nt, LEX_OPTIONS(text))).map((p) => Array.from(p));
      expectClose(actual, expected);
    }
  });

  it('skips the columns of heads that do not know a feature without changing the sums', () => {
    const a = trainSoftmax(
      [
        { x: { ids: Uint32Array.of(1, 2), values: Float32Array.of(0.6, 0.8) }, y: 'p' },
        { x: { ids: Uint32Array.of(3), values: Float32Array.of(1) }, y: 'q' },
      ],
      { epochs: 5, minWeight: 0 },
    );
    const b = trainSoftmax(
      [
        { x: { ids: Uint32Array.of(3, 4), values: Float32Array.of(0.6, 0.8) }, y: 'r' },
        { x: { ids: Uint32Array.of(5), values: Float32Array.of(1) }, y: 's' },
        { x: { ids: Uint32Array.of(6), values: Float32Array.of(1) }, y: 't' },
      ],
      { epochs: 5, minWeight: 0 },
    );
    const bank = new ModelBank([a, b]);
    const x = { ids: Uint32Array.of(1, 3, 5, 99), values: Float32Array.of(0.5, 0.5, 0.5, 0.5) };
    expect(bank.predict(x).map((p) => Array.from(p))).toEqual([Array.from(new SoftmaxModel(a).predict(x)), Array.from(new SoftmaxModel(b).predict(x))]);
  });
});

describe('SoftmaxModel.predictText', () => {
  const hj = loadHateModel();

  it.runIf(hj !== null)('gives the hashed hate layer the probabilities of the emitted vector, up to float rounding', () => {
    const hate = new SoftmaxModel(hj!);
    for (const text of [...MORE_TEXTS, ...MORE_TEXTS]) {
      const nt = tokenise(text);
      const expected = Array.from(hate.predict(extractFeatures(nt, HATE_FEATURES)));
      expectClose([Array.from(hate.predictText(accumulateFeatures(nt, HATE_FEATURES)))], [expected]);
    }
  });
});

describe('per-word partial logits across interning roll-overs', () => {
  const mj = loadModel();

  const hj = loadHateModel();

  it.runIf(mj !== null && hj !== null)('keeps the memoised partials and weight rows right when the token or feature table starts a new generation', () => {
    const bank = new ModelBank([mj!.narrative, mj!.stance, ...(mj!.s1 ? [mj!.s1] : []), ...(mj!.harm ? [mj!.harm] : [])]);
    const hate = new SoftmaxModel(hj!);
    const score = (text: string) => [
      ...bank.predictText(accumulateFeatures(tokenise(text), NARRATIVE_FEATURES)).map((p) => Array.from(p)),
      Array.from(hate.predictText(accumulateFeatures(tokenise(text), HATE_FEATURES))),
    ];
    const expected = MORE_TEXTS.map((t) => [
      ...bank.predict(extractFeatures(tokenise(t), NARRATIVE_FEATURES)).map((p) => Array.from(p)),
      Array.from(hate.predict(extractFeatures(tokenise(t), HATE_FEATURES))),
    ]);
    MORE_TEXTS.forEach((t, i) => expectClose(score(t), expected[i]!));
    const generation = tokenise('x').generation;
    setTokenInterningLimit(2000);
    setFeatureInterningLimit(5000);
    try {
      // More distinct words than either table holds: lexeme ids and dense indices are reused for other words, so a
      // partial memoised under the old ids would now be added for the wrong word.
      for (let round = 0; round < 3; round++) {
        score(Array.from({ length: 2500 }, (_, i) => `mot${round}x${i.toString(36)}`).join(' '));
        [...MORE_TEXTS].reverse().forEach((t, j) => expectClose(score(t), expected[MORE_TEXTS.length - 1 - j]!));
      }
      expect(tokenise('x').generation).not.toBe(generation);
    } finally {
      setTokenInterningLimit(Infinity);
      setFeatureInterningLimit(Infinity);
    }
  });
});

describe('trainingInputHash', () => {
  const data = [
    { x: { ids: Uint32Array.of(1, 2), values: Float32Array.of(0.6, 0.8) }, y: 'p' },
    { x: { ids: Uint32Array.of(3), values: Float32Array.of(1) }, y: 'q', weight: 0.5 },
  ];
  const opts = { epochs: 5, minWeight: 0, meta: { catalogue: 'a' } };

  it('is stored in the trained model and depends on every vector, label, weight and setting, not on meta', () => {
    const hash = trainingInputHash(data, opts);
    expect(trainSoftmax(data, opts).meta.inputs).toBe(hash);
    expect(trainingInputHash(data, { ...opts, meta: { catalogue: 'b' } })).toBe(hash);
    const variants = [
      [{ ...data[0]!, x: { ids: Uint32Array.of(1, 2), values: Float32Array.of(0.6, 0.81) } }, data[1]!],
      [{ ...data[0]!, x: { ids: Uint32Array.of(1, 4), values: Float32Array.of(0.6, 0.8) } }, data[1]!],
      [data[0]!, { ...data[1]!, y: 'p' }],
      [data[0]!, { ...data[1]!, weight: 1 }],
      [data[1]!, data[0]!],
      [data[0]!],
    ];
    for (const v of variants) expect(trainingInputHash(v, opts)).not.toBe(hash);
    expect(trainingInputHash(data, { ...opts, epochs: 6 })).not.toBe(hash);
  });

  it('reads only each vector’s own bytes when it is a view on a larger buffer', () => {
    const slab = new Uint32Array([9, 1, 2, 9]);
    const values = new Float32Array([7, 0.6, 0.8, 7]);
    const view = [{ x: { ids: slab.subarray(1, 3), values: values.subarray(1, 3) }, y: 'p' }, data[1]!];
    expect(trainingInputHash(view, opts)).toBe(trainingInputHash(data, opts));
  });
});

describe('trainSoftmax with several shuffles', () => {
  const data = Array.from({ length: 40 }, (_, i) => ({
    x: { ids: Uint32Array.of(i % 7, 10 + (i % 3)), values: Float32Array.of(0.6, 0.8) },
    y: i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c',
  }));
  const opts = { epochs: 3, minWeight: 0, learningRate: 0.5 };

  it('averages the weights of one run per seed, seed, seed + 1, …', () => {
    const one = trainSoftmax(data, { ...opts, seed: 7 });
    const next = trainSoftmax(data, { ...opts, seed: 8 });
    const both = trainSoftmax(data, { ...opts, seed: 7, shuffles: 2 });
    expect(one.bias).not.toEqual(next.bias);
    both.bias.forEach((b, k) => expect(b).toBeCloseTo((one.bias[k]! + next.bias[k]!) / 2, 3));
    const weight = (m: typeof one, id: number, k: number) => {
      const row = m.weights[m.features.indexOf(id)] ?? [];
      for (let j = 0; j < row.length; j += 2) if (row[j] === k) return row[j + 1]!;
      return 0;
    };
    for (const id of both.features) for (let k = 0; k < 3; k++) expect(weight(both, id, k)).toBeCloseTo((weight(one, id, k) + weight(next, id, k)) / 2, 3);
  });

  it('is one ordinary run when there is one shuffle', () => {
    const { meta: _a, ...explicit } = trainSoftmax(data, { ...opts, seed: 7, shuffles: 1 });
    const { meta: _b, ...implicit } = trainSoftmax(data, { ...opts, seed: 7 });
    expect(explicit).toEqual(implicit);
  });
});
