import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';
import { locatingDetails, placesAPerson, pointsAtSomeone } from './doxxing.js';

const kinds = (text: string): readonly string[] => locatingDetails(text).kinds;

describe('locatingDetails', () => {
  it('finds homes, plates, vehicles, habits and children’s schools in EN, FR, AR, SW and LN', () => {
    expect(kinds('He lives behind the Marol market, white Hilux plate UN-3318, leaves alone every morning at 6.')).toEqual(['home', 'plate', 'routine']);
    expect(kinds("Elle loge dans l'immeuble bleu près du marché, sa voiture est garée devant, ses enfants vont à l'école Saint-Joseph.")).toEqual(['home', 'vehicle', 'family']);
    expect(kinds('الموظف ساكن بمرجعيون حد الصيدلية، سيارته بيضا نمرتها UN 2671، وبيطلع كل يوم الصبح')).toEqual(['home', 'plate', 'vehicle', 'routine']);
    expect(kinds('Anaishi nyuma ya soko, gari yake ni nyeupe, anatoka kila siku saa moja.')).toEqual(['home', 'vehicle', 'routine']);
    expect(kinds('Afandaka pembeni ya marché, motuka na ye ya mpembe, mokolo nyonso abimaka na 7.')).toEqual(['home', 'vehicle', 'routine']);
    expect(kinds('el mouwazzaf beito bi 7ay el ramel, kel sabt byetla3 la7alo 3al ba7r')).toEqual(['home', 'routine']);
    expect(kinds('الخواجة بيتو ورا المدرسة، وكل يوم بيطلع يجري براهو')).toEqual(['home', 'routine']);
  });

  it('counts a plate and the vehicle it is written on once', () => {
    expect(locatingDetails('the Land Cruiser UN 0847 of the mission')).toEqual({ kinds: ['plate'], words: ['Cruiser UN 0847'] });
  });

  it('leaves years, the writer’s own home and people in the plural out', () => {
    expect(kinds('The UN 2023 report says the mission failed.')).toEqual([]);
    expect(kinds("J'habite à Beni depuis dix ans.")).toEqual([]);
    expect(kinds('اني عراقي ساكن بصور من سنين')).toEqual([]);
    expect(kinds('Families living near the base and those who live in Oicha are afraid.')).toEqual([]);
  });

  it('returns nothing for empty and hostile input', () => {
    expect(kinds('')).toEqual([]);
    expect(kinds('🔥'.repeat(1000))).toEqual([]);
    expect(kinds(`${'UN-'.repeat(5000)}x`)).toEqual([]);
  });
});

describe('placesAPerson', () => {
  const places = (text: string): boolean => placesAPerson(locatingDetails(text), text);

  it('needs a home or a plate, and two more kinds or words that point at the person', () => {
    expect(places('He lives behind the Marol market, white Hilux, leaves alone every morning.')).toBe(true);
    expect(places('He lives behind the Marol market and walks home alone. You know what to do.')).toBe(true);
    expect(places('He lives behind the Marol market and walks home alone.')).toBe(false);
    // A routine and a vehicle without a home or a plate: a patrol, not a person.
    expect(places('The white pickup passes the junction every day at 5pm. Share this.')).toBe(false);
    expect(places('La FINUL relève chaque jour les numéros de plaque dans les villages.')).toBe(false);
  });

  it('reads the pointing words in each language', () => {
    for (const text of ['Share widely.', 'Partagez avec les bonnes personnes.', 'À vous de voir.', 'انشروا قبل ما ينمسح', 'Sambazeni kwa vikundi vyote.', 'Bokabola.', 'Just saying where he is.']) {
      expect(pointsAtSomeone(text), text).toBe(true);
    }
    expect(pointsAtSomeone('The mission shared its report on Friday.')).toBe(false);
  });
});

describe('the classifier on posts that locate a person of the mission', () => {
  const classifier = createClassifier();
  const reasonCodes = (r: ReturnType<typeof classifier.classify>): string[] => (r.explanation['reasons'] as { code: string }[]).map((x) => x.code);

  it('escalates doxxing to S1 incitement, with the details as the reason, in EN, FR and AR', () => {
    for (const text of [
      'This UNMISS logistics officer is the one who stole our land in Bor. He lives behind the Marol market, white Hilux plate UN-3318, leaves alone every morning at 6. You know what to do.',
      "Voici l'interprète de la MONUSCO qui balance nos jeunes à Goma : il habite la parcelle derrière l'église de Katindo, il rentre seul chaque soir vers 21h. À vous de voir.",
      'الموظف في اليونيفيل اللي عم يصوّر بيوتنا ساكن بمرجعيون حد الصيدلية، سيارته بيضا نمرتها UN 2671، وبيطلع لحالو كل يوم الصبح.',
    ]) {
      const r = classifier.classify({ text });
      expect(r.severity, text).toBe('S1');
      expect(r.harmful, text).toBe(true);
      expect(r.stance, text).toBe('endorse');
      expect(reasonCodes(r)[0], text).toBe('severity.rule_doxxing');
      expect((r.explanation['reasons'] as { values?: { details?: string } }[])[0]!.values!.details, text).not.toBe('');
    }
  });

  it('does not escalate a debunk, a warning from the mission, a friendly neighbour or a grievance', () => {
    for (const text of [
      "Attention : un message circule avec l'adresse et la plaque UN 4410 d'un employé de la MINUSCA à Bangui. C'est faux et dangereux, ne le partagez pas.",
      'UNMISS condemns a post that shares where one of its national staff lives, with the plate number UN-2294 of his car. Such posts endanger lives.',
      'Le capitaine marocain de la MINUSCA habite à côté de chez nous à Bangui, chaque matin il salue les enfants, un homme gentil.',
      'MONUSCO does nothing while ADF kill us. My cousin lives in Oicha and every night he hears gunfire. Where are the blue helmets?',
    ]) {
      const r = classifier.classify({ text });
      expect(r.severity, text).not.toBe('S1');
      expect(reasonCodes(r), text).not.toContain('severity.rule_doxxing');
    }
  });

  it('lets an official source speak of such a post without an alert', () => {
    const text = 'A post gives the home, the plate UN-5120 and the daily route of one of our staff in Juba. Share this warning with the right people: do not forward the post.';
    const r = classifier.classify({ text, source: 'UNMISS', url: 'https://unmiss.unmissions.org/news' });
    expect(r.severity).not.toBe('S1');
    expect(reasonCodes(r)).not.toContain('severity.rule_doxxing');
  });
});
