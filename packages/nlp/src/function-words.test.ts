import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';
import { crossLanguageEntries, dropForeignFunctionWords, functionWordLanguages } from './function-words.js';
import type { Match, MatcherEntry } from './lexicon-matcher.js';

describe('function words of other languages', () => {
  it('knows which folded words are function words elsewhere', () => {
    expect(functionWordLanguages('or', 'fr')).toEqual(['en']);
    expect(functionWordLanguages('or', 'en')).toEqual([]);
    expect(functionWordLanguages('rebelles', 'fr')).toEqual([]);
  });

  it('flags one-word narrative and cue terms only, never gazetteer names or phrases', () => {
    const entries: MatcherEntry[] = [
      { text: 'or', lang: 'fr', group: 'resource_plunder', weight: 0.1 },
      { text: "l'or du Kivu", lang: 'fr', group: 'resource_plunder', weight: 1 },
      { text: 'un', lang: 'en', group: 'g:un', weight: 1 },
      { text: 'minerais', lang: 'fr', group: 'resource_plunder', weight: 1 },
    ];
    expect([...crossLanguageEntries(entries)]).toEqual([1, 0, 0, 0]);
  });

  it('drops such a match unless the text is in the term’s language, and returns the same array when nothing drops', () => {
    const match = (entry: number, lang: string) => ({ entry, lang }) as Match;
    const flags = Uint8Array.from([1, 0]);
    const ms = [match(0, 'fr'), match(1, 'fr')];
    expect(dropForeignFunctionWords(ms, flags, 'en').map((m) => m.entry)).toEqual([1]);
    expect(dropForeignFunctionWords(ms, flags, 'fr')).toBe(ms);
  });

  it('keeps French « or » (gold) out of English text but not out of French text', () => {
    const classifier = createClassifier();
    const terms = (text: string) => classifier.classify({ text }).explanation.matchedTerms.map((t) => t.term);
    expect(terms('Will the rate rise or fall this week? Markets are split, the analysts say.')).not.toContain('or');
    expect(terms("Ils pillent l'or et le coltan de nos collines pendant que les casques bleus regardent.")).toContain('or');
  });
});
