import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';
import { crossLanguageEntries, dropForeignFunctionWords, dropForeignInflections, EntryForms, functionWordLanguages } from './function-words.js';
import { LexiconMatcher, type Match, type MatcherEntry } from './lexicon-matcher.js';
import { tokenise } from './normaliser.js';

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

  it('drops stem and fuzzy matches of another language’s terms in English and French texts, unless written as the term', () => {
    // [text, lexicon language, group]: a French call and claim, a Bambara name, an English cue and a place.
    const entries: MatcherEntry[] = (
      [
        ['marchons', 'fr', '_call_to_act'],
        ['dégage', 'fr', 'expulsion_demand'],
        ['Russie', 'bm', 'geopolitical_proxy'],
        ['fakes', 'en', '_counter'],
        ['Beni', 'xx', 'g:place'],
      ] as const
    ).map(([text, lang, group]) => ({ text, lang, group, weight: 1 }));
    const matcher = new LexiconMatcher(entries);
    const forms = new EntryForms(entries);
    const kept = (text: string, language: string): string[] => {
      const nt = tokenise(text);
      return dropForeignInflections(matcher.match(nt), nt, language, forms).map((m) => `${m.term}|${m.surface}`);
    };
    // English "March" stems like « marchons », and "Russia" is one letter from Bambara « Russie »: other words.
    expect(kept('In March, Russia said so', 'en')).toEqual([]);
    // A French word as written still counts in an English post (code-switching), and so does any French inflection in
    // a French text; an English inflection in a French post is a borrowed word and counts too.
    expect(kept('MONUSCO dégage! marchons', 'en')).toEqual(['marchons|marchons', 'dégage|dégage']);
    expect(kept('Marchez sur Beni, ce sont des fake', 'fr')).toEqual(['marchons|Marchez', 'fakes|fake', 'Beni|Beni']);
    // Other languages are left alone.
    expect(kept('In March', 'ar')).toEqual(['marchons|March']);
    const nt = tokenise('nothing here');
    const none = matcher.match(nt);
    expect(dropForeignInflections(none, nt, 'en', forms)).toBe(none);
  });

  it('reads English news about a UN agency in March as no call to act and no target', () => {
    const classifier = createClassifier();
    const r = classifier.classify({
      text: 'Unsplash + UNEP. In March we marched with the United Nations Environment Programme as part of a photography partnership.',
    });
    expect(r.explanation.matchedTerms.filter((t) => t.narrative === '_call_to_act' || t.narrative === '_target')).toEqual([]);
    expect(r.severity).not.toBe('S1');
  });

  it('reads Urdu as another language in Arabic script: Arabic stems do not reach its words', () => {
    const classifier = createClassifier();
    const urdu = classifier.classify({ text: 'امریکہ پاکستان سے چاہتا کیا ہے؟ امریکی وزیر خارجہ اسلام آباد پہنچ گئے جہاں وہ مطالبات پیش کریں گے۔' });
    expect(urdu.language).toBe('und');
    // آباد (of Islamabad) stemmed like « إبادة » ("extermination"), a hate term.
    expect(urdu.explanation.matchedTerms.map((t) => t.term)).not.toContain('إبادة');
    expect(urdu.harmful).toBe(false);
    // In Arabic the inflected term still counts.
    expect(classifier.classify({ text: 'يجب إبادتهم كلهم من بانغي' }).explanation.matchedTerms.map((t) => t.term)).toContain('إبادة');
  });
});
