// The reference makes the module declarations travel with this file, so workspaces that compile the nlp
// sources through the `source` condition (services, tests) type-check them too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient .d.ts cannot be imported
/// <reference path="./natural-modules.d.ts" />
/**
 * Stemmers for matching: natural's Porter stemmers for English and French, and Snowball's Arabic light stemmer from
 * `@orama/stemmers` (maintained, pure JS, no install script). Swahili, Lingala, Bambara and Sango have no stemmer
 * we trust; the matcher uses fuzzy matching for them instead.
 *
 * Stemming is the most expensive step per token, and word frequencies are Zipfian, so results are memoised in a
 * bounded cache that is simply cleared when full (cheaper than LRU bookkeeping and good enough at our sizes).
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import PorterStemmerFr from 'natural/lib/natural/stemmers/porter_stemmer_fr.js';
import { stemmer as arabicStemmer } from '@orama/stemmers/arabic';

/**
 * Small on purpose: the classifier memoises each word's keys and features by its interned id, so these memos only
 * serve the three stemmings of a word's first sight (matcher, narrative features, hate features) and tokens without
 * an id. At 200,000 entries each, the three memos held ≈ 20 % of the heap after 100,000 never-seen words.
 */
const CACHE_LIMIT = 20_000;

/** `fn` memoised in a map of at most {@link CACHE_LIMIT} words, cleared when full. */
export function boundedMemo(fn: (w: string) => string): (w: string) => string {
  const cache = new Map<string, string>();
  return (w: string) => {
    let v = cache.get(w);
    if (v === undefined) {
      v = fn(w);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(w, v);
    }
    return v;
  };
}

/** A stemmer, memoised; an empty stem or a stemmer error gives the word itself. */
function memo(stem: (w: string) => string): (w: string) => string {
  return boundedMemo((w) => {
    try {
      return stem(w) || w;
    } catch {
      // A stemmer bug must never fail a classification; the unstemmed word is a safe fallback.
      return w;
    }
  });
}

/**
 * Whether `w` is a run of ASCII digits. Both Porter stemmers only ever rewrite letter suffixes (and their residual
 * steps need letters too), so such a word is its own stem: numbers, the commonest never-seen tokens in news, skip the
 * stemmer and the memo.
 */
function isDigits(w: string): boolean {
  if (w.length === 0) return false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Words this short are their own English and French stems here: the stemmers are not called for them. */
export const OWN_STEM_MAX_LENGTH = 3;

const stemEnMemo = memo((w) => (w.length <= OWN_STEM_MAX_LENGTH ? w : PorterStemmer.stem(w)));
/** English Porter stem of a folded token. */
export const stemEn = (w: string): string => (isDigits(w) ? w : stemEnMemo(w));
/**
 * The residual endings stripped after the French stem, longest first: stripping the first that ends the stem is
 * `stem.replace(/(?:aient|ait|ais|ent|ons|on|ez|er|es|e|s)$/, '')`, whose leftmost match is the longest such ending.
 * A few `endsWith` instead of that regex, which was tried at every position of every new word's stem.
 */
const FR_RESIDUAL_ENDINGS = ['aient', 'ait', 'ais', 'ent', 'ons', 'on', 'ez', 'er', 'es', 'e', 's'];

/** `s` without its longest {@link FR_RESIDUAL_ENDINGS} ending (`s` itself when it has none). */
function withoutFrResidual(s: string): string {
  for (const ending of FR_RESIDUAL_ENDINGS) if (s.endsWith(ending)) return s.slice(0, s.length - ending.length);
  return s;
}

/**
 * French stem of a folded token: natural's Porter (Snowball) stemmer, then one residual verb/plural ending
 * stripped. Snowball's RV region leaves short verbs unstemmed (armait, brûlons → brulon, pillent), which matter
 * most here because calls to act are short imperatives.
 */
const stemFrMemo = memo((w) => {
  if (w.length <= OWN_STEM_MAX_LENGTH) return w;
  const s = PorterStemmerFr.stem(w);
  const r = withoutFrResidual(s);
  return r.length >= 3 ? r : s;
});
export const stemFr = (w: string): string => (isDigits(w) ? w : stemFrMemo(w));

/**
 * Arabic light stem of a normalised token. The Snowball stemmer keeps the conjunctions و/ف glued to the definite
 * article (والمتمردين → والمتمرد), so we strip one leading و or ف first when the rest is still a word.
 */
export const stemAr = memo((w) => {
  const base = /^[وف]ال/.test(w) && w.length > 4 ? w.slice(1) : w;
  return arabicStemmer(base);
});
