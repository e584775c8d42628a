import { describe, expect, it } from 'vitest';
import type { Classification } from '@vigie/contracts';
import { termPrecision } from './term-precision.js';

const cls = (terms: string[]): Classification => ({
  language: 'fr', missions: [], narratives: [], topNarrative: null, stance: 'none', harmful: true, severity: null, classifierVersion: 'x',
  explanation: { matchedTerms: terms.map((t) => ({ term: t, narrative: 'collusion_armed_groups', language: 'fr', weight: 1 })), missionEvidence: [], notes: [] },
});

describe('termPrecision', () => {
  it('counts true and false positives per term, worst first', () => {
    const report = termPrecision(
      [{ itemId: '1', verdict: 'true_positive' }, { itemId: '2', verdict: 'false_positive' }, { itemId: '3', verdict: 'false_positive' }, { itemId: 'missing', verdict: 'true_positive' }],
      { '1': cls(['complices', 'arment les rebelles']), '2': cls(['complices']), '3': cls(['complices', 'complices']) },
    );
    expect(report[0]).toMatchObject({ term: 'complices', truePositives: 1, falsePositives: 2, precision: 0.333 });
    expect(report[1]).toMatchObject({ term: 'arment les rebelles', truePositives: 1, falsePositives: 0, precision: 1 });
  });
});
