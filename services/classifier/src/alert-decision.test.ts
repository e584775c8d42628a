import { describe, expect, it } from 'vitest';
import type { Classification } from '@vigie/contracts';
import { planAlertEvidence } from './alert-decision.js';

function makeClassification(overrides: Partial<Classification> = {}): Classification {
  return {
    language: 'fr',
    missions: ['MONUSCO'],
    narratives: [{ key: 'collusion_armed_groups', score: 0.9 }],
    topNarrative: 'collusion_armed_groups',
    stance: 'endorse',
    harmful: true,
    severity: 'S2',
    classifierVersion: 'test',
    explanation: { matchedTerms: [], missionEvidence: [], notes: [] },
    ...overrides,
  };
}

describe('planAlertEvidence', () => {
  it('feeds one alert per mission for a harmful item', () => {
    const plan = planAlertEvidence(makeClassification({ missions: ['MONUSCO', 'MINUSCA'] }), 0.5);
    expect(plan.map((p) => p.mission)).toEqual(['MONUSCO', 'MINUSCA']);
    expect(plan[0]).toMatchObject({ narrative: 'collusion_armed_groups', severity: 'S2', score: 0.9, target: null });
  });

  it('ignores non-harmful, unattributed and low-confidence items', () => {
    expect(planAlertEvidence(makeClassification({ harmful: false, stance: 'counter' }), 0.5)).toEqual([]);
    expect(planAlertEvidence(makeClassification({ missions: [] }), 0.5)).toEqual([]);
    expect(planAlertEvidence(makeClassification({ narratives: [{ key: 'collusion_armed_groups', score: 0.3 }] }), 0.5)).toEqual([]);
  });

  it('keys S1 items by their target', () => {
    const plan = planAlertEvidence(
      makeClassification({
        severity: 'S1',
        topNarrative: 'incitement_violence',
        narratives: [{ key: 'incitement_violence', score: 0.95 }],
        explanation: { matchedTerms: [], missionEvidence: [], notes: [], target: 'base de Munigi' },
      }),
      0.5,
    );
    expect(plan[0]?.target).toBe('base de Munigi');
  });
});
