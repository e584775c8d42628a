/**
 * Calls to act written in Arabizi. Arabic written in Latin letters has no fixed spelling: "burn them!" is a7rigu,
 * 7ar2ouhon, harigu, a7r9ouhom, and "we will close it" n2affil, nagfilou, nsakkro, by dialect and by writer. The cue
 * lists hold some forms; the Arabizi route of the matcher reads a Latin word by its consonants against the Arabic
 * cues, but only for four consonants or more (three matched ordinary words: measured, false alarms 4 % → 13 %), and a
 * call verb has three. Of the 117 Arabizi S1 items in train, 79 had no call the matcher found.
 *
 * So a word counts as a call here when both its root and its shape say so:
 * - its root is one of a few violent verbs (burn, break, close, stone, attack, expel, kill, loot, storm), read by
 *   consonants with the spellings of each dialect (ق as q, 2, 9, g or k; ح as 7 or h);
 * - its shape is a call: the first person plural (n-, mn-, bn-, hn-, 7an-: "we…") or the plural imperative (an ending
 *   in u / o / ou / oo, before an optional object pronoun). Third persons (y-, t-, bi-) never are.
 * A past "they burned" can have the imperative's shape; that ambiguity is Arabic's own (حرقوا), as for the Arabic cues.
 * Read only in texts the normaliser judged Arabizi.
 */
import type { Match } from './lexicon-matcher.js';
import { LEXEME_LIMIT, type NormalisedText } from './normaliser.js';

/** Consonant skeletons of the roots, with the spellings that dialects give their letters. */
const ROOTS: Readonly<Record<string, readonly string[]>> = {
  // hr2: ح written h and ق written 2, as Lebanese Arabizi does ("nehre2", we burn); no word of the labelled sets has it.
  burn: ['7rq', '7rg', '7rk', 'hrq', 'hrg', '7r2', 'hr2'],
  break: ['ksr'],
  close: ['skr', 'qfl', 'gfl', '2fl'],
  stone: ['rjm'],
  attack: ['hjm'],
  expel: ['trd'],
  kill: ['qtl', '2tl', 'ktl'],
  loot: ['nhb'],
  storm: ['qt7m', '2t7m', 'kt7m'],
};
const SKELETON_ROOT = new Map<string, string>();
for (const [root, forms] of Object.entries(ROOTS)) for (const f of forms) SKELETON_ROOT.set(f, root);

/** Object pronouns glued to the verb (them, it/her, him, to them; Lebanese -on is "them"). */
const PRONOUNS = ['lhoum', 'lhom', 'lhum', 'lhon', 'houm', 'hom', 'hum', 'hon', 'hun', 'hen', 'ha', 'ah', 'on', 'h'];
/** Endings of the plural imperative (and of the Maghrebi, Sudanese, Gulf first person plural). */
const PLURAL = ['oon', 'oo', 'ou', 'u', 'o', 'w'];
/** First-person-plural prefixes: n (we), and the present or future markers before it (Levantine m/b, Egyptian h, Sudanese 7a). */
const FIRST_PERSON = ['7an', 'han', 'mn', 'bn', 'hn', 'n'];

/**
 * Consonant skeleton for root matching: vowels, w and y out, doubled letters kept once except where a root lists them,
 * digraphs sh/kh/gh/dh/th as one letter, and 2 kept (Levantine writes ق as 2).
 */
function rootSkeleton(s: string): string {
  const t = s.replace(/sh|ch/g, 'x').replace(/kh/g, '5').replace(/gh/g, 'g').replace(/th/g, 't').replace(/dh/g, 'd').replace(/9/g, 'q').replace(/v/g, 'f');
  let out = '';
  for (const ch of t) if (/[bdfghjklmnqrstxz23457]/.test(ch) && ch !== out[out.length - 1]) out += ch;
  return out;
}

/** The root of a bare stem (no prefix or ending left), allowing one initial vowel of the imperative (a7rig, i2t7am). */
function rootOf(stem: string): string | undefined {
  const bare = /^[aeio]/.test(stem) ? stem.slice(1) : stem;
  if (bare.length < 2) return undefined;
  return SKELETON_ROOT.get(rootSkeleton(bare)) ?? SKELETON_ROOT.get(rootSkeleton(stem));
}

/** `word` without `ending` when it ends with it and keeps at least `min` letters. */
function without(word: string, ending: string, min: number): string | undefined {
  return word.endsWith(ending) && word.length - ending.length >= min ? word.slice(0, word.length - ending.length) : undefined;
}

