/**
 * Mobilisation: a march, a sit-in, a rally or a « ville morte » called against a mission. TAXONOMY.md puts "mobilisation
 * with a time and place" in S1 whatever the slogans, and such announcements rarely hold a call verb: « GRANDE MARCHE
 * pour le départ de la MONUSCO 📢 Samedi 8h, départ rond-point Nyamwisi », "ville morte and march this Thursday.
 * Assembly 7:30am at rond-point Nyamwisi, destination the MONUSCO Boikene base", « وقفة احتجاجية الأحد الساعة ٣ العصر
 * قدّام البوابة الرئيسية لمقرّ الناقورة », "Maandamano dhidi ya MONUSCO Jumatano 08:00".
 *
 * This module only finds the word (pure); the classifier decides whether the text calls the mobilisation or reports one
 * (news of a march is most of what carries these words): see classifier.ts.
 */
import { wholeWords } from './whole-words.js';

/**
 * Words that name a mobilisation. Not « en marche » (« la balkanisation est en marche »), not « marché » (a market: the
 * accent ends the word), not "March" the month: English needs "a/the … march" or "march to/on/against".
 */
const MOBILISATION = wholeWords([
  // French (and the Lingala and Sango that borrow « marche »).
  '(?<!en )marches?|rassemblement|sit-in|manifestation|ville[ -]morte|mobilisation',
  // English.
  'march (?:to|on|from|towards|against)|(?:a|the|big|grand|peaceful|mass) march|rally|protest|demonstration',
  // Arabic.
  'مسيرة|مسيره|وقفة|وقفه|تظاهرة|تظاهره|مظاهرة|مظاهره|اعتصام',
  // Swahili.
  'maandamano',
]);

/** The first word of `text` that names a mobilisation, as written, or undefined (see {@link MOBILISATION}). */
export function mobilisationWord(text: string): string | undefined {
  return MOBILISATION.exec(text)?.[0];
}
