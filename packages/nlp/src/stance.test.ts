import { describe, expect, it } from 'vitest';
import { decideStance, denialOpener, spokespersonSpeaking, type StanceInput } from './stance.js';

const input = (over: Partial<StanceInput>): StanceInput => ({ hasNarrative: true, counter: 0, report: 0, callToAct: 0, source: null, quotes: false, ...over });

describe('decideStance', () => {
  it('reads a text that calls to act as the call when nothing reports it, even where the model leans report', () => {
    const r = decideStance(input({ callToAct: 1, model: { endorse: 0.2, counter: 0.05, report: 0.75 } }));
    expect(r.stance).toBe('endorse');
    expect(r.reasons).toContain('call to act, nothing reported');
  });

  it('keeps the model\'s report reading of a call relayed with a reporting cue or a quotation', () => {
    const model = { endorse: 0.2, counter: 0.05, report: 0.75 };
    expect(decideStance(input({ callToAct: 1, report: 0.6, model })).stance).toBe('report');
    expect(decideStance(input({ callToAct: 1, quotes: true, model })).stance).toBe('report');
  });

  it('leaves a counter reading of a call alone: a debunk that repeats the call stays a debunk', () => {
    expect(decideStance(input({ callToAct: 1, counter: 1, model: { endorse: 0.3, counter: 0.4, report: 0.3 } })).stance).toBe('counter');
  });

  it.each([
    ['a flat denial as the first word', { denialOpener: true }, 'opens with a denial'],
    ["a spokesperson's statement", { spokesperson: true }, 'a spokesperson speaks'],
  ] as const)('counts %s as much as a counter cue, unless the text also calls to act', (_, signal, reason) => {
    const model = { endorse: 0.55, counter: 0.25, report: 0.2 };
    expect(decideStance(input({ model })).stance).toBe('endorse');
    const countered = decideStance(input({ model, ...signal }));
    expect(countered.stance).toBe('counter');
    expect(countered.reasons).toContain(reason);
    // "No, we won't wait any longer: burn their base" — the call keeps the text an endorsement.
    expect(decideStance(input({ model, ...signal, callToAct: 1 })).stance).toBe('endorse');
  });

  it('gives no stance to a text without a narrative', () => {
    expect(decideStance(input({ hasNarrative: false, callToAct: 1 })).stance).toBe('none');
  });
});

describe('denialOpener', () => {
  it('finds a flat denial set off by a comma or colon at the start, in each language, after marks and emoji', () => {
    expect(denialOpener('No, UNIFIL cameras in Naqoura are not spying for Israel.')).toBe('No');
    expect(denialOpener('❌ FAUX : la MONUSCO ne livre pas d’armes au M23.')).toBe('FAUX');
    expect(denialOpener('لا، بعثة الأمم المتحدة لم تنشر الكوليرا في ملكال.')).toBe('لا');
    expect(denialOpener('Hapana, walinda amani hawakuleta kipindupindu Bentiu.')).toBe('Hapana');
    expect(denialOpener('la2, ya 7abibi, el unifil ma 3am tsawwer shi')).toBe('la2');
    // Arabizi says "no" to someone: "la2 ya jama3a", "la a khoya".
    expect(denialOpener('la2 ya jama3a, el kamirat taba3 el UNIFIL ma btsawwer byout')).toBe('la2 ya jama3a');
    expect(denialOpener('la a khoya, lminurso ma ghadi t9ssem 7ta 7aja')).toBe('la a khoya');
  });

  it('finds none in a slogan, a word that only starts like one, or a denial later in the text', () => {
    expect(denialOpener('لا للقوات الدولية في أرضنا')).toBeUndefined();
    expect(denialOpener('Nobody protected us, MONUSCO must go.')).toBeUndefined();
    expect(denialOpener('Non-stop patrols in Beni: the MONUSCO convoy leaves at 6.')).toBeUndefined();
    expect(denialOpener('They say MONUSCO armed the M23. No, it did not.')).toBeUndefined();
    expect(denialOpener('La yamba ti MINUSCA ayeke nzoni')).toBeUndefined();
    expect(denialOpener('yalla ya shabab, la ya3ni la')).toBeUndefined();
    expect(denialOpener('')).toBeUndefined();
  });
});

describe('spokespersonSpeaking', () => {
  it('finds a spokesperson followed in the sentence by a colon or a verb of saying', () => {
    expect(spokespersonSpeaking('UNIFIL spokesperson: the cameras on our positions monitor the Blue Line.')).toBe('spokesperson');
    expect(spokespersonSpeaking('Le porte-parole de la MONUSCO a indiqué que le convoi transportait des vivres.')).toBe('porte-parole');
    expect(spokespersonSpeaking('spokesperson ta UNMISS kelem fi Radio Miraya: UN ma shilu silah')).toBe('spokesperson');
    expect(spokespersonSpeaking('al natig al rasmi hana l minusca gaal fi radio Ndeke Luka')).toBe('natig');
  });

  it('finds none where a spokesperson is only named: doxxing gives no statement', () => {
    expect(spokespersonSpeaking("Here is the home address of MONUSCO's spokesperson in Gombe. Time he heard from real Congolese.")).toBeUndefined();
    expect(spokespersonSpeaking('Le porte-parole de la MONUSCO dîne chaque vendredi au même hôtel à Goma.')).toBeUndefined();
  });
});
