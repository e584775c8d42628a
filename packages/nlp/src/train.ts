/**
 * Training the narrative and stance models from labelled examples (the repo's train.jsonl plus triage labels).
 * Pure apart from CPU: returns the model JSON; the CLI writes it to data/model.json.
 */
import type { Catalogue } from './catalogue.schema.js';
import { createClassifier, DEFAULT_BLEND, NONE_CLASS, type BlendParams, type ModelJson } from './classifier.js';
import type { LabelledExample } from './dataset.js';
import { evaluate } from './evaluate.js';
import { trainSoftmax, type LabelledVector } from './logistic-regression.js';

export interface TrainModelOptions {
  readonly catalogue?: Catalogue;
  readonly blend?: BlendParams;
  /** Weight of each extra (triage) example relative to a base example. Default 1. */
  readonly extraWeight?: number;
}

/**
 * Train the narrative model (classes: narrative keys + `__none__`) and the stance model (endorse / counter /
 * report, over items with a narrative). `extra` are officers' triage labels in the same shape.
 */
export function train(examples: readonly LabelledExample[], extra: readonly LabelledExample[] = [], opts: TrainModelOptions = {}): ModelJson {
  const base = createClassifier(opts.catalogue, null, null);
  const all = [...examples.map((e) => ({ e, w: 1 })), ...extra.map((e) => ({ e, w: opts.extraWeight ?? 1 }))];
  const analysed = all.map(({ e, w }) => ({ e, w, x: base.analyse(e.title ? `${e.title}\n${e.text}` : e.text).features }));
  const narrativeData: LabelledVector[] = analysed.map(({ e, w, x }) => ({ x, y: e.topNarrative ?? NONE_CLASS, weight: w }));
  const stanceData: LabelledVector[] = analysed
    .filter(({ e }) => e.topNarrative !== null && e.stance !== 'none')
    .map(({ e, w, x }) => ({ x, y: e.stance, weight: w }));
  const s1Data: LabelledVector[] = analysed.map(({ e, w, x }) => ({ x, y: e.severity === 'S1' ? 'S1' : 'other', weight: w }));
  const meta = { catalogue: base.catalogue.version };
  const narrative = trainSoftmax(narrativeData, { epochs: 25, learningRate: 0.4, l2: 1e-5, maxFeatures: 12_000, minWeight: 0.02, classBalance: 0.3, meta });
  const stance = trainSoftmax(stanceData, { epochs: 25, learningRate: 0.4, l2: 1e-5, maxFeatures: 6_000, minWeight: 0.02, classBalance: 0.5, meta });
  const s1 = trainSoftmax(s1Data, { epochs: 25, learningRate: 0.4, l2: 1e-5, maxFeatures: 6_000, minWeight: 0.02, classBalance: 0.7, meta });
  return {
    format: 'vigie-nlp-model/1',
    narrative,
    stance,
    s1,
    blend: opts.blend ?? DEFAULT_BLEND,
    trainedOn: { examples: examples.length, extra: extra.length, catalogue: base.catalogue.version },
  };
}

/**
 * Choose the blend threshold and escalation threshold by k-fold cross-validation on the training examples only
 * (never on dev): maximise harmful F1 + narrative macro-F1 + S1 recall, with false alarms on hard negatives as a
 * penalty.
 */
export function tuneBlend(examples: readonly LabelledExample[], opts: TrainModelOptions & { folds?: number } = {}): { blend: BlendParams; score: number } {
  const k = opts.folds ?? 3;
  const folds = Array.from({ length: k }, (_, f) => examples.filter((_, i) => i % k === f));
  const preds: { e: LabelledExample; fold: number }[] = [];
  const models = folds.map((_, f) => train(examples.filter((_, i) => i % k !== f), [], opts));
  folds.forEach((fe, f) => fe.forEach((e) => preds.push({ e, fold: f })));
  let best = { blend: opts.blend ?? DEFAULT_BLEND, score: -Infinity };
  for (const threshold of [0.2, 0.25, 0.3, 0.35, 0.45]) {
    for (const s1Threshold of [0.25, 0.35, 0.5]) {
      for (const model of [0.8, 1.0]) {
        const blend: BlendParams = { ...(opts.blend ?? DEFAULT_BLEND), threshold, s1Threshold, model };
        const classifiers = models.map((m) => createClassifier(opts.catalogue, { ...m, blend }));
        const rep = evaluate(
          preds.map((p) => p.e),
          undefined,
          (e) => classifiers[preds.find((p) => p.e === e)!.fold]!,
        );
        const m = rep.overall;
        // False alarms bury S1 signals: every point above the 5 % target costs as much as five points of F1.
        const score = m.harmful.f1 + m.narrativeMacroF1 + (m.s1Recall ?? 0) - 5 * Math.max(0, (m.falseAlarmRate ?? 0) - 0.05);
        if (score > best.score) best = { blend, score };
      }
    }
  }
  return best;
}
