import { describe, expect, it } from 'vitest';
import { loadHateModel, loadModel } from './classifier.js';
import { accumulateFeatures, extractFeatures, HATE_FEATURES, NARRATIVE_FEATURES } from './features.js';
import { ModelBank, SoftmaxModel, trainSoftmax } from './logistic-regression.js';
import { tokenise } from './normaliser.js';

const TEXTS = [
  'La MONUSCO arme les rebelles du M23 à Rutshuru, tout le monde le sait.',
  'اليونيفيل تتجسس على الجنوب وتنقل المعلومات للعدو الإسرائيلي',
  'Demain à 8h rendez-vous au rond-point, brûlons la base de la MONUSCO à Goma !',
  '',
];

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

  it.runIf(mj !== null)('scores straight from the feature accumulator exactly as from the emitted vector', () => {
    const bank = new ModelBank([mj!.narrative, mj!.stance, ...(mj!.s1 ? [mj!.s1] : []), ...(mj!.harm ? [mj!.harm] : [])]);
    for (const text of [...TEXTS, 'le le le le le le le le le le le le casques bleus']) {
      const nt = tokenise(text);
      const expected = bank.predict(extractFeatures(nt, NARRATIVE_FEATURES)).map((p) => Array.from(p));
      expect(bank.predictText(accumulateFeatures(nt, NARRATIVE_FEATURES)).map((p) => Array.from(p))).toEqual(expected);
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

  it.runIf(hj !== null)('gives the hashed hate layer the same probabilities as the emitted vector, to the bit', () => {
    const hate = new SoftmaxModel(hj!);
    for (const text of TEXTS) {
      const nt = tokenise(text);
      const expected = Array.from(hate.predict(extractFeatures(nt, HATE_FEATURES)));
      expect(Array.from(hate.predictText(accumulateFeatures(nt, HATE_FEATURES)))).toEqual(expected);
    }
  });
});
