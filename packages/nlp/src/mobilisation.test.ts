import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';
import { mobilisationWord } from './mobilisation.js';

describe('mobilisationWord', () => {
  it('finds marches, sit-ins, rallies and « villes mortes » in FR, EN, AR and SW', () => {
    expect(mobilisationWord('Grande MARCHE pour le départ de la MONUSCO')).toBe('MARCHE');
    expect(mobilisationWord('journée ville morte lundi')).toBe('ville morte');
    expect(mobilisationWord('a peaceful march to the UNMISS base')).toBe('peaceful march');
    expect(mobilisationWord('وقفة احتجاجية الأحد')).toBe('وقفة');
    expect(mobilisationWord('Maandamano dhidi ya MONUSCO Jumatano')).toBe('Maandamano');
  });

  it('leaves the month, a market and « en marche » out', () => {
    expect(mobilisationWord('The report of 3 March was published.')).toBeUndefined();
    expect(mobilisationWord('au marché central de Bunia')).toBeUndefined();
    expect(mobilisationWord('La balkanisation est en marche.')).toBeUndefined();
    expect(mobilisationWord('')).toBeUndefined();
    expect(mobilisationWord('🔥'.repeat(500))).toBeUndefined();
  });
});

describe('the classifier on mobilisations against a mission', () => {
  const classifier = createClassifier();

  it('calls a march with a time against the mission S1, the march as the call', () => {
    const r = classifier.classify({ text: 'وقفة يوم الخميس الساعة خمسة العصر قدّام مقر اليونيفيل بالناقورة. اليونيفيل برّا، ما بدنا حدا يحمينا.' });
    expect(r.severity).toBe('S1');
    expect(r.topNarrative).toBe('expulsion_demand');
    expect((r.explanation['reasons'] as { code: string; values?: { call?: string } }[])[0]).toMatchObject({ values: { call: 'وقفة' } });
  });

  it('does not escalate news of a march, a peace march with the mission or the mission’s own notice', () => {
    for (const [text, source] of [
      ["Des centaines de jeunes ont marché mardi à Bunia pour exiger le départ de la MONUSCO, a constaté notre correspondant. La marche s'est terminée vers 11h sans incident.", undefined],
      ["Samedi 8h, grande marche pour la paix avec les casques bleus de la MONUSCO, de la cathédrale jusqu'au stade de Bunia. Toutes les familles sont invitées.", undefined],
      ['MONUSCO security notice: a march is announced for Tuesday at 7am in Bunia town centre. Staff should avoid the area.', 'MONUSCO'],
    ] as const) {
      const r = classifier.classify({ text, ...(source ? { source } : {}) });
      expect(r.severity, text).not.toBe('S1');
      expect(r.harmful, text).toBe(false);
    }
  });
});
