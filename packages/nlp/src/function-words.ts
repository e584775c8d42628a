/**
 * Lexicon terms that are also function words of another language. Every lexicon is matched against every text,
 * because code-switching is normal, but a one-word term such as French « or » (gold) is the English "or" in every
 * English sentence: such a term counts only in a text identified as the term's own language.
 *
 * The function words are natural's stop-word lists (English, French, and Spanish, Portuguese and Italian, which
 * reach the feeds too), folded as the normaliser folds text.
 */
import { words as en } from 'natural/lib/natural/util/stopwords.js';
import { words as es } from 'natural/lib/natural/util/stopwords_es.js';
import { words as fr } from 'natural/lib/natural/util/stopwords_fr.js';
import { words as it } from 'natural/lib/natural/util/stopwords_it.js';
import { words as pt } from 'natural/lib/natural/util/stopwords_pt.js';
import type { Match, MatcherEntry } from './lexicon-matcher.js';
import { tokenise } from './normaliser.js';

const FUNCTION_WORDS: readonly (readonly [string, ReadonlySet<string>])[] = (
  [
    ['en', en],
    ['fr', fr],
    ['es', es],
    ['pt', pt],
    ['it', it],
  ] as const
).map(([lang, list]) => [lang, new Set(list.flatMap((w) => tokenise(w).tokens.map((t) => t.norm)))] as const);

/** The languages (other than `lang`) in which the folded word `norm` is a function word. */
export function functionWordLanguages(norm: string, lang: string): string[] {
  return FUNCTION_WORDS.filter(([l, set]) => l !== lang && set.has(norm)).map(([l]) => l);
}

/**
 * Per entry, 1 when it is a one-word narrative or cue term that is a function word of another language. Gazetteer
 * entries (`g:` groups: names, acronyms, places) are left out: their own case rules apply (see mission-attribution).
 */
export function crossLanguageEntries(entries: readonly MatcherEntry[]): Uint8Array {
  return Uint8Array.from(entries, (e) => {
    if (e.group.startsWith('g:')) return 0;
    const toks = tokenise(e.text).tokens;
    return toks.length === 1 && functionWordLanguages(toks[0]!.norm, e.lang).length > 0 ? 1 : 0;
  });
}

/**
 * `matches` without those of cross-language entries (see {@link crossLanguageEntries}) in a text whose identified
 * language is not the entry's own. Returns the same array when nothing is dropped (the usual case).
 */
export function dropForeignFunctionWords(matches: Match[], crossLanguage: Uint8Array, language: string): Match[] {
  let drop = false;
  for (const m of matches) if (crossLanguage[m.entry] === 1 && m.lang !== language) drop = true;
  return drop ? matches.filter((m) => crossLanguage[m.entry] !== 1 || m.lang === language) : matches;
}
