/**
 * Doxxing: a post that tells where a person working for a mission lives, what they drive and when they are alone.
 * TAXONOMY.md lists "threats to named staff" and "doxxing staff" under `incitement_violence` (S1), and such posts rarely
 * hold a call verb: "Flat on the corner above the bakery in Strovolos, grey Skoda with UN plates, parks outside every
 * night around 7. Do what you like with this", « loge dans la villa jaune derrière la pharmacie de Sica 2. Toyota grise
 * UN 0913 », « ساكنة في تونق بينق… عربيتها لاندكروزر بيضا رقمها UN 5512 ». The details themselves are the threat.
 *
 * This module only finds the details (pure, no model): the classifier decides whether they make a threat, with the harm
 * model's reading and the absence of counter evidence (a debunk or a press release warning about such a post names the
 * same details).
 */

/** Kinds of detail that locate a person. */
export type LocatingDetail = 'home' | 'plate' | 'vehicle' | 'routine' | 'family';

import { WORD_END as END, WORD_START as START, wholeWords } from './whole-words.js';

const words = (alternatives: readonly string[]): RegExp => wholeWords(alternatives, 'giu');

/**
 * The details, as regular expressions over the cleaned text (case-insensitive). EN, FR and Arabic (MSA and the dialects
 * of Lebanon, Sudan, the Maghreb), with the Lingala, Swahili and Arabizi forms the labelled posts use.
 */
const DETAILS: ReadonlyArray<readonly [LocatingDetail, RegExp]> = [
  [
    'home',
    words([
      // English: where a person lives or sleeps.
      // Third person singular only: "people living near the base" and "those who live in Beni" place nobody.
      '(?:lives|stays|sleeps|rents|lodges) (?:in|at|on|above|behind|near|next to|opposite|by|with|the|a|an)',
      '(?:his|her|their) (?:house|home|flat|apartment|compound|villa|room|tukul|residence|address)',
      'where (?:he|she|they) (?:lives?|sleeps?|stays?)',
      '(?:flat|apartment|room|floor) (?:above|behind|over|next to|opposite|on the corner)',
      'home address',
      'compound is',
      // French.
      // Not « j'habite »: the writer's own home.
      "(?<!j['’])habite|réside|logé|logée",
      'loge (?:à|a|au|aux|dans|chez|derrière|près|en face|juste|sur)',
      'dort (?:à|a|au|aux|dans|chez|derrière)',
      'sa (?:maison|villa|résidence|chambre)|son (?:appartement|domicile|adresse|logement|studio)',
      // Lingala, Swahili.
      'afandaka|afandi|ndako na ye|ndako ya ye|anaishi|anakaa|nyumba yake',
      // Arabic (ة and ه both, as posts write them), and Arabizi.
      // The participles also say "I live" after the pronoun (« اني عراقي ساكن بصور »): not after أنا, انا, اني, ana.
      '(?<!(?:أنا|انا|اني|إني|ana|ena)(?: \\p{L}+)? )(?:ساكن|ساكنة|ساكنه|مقيم|مقيمة|saken|sakna|sakne|sakin)',
      'يسكن|تسكن|بيسكن|بتسكن|يقيم|تقيم|بيته|بيتها|بيت تو|بيتو|منزله|منزلها|شقته|شقتها|بالشقة|بالشقه|بشقة|بشقه',
      'beito|bayto|byeskon|biyeskon|bteskon|yeskon',
    ]),
  ],
  // A plate number: "UN-1189", « plaque UN 3xx », "Land Cruiser UN 0847", « نمرتو UN 4417 ». "UN 2023" alone is a year as
  // often as a plate, so a number after "UN" and a space counts only after a plate or vehicle word.
  [
    'plate',
    new RegExp(
      `${START}(?:UN-\\d{3,4}|UN \\d?xx|(?:plate|plaque|immatricul\\p{L}*|نمرة|نمره|نمرتو|نمرته|نمرتها|رقمها|رقمه|رقمو|رقم اللوحة|لوحة|لوحتها)[^.\\n]{0,25}\\d{2,}|(?:car|jeep|pickup|pick-up|vehicle|voiture|véhicule|toyota|cruiser|kia|skoda|hilux|prado|tonobil|motuka|gari|سيارة|عربية|جيب|لاندكروزر)[^.\\n]{0,30}UN[- ]?\\d{2,4})${END}`,
      'giu',
    ),
  ],
  [
    'vehicle',
    words([
      '(?:his|her) (?:car|jeep|vehicle|pickup|pick-up|4x4|suv|motorbike)',
      '(?:sa|leur) (?:voiture|jeep|moto|4x4)',
      '(?:grey|gray|white|silver|black|blue|red|green) (?:car|kia|toyota|skoda|jeep|suv|4x4|pickup|pick-up|land ?cruiser)',
      'voiture (?:grise|blanche|noire|bleue|rouge|verte)',
      'toyota|land ?cruiser|landcruiser|prado|hilux|kia|skoda|hyundai',
      'سيارته|سيارتها|سيارتو|عربيته|عربيتها|عربيتو|لاندكروزر|تويوتا|جيب',
      'jeep na ye|motuka na ye|motuka ya ye|gari yake',
    ]),
  ],
  [
    'routine',
    words([
      'alone|on (?:his|her) own|without (?:an? )?(?:escort|guard|bodyguard)',
      '(?:every|each) (?:morning|evening|night|day|monday|tuesday|wednesday|thursday|friday|saturday|sunday)',
      '(?:marche|rentre|sort|court|circule|part|passe|vient|va) seule?',
      'sans (?:escorte|garde)|chaque (?:matin|soir|jour|nuit|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)|tous les (?:matins|soirs|jours)',
      'jogs|goes jogging|runs (?:by|along)|walks (?:to|along|home)',
      'كل (?:يوم|صباح|مسا|مساء|ليلة|ليله|جمعة|جمعه|سبت|أحد|احد)|لوحده|لوحدها|لحالو|لحالها|براهو|براها|وحده|وحدها|من غير حراسة|من غير حراسه|بدون حراسة|بدون حراسه',
      '(?:kol|kel|kell|kul) (?:lila|lele|layle|nhar|yom|youm|sba7|sbah|sob7|sabt|jem3a|jom3a)|la7alo|la7ala|kila siku|mokolo nyonso|butu nyonso',
    ]),
  ],
  [
    'family',
    new RegExp(
      `${START}(?:children|kids|daughter|son|wife|enfants|fille|fils|épouse|أولاده|أولادها|ولاده|ولادو|بناته|ابنه|ابنته|زوجته|bana na ye|watoto wake)${END}[^.\\n]{0,50}${START}(?:school|école|ecole|مدرسة|مدرسه|kelasi|shule)`,
      'giu',
    ),
  ],
];

