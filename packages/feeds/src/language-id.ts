import { francAll } from 'franc';

/** Languages Vigie identifies; `und` when the text is too short or unlike any of them. */
export const LANGUAGES = ['en', 'fr', 'ar', 'sw', 'ln', 'sg', 'bm', 'und'] as const;
/** One of {@link LANGUAGES} (ISO 639-1 where it exists, else the 2-letter code used by the missions). */
export type Language = (typeof LANGUAGES)[number];

/** Result of {@link identifyLanguage}. `confidence` is in [0, 1]; 0 for `und`. */
export interface LanguageGuess {
  language: Language;
  confidence: number;
}

const FRANC_TO_LANG: Record<string, Language> = { eng: 'en', fra: 'fr', arb: 'ar', swh: 'sw', lin: 'ln', sag: 'sg', bam: 'bm' };
const FRANC_ONLY = Object.keys(FRANC_TO_LANG);

// Function words that are frequent and distinctive in short English/French texts, where trigram statistics are
// too thin. Mission languages (sw/ln/sg/bm) are left to franc, which does well on them.
// Single letters and words shared with Bambara, Lingala or Sango ("a", "so", "la", "de", "ma", "na") are left out.
const EN_WORDS = new Set(
  "the an of and to in is are was were be been being it it's its that this these those for on with as at by from not but or you your you're he she they we i'm my his her their our him them what who whom which all do does did don't doesn't didn't have has had will would can can't could should there if just about like than then when why how more most very people because after before into over only also even get got know think want make said says say new one two first last year years day week today news government police president army".split(' '),
);
const FR_WORDS = new Set(
  "le les un une des du et est sont était été dans sur par avec ce cette ces qui que quoi pas plus ou mais nous vous ils elles il elle je tu son sa ses leur leurs mon mes ton tes être avoir ont fait comme tout tous très bien aussi au aux pour selon contre après avant depuis sans sous entre où déjà encore toujours gouvernement président armée".split(' '),
);
const FR_ELISION = /(?:^|[\s(«"])(?:l|qu|j|c|jusqu|lorsqu|puisqu)['’]\p{L}/giu;

// Counting by deletion (one regex pass, one string) is much cheaper than collecting match arrays.
const NOT_ARABIC = /[^\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+/g;
const NOT_LETTER = /\P{L}+/gu;

/**
 * Identifies the language of a text offline with a cascade: Arabic script → `ar`; otherwise franc restricted
 * to the mission languages, overridden by an English/French function-word vote on short texts (where franc
 * mixes English up with the Bantu languages). Accuracy per language on the shared test set is asserted in
 * language-id.test.ts.
 */
export function identifyLanguage(text: string): LanguageGuess {
  // 400 characters are plenty for trigram statistics and keep franc (the costliest step) cheap on long bodies.
  const sample = text.length > 400 ? text.slice(0, 400) : text;
  const letters = sample.replace(NOT_LETTER, '').length;
  if (letters < 3) return { language: 'und', confidence: 0 };
  const arabic = sample.replace(NOT_ARABIC, '').length;
  if (arabic / letters > 0.5) return { language: 'ar', confidence: Math.min(1, 0.5 + arabic / letters / 2) };

  const lower = sample.toLowerCase().normalize('NFC').replace(/’/g, "'");
  const words = lower.split(/[^\p{L}']+/u).filter(Boolean);
  let en = 0;
  let fr = (lower.match(FR_ELISION) ?? []).length;
  for (const w of words) {
    if (EN_WORDS.has(w)) en += 1;
    else if (FR_WORDS.has(w)) fr += 1;
  }
  // On short texts one distinctive function word outweighs trigram statistics; longer texts need a clear majority.
  const need = words.length <= 12 ? 1 : 2;
  const stopVote: Language | null = en >= need && en >= 2 * fr ? 'en' : fr >= need && fr >= 2 * en ? 'fr' : null;

  // Long texts dense in one language's function words need no trigram model (the common case for news items).
  if (words.length > 30) {
    if (en >= words.length * 0.12 && en >= 5 * fr) return { language: 'en', confidence: 0.95 };
    if (fr >= words.length * 0.12 && fr >= 5 * en) return { language: 'fr', confidence: 0.95 };
  }
  const ranked = francAll(sample, { only: FRANC_ONLY, minLength: 3 });
  const [best, second] = ranked;
  const francLang = best && best[0] !== 'und' ? FRANC_TO_LANG[best[0]] : undefined;
  const margin = best && second ? best[1] - second[1] : 1;

  if (stopVote && words.length <= 30) {
    return { language: stopVote, confidence: round(Math.min(0.95, 0.6 + 0.1 * Math.max(en, fr))) };
  }
  if (!francLang) return stopVote ? { language: stopVote, confidence: 0.6 } : { language: 'und', confidence: 0 };
  if (stopVote && stopVote !== francLang && (francLang === 'en' || francLang === 'fr' || margin < 0.1)) {
    return { language: stopVote, confidence: 0.6 };
  }
  // franc's scores are relative to the best candidate; the gap to the runner-up, damped for short texts, is a
  // usable confidence.
  const lengthFactor = Math.min(1, letters / 60);
  return { language: francLang, confidence: round(Math.min(1, 0.4 + margin) * (0.5 + 0.5 * lengthFactor)) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
