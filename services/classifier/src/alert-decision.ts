import type { Classification, MissionCode, NarrativeKey, Severity } from '@vigie/contracts';

export interface AlertEvidencePlan {
  readonly mission: MissionCode;
  readonly narrative: NarrativeKey;
  readonly severity: Severity;
  readonly score: number;
  /** For S1 items with a concrete target: it gets its own alert per target. */
  readonly target: string | null;
}

/**
 * Which alerts an item feeds — pure. Only harmful items attributed to a mission count; `failure_to_protect`
 * criticism is never harmful (it is trended, not alerted), and a low-confidence top narrative is not evidence.
 */
export function planAlertEvidence(result: Classification, minScore: number): AlertEvidencePlan[] {
  if (!result.harmful || !result.topNarrative || !result.severity || result.missions.length === 0) return [];
  const score = result.narratives.find((n) => n.key === result.topNarrative)?.score ?? 0;
  if (score < minScore) return [];
  const rawTarget = result.explanation['target'];
  const target = result.severity === 'S1' && typeof rawTarget === 'string' && rawTarget.trim() ? rawTarget.trim() : null;
  return result.missions.map((mission) => ({ mission, narrative: result.topNarrative!, severity: result.severity!, score, target }));
}
