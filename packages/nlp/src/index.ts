/**
 * @vigie/nlp — the narrative classifier: catalogue, normalisation, matching, models, stance, severity, evaluation.
 */
export { CatalogueSchema, LexiconEntrySchema, NarrativeEntrySchema, MissionGazetteerSchema, LexiconLanguage } from './catalogue.schema.js';
export type { Catalogue, LexiconEntry, NarrativeEntry, MissionGazetteer, SourceEntry } from './catalogue.schema.js';
export { loadCatalogue, parseCatalogue, CatalogueError, DEFAULT_CATALOGUE_URL } from './catalogue.js';
export { normaliseText, tokenise, cleanText, normaliseArabic, foldLatin, squeezeElongation, deLeet, MAX_TEXT_CHARS } from './normaliser.js';
export type { Token, NormalisedText } from './normaliser.js';
export { LexiconMatcher } from './lexicon-matcher.js';
export type { Match, MatcherEntry } from './lexicon-matcher.js';
export { attributeMissions } from './mission-attribution.js';
export type { MissionAttribution } from './mission-attribution.js';
export { decideStance, sourceKind } from './stance.js';
export { decideSeverity, escalates } from './severity.js';
export { identifyLanguage } from './language-id.js';
export { createClassifier, compileCatalogue, loadModel, loadHateModel, DEFAULT_BLEND, NONE_CLASS } from './classifier.js';
export type { Classifier, ClassifyInput, ClassificationResult, ModelJson, BlendParams } from './classifier.js';
export { SoftmaxModel, trainSoftmax } from './logistic-regression.js';
export type { LinearModelJson } from './logistic-regression.js';
export { pickBlend, pickRescue, train, tuneBlend, TUNING_TIE } from './train.js';
export type { TrainModelOptions } from './train.js';
export { evaluate, formatEvaluation } from './evaluate.js';
export { evaluateOffTopic, formatOffTopic } from './off-topic.js';
export type { OffTopicItem, OffTopicReport, FlaggedItem } from './off-topic.js';
export type { EvaluationReport, Metrics } from './evaluate.js';
export { readLabelledJsonl, parseLabelledLine, LabelledExampleSchema, DEFAULT_TRAIN_URL, DEFAULT_DEV_URL, DEFAULT_GENERAL_NEWS_URL, DEFAULT_HOLDOUT_URL, DEFAULT_ARABIZI_URL } from './dataset.js';
export type { LabelledExample } from './dataset.js';
export { loadHateCorpora, trainHateLayer, evaluateHateLayer, formatHateEvaluation, DEFAULT_DATASETS_DIR } from './hate-layer.js';
export { classifyLine, classifyStream } from './cli-support.js';
export { CLASSIFIER_NODE_FLAGS, CLASSIFIER_PROCESS_ENV, classifierProcessLaunch, missingClassifierProcessSettings, tuneV8ForClassification } from './v8-tuning.js';
export { termPrecision } from './term-precision.js';
export type { TriageLabel, TermPrecision } from './term-precision.js';
export { CatalogueChange, CatalogueChanges, CatalogueChangeError, TermText, applyCatalogueChanges, describeChange } from './catalogue-patch.js';
export {
  loadBuiltinBundle,
  canonicalJson,
  partHash,
  bundleHash,
  identifyBundle,
  buildVersionedClassifier,
  BundleValidationError,
  figuresOf,
  activationProblems,
  bundleParts,
  bundleFromParts,
  hateModelIsCurrent,
  modelFormatProblem,
} from './classifier-bundle.js';
export type { ClassifierBundle, VersionedClassifier, VersionFigures, ActivationMargins } from './classifier-bundle.js';
export { decisionToExample, mergeTriageDecisions, textKey } from './triage-training.js';
export type { TriageDecision, MergedTrainingSet } from './triage-training.js';
export { warmUpClassifier, warmUpItems, warmUpSentences, DEFAULT_WARM_UP_ROUNDS } from './warm-up.js';
export type { WarmUpReport, WarmableClassifier } from './warm-up.js';
