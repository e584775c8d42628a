/**
 * Evaluation on labelled examples: harmful precision/recall/F1, S1 recall, narrative macro-F1, false-alarm rate on
 * hard negatives, stance accuracy and a confusion table — overall and per language.
 */
import { NARRATIVE_KEYS, type NarrativeKey } from '@vigie/contracts';
import { createClassifier, type ClassificationResult, type Classifier } from './classifier.js';
import type { LabelledExample } from './dataset.js';

export interface Metrics {
  readonly n: number;
  readonly harmful: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
  readonly s1Recall: number | null;
  readonly s1Support: number;
  /**
   * Of the items called S1, the share labelled S1: an S1 is an immediate escalation, so each false one costs an officer
   * an urgent check. Null when nothing was called S1.
   */
  readonly s1Precision: number | null;
  /** Items called S1. */
  readonly s1Predicted: number;
  readonly narrativeMacroF1: number;
  readonly perNarrativeF1: Partial<Record<NarrativeKey, number>>;
  readonly falseAlarmRate: number | null;
  readonly hardNegatives: number;
  readonly stanceAccuracy: number;
  readonly severityAccuracy: number;
  readonly missionAccuracy: number;
}

export interface EvaluationReport {
  readonly overall: Metrics;
  readonly byLanguage: Record<string, Metrics>;
  /**
   * By batch (the id without its number: `ho-a`, `ho-e`), when the set holds several: the held-out set's batches come
   * from different writers and were read to different extents (data/README.md), so each is followed on its own.
   */
  readonly byBatch: Record<string, Metrics>;
  /** confusion[gold][predicted] over top narratives (`none` for null). */
  readonly confusion: Record<string, Record<string, number>>;
  readonly classifierVersion: string;
  /** Items whose harmful decision was wrong, for error analysis. */
  readonly errors: { id: string; gold: string; predicted: string }[];
}

const safe = (a: number, b: number): number => (b === 0 ? 0 : a / b);
/** F-beta of a precision and a recall (recall weighs beta² times as much as precision); 0 when both are 0. */
export const fBeta = (p: number, r: number, beta: number): number => (p + r === 0 ? 0 : ((1 + beta * beta) * p * r) / (beta * beta * p + r));
const f1 = (p: number, r: number): number => fBeta(p, r, 1);

