import { REASON_CODES } from '@vigie/contracts';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from './catalogue.js';
import { createClassifier } from './classifier.js';
import { DEFAULT_DEV_URL, DEFAULT_GENERAL_NEWS_URL, readLabelledJsonl } from './dataset.js';
import { severityReason, stanceReason } from './reasons.js';

describe('officer-facing reasons', () => {
  it('names the words a severity rested on, and nothing for an unendorsed narrative', () => {
    expect(severityReason({ code: 'rule_target', narrative: 'incitement_violence', call: 'brûlons', target: 'la base' })).toEqual({ code: 'severity.rule_target', values: { call: 'brûlons', target: 'la base' } });
    expect(severityReason({ code: 'model_logistics', narrative: 'expulsion_demand', logistics: '8h', escalation: 0.4567 })).toEqual({ code: 'severity.model_logistics', values: { p: 0.46, logistics: '8h' } });
    expect(severityReason({ code: 'model_alone', narrative: 'espionage', escalation: 0.9612 })).toEqual({ code: 'severity.model_alone', values: { p: 0.96, narrative: 'espionage' } });
    expect(severityReason({ code: 'tier', narrative: 'espionage' })).toEqual({ code: 'severity.tier', values: { narrative: 'espionage' } });
    expect(severityReason({ code: 'not_endorsed', narrative: 'espionage' })).toBeNull();
    expect(severityReason({ code: 'no_narrative', narrative: null })).toBeNull();
  });

  it('gives a counter stance its strongest evidence: the source, then the debunk words, at most three', () => {
    expect(stanceReason({ stance: 'counter', source: { kind: 'factChecker', name: 'Congo Check' }, counterTerms: ['faux'], reportTerms: [] })).toEqual({ code: 'stance.fact_checker', values: { name: 'Congo Check' } });
    expect(stanceReason({ stance: 'counter', counterTerms: ['faux', 'intox', 'faux', 'démenti', 'rumeur'], reportTerms: [] })).toEqual({ code: 'stance.counter_terms', values: { terms: 'faux, intox, démenti' } });
    expect(stanceReason({ stance: 'counter', counterTerms: [], reportTerms: [], denial: 'Non' })).toEqual({ code: 'stance.counter_denial', values: { words: 'Non' } });
    expect(stanceReason({ stance: 'counter', counterTerms: [], reportTerms: [], spokesperson: 'porte-parole' })).toEqual({ code: 'stance.counter_spokesperson', values: { words: 'porte-parole' } });
    expect(stanceReason({ stance: 'counter', counterTerms: [], reportTerms: [], quoted: 'bras armé', spokesperson: 'porte-parole' })).toEqual({ code: 'stance.counter_quoted', values: { words: 'bras armé' } });
    expect(stanceReason({ stance: 'counter', counterTerms: ['faux'], reportTerms: [], denial: 'Faux' })).toEqual({ code: 'stance.counter_terms', values: { terms: 'faux' } });
    expect(stanceReason({ stance: 'report', counterTerms: [], reportTerms: [] })).toEqual({ code: 'stance.report' });
    expect(stanceReason({ stance: 'endorse', counterTerms: [], reportTerms: [], call: 'yalla' })).toEqual({ code: 'stance.endorse_call', values: { call: 'yalla' } });
    expect(stanceReason({ stance: 'none', counterTerms: [], reportTerms: [] })).toBeNull();
  });

  it('comes with every classification: severity first, then stance, then the notes as codes', () => {
    const classifier = createClassifier();
    const s1 = classifier.classify({ text: 'Demain à 8h rendez-vous au rond-point, brûlons la base de la MONUSCO à Goma !' });
    expect(s1.explanation['reasons']).toEqual([
      { code: 'severity.rule_target', values: { call: 'brûlons', target: 'la base' } },
      { code: 'stance.endorse_call', values: { call: 'brûlons' } },
    ]);
    const denial = classifier.classify({ text: 'La MONUSCO dément avoir fourni des rations aux ADF ; ces accusations sont sans fondement.', url: 'https://monusco.unmissions.org/communique' });
    expect(denial.explanation['reasons']).toEqual([{ code: 'stance.official_source', values: { name: expect.any(String) } }]);
    const contingent = classifier.classify({ text: 'Les casques bleus marocains de la MINUSCA protègent les musulmans à Bangassou.' });
    expect((contingent.explanation['reasons'] as { code: string; values?: Record<string, unknown> }[])[0]).toEqual({ code: 'severity.contingent_named', values: { narrative: 'partiality_contingent', contingent: 'marocains' } });
    const huge = classifier.classify({ text: `<p>x</p>${'a '.repeat(30_000)}` });
    expect((huge.explanation['reasons'] as { code: string }[]).map((r) => r.code)).toEqual(['note.html_removed', 'note.truncated', 'note.hate_layer_skipped']);
    expect(classifier.classify({ text: '' }).explanation['reasons']).toEqual([{ code: 'note.empty' }]);
  });

  it('ends with the notes taken after the severity decision too (no model loaded)', () => {
    const lexiconOnly = createClassifier(loadCatalogue(), null).classify({ text: 'Les casques bleus de la MONUSCO arment le M23 à Goma.' });
    expect(lexiconOnly.explanation.notes).toContain('no trained model loaded: lexicon-only scores');
    expect((lexiconOnly.explanation['reasons'] as { code: string }[]).map((r) => r.code)).toContain('note.no_model');
  });

  it('emits only the codes the contract lists (the dashboard has a sentence for each)', () => {
    const classifier = createClassifier();
    const known = new Set<string>(REASON_CODES);
    const seen = new Set<string>();
    const texts = [...readLabelledJsonl(DEFAULT_DEV_URL).examples, ...readLabelledJsonl(DEFAULT_GENERAL_NEWS_URL).examples].map((e) => e.text);
    for (const text of [...texts, '', '🔥🔥', `<b>x</b>${'y '.repeat(25_000)}`]) {
      for (const r of classifier.classify({ text }).explanation['reasons'] as { code: string }[]) seen.add(r.code);
    }
    expect([...seen].filter((c) => !known.has(c))).toEqual([]);
    // The sets reach most of them (the rest need a source, a missing model or a language hint).
    expect(seen.size).toBeGreaterThan(20);
  }, 60_000);
});
