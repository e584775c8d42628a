import { describe, expect, it } from 'vitest';
import { outcomeChanged } from './reclassify.processor.js';

describe('outcomeChanged', () => {
  const base = { topNarrative: 'collusion_armed_groups', harmful: true, severity: 'S2', missions: ['MONUSCO', 'MINUSCA'] };
  it('ignores mission order and missing-vs-null', () => {
    expect(outcomeChanged(base, { ...base, missions: ['MINUSCA', 'MONUSCO'] })).toBe(false);
    expect(outcomeChanged({ topNarrative: null }, { topNarrative: undefined, harmful: null, severity: null, missions: [] })).toBe(false);
  });
  it('sees a change of narrative, harm, severity or missions', () => {
    expect(outcomeChanged(base, { ...base, topNarrative: 'failure_to_protect' })).toBe(true);
    expect(outcomeChanged(base, { ...base, harmful: false })).toBe(true);
    expect(outcomeChanged(base, { ...base, severity: 'S1' })).toBe(true);
    expect(outcomeChanged(base, { ...base, missions: ['MONUSCO'] })).toBe(true);
  });
});
