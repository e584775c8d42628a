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

type LineOf = (verb: string, target: string, time: string, m: (typeof MISSIONS)[number]) => string;

/** Every line of `verbs` × `targets` × `times` × the missions, with its verb. */
function lineGrid(verbs: readonly string[], targets: readonly string[], times: readonly string[], line: LineOf): [verb: string, text: string][] {
  const out: [string, string][] = [];
  for (const m of MISSIONS) for (const verb of verbs) for (const target of targets) for (const time of times) out.push([verb, line(verb, target, time, m)]);
  return out;
}

/** How many of `lines` the classifier reads as S1, and the misses by verb. */
function readS1(classifier: ReturnType<typeof createClassifier>, lang: string, lines: readonly [string, string][]): { s1: number; missedByVerb: Record<string, number> } {
  const missedByVerb: Record<string, number> = {};
  let s1 = 0;
  lines.forEach(([verb, text], i) => {
    if (classifier.classify({ id: `${lang}-${i}`, text }).severity === 'S1') s1++;
    else missedByVerb[verb] = (missedByVerb[verb] ?? 0) + 1;
  });
  return { s1, missedByVerb };
}

describe('terse calls', () => {
  it('reads one-line calls against a named mission as S1, at or above the floors reached', () => {
    const classifier = createClassifier();
    for (const [lang, t] of Object.entries(TEMPLATES) as [keyof typeof TEMPLATES, (typeof TEMPLATES)[keyof typeof TEMPLATES]][]) {
      const lines = lineGrid(t.verbs, t.targets, t.times, t.line);
      expect(lines.length).toBe(MISSIONS.length * t.verbs.length * t.targets.length * t.times.length);
      const { s1, missedByVerb } = readS1(classifier, lang, lines);
      expect(s1, `${lang}: misses by verb ${JSON.stringify(missedByVerb)}`).toBeGreaterThanOrEqual(FLOORS[lang]);
    }
  });
});

/**
 * Calls with verbs beyond the first templates', against people or things. On 2026-11-29, with catalogue 2026.11.30,
 * a sweep of imperatives found these under-read: "Kidnap the UNMISS staff…" 16 of 60 S1, « Séquestrez … » 14 of 60,
 * « اطعنوا … » 30 of 60 (English 278 of 660, French 300 of 540, Arabic 171 of 240). Catalogue 2026.11.31 lists them as
 * calls (phrases such as "kidnap the" in English, where the bare word is also a noun: "a raid on the camp").
 */
const MORE_VERBS = {
  en: {
    people: ['Kidnap', 'Abduct', 'Stab', 'Lynch', 'Beat up'],
    things: ['Raid', 'Overturn', 'Ransack', 'Vandalise', 'Besiege', 'Demolish'],
    peopleTargets: ['soldiers', 'staff', 'drivers', 'engineers'],
    thingTargets: ['camp', 'base', 'office', 'trucks'],
    times: ['on Monday', 'tomorrow', 'tonight'],
    line: (verb: string, target: string, time: string, m: (typeof MISSIONS)[number]) => `${verb} the ${m.code} ${target} at ${m.place} ${time}.`,
  },
  fr: {
    people: ['Kidnappez', 'Séquestrez', 'Tabassez', 'Lapidez', 'Traquez'],
    things: ['Cassez', 'Assiégez', 'Lapidez', 'Saccagez'],
    peopleTargets: ['les soldats', 'le personnel', 'les chauffeurs', 'les ingénieurs'],
    thingTargets: ['la base', 'le camp', 'le bureau', 'les camions'],
    times: ['lundi', 'demain', 'ce soir'],
    line: (verb: string, target: string, time: string, m: (typeof MISSIONS)[number]) => `${verb} ${target} de la ${m.code} à ${m.place} ${time} !`,
  },
  ar: {
    people: ['اخطفوا', 'اطعنوا'],
    things: ['اهدموا', 'اقلبوا'],
    peopleTargets: ['جنود', 'موظفي', 'سواقين', 'مهندسي'],
    thingTargets: ['قاعدة', 'مقر', 'مكتب', 'سيارات'],
    times: ['يوم الاثنين', 'بكرا', 'الليلة'],
    line: (verb: string, target: string, time: string, m: (typeof MISSIONS)[number]) => `${verb} ${target} ${m.ar[0]} في ${m.ar[1]} ${time}`,
  },
} as const;

/**
 * S1 lines reached per language on 2026-11-29 with catalogue 2026.11.31 (model retrained on the same 8,526 items, same
 * blend), of 660, 540 and 240: 636, 540 and 240; "Lynch the …" 52 of 60 the lowest.
 */
const MORE_VERB_FLOORS = { en: 636, fr: 540, ar: 240 } as const;

describe('calls with more verbs', () => {
  const classifier = createClassifier();

  it('reads them as S1 against a named mission, at or above the floors reached', () => {
    for (const [lang, t] of Object.entries(MORE_VERBS) as [keyof typeof MORE_VERBS, (typeof MORE_VERBS)[keyof typeof MORE_VERBS]][]) {
      const lines = [...lineGrid(t.people, t.peopleTargets, t.times, t.line), ...lineGrid(t.things, t.thingTargets, t.times, t.line)];
      const { s1, missedByVerb } = readS1(classifier, lang, lines);
      expect(s1, `${lang}: misses by verb ${JSON.stringify(missedByVerb)}`).toBeGreaterThanOrEqual(MORE_VERB_FLOORS[lang]);
    }
  });

  // Without the attempt rule (`ATTEMPT_VERBS` in classifier.ts), 12 of these 110 lines are S1 with catalogue 2026.11.31.
  it('does not read an attempt told in English as a call, but keeps a plan or a need', () => {
    const told: string[] = [];
    for (const verb of [...MORE_VERBS.en.people, ...MORE_VERBS.en.things].map((v) => v.toLowerCase())) {
      for (const m of MISSIONS) {
        told.push(`Police arrested three men who tried to ${verb} the ${m.code} staff at ${m.place} last week.`);
        told.push(`${m.code} says a crowd attempted to ${verb} the ${m.code} office at ${m.place} on Monday before police intervened.`);
      }
    }
    const escalated = told.filter((text, i) => classifier.classify({ id: `told-${i}`, text }).severity === 'S1');
    expect(escalated).toEqual([]);
    for (const text of ['We are planning to burn the UNMISS base at Bentiu on Friday, be there.', 'We have to storm the UNIFIL gate at Shamaa tonight.']) {
      expect(classifier.classify({ id: 'call', text }).severity, text).toBe('S1');
    }
  });
});