function metrics(pairs: readonly { e: LabelledExample; r: ClassificationResult }[]): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let s1 = 0;
  let s1hit = 0;
  let s1called = 0;
  let hn = 0;
  let hnFalse = 0;
  let stanceOk = 0;
  let sevOk = 0;
  let missionOk = 0;
  const perKey = new Map<NarrativeKey, { tp: number; fp: number; fn: number }>();
  for (const k of NARRATIVE_KEYS) perKey.set(k, { tp: 0, fp: 0, fn: 0 });
  for (const { e, r } of pairs) {
    if (e.harmful && r.harmful) tp++;
    else if (!e.harmful && r.harmful) fp++;
    else if (e.harmful && !r.harmful) fn++;
    if (e.severity === 'S1') {
      s1++;
      if (r.severity === 'S1') s1hit++;
    }
    if (r.severity === 'S1') s1called++;
    if (e.hardNegative) {
      hn++;
      if (r.harmful) hnFalse++;
    }
    if (e.stance === r.stance) stanceOk++;
    if (e.severity === r.severity) sevOk++;
    if ([...e.missions].sort().join() === [...r.missions].sort().join()) missionOk++;
    if (e.topNarrative === r.topNarrative) {
      if (e.topNarrative) perKey.get(e.topNarrative)!.tp++;
    } else {
      if (e.topNarrative) perKey.get(e.topNarrative)!.fn++;
      if (r.topNarrative) perKey.get(r.topNarrative)!.fp++;
    }
  }
  const perNarrativeF1: Partial<Record<NarrativeKey, number>> = {};
  const f1s: number[] = [];
  for (const [k, c] of perKey) {
    // Macro-F1 over the keys present in the gold labels of this slice.
    if (c.tp + c.fn === 0) continue;
    const v = f1(safe(c.tp, c.tp + c.fp), safe(c.tp, c.tp + c.fn));
    perNarrativeF1[k] = round(v);
    f1s.push(v);
  }
  const precision = safe(tp, tp + fp);
  const recall = safe(tp, tp + fn);
  return {
    n: pairs.length,
    harmful: { precision: round(precision), recall: round(recall), f1: round(f1(precision, recall)), tp, fp, fn },
    s1Recall: s1 ? round(s1hit / s1) : null,
    s1Support: s1,
    s1Precision: s1called ? round(s1hit / s1called) : null,
    s1Predicted: s1called,
    narrativeMacroF1: round(f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0),
    perNarrativeF1,
    falseAlarmRate: hn ? round(hnFalse / hn) : null,
    hardNegatives: hn,
    stanceAccuracy: round(safe(stanceOk, pairs.length)),
    severityAccuracy: round(safe(sevOk, pairs.length)),
    missionAccuracy: round(safe(missionOk, pairs.length)),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Classify every example and compute the metrics. Uses the shipped classifier unless one is given. */
export function evaluate(
  examples: readonly LabelledExample[],
  classifier?: Classifier,
  /** Per-example classifier (cross-validation); overrides `classifier`. */
  pick?: (e: LabelledExample) => Classifier,
): EvaluationReport {
  const fixed = pick ? null : (classifier ?? createClassifier());
  const pairs = examples.map((e) => ({ e, r: (pick ? pick(e) : fixed!).classify({ id: e.id, text: e.text, language: e.language, ...(e.title ? { title: e.title } : {}), ...(e.url ? { url: e.url } : {}), ...(e.source ? { source: e.source } : {}) }) }));
  const byLanguage: Record<string, Metrics> = {};
  const langs = [...new Set(examples.map((e) => e.language))].sort();
  for (const l of langs) byLanguage[l] = metrics(pairs.filter((p) => p.e.language === l));
  const confusion: Record<string, Record<string, number>> = {};
  for (const { e, r } of pairs) {
    const g = e.topNarrative ?? 'none';
    const p = r.topNarrative ?? 'none';
    confusion[g] ??= {};
    confusion[g][p] = (confusion[g][p] ?? 0) + 1;
  }
  const batchOf = (id: string): string => id.replace(/-\d+$/, '');
  const batches = [...new Set(examples.map((e) => batchOf(e.id)))].sort();
  const byBatch: Record<string, Metrics> = {};
  if (batches.length > 1) for (const b of batches) byBatch[b] = metrics(pairs.filter((p) => batchOf(p.e.id) === b));
  const errors = pairs
    .filter(({ e, r }) => e.harmful !== r.harmful || (e.severity === 'S1') !== (r.severity === 'S1'))
    .map(({ e, r }) => ({ id: e.id, gold: `${e.topNarrative}/${e.stance}/${e.severity}/${e.harmful}`, predicted: `${r.topNarrative}/${r.stance}/${r.severity}/${r.harmful}` }));
  return { overall: metrics(pairs), byLanguage, byBatch, confusion, classifierVersion: fixed?.version ?? 'cross-validation', errors };
}

const pct = (x: number | null): string => (x === null ? '—' : x.toFixed(3));

/** Render a report as markdown tables (what `vigie eval` prints). */
export function formatEvaluation(rep: EvaluationReport, targets = true): string {
  const rows = [['all', rep.overall] as const, ...Object.entries(rep.byLanguage), ...Object.entries(rep.byBatch).map(([b, m]) => [`batch ${b}`, m] as const)];
  const lines = [
    `classifier ${rep.classifierVersion}`,
    '',
    '| slice | n | harmful P | harmful R | harmful F1 | S1 recall (n) | S1 precision (called) | narrative macro-F1 | false alarms (hard neg.) | stance acc. | severity acc. | missions acc. |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ([name, m]) =>
        `| ${name} | ${m.n} | ${pct(m.harmful.precision)} | ${pct(m.harmful.recall)} | ${pct(m.harmful.f1)} | ${pct(m.s1Recall)} (${m.s1Support}) | ${pct(m.s1Precision)} (${m.s1Predicted}) | ${pct(m.narrativeMacroF1)} | ${pct(m.falseAlarmRate)} (${m.hardNegatives}) | ${pct(m.stanceAccuracy)} | ${pct(m.severityAccuracy)} | ${pct(m.missionAccuracy)} |`,
    ),
  ];
  if (targets) lines.push('', 'targets: harmful F1 ≥ 0.85 · S1 recall ≥ 0.95 · narrative macro-F1 ≥ 0.75 · false alarms ≤ 0.05');
  const keys = [...new Set([...Object.keys(rep.confusion), ...Object.values(rep.confusion).flatMap((r) => Object.keys(r))])].sort();
  const abbrev = (k: string): string => k.split('_').map((w) => w.slice(0, 4)).join('_');
  lines.push('', 'confusion (rows gold top narrative, columns predicted):', '', `| gold \\ pred | ${keys.map(abbrev).join(' | ')} |`, `|---|${keys.map(() => '---').join('|')}|`);
  for (const g of keys) lines.push(`| ${abbrev(g)} | ${keys.map((p) => rep.confusion[g]?.[p] ?? '·').join(' | ')} |`);
  return lines.join('\n');
}
