/**
 * A classifier version as data: catalogue + narrative model + hate model. The repo's files are the built-in base
 * version; edited catalogues and retrained models are stored in the database as bundles identified by a content
 * hash. Everything here is pure (apart from CPU) so the API, the classifier service and the CLI agree on it.
 */
import { createHash } from 'node:crypto';
import { parseCatalogue } from './catalogue.js';
import type { Catalogue } from './catalogue.schema.js';
import { createClassifier, loadHateModel, loadModel, MODEL_FORMAT, type Classifier, type ClassificationResult, type ClassifyInput, type ModelJson } from './classifier.js';
import { FEATURE_FORMAT } from './features.js';
import { loadCatalogue } from './catalogue.js';
import type { EvaluationReport } from './evaluate.js';
import type { LinearModelJson } from './logistic-regression.js';

export interface ClassifierBundle {
  readonly catalogue: Catalogue;
  /** null: lexicon-only. */
  readonly model: ModelJson | null;
  readonly hateModel: LinearModelJson | null;
}

/** The repo's catalogue and models (the built-in base version). */
export function loadBuiltinBundle(): ClassifierBundle {
  return { catalogue: loadCatalogue(), model: loadModel(), hateModel: loadHateModel() };
}

/** JSON with object keys sorted, so equal content always hashes the same whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** sha256 (hex) of one part's canonical JSON: blobs are stored under these hashes. */
export function partHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** The version's identity: a hash over the three parts' hashes. Same content, same id — on any machine. */
export function bundleHash(parts: { catalogue: string; model: string | null; hateModel: string | null }): string {
  return createHash('sha256').update(`vigie-bundle/1\n${parts.catalogue}\n${parts.model ?? '-'}\n${parts.hateModel ?? '-'}`).digest('hex');
}

/**
 * The `classifierVersion` string stored with every result produced by a stored version: the catalogue's
 * human-readable version plus 12 hex digits of the content hash (two edits that forget to bump the catalogue's
 * version still differ).
 */
export function versionLabel(catalogueVersion: string, hash: string): string {
  return `${catalogueVersion}+db.${hash.slice(0, 12)}`;
}

/** A stored version's identity from its parts' hashes: the `identify` step of @vigie/db's saveClassifierVersion. */
export function identifyBundle(bundle: ClassifierBundle): (hashes: { catalogue: string; model: string | null; hateModel: string | null }) => { hash: string; label: string } {
  return (hashes) => {
    const hash = bundleHash(hashes);
    return { hash, label: versionLabel(bundle.catalogue.version, hash) };
  };
}

/** Texts every version must classify without throwing, with sane output, before it may replace a working one. */
const SMOKE_INPUTS: readonly ClassifyInput[] = [
  { text: 'La MONUSCO arme les rebelles du M23, brûlons leur base de Munigi demain à 6h !', language: 'fr' },
  { text: 'MONUSCO peacekeepers delivered medical supplies to Goma hospital today.', language: 'en' },
  { text: 'قوات الأمم المتحدة في مالي', language: 'ar' },
  { text: '' },
];

export class BundleValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleValidationError';
  }
}

/** A classifier whose results carry `label` as their classifierVersion. */
export interface VersionedClassifier extends Classifier {
  readonly label: string;
}

/** Formats of models trained on the features of an earlier Vigie: /2 had no consonant-skeleton features. */
const OLDER_MODEL_FORMATS = new Set(['vigie-nlp-model/1', 'vigie-nlp-model/2']);

/**
 * What is wrong with a bundle's model files' formats, or null. Models trained on an older feature definition are
 * refused: their weights mean something else under today's features, and would score quietly wrong.
 */
export function modelFormatProblem(bundle: ClassifierBundle): string | null {
  const m = bundle.model as Partial<ModelJson> | null;
  const format = (m as { format?: unknown } | null)?.format;
  if (m !== null && typeof format === 'string' && OLDER_MODEL_FORMATS.has(format)) {
    return `model was trained on the features of an earlier Vigie (${format}, this one reads ${MODEL_FORMAT}): retrain it with \`vigie train --from-db\``;
  }
  if (m !== null && (m?.format !== MODEL_FORMAT || !m.narrative || !m.stance || !m.blend)) {
    return `model is not a ${MODEL_FORMAT} document (format, narrative, stance and blend are required): retrain it with \`vigie train\``;
  }
  if (!hateModelIsCurrent(bundle.hateModel)) {
    return `hate layer was trained on other features (${String(bundle.hateModel?.meta?.features ?? 'before vigie-features/2')}, this Vigie reads ${FEATURE_FORMAT}): retrain it with \`vigie train --hate\``;
  }
  return null;
}

