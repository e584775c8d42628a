/**
 * Training the narrative and stance models from labelled examples (the repo's train.jsonl plus triage labels).
 * Pure apart from CPU: returns the model JSON; the CLI writes it to data/model.json.
 */
import type { Catalogue } from './catalogue.schema.js';
import { createClassifier, DEFAULT_BLEND, MODEL_FORMAT, NONE_CLASS, type BlendParams, type ModelJson } from './classifier.js';
import type { LabelledExample } from './dataset.js';
import { evaluate, fBeta, type Metrics } from './evaluate.js';
import { trainSoftmax, type LabelledVector, type TrainOptions } from './logistic-regression.js';

export interface TrainModelOptions {
  readonly catalogue?: Catalogue;
  readonly blend?: BlendParams;
  /** Weight of each extra (triage) example relative to a base example. Default 1. */
  readonly extraWeight?: number;
}

/** The four heads trained from labelled examples, in the order {@link ModelJson} lists them. */
export const TRAINED_HEADS = ['narrative', 'stance', 's1', 'harm'] as const;
export type TrainedHead = (typeof TRAINED_HEADS)[number];

/** What one head is trained on: its vectors and labels, and the settings given to {@link trainSoftmax}. */
export interface HeadTrainingSet {
  readonly data: readonly LabelledVector[];
  readonly options: TrainOptions;
}

/**
 * The training sets of the four heads: each example analysed once by a classifier without models (so its vector is
 * what scoring will extract), labelled per head. Exported so a test can check the shipped model against them
 * (`meta.inputs`, see {@link trainingInputHash}).
 */
export function trainingSets(examples: readonly LabelledExample[], extra: readonly LabelledExample[] = [], opts: TrainModelOptions = {}): { catalogueVersion: string; heads: Record<TrainedHead, HeadTrainingSet> } {
  const base = createClassifier(opts.catalogue, null, null);
  const all = [...examples.map((e) => ({ e, w: 1 })), ...extra.map((e) => ({ e, w: opts.extraWeight ?? 1 }))];
  const analysed = all.map(({ e, w }) => ({ e, w, x: base.analyse(e.title ? `${e.title}\n${e.text}` : e.text).features }));
  const meta = { catalogue: base.catalogue.version };
  // Learning rate 0.2 (was 0.4): same CV accuracy, smoother probabilities to blend and threshold. Four shuffles averaged:
  // with one, the figures depended on the shuffle's seed (held-out false alarms 0.024–0.042 over six seeds); averaged,
  // two seed bases gave 0.030 and 0.030 (data/README.md, "Sixth round").
  const common = { epochs: 25, learningRate: 0.2, l2: 1e-5, minWeight: 0.02, meta, shuffles: 4 } as const;
  return {
    catalogueVersion: base.catalogue.version,
    heads: {
      narrative: { data: analysed.map(({ e, w, x }) => ({ x, y: e.topNarrative ?? NONE_CLASS, weight: w })), options: { ...common, maxFeatures: 12_000, classBalance: 0.3 } },
      stance: {
        data: analysed.filter(({ e }) => e.topNarrative !== null && e.stance !== 'none').map(({ e, w, x }) => ({ x, y: e.stance, weight: w })),
        options: { ...common, maxFeatures: 6_000, classBalance: 0.5 },
      },
      s1: { data: analysed.map(({ e, w, x }) => ({ x, y: e.severity === 'S1' ? 'S1' : 'other', weight: w })), options: { ...common, maxFeatures: 6_000, classBalance: 0.7 } },
      harm: { data: analysed.map(({ e, w, x }) => ({ x, y: e.harmful ? 'harmful' : 'other', weight: w })), options: { ...common, maxFeatures: 6_000, classBalance: 0.5 } },
    },
  };
}

/**
 * Train the narrative model (classes: narrative keys + `__none__`) and the stance model (endorse / counter /
 * report, over items with a narrative). `extra` are officers' triage labels in the same shape.
 */
export function train(examples: readonly LabelledExample[], extra: readonly LabelledExample[] = [], opts: TrainModelOptions = {}): ModelJson {
  const { catalogueVersion, heads } = trainingSets(examples, extra, opts);
  const trainHead = (head: TrainedHead) => trainSoftmax(heads[head].data, heads[head].options);
  return {
    format: MODEL_FORMAT,
    narrative: trainHead('narrative'),
    stance: trainHead('stance'),
    s1: trainHead('s1'),
    harm: trainHead('harm'),
    blend: opts.blend ?? DEFAULT_BLEND,
    trainedOn: { examples: examples.length, extra: extra.length, catalogue: catalogueVersion },
  };
}

/**
 * Cost of each point of false alarms above 5 % in the tuning objective. 3 let the recall-first blend settle at 13 %
 * false alarms on dev; at 6 the 5 % target acts almost as a constraint (train CV: FA 0.083 → 0.043 for 0.035 of
 * harmful recall, S1 recall unchanged).
 */
const FA_PENALTY = 6;

/**
 * The S1 term of the tuning objective: F2 of S1 (recall counts four times as much as precision). With recall alone,
 * escalation thresholds of equal recall tied and the lowest won: at 0.15, 0.25 and 0.4 dev S1 recall was the same
 * 0.966 while S1 precision went 0.55, 0.64, 0.70 — one false escalation in two. F2 keeps recall first and breaks
 * such ties toward fewer false escalations.
 */
function s1F2(m: Metrics): number {
  return fBeta(m.s1Precision ?? 0, m.s1Recall ?? 0, 2);
}

