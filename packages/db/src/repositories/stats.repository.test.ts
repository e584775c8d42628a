import { describe, expect, it } from 'vitest';
import { rankByStories, statsMatch, termsOf, totalsOf, MAX_TERMS_PER_ITEM, type StoryRow } from './stats.repository.js';

const row = (keys: string[], story: string | null, count = 1, duplicateOf: string | null = null): StoryRow => ({ keys, story, duplicateOf, count });

describe('rankByStories', () => {
  it('counts near-duplicates of one story once per key, but every item in `items`', () => {
    const rows = [row(['radio'], 's1', 3), row(['radio'], 's2'), row(['blog'], 's1'), row(['blog'], 's3'), row(['blog'], 's4')];
    expect(rankByStories(rows, 10).data).toEqual([
      { key: 'blog', stories: 3, items: 3 },
      { key: 'radio', stories: 2, items: 4 },
    ]);
  });

  it('splits array keys (terms) and counts a term once per item even if listed twice', () => {
    const rows = [row(['casques bleus', 'armes'], 's1', 2), row(['armes', 'armes'], 's2'), row([], 's3')];
    expect(rankByStories(rows, 10).data).toEqual([
      { key: 'armes', stories: 2, items: 3 },
      { key: 'casques bleus', stories: 1, items: 2 },
    ]);
  });

  it('falls back to the duplicate-of link, then to one story per item, for items without a story id', () => {
    const rows = [row(['radio'], null, 4), row(['radio'], null, 2, 'root1'), row(['radio'], 'root1')];
    // 4 originals (4 stories) + copies of root1 (1 story, shared with the row that has root1 as story).
    expect(rankByStories(rows, 10).data).toEqual([{ key: 'radio', stories: 5, items: 7 }]);
  });

  it('breaks ties by items then key, applies the limit and reports how many keys there were', () => {
    const rows = [row(['b'], 's1'), row(['a'], 's2'), row(['c'], 's3', 2)];
    const ranked = rankByStories(rows, 2);
    expect(ranked.data.map((d) => d.key)).toEqual(['c', 'a']);
    expect(ranked.keys).toBe(3);
    expect(rankByStories([], 5)).toEqual({ data: [], keys: 0 });
  });

  it('totals distinct stories and items over all rows', () => {
    expect(totalsOf([row(['a'], 's1', 2), row(['b'], 's1'), row(['c'], null, 3)])).toEqual({ stories: 4, items: 6 });
  });
});

describe('termsOf', () => {
  it('keeps distinct narrative, call-to-act and target terms, lower-cased, without counter-messaging cues', () => {
    const terms = termsOf({
      explanation: {
        matchedTerms: [
          { term: 'Complices', narrative: 'collusion_armed_groups', language: 'fr', weight: 1 },
          { term: 'complices', narrative: 'collusion_armed_groups', language: 'fr', weight: 1 },
          { term: 'brûlons', narrative: '_call_to_act', language: 'fr', weight: 1 },
          { term: 'fausse information', narrative: '_counter', language: 'fr', weight: 1 },
        ],
        missionEvidence: [],
        notes: [],
      },
    });
    expect(terms).toEqual(['complices', 'brûlons']);
  });

  it('caps the stored terms', () => {
    const matchedTerms = Array.from({ length: 80 }, (_, i) => ({ term: `t${i}`, narrative: 'espionage' as const, language: 'en', weight: 1 }));
    expect(termsOf({ explanation: { matchedTerms, missionEvidence: [], notes: [] } })).toHaveLength(MAX_TERMS_PER_ITEM);
  });
});

describe('statsMatch', () => {
  const from = new Date('2026-11-01T00:00:00Z');
  const to = new Date('2026-11-08T00:00:00Z');

  it('counts volume items (classified, with a narrative, not counter-messages) in the window and the missions', () => {
    expect(statsMatch({ missions: ['MONUSCO'], from, to })).toEqual({
      status: 'classified',
      topNarrative: { $ne: null },
      'classification.stance': { $ne: 'counter' },
      hour: { $gte: from, $lt: to },
      missions: { $in: ['MONUSCO'] },
    });
  });

  it('adds narrative, harmful and source filters only as operator arguments', () => {
    const m = statsMatch({ missions: null, narratives: ['espionage'], harmfulOnly: true, sourceIds: ['65f1a2b3c4d5e6f7a8b9c0d1'], from, to });
    expect(m.topNarrative).toEqual({ $in: ['espionage'] });
    expect(m.harmful).toBe(true);
    expect(m).not.toHaveProperty('missions');
    expect(String((m.sourceId as { $in: unknown[] }).$in[0])).toBe('65f1a2b3c4d5e6f7a8b9c0d1');
  });
});