/** Whether a hate layer (or its absence) can be used with today's features. */
export function hateModelIsCurrent(hateModel: LinearModelJson | null): boolean {
  return hateModel === null || hateModel?.meta?.features === FEATURE_FORMAT;
}

/**
 * Build a classifier from a bundle and check it fully: catalogue schema, model format, and a smoke run whose
 * results must be well-formed. Throws {@link BundleValidationError} saying what is wrong, so a broken version is
 * refused before it replaces a working one. `label` overrides the classifier's own version string.
 */
export function buildVersionedClassifier(bundle: ClassifierBundle, label?: string): VersionedClassifier {
  let catalogue: Catalogue;
  try {
    catalogue = parseCatalogue(bundle.catalogue);
  } catch (error) {
    throw new BundleValidationError(`catalogue does not validate: ${(error as Error).message}`);
  }
  const problem = modelFormatProblem(bundle);
  if (problem) throw new BundleValidationError(problem);
  let inner: Classifier;
  try {
    inner = createClassifier(catalogue, bundle.model, bundle.hateModel);
  } catch (error) {
    throw new BundleValidationError(`classifier cannot be built from this version: ${(error as Error).message}`);
  }
  for (const input of SMOKE_INPUTS) {
    let r: ClassificationResult;
    try {
      r = inner.classify(input);
    } catch (error) {
      throw new BundleValidationError(`classifier throws on a smoke-test text: ${(error as Error).message}`);
    }
    if (!Array.isArray(r.narratives) || r.narratives.some((n) => !(n.score >= 0 && n.score <= 1))) {
      throw new BundleValidationError('classifier returns scores outside [0,1] (NaN weights?): retrain the model');
    }
  }
  const finalLabel = label ?? inner.version;
  return {
    label: finalLabel,
    version: finalLabel,
    catalogue: inner.catalogue,
    classify: (input) => {
      const r = inner.classify(input);
      r.classifierVersion = finalLabel;
      return r;
    },
  };
}

/** The dev-set figures an activation is judged on, kept with each version. */
export interface VersionFigures {
  readonly harmfulF1: number;
  readonly harmfulPrecision: number;
  readonly harmfulRecall: number;
  readonly s1Recall: number | null;
  readonly narrativeMacroF1: number;
  readonly falseAlarmRate: number | null;
  readonly n: number;
}

export function figuresOf(report: EvaluationReport): VersionFigures {
  const o = report.overall;
  return {
    harmfulF1: o.harmful.f1,
    harmfulPrecision: o.harmful.precision,
    harmfulRecall: o.harmful.recall,
    s1Recall: o.s1Recall,
    narrativeMacroF1: o.narrativeMacroF1,
    falseAlarmRate: o.falseAlarmRate,
    n: o.n,
  };
}

/** How much worse than the active version a candidate may be on dev before activation is refused. */
export interface ActivationMargins {
  readonly harmfulF1: number;
  readonly s1Recall: number;
}

/**
 * The activation sanity check, pure: the problems (empty = fine) when the candidate's harmful F1 or S1 recall drops
 * by more than the margins below the active version's.
 */
export function activationProblems(candidate: VersionFigures, active: VersionFigures, margins: ActivationMargins): string[] {
  const problems: string[] = [];
  const drop = (a: number, b: number) => Math.round((a - b) * 1000) / 1000;
  if (drop(active.harmfulF1, candidate.harmfulF1) > margins.harmfulF1) {
    problems.push(`harmful F1 drops from ${active.harmfulF1} to ${candidate.harmfulF1} (more than ${margins.harmfulF1})`);
  }
  if (active.s1Recall !== null && candidate.s1Recall !== null && drop(active.s1Recall, candidate.s1Recall) > margins.s1Recall) {
    problems.push(`S1 recall drops from ${active.s1Recall} to ${candidate.s1Recall} (more than ${margins.s1Recall})`);
  }
  return problems;
}

/** A bundle's parts as canonical JSON text, ready to store content-addressed (their sha256 is {@link partHash}). */
export function bundleParts(bundle: ClassifierBundle): { catalogue: string; model: string | null; hateModel: string | null } {
  return { catalogue: canonicalJson(bundle.catalogue), model: bundle.model ? canonicalJson(bundle.model) : null, hateModel: bundle.hateModel ? canonicalJson(bundle.hateModel) : null };
}

/**
 * Parts read back from storage, as a bundle. Unvalidated on purpose: {@link buildVersionedClassifier} checks the
 * whole thing and refuses a broken version with a message.
 */
export function bundleFromParts(parts: { catalogue: unknown; model: unknown; hateModel: unknown }): ClassifierBundle {
  return { catalogue: parts.catalogue as Catalogue, model: (parts.model ?? null) as ModelJson | null, hateModel: (parts.hateModel ?? null) as LinearModelJson | null };
}