/**
 * The violent root of a folded Latin token when the token is a call in Arabizi (first person plural or plural
 * imperative), else undefined: "a7rigu" → burn, "nsakkro" → close, "kassrouha" → break, "yi7ra2o" (they burn) → none.
 */
export function arabiziCallRoot(token: string): string | undefined {
  const w = token.toLowerCase();
  if (w.length < 4 || w.length > 16 || !/^[a-z0-9]+$/.test(w)) return undefined;
  if (/^(?:y|t|bi|bt|by)/.test(w) && !/^t[aeiou]?r+[aeiou]?d/.test(w)) return undefined;
  const bodies = [w];
  for (const p of PRONOUNS) {
    const b = without(w, p, 3);
    if (b) bodies.push(b);
  }
  for (const body of bodies) {
    // The plural imperative: an ending in u / o, the stem before it a root.
    for (const e of PLURAL) {
      const stem = without(body, e, 2);
      if (stem && !/^n/.test(stem)) {
        const r = rootOf(stem);
        if (r) return r;
      }
    }
    // The first person plural: a prefix, then the root, with or without the plural ending.
    for (const p of FIRST_PERSON) {
      if (!body.startsWith(p) || body.length - p.length < 2) continue;
      const rest = body.slice(p.length);
      const r = rootOf(rest) ?? PLURAL.map((e) => without(rest, e, 2)).map((s) => (s ? rootOf(s) : undefined)).find((x) => x !== undefined);
      if (r) return r;
    }
  }
  return undefined;
}

/** A listed Arabic call for each root, shown to officers as the term an Arabizi call was read as. */
export const ARABIZI_CALL_TERMS: Readonly<Record<string, string>> = {
  burn: 'احرقوا',
  break: 'كسروا',
  close: 'سكروا',
  stone: 'ارجموا',
  attack: 'هاجموا',
  expel: 'اطردوا',
  kill: 'اقتلوا',
  loot: 'انهبوا',
  storm: 'اقتحموا',
};

const ROOT_NAMES = Object.keys(ROOTS);
/** {@link memoRoot} value of a word that is no call (0: not read yet; n > 0: root `ROOT_NAMES[n - 1]`). */
const NO_ROOT = 127;
/** The reading of each interned word, by lexeme id, for one interning generation (see `Token.lexeme`). */
const memoRoot = new Int8Array(LEXEME_LIMIT);
let memoGeneration = -1;

/** The catalogue-derived entry that Arabizi call matches point to (see `compileCatalogue`). */
export const ARABIZI_CALL_ENTRY_META = 'arabizi-call';

/**
 * `matches` with a call-to-act match for each Latin token of an Arabizi text that {@link arabiziCallRoot} reads as a
 * call and no call match covers yet; `entry` is the index of the matcher entry they count under, `weight` their weight.
 * Returns the same array when the text is not Arabizi or has no such token.
 */
export function withArabiziCalls(matches: Match[], nt: NormalisedText, entry: number, weight: number): Match[] {
  if (!nt.arabizi) return matches;
  if (nt.generation !== memoGeneration) {
    memoRoot.fill(0);
    memoGeneration = nt.generation;
  }
  let added: Match[] | undefined;
  for (let i = 0; i < nt.tokens.length; i++) {
    const t = nt.tokens[i]!;
    if (t.script !== 'latin') continue;
    // Read once per distinct word (a 1 KB Arabizi post has some 170 tokens, most of them seen before).
    let code = t.lexeme >= 0 ? memoRoot[t.lexeme]! : 0;
    if (code === 0) {
      const r = arabiziCallRoot(nt.cleaned.slice(t.start, t.end));
      code = r === undefined ? NO_ROOT : ROOT_NAMES.indexOf(r) + 1;
      if (t.lexeme >= 0) memoRoot[t.lexeme] = code;
    }
    if (code === NO_ROOT) continue;
    const root = ROOT_NAMES[code - 1]!;
    const surface = nt.cleaned.slice(t.start, t.end);
    if (matches.some((m) => (m.group === '_call_to_act' || m.group === 'incitement_violence') && m.startTok <= i && i < m.endTok)) continue;
    (added ??= []).push({ entry, group: '_call_to_act', term: ARABIZI_CALL_TERMS[root]!, lang: 'ar', weight, startTok: i, endTok: i + 1, start: t.start, end: t.end, surface, via: 'arabizi' });
  }
  if (!added) return matches;
  return [...matches, ...added].sort((a, b) => a.startTok - b.startTok || a.endTok - b.endTok);
}
