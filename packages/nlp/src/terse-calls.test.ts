/**
 * Terse calls: one-line calls to attack a mission's base, convoy or patrol at a place and a time, built from templates
 * (verb × target × mission and place × time) in English, French and Arabic. Every one of them is S1 by TAXONOMY.md.
 * The labelled sets hold few such lines (posts there are longer), and on 2026-11-29 "Attack the UNMISS camp at Bentiu on
 * Monday." had no narrative at all. These are floors reached, not goals: the misses are printed, by verb.
 */
import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';

const MISSIONS = [
  { code: 'UNMISS', place: 'Bentiu', ar: ['يونميس', 'بانتيو'] },
  { code: 'MONUSCO', place: 'Goma', ar: ['مونوسكو', 'غوما'] },
  { code: 'MINUSCA', place: 'Bria', ar: ['مينوسكا', 'بريا'] },
  { code: 'UNIFIL', place: 'Shamaa', ar: ['اليونيفيل', 'شمع'] },
  { code: 'UNISFA', place: 'Abyei', ar: ['يونيسفا', 'أبيي'] },
] as const;

const TEMPLATES = {
  en: {
    verbs: ['Attack', 'Burn', 'Block', 'Loot', 'Stone', 'Storm', 'Torch', 'Surround'],
    targets: ['camp', 'base', 'convoy', 'patrol', 'trucks'],
    times: ['on Monday', 'tomorrow', 'tonight', 'at 6am'],
    line: (verb: string, target: string, time: string, m: (typeof MISSIONS)[number]) => `${verb} the ${m.code} ${target} at ${m.place} ${time}.`,
  },
  fr: {
    verbs: ['Attaquez', 'Brûlez', 'Bloquez', 'Pillez', 'Caillassez', 'Encerclez'],
    targets: ['la base', 'le camp', 'le convoi', 'la patrouille', 'les camions'],
    times: ['lundi', 'demain', 'ce soir', 'à 6h'],
    line: (verb: string, target: string, time: string, m: (typeof MISSIONS)[number]) => `${verb} ${target} de la ${m.code} à ${m.place} ${time} !`,
  },
  ar: {
    verbs: ['هاجموا', 'احرقوا', 'اقتحموا', 'حاصروا', 'اسرقوا'],
    targets: ['قاعدة', 'معسكر', 'قافلة', 'دورية'],
    times: ['يوم الاثنين', 'بكرا', 'الليلة', 'الساعة ٦'],
    line: (verb: string, target: string, time: string, m: (typeof MISSIONS)[number]) => `${verb} ${target} ${m.ar[0]} في ${m.ar[1]} ${time}`,
  },
} as const;

/**
 * S1 lines reached per language on 2026-11-29, of 800, 600 and 400: 707, 565 and 342 with catalogue 2026.11.29 ("Stone
 * the …" and « اسرقوا » were no listed calls); 763, 565 and 393 with catalogue 2026.11.30, which lists them (model
 * retrained on the same 8,316 items, same blend), where "Attack the …" and « Attaquez … » were the misses left; 789, 600
 * and 400 with 210 terse posts from two writers in train (8,526 items, same blend): "Attack the …" 89 of 100.
 */
const FLOORS = { en: 789, fr: 600, ar: 400 } as const;

describe('terse calls', () => {
  it('reads one-line calls against a named mission as S1, at or above the floors reached', () => {
    const classifier = createClassifier();
    const missedByVerb: Record<string, number> = {};
    for (const [lang, t] of Object.entries(TEMPLATES) as [keyof typeof TEMPLATES, (typeof TEMPLATES)[keyof typeof TEMPLATES]][]) {
      let lines = 0;
      let s1 = 0;
      for (const m of MISSIONS) {
        for (const verb of t.verbs) {
          for (const target of t.targets) {
            for (const time of t.times) {
              const text = t.line(verb, target, time, m);
              const r = classifier.classify({ id: `${lang}-${lines++}`, text });
              if (r.severity === 'S1') s1++;
              else missedByVerb[verb] = (missedByVerb[verb] ?? 0) + 1;
            }
          }
        }
      }
      expect(lines).toBe(MISSIONS.length * t.verbs.length * t.targets.length * t.times.length);
      expect(s1, `${lang}: misses by verb ${JSON.stringify(missedByVerb)}`).toBeGreaterThanOrEqual(FLOORS[lang]);
    }
  });
});
