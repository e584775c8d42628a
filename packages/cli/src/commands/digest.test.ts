import { describe, expect, it } from 'vitest';
import { digestOptionProblems } from './digest.js';

describe('vigie digest options', () => {
  const now = new Date('2026-11-26T08:00:00Z');
  it('accepts a mission, a past ISO week, a format and a language', () => {
    expect(digestOptionProblems({ mission: 'MONUSCO', week: '2026-W48', format: 'md', lang: 'fr' }, now)).toEqual([]);
    expect(digestOptionProblems({ mission: 'ALL', format: 'json', lang: 'en' }, now)).toEqual([]);
  });
  it('lists every problem with bad input', () => {
    expect(digestOptionProblems({ mission: 'NOPE', week: '2026-W99', format: 'pdf', lang: 'de' }, now)).toHaveLength(4);
    expect(digestOptionProblems({ week: '2027-W10', format: 'md', lang: 'en' }, now)).toEqual(['--week must not be after 2026-W48']);
  });
});
