import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';
import { threatOfMore } from './threat-of-more.js';

describe('threatOfMore', () => {
  it('finds the next attack promised in FR, EN, AR and SW', () => {
    expect(threatOfMore('Aguelhok la prochaine 🔥')).toBe('la prochaine');
    expect(threatOfMore("Bien joué les gars. Ce n'est que le début.")).toBe("Ce n'est que le début");
    expect(threatOfMore('Ce n’est que le début, who’s next?')).toBe('Ce n’est que le début');
    expect(threatOfMore('Boy-Rabe, Fouh, on attend votre tour.')).toBe('votre tour');
    expect(threatOfMore('Next stop Mavivi!!')).toBe('Next stop');
    expect(threatOfMore('الدور عليكم يا جماعة')).toBe('الدور عليكم');
    expect(threatOfMore('Hii ni mwanzo tu.')).toBe('ni mwanzo tu');
  });

  it('leaves « la prochaine fois », "next time" and « la prochaine » before a noun out', () => {
    expect(threatOfMore('La prochaine fois, la MONUSCO devra protéger les civils.')).toBeUndefined();
    expect(threatOfMore('Next time UNMISS should warn us earlier.')).toBeUndefined();
    expect(threatOfMore('la prochaine réunion du Conseil de sécurité')).toBeUndefined();
    expect(threatOfMore('')).toBeUndefined();
  });
});

describe('the classifier on threats of more', () => {
  const classifier = createClassifier();
  const codes = (text: string): string[] => (classifier.classify({ text }).explanation['reasons'] as { code: string }[]).map((r) => r.code);

  it('calls a promise of the next attack after one on the mission S1, the words as the reason', () => {
    const text = 'Les jeunes de Kalehe ont brûlé le pick-up de la MONUSCO cette nuit 🔥 Bien fait ! Kavumu la prochaine 🔥';
    const r = classifier.classify({ text });
    expect(r.severity).toBe('S1');
    expect(r.harmful).toBe(true);
    expect((r.explanation['reasons'] as { code: string; values?: { words?: string } }[])[0]).toEqual({ code: 'severity.rule_threat', values: { words: 'la prochaine' } });
  });

  it('does not read a grievance, an agenda or a debunk as a threat', () => {
    for (const text of [
      'La prochaine fois que les ADF attaquent Oicha, la MONUSCO devra être là plus tôt. Ce n’est pas trop demander.',
      'La MINUSCA annonce la prochaine réunion avec les chefs de quartier de Bangui mardi à 10h.',
      "Ce message « Next stop Mavivi » qui circule depuis hier est faux : aucune attaque n'a eu lieu contre le bureau de la MONUSCO à Beni. Ne le partagez pas.",
    ]) {
      expect(codes(text), text).not.toContain('severity.rule_threat');
      expect(classifier.classify({ text }).severity, text).not.toBe('S1');
    }
  });
});
