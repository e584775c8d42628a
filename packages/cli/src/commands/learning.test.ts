import { describe, expect, it } from 'vitest';
import { formatFigures, formatTermPrecision, reclassifyOptionProblems } from './learning.js';

describe('vigie reclassify options', () => {
  it('accepts valid filters', () => {
    expect(reclassifyOptionProblems({ mission: ['MONUSCO'], since: '2026-11-01', narrative: 'espionage', wait: true })).toEqual([]);
  });
  it('lists every bad option with what to use instead', () => {
    const problems = reclassifyOptionProblems({ mission: ['ATLANTIS'], since: 'yesterday', narrative: '$where', run: 'abc', wait: true });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/--mission must be one of .*MONUSCO/);
    expect(problems[1]).toMatch(/ISO-8601/);
    expect(problems[2]).toMatch(/narrative key/);
    expect(problems[3]).toMatch(/24 hexadecimal/);
  });
});

describe('tables', () => {
  it('prints dev figures side by side, with a dash for missing ones', () => {
    const f = { harmfulF1: 0.888, harmfulPrecision: 0.9, harmfulRecall: 0.877, s1Recall: null, narrativeMacroF1: 0.757, falseAlarmRate: 0.088, n: 503 };
    const out = formatFigures([{ name: 'a (active)', f }, { name: 'b (new)', f: { ...f, harmfulF1: 0.9 } }]).split('\n');
    expect(out[2]).toBe('| a (active) | 0.900 | 0.877 | 0.888 | — | 0.757 | 0.088 |');
    expect(out[3]).toContain('| 0.900 | — |');
  });
  it('escapes pipes in terms', () => {
    expect(formatTermPrecision([{ term: 'a|b', narrative: 'espionage', language: 'fr', truePositives: 1, falsePositives: 3, precision: 0.25 }])).toContain('| 0.250 | 1 | 3 | espionage | fr | a\\|b |');
  });
});
