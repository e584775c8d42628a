/**
 * Arabic call forms beyond the ones a cue list writes out. A call in Arabic is an imperative (احرقوا "burn!") or a verb
 * in the first person plural (نحرق "we burn", منحرق, بنحرق, حنحرق "we will burn" in Levantine, Egyptian and Sudanese
 * speech), and either takes an object pronoun glued to its end: احرقوهم "burn them!", نطردهم "we expel them",
 * يقطعلو… The cue lists hold the bare forms; the stemmers reach the glued ones, which the classifier then refused as
 * mere inflections (see `INFLECTED_CALL_GROUP`), so "attack them!" (هاجموهم) counted as no call at all.
 *
 * Two pure functions, both on normalised Arabic (see `normaliseArabic`):
 * - {@link arabicCallReadings}: the bare forms a written token may stand for, for the check that a stem match is a
 *   listed call form;
 * - {@link firstPersonVariants}: the dialect tense prefixes a listed first-person-plural form also takes, compiled
 *   into the matcher as entries of their own (the Arabic stemmer keeps منضرب apart from نضرب).
 *
 * Third-person forms (يحرقون "they burn", حرقوهم "they burned them") stay what they were: no reading of them is a
 * listed imperative or first-person form.
 */

/** Pronouns glued to a verb's end: them (m., f.), it/her, you (pl.), to him / to them (dialect ل). */
const OBJECT_SUFFIXES = ['لهم', 'لهن', 'لها', 'هم', 'هن', 'كم', 'كن', 'ها', 'لو', 'له', 'ه'] as const;

/** Dialect tense prefixes written before the first person's ن: م and ب (present), ح and ه (future). */
const TENSE_PREFIXES = ['م', 'ب', 'ح', 'ه'] as const;

/** Shortest stem left once a suffix or prefix is taken off (two letters and ن or ا are no verb). */
const MIN_BASE = 3;

/**
 * The forms a normalised Arabic token may be read as once its clitics are taken off: the token itself; without one
 * leading و or ف (and); without one object pronoun, the plural's و taking back the alif it drops before a pronoun
 * (هاجموهم → هاجموا); with a final و also read as وا (احرقو, the alif left out as dialect writing does); and without
 * a dialect tense prefix before the first person's ن (منضربهم → نضرب). The caller checks each against its listed
 * forms, so a reading that is not a word costs nothing.
 */
export function arabicCallReadings(norm: string): string[] {
  const out = new Set<string>([norm]);
  const stems = [norm];
  if ((norm.startsWith('و') || norm.startsWith('ف')) && norm.length - 1 >= MIN_BASE) stems.push(norm.slice(1));
  for (const s of stems) {
    out.add(s);
    const bare = [s];
    // Every pronoun the word ends with, not only the longest: in بنستقبلها the ل of لها is the verb's own.
    for (const suffix of OBJECT_SUFFIXES) if (s.endsWith(suffix) && s.length - suffix.length >= MIN_BASE) bare.push(s.slice(0, s.length - suffix.length));
    for (const b of bare) {
      out.add(b);
      if (b.endsWith('و')) {
        out.add(`${b}ا`);
        out.add(b.slice(0, -1));
      }
      if (b.length - 1 >= MIN_BASE && b[1] === 'ن' && (TENSE_PREFIXES as readonly string[]).includes(b[0]!)) {
        const first = b.slice(1);
        out.add(first);
        if (first.endsWith('و')) out.add(first.slice(0, -1));
      }
    }
  }
  return [...out];
}

/**
 * The dialect forms of a listed first-person-plural call (one word starting with ن, four letters or more): نحرق →
 * منحرق, بنحرق, حنحرق, هنحرق. Other forms give none.
 */
export function firstPersonVariants(form: string): string[] {
  if (form.length < 4 || !form.startsWith('ن') || /\s/.test(form)) return [];
  return TENSE_PREFIXES.map((p) => `${p}${form}`);
}
