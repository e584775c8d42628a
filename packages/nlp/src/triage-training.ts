/**
 * Officers' triage decisions as training examples. Pure: the database read lives in @vigie/db, training in
 * train.ts; this only decides what each decision teaches and how it merges with the base set.
 */
import { NARRATIVE_KEYS, type NarrativeKey, type Severity, type Stance } from '@vigie/contracts';
import type { LabelledExample } from './dataset.js';

/** One triage label joined to its item's text and stored classification. */
export interface TriageDecision {
  readonly itemId: string;
  readonly verdict: 'true_positive' | 'false_positive';
  /** The corrected narrative (null/undefined: keep the classifier's, or none for a false positive). */
  readonly narrative?: string | null;
  readonly stance?: string | null;
  /** When the decision was made: the latest decision on an item wins. */
  readonly at: Date;
  readonly text: string;
  readonly title?: string | null;
  readonly language?: string | null;
  readonly classification?: { topNarrative?: string | null; severity?: string | null; missions?: readonly string[] } | null;
}

const STANCES = new Set(['endorse', 'counter', 'report', 'none']);
const NOT_HARMFUL = new Set<string>(['failure_to_protect', 'sexual_exploitation_abuse']);
const narrativeOf = (v: string | null | undefined): NarrativeKey | null => ((NARRATIVE_KEYS as readonly string[]).includes(v ?? '') ? (v as NarrativeKey) : null);
const severityOf = (v: string | null | undefined): Severity | null => (v === 'S1' || v === 'S2' || v === 'S3' || v === 'S4' ? v : null);

/**
 * What one decision teaches:
 * - false positive (a dismissal or "not harmful"): a negative — not harmful, no severity; the corrected narrative,
 *   when given, is kept (criticism is still `failure_to_protect`), with `report` stance unless one was given;
 * - true positive: harmful, with the corrected narrative or else the classifier's, `endorse` unless corrected, and
 *   the classifier's severity (S3 when it had none). Null when nothing can be learned (no narrative at all).
 */
export function decisionToExample(d: TriageDecision): LabelledExample | null {
  const text = d.text?.trim() ?? '';
  if (!text) return null;
  const stanceHint = d.stance && STANCES.has(d.stance) ? (d.stance as Stance) : null;
  const missions = (d.classification?.missions ?? []) as LabelledExample['missions'];
  const common = { id: `triage:${d.itemId}`, text, language: d.language || 'und', missions, hardNegative: null, ...(d.title ? { title: d.title } : {}) };
  if (d.verdict === 'false_positive') {
    const top = narrativeOf(d.narrative);
    return { ...common, narratives: top ? [top] : [], topNarrative: top, stance: top ? (stanceHint ?? 'report') : 'none', harmful: false, severity: null };
  }
  const top = narrativeOf(d.narrative) ?? narrativeOf(d.classification?.topNarrative);
  if (!top) return null;
  const stance = stanceHint ?? 'endorse';
  const severity = severityOf(d.classification?.severity) ?? 'S3';
  const harmful = stance === 'endorse' && !NOT_HARMFUL.has(top) && severity !== 'S4';
  return { ...common, narratives: [top], topNarrative: top, stance, harmful, severity: harmful ? severity : stance === 'endorse' ? severity : null };
}

/** Whitespace- and case-insensitive text key: how a base example and a stored item are recognised as the same text. */
export function textKey(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface MergedTrainingSet {
  /** Base examples not overridden by a decision. */
  readonly base: LabelledExample[];
  /** One example per labelled item (latest decision wins). */
  readonly extra: LabelledExample[];
  readonly stats: { decisions: number; items: number; overridden: number; skipped: number; truePositives: number; falsePositives: number };
}

/**
 * Merge triage decisions into the base training set. Several officers may have judged one item: the latest
 * decision wins. A decision overrides a base example with the same text (the officer saw the real item), so an
 * item is never learned twice with contradictory labels.
 */
export function mergeTriageDecisions(base: readonly LabelledExample[], decisions: readonly TriageDecision[]): MergedTrainingSet {
  const latest = new Map<string, TriageDecision>();
  for (const d of decisions) {
    const prev = latest.get(d.itemId);
    if (!prev || d.at.getTime() >= prev.at.getTime()) latest.set(d.itemId, d);
  }
  const extra: LabelledExample[] = [];
  let skipped = 0;
  let tp = 0;
  let fp = 0;
  for (const d of latest.values()) {
    const e = decisionToExample(d);
    if (!e) {
      skipped++;
      continue;
    }
    if (d.verdict === 'true_positive') tp++;
    else fp++;
    extra.push(e);
  }
  const labelled = new Set(extra.map((e) => textKey(e.title ? `${e.title}\n${e.text}` : e.text)).concat(extra.map((e) => textKey(e.text))));
  const kept = base.filter((e) => !labelled.has(textKey(e.text)) && !labelled.has(textKey(e.title ? `${e.title}\n${e.text}` : e.text)));
  return { base: kept, extra, stats: { decisions: decisions.length, items: latest.size, overridden: base.length - kept.length, skipped, truePositives: tp, falsePositives: fp } };
}
