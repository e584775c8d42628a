/**
 * Per-term precision from officers' triage decisions, so terms that mostly fire on false positives can be
 * dropped or down-weighted in the catalogue. Pure function: the lead stores labels; this only counts.
 */
import type { Classification } from '@vigie/contracts';

/** An officer's decision on one classified item. */
export interface TriageLabel {
  readonly itemId: string;
  /** true positive (the alert was right) or false positive. */
  readonly verdict: 'true_positive' | 'false_positive';
}

export interface TermPrecision {
  readonly term: string;
  readonly narrative: string;
  readonly language: string;
  readonly truePositives: number;
  readonly falsePositives: number;
  /** tp / (tp + fp); null without decisions. */
  readonly precision: number | null;
}

/**
 * Join labels with the classifications they judged (by item id) and count, per matched term, how often the item
 * was a true or false positive. Sorted by ascending precision, then by volume, so the worst terms come first.
 */
export function termPrecision(labels: readonly TriageLabel[], classifications: ReadonlyMap<string, Classification> | Readonly<Record<string, Classification>>): TermPrecision[] {
  const get = (id: string): Classification | undefined => (classifications instanceof Map ? classifications.get(id) : (classifications as Record<string, Classification>)[id]);
  const acc = new Map<string, { term: string; narrative: string; language: string; tp: number; fp: number }>();
  for (const l of labels) {
    const c = get(l.itemId);
    if (!c) continue;
    const seen = new Set<string>();
    for (const m of c.explanation.matchedTerms) {
      const key = `${m.narrative}\u0000${m.language}\u0000${m.term}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const a = acc.get(key) ?? { term: m.term, narrative: m.narrative, language: m.language, tp: 0, fp: 0 };
      if (l.verdict === 'true_positive') a.tp++;
      else a.fp++;
      acc.set(key, a);
    }
  }
  return [...acc.values()]
    .map((a) => ({ term: a.term, narrative: a.narrative, language: a.language, truePositives: a.tp, falsePositives: a.fp, precision: a.tp + a.fp ? Math.round((a.tp / (a.tp + a.fp)) * 1000) / 1000 : null }))
    .sort((x, y) => (x.precision ?? 1) - (y.precision ?? 1) || y.truePositives + y.falsePositives - (x.truePositives + x.falsePositives) || x.term.localeCompare(y.term));
}