/** What {@link locatingDetails} found: each kind once, with the words as written, in the order of {@link DETAILS}. */
export interface LocatingDetails {
  readonly kinds: readonly LocatingDetail[];
  readonly words: readonly string[];
}

/**
 * The details in `text` that locate a person (see {@link DETAILS}). A kind counts only for words outside the ones an
 * earlier kind took: "Land Cruiser UN 0847" is one plate, not a plate and a vehicle.
 */
export function locatingDetails(text: string): LocatingDetails {
  const kinds: LocatingDetail[] = [];
  const found: string[] = [];
  const taken: [number, number][] = [];
  for (const [kind, re] of DETAILS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && s < end)) continue;
      kinds.push(kind);
      found.push(m[0].trim());
      taken.push([start, end]);
      break;
    }
  }
  return { kinds, words: found };
}

/**
 * Words that point the reader at the person the post locates: share it, know the face, do what you must, enough said.
 * The call to act of a doxxing post, left unsaid.
 */
const POINTING = wholeWords([
  // English.
  'share (?:this|it|widely|with)|spread (?:this|the word)|pass (?:this|it) (?:on|to)|forward (?:this|it)',
  'the right people|you know what to do|do what you (?:must|like|want|have to|can)',
  '(?:know|remember) (?:his|her|their|this) face|look (?:well|closely|carefully) at',
  "just saying|(?:i|we) (?:won['’]t|will not) say more|i said what i said|enough said|read between the lines|now you (?:all )?know",
  'we know where (?:he|she|they)',
  // French.
  'partagez|faites (?:passer|tourner|circuler)|diffusez',
  "à vous de (?:voir|jouer|lire)|vous savez ce qu['’]il (?:vous )?reste à faire|(?:que )?chacun (?:fasse|sait) ce qu",
  'pour info|regardez bien|retenez (?:bien )?(?:ce|son|leur) (?:visage|nom)|entre les lignes',
  "je ne dis rien de plus|pas besoin d['’]en dire plus|les bonnes personnes|on sait où (?:il|elle|ils)|qu['’]on (?:le|la) reconnaisse",
  // Arabic (and the dialects).
  'انشروا|انشرو|شاركوا|وزعوا|خلو بالكم|خلّو بالكم|العارفين عارفين|للعلم|احفظوا وجه|بتعرفوا شو|تعرفوا شو|انتو عارفين|إنتو عارفين',
  // Swahili, Lingala.
  'sambazeni|mumjue|mjue vizuri|tutajua pa|mnajua la kufanya|bokabola|bopanza|boyeba ye',
]);

/** Whether the text points the reader at someone (see {@link POINTING}). */
export function pointsAtSomeone(text: string): boolean {
  return POINTING.test(text);
}

/**
 * Whether the details place one person: a home or a plate number (what tells a person from a patrol), with two more
 * kinds, or with one more and words that point at the person (see {@link POINTING}). "The patrol passes every evening
 * at 7" or « la FINUL relève chaque jour les numéros de plaque » hold a routine or a vehicle but place nobody; a home
 * and a habit (« le capitaine qui habite à côté de chez nous… chaque matin il salue les enfants », "my cousin lives in
 * Oicha and every night he hears gunfire") are neighbourhood talk and grievance until the post points at the person.
 */
export function placesAPerson(d: LocatingDetails, text: string): boolean {
  if (!d.kinds.includes('home') && !d.kinds.includes('plate')) return false;
  return d.kinds.length >= 3 || (d.kinds.length === 2 && pointsAtSomeone(text));
}
