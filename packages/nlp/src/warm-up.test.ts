import { describe, expect, it } from 'vitest';
import { loadCatalogue } from './catalogue.js';
import { createClassifier, MODEL_TEXT_CHARS, type ClassifyInput } from './classifier.js';
import { warmUpClassifier, warmUpItems } from './warm-up.js';

const catalogue = loadCatalogue();
const items = warmUpItems(catalogue);
const texts = items.map((i) => i.text);

describe('warm-up items', () => {
  it('come from the catalogue: every exemplar, counter-message and mission acronym is in some item', () => {
    const all = texts.join('\n');
    for (const narrative of Object.values(catalogue.narratives)) {
      for (const e of narrative.exemplars) expect(all).toContain(e.text);
      for (const line of [...narrative.counterMessaging.fr, ...narrative.counterMessaging.en]) expect(all).toContain(line);
    }
    for (const m of catalogue.gazetteers.missions) expect(all).toContain(m.acronyms[0] ?? m.code);
  });

  it('include the inputs the classifier must survive and the optional fields, present and absent', () => {
    expect(texts).toContain('');
    expect(texts.some((t) => t.length > MODEL_TEXT_CHARS)).toBe(true);
    expect(texts.some((t) => /^[\p{Emoji}\s]+$/u.test(t) && /\p{Emoji_Presentation}/u.test(t))).toBe(true);
    expect(texts.some((t) => /[\u0600-\u06ff]/.test(t) && /[a-z]/i.test(t))).toBe(true);
    const has = (pick: (i: ClassifyInput) => unknown) => [items.some((i) => pick(i) !== undefined), items.some((i) => pick(i) === undefined)];
    expect(has((i) => i.title)).toEqual([true, true]);
    expect(has((i) => i.source)).toEqual([true, true]);
    expect(has((i) => i.url)).toEqual([true, true]);
    expect(has((i) => i.language)).toEqual([true, true]);
  });

  it('take the classifier down its main paths: escalation, stances, area attribution, contingents, the criticism guard, hostile input', () => {
    const classifier = createClassifier(catalogue);
    const results = items.map((i) => classifier.classify(i));
    expect(results.some((r) => r.severity === 'S1' && r.harmful)).toBe(true);
    expect(results.some((r) => r.stance === 'counter')).toBe(true);
    expect(results.some((r) => r.stance === 'report')).toBe(true);
    expect(results.some((r) => r.topNarrative === null && r.missions.length === 0)).toBe(true);
    expect(results.some((r) => r.explanation.missionEvidence.some((e) => e.evidence.some((s) => s.startsWith('generic'))))).toBe(true);
    expect(results.some((r) => r.explanation.notes.includes('empty text'))).toBe(true);
    expect(results.some((r) => r.explanation.notes.some((n) => n.startsWith('no words found')))).toBe(true);
    expect(results.some((r) => r.explanation.notes.some((n) => n.startsWith('text truncated')))).toBe(true);
    expect(results.some((r) => r.explanation.notes.some((n) => n.startsWith('no text field')))).toBe(true);
    expect(results.some((r) => r.explanation.notes.some((n) => n.startsWith('read as failure-to-protect criticism')))).toBe(true);
    expect(new Set(results.flatMap((r) => r.missions)).size).toBe(catalogue.gazetteers.missions.length);
    expect(texts.some((t) => classifier.analyse(t).matches.some((m) => m.group === 'g:contingent'))).toBe(true);
  });
});

describe('warmUpClassifier', () => {
  it('classifies every item once per round and reports the count', () => {
    let calls = 0;
    const report = warmUpClassifier({ catalogue, classify: () => void calls++ }, 3);
    expect(calls).toBe(items.length * 3);
    expect(report.items).toBe(calls);
    expect(report.ms).toBeGreaterThanOrEqual(0);
    expect(warmUpClassifier({ catalogue, classify: () => void calls++ }, 0).items).toBe(0);
  });

  it('leaves results unchanged: the same texts classify the same before and after warming up', () => {
    const probe: ClassifyInput[] = [
      { text: 'Demain à 8h rendez-vous au rond-point, brûlons la base de la MONUSCO à Goma !' },
      { text: 'La MONUSCO dément avoir fourni des rations aux ADF ; ces accusations sont sans fondement.', source: 'Radio Okapi' },
      { text: 'اليونيفيل تتجسس على الجنوب وتنقل المعلومات للعدو الإسرائيلي' },
      { text: 'Sud-Kivu : des affrontements entre milices Twirwaneho et Maï-Maï ont fait au moins cinq morts.' },
    ];
    const classifier = createClassifier(catalogue);
    const before = probe.map((p) => classifier.classify(p));
    warmUpClassifier(classifier, 1);
    expect(probe.map((p) => classifier.classify(p))).toEqual(before);
  });
});
