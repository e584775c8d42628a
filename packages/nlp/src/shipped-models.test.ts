import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadHateModel, loadModel } from './classifier.js';
import { DEFAULT_TRAIN_URL, readLabelledJsonl } from './dataset.js';
import { DEFAULT_DATASETS_DIR, HATE_TRAINING, hateTrainingSet, loadHateCorpora } from './hate-layer.js';
import { trainingInputHash } from './logistic-regression.js';
import { TRAINED_HEADS, trainingSets } from './train.js';

/**
 * The models in data/ were trained on the vectors the current code extracts. A change to normalisation, matching or
 * features that alters a training vector must come with a retrain: otherwise the shipped weights are read against
 * features they were not learned on, and `npx vigie train` no longer reproduces the shipped file. Each head records a
 * fingerprint of its training inputs (`meta.inputs`); these tests rebuild the inputs and compare.
 */
const RETRAIN = 'retrain and commit the models: `npm run vigie -- train --hate` (writes packages/nlp/data/model.json and hate-model.json)';

describe('shipped models match the code that extracts their features', () => {
  it('model.json: each head was trained on the vectors train.jsonl gives today', () => {
    const model = loadModel()!;
    const { examples, errors } = readLabelledJsonl(DEFAULT_TRAIN_URL);
    expect(errors).toEqual([]);
    const { heads } = trainingSets(examples);
    for (const head of TRAINED_HEADS) {
      const shipped = model[head]?.meta.inputs;
      expect(shipped, `${head} head has no training fingerprint; ${RETRAIN}`).toBeTypeOf('string');
      expect(trainingInputHash(heads[head].data, heads[head].options), `${head} head was trained on other vectors; ${RETRAIN}`).toBe(shipped);
    }
  }, 120_000);
});

const datasets = fileURLToPath(DEFAULT_DATASETS_DIR);
describe.runIf(existsSync(datasets))('shipped hate model matches the code that extracts its features', () => {
  it('hate-model.json was trained on the vectors the shared datasets give today', () => {
    const corpora = loadHateCorpora(datasets)!;
    const { data, options } = hateTrainingSet(corpora.osactTrain, corpora.mlmaTrain, HATE_TRAINING.hashBits, {});
    const shipped = loadHateModel()!.meta.inputs;
    expect(shipped, `the hate model has no training fingerprint; ${RETRAIN}`).toBeTypeOf('string');
    expect(trainingInputHash(data, options), `the hate model was trained on other vectors; ${RETRAIN}`).toBe(shipped);
  }, 120_000);
});