/**
 * How close to the best cross-validation score a blend must be to count as a tie. Measured on the 2,840 training items:
 * S1 thresholds of 0.25, 0.3 and 0.4 scored within 0.005 of each other (about three S1 items of 382 either way), and
 * which of them won flipped with any small change of data or catalogue — while on dev 0.25 called 75 items S1 against
 * 71 at 0.4 for the same recall.
 */
export const TUNING_TIE = 0.005;

/** A blend and its cross-validation score. */
type ScoredBlend = { blend: BlendParams; score: number };

/**
 * The blend to keep from the scored grid: among those within {@link TUNING_TIE} of the best score, the highest S1
 * threshold (the fewest escalations), then the best score, then the first tried. Cross-validation on a few thousand
 * items cannot tell such blends apart, and a false S1 costs an officer an urgent check.
 */
export function pickBlend(scored: readonly ScoredBlend[]): ScoredBlend {
  return pickNearTie(scored, (b) => b.s1Threshold ?? 0.5, 'pickBlend');
}

/**
 * Among the blends within {@link TUNING_TIE} of the best score, the one `strictness` ranks highest, then the best
 * score, then the first tried.
 */
function pickNearTie(scored: readonly ScoredBlend[], strictness: (b: BlendParams) => number, caller: string): ScoredBlend {
  const best = Math.max(...scored.map((c) => c.score));
  let pick: ScoredBlend | undefined;
  for (const c of scored) {
    if (c.score < best - TUNING_TIE) continue;
    const s = strictness(c.blend);
    const p = pick ? strictness(pick.blend) : 0;
    if (!pick || s > p || (s === p && c.score > pick.score)) pick = c;
  }
  if (!pick) throw new Error(`${caller} needs at least one scored blend`);
  return pick;
}

/**
 * The model rescue's grid (`modelRescue`, classifier.ts), tried on the blend {@link pickBlend} keeps. On the 552 items
 * of the twenty-third session's five batches, read by the model before them (7,764 items): off, S1 recall 120/203 and
 * false alarms 11/240; at 0.6, 126 and 12; at 0.5, 131 and 15; at 0.4, 136 and 16 — the false ones are road closures,
 * clean-ups and a football match with a day and an hour. Dev did not move at any of them.
 */
export const MODEL_RESCUES = [0.6, 0.5] as const;

/**
 * The model rescue to keep: among the scores within {@link TUNING_TIE} of the best, no rescue, then the highest
 * p(S1) it asks for (the fewest escalations on the escalation model alone), then the best score.
 */
export function pickRescue(scored: readonly ScoredBlend[]): ScoredBlend {
  return pickNearTie(scored, (b) => b.modelRescue ?? Number.POSITIVE_INFINITY, 'pickRescue');
}

/** The model-only gate's grid: no "off" (see {@link tuneBlend}). */
export const MODEL_ONLY_GATES = [0.45, 0.5, 0.55] as const;

/**
 * Choose the blend parameters by k-fold cross-validation on the training examples only (never on dev). Recall
 * first: the objective is harmful recall + S1 F2 ({@link s1F2}) + harmful F1, and every point of false alarms on
 * hard negatives above the 5 % target costs {@link FA_PENALTY} points. The grid includes the model-only endorsement
 * gate (`modelOnlyHarm`), which is always on: cross-validation on train cannot see what it is for. On the 4,611 items
 * the tuning turned it off (cross-validated at the chosen blend, against a gate at 0.5: harmful recall 0.760 → 0.785,
 * false alarms 0.036 → 0.047), and the model then called a WordPress podcast with no UN in it an S1 incitement on the
 * recorded feeds, on the strength of the model alone. The failure-to-protect guard (0.7) and the call-to-act rescue
 * (0.4) are fixed. Near-ties go to the higher S1 threshold ({@link pickBlend}). The model rescue is then tried on the
 * blend kept ({@link MODEL_RESCUES}), near-ties going to no rescue ({@link pickRescue}).
 */
export function tuneBlend(examples: readonly LabelledExample[], opts: TrainModelOptions & { folds?: number } = {}): ScoredBlend {
  const k = opts.folds ?? 3;
  const models = Array.from({ length: k }, (_, f) => train(examples.filter((_, i) => i % k !== f), [], opts));
  const fold = new Map(examples.map((e, i) => [e, i % k]));
  const scoreOf = (blend: BlendParams): number => {
    const classifiers = models.map((m) => createClassifier(opts.catalogue, { ...m, blend }));
    const m = evaluate(examples, undefined, (e) => classifiers[fold.get(e)!]!).overall;
    return m.harmful.recall + s1F2(m) + m.harmful.f1 - FA_PENALTY * Math.max(0, (m.falseAlarmRate ?? 0) - 0.05);
  };
  // The rescue is tried after the grid, on the blend it keeps.
  const { modelRescue: _previousRescue, ...startBlend } = opts.blend ?? DEFAULT_BLEND;
  const scored: ScoredBlend[] = [];
  for (const threshold of [0.45, 0.5, 0.6]) {
    for (const harmPresence of [0.6, 0.75, 2]) {
      for (const s1Threshold of [0.15, 0.25, 0.3, 0.4]) {
        for (const modelOnlyHarm of MODEL_ONLY_GATES) {
          const blend: BlendParams = {
            ...startBlend,
            pairwise: true,
            threshold,
            s1Threshold,
            harmStance: 1,
            ftpGuard: 0.7,
            callRescue: 0.4,
            ...(harmPresence <= 1 ? { harmPresence } : {}),
            modelOnlyHarm,
          };
          scored.push({ blend, score: scoreOf(blend) });
        }
      }
    }
  }
  const base = pickBlend(scored);
  const rescues = MODEL_RESCUES.map((modelRescue) => ({ ...base.blend, modelRescue }));
  return pickRescue([base, ...rescues.map((blend) => ({ blend, score: scoreOf(blend) }))]);
}
