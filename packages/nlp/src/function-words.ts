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
import { tokenise, type NormalisedText } from './normaliser.js';

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

/**
 * Lexicons whose inflected or fuzzy matches count only if written as the term, by the language of the text: English,
 * French, or `arabic-script` (an Arabic-script text identified as another language; see {@link textLanguageForMatching}).
 */
const FOREIGN_INFLECTION_LANGUAGES: Readonly<Record<string, ReadonlySet<string>>> = {
  // English texts: French stems and the fuzzy matching of the unstemmed African languages reach English words.
  en: new Set(['fr', 'sw', 'ln', 'bm', 'sg']),
  // French texts keep English stems (borrowed words are inflected in French posts: « fakes », « les checkpoints »).
  fr: new Set(['sw', 'ln', 'bm', 'sg']),
  // Another language in Arabic script (Urdu): Arabic stems reach its words (آباد → « إبادة »); Arabic words as
  // written, which Urdu shares by the hundred, still count.
  'arabic-script': new Set(['ar']),
};

/** The language {@link dropForeignInflections} reads a text as: the identified one, or `arabic-script` for Urdu. */
export function textLanguageForMatching(nt: NormalisedText, identified: string): string {
  const { arabic, latin } = nt.scriptCounts;
  return identified === 'und' && arabic > 0 && arabic >= latin ? 'arabic-script' : identified;
}

/**
 * Per entry, its words as the normaliser folds them, joined by spaces (what a match written as the term reads as).
 * Computed on first use: few entries are ever matched inexactly in a foreign text.
 */
export class EntryForms {
  private readonly forms: (string | undefined)[] = [];
  constructor(private readonly entries: readonly MatcherEntry[]) {}
  of(entry: number): string {
    return (this.forms[entry] ??= tokenise(this.entries[entry]!.text)
      .tokens.map((t) => t.norm)
      .join(' '));
  }
}

/**
 * `matches` without the stem and fuzzy matches of another language's terms in a text identified as English or French,
 * unless the words are written as in the term. Code-switching keeps its exact words (« dégage » in an English post),
 * but a stem or a near spelling in the wrong language is another word: English "March" (the month) reached the French
 * call « marchons », "part" the French « partez », "Russia" the Bambara « Russie » — and news about a UN agency came
 * out as an S1 call to violence. Gazetteer matches (names, places) are left alone. Returns the same array when
 * nothing is dropped (the usual case).
 */
export function dropForeignInflections(matches: Match[], nt: NormalisedText, language: string, forms: EntryForms): Match[] {
  const foreign = FOREIGN_INFLECTION_LANGUAGES[language];
  if (!foreign) return matches;
  // Plain loops and a module function: this runs for every English and French text, and a closure made per call
  // costs a `name` definition under tsx (see stance.ts).
  let kept: Match[] | null = null;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    if (isForeignInflection(m, nt, foreign, forms)) kept ??= matches.slice(0, i);
    else kept?.push(m);
  }
  return kept ?? matches;
}

/** Whether `m` is a stem or fuzzy match of a `foreign` lexicon's term whose words are not written as the term's. */
function isForeignInflection(m: Match, nt: NormalisedText, foreign: ReadonlySet<string>, forms: EntryForms): boolean {
  if ((m.via !== 'stem' && m.via !== 'fuzzy') || !foreign.has(m.lang) || m.group.startsWith('g:')) return false;
  let written = '';
  for (let i = m.startTok; i < m.endTok; i++) written += (i > m.startTok ? ' ' : '') + nt.tokens[i]!.norm;
  return written !== forms.of(m.entry);
}
