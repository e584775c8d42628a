import { describe, expect, it } from 'vitest';
import type { LabelledExample } from './dataset.js';
import { decisionToExample, mergeTriageDecisions, type TriageDecision } from './triage-training.js';

const baseExample = (id: string, text: string): LabelledExample => ({ id, text, language: 'fr', missions: [], narratives: [], topNarrative: null, stance: 'none', harmful: false, severity: null, hardNegative: null });
const decision = (over: Partial<TriageDecision>): TriageDecision => ({
  itemId: 'a'.repeat(24),
  verdict: 'true_positive',
  at: new Date('2026-11-20T10:00:00Z'),
  text: 'La MONUSCO arme le M23.',
  language: 'fr',
  classification: { topNarrative: 'collusion_armed_groups', severity: 'S2', missions: ['MONUSCO'] },
  ...over,
});

describe('decisionToExample', () => {
  it('a true positive is a harmful endorsement of the classifier’s narrative and severity', () => {
    expect(decisionToExample(decision({}))).toMatchObject({ id: `triage:${'a'.repeat(24)}`, topNarrative: 'collusion_armed_groups', stance: 'endorse', harmful: true, severity: 'S2', missions: ['MONUSCO'] });
  });
  it('a corrected narrative and stance win over the classifier’s', () => {
    expect(decisionToExample(decision({ narrative: 'failure_to_protect', stance: 'endorse' }))).toMatchObject({ topNarrative: 'failure_to_protect', harmful: false });
    expect(decisionToExample(decision({ stance: 'counter' }))).toMatchObject({ stance: 'counter', harmful: false, severity: null });
  });
  it('a false positive (dismissal) is a negative', () => {
    expect(decisionToExample(decision({ verdict: 'false_positive' }))).toMatchObject({ topNarrative: null, stance: 'none', harmful: false, severity: null });
    expect(decisionToExample(decision({ verdict: 'false_positive', narrative: 'failure_to_protect' }))).toMatchObject({ topNarrative: 'failure_to_protect', stance: 'report', harmful: false });
  });
  it('nothing to learn: empty text, or a true positive without any narrative; unknown values are ignored', () => {
    expect(decisionToExample(decision({ text: '   ' }))).toBeNull();
    expect(decisionToExample(decision({ classification: null }))).toBeNull();
    expect(decisionToExample(decision({ narrative: '$where', stance: 'bogus' }))).toMatchObject({ topNarrative: 'collusion_armed_groups', stance: 'endorse' });
  });
});

describe('mergeTriageDecisions', () => {
  it('latest decision per item wins, and overrides a base example with the same text', () => {
    const base = [baseExample('b1', 'La  MONUSCO arme le M23.'), baseExample('b2', 'Texte sans rapport.')];
    const merged = mergeTriageDecisions(base, [
      decision({ verdict: 'false_positive', at: new Date('2026-11-21T00:00:00Z') }),
      decision({ verdict: 'true_positive', at: new Date('2026-11-20T00:00:00Z') }),
      decision({ itemId: 'b'.repeat(24), text: '', at: new Date() }),
    ]);
    expect(merged.base.map((e) => e.id)).toEqual(['b2']);
    expect(merged.extra).toHaveLength(1);
    expect(merged.extra[0]).toMatchObject({ harmful: false, topNarrative: null });
    expect(merged.stats).toEqual({ decisions: 3, items: 2, overridden: 1, skipped: 1, truePositives: 0, falsePositives: 1 });
  });
});
