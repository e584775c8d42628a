/**
 * Light language identification: script first (Arabic script → ar), Arabizi → ar, then stop-word profiles for the
 * Latin-script languages Vigie watches. It is a weight, not a gate: matching runs every lexicon on every text.
 */
import type { Language } from '@vigie/contracts';
import { LEXEME_LIMIT, type NormalisedText } from './normaliser.js';

const PROFILES: Record<'en' | 'fr' | 'sw' | 'ln' | 'bm' | 'sg', ReadonlySet<string>> = {
  en: new Set('the and of to is are in that for with they this we not on have from will their by it was be our you who what has were them or as at after but about over says said its his her he she had how why more than into can could would should been'.split(' ')),
  fr: new Set('le la les des de du et est sont une un pour dans que qui nous ils pas sur avec ce au aux elle ne plus par se sa son leurs notre vous il on cette a'.split(' ')),
  sw: new Set('na ya wa kwa ni za katika hii hawa wana sisi kwamba lakini ili kama sana watu wote leo kesho hatutaki walinda amani umoja mataifa wao yetu hapa huko'.split(' ')),
  ln: new Set('ya ba bango biso bino te ezali bazali oyo mpe mboka eloko nini kaka lisusu tozali toko elongo lelo lobi bato moto na bana'.split(' ')),
  bm: new Set('ka ni ye bɛ tɛ ko don kɔnɔ an aw u jamana ani ma sɔrɔ cɛ mɔgɔ be te kelen fana'.split(' ')),
  sg: new Set('ti na so ala zo mbi lo ake ayeke ni kue awe pepe ndo koli wali sarango gbia ködörö'.split(' ')),
};

const PROFILE_LIST = Object.entries(PROFILES) as [keyof typeof PROFILES, ReadonlySet<string>][];
const BM = PROFILE_LIST.findIndex(([l]) => l === 'bm');
const BAMBARA_LETTERS = /[ɛɔɲŋ]/;

const BAMBARA_BIT = 1 << PROFILE_LIST.length;

/** Bit i: the word is in profile i; {@link BAMBARA_BIT}: it has a Bambara letter. */
function profileBits(norm: string): number {
  let bits = 0;
  for (let i = 0; i < PROFILE_LIST.length; i++) if (PROFILE_LIST[i]![1].has(norm)) bits |= 1 << i;
  if (BAMBARA_LETTERS.test(norm)) bits |= BAMBARA_BIT;
  return bits;
}

const memo = new Int8Array(LEXEME_LIMIT).fill(-1);
let memoGeneration = -1;

/** Letters of Urdu's alphabet that Arabic does not use: ٹ ڈ ڑ ں ھ ہ ے. */
const URDU_LETTERS = /[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2]/g;

/**
 * Whether an Arabic-script text is Urdu: three of Urdu's own letters and at least one letter in fifty. Urdu news about
 * Pakistan (BBC Urdu in the recorded feeds) was read as Arabic, and its words as Arabic stems: آباد of Islamabad as
 * « إبادة » ("extermination"). The recorded Urdu items have 8–46 such letters (4–20 % of their Arabic-script letters);
 * none of the labelled Arabic has one.
 */
export function writtenInUrdu(cleaned: string, arabicLetters: number): boolean {
  const n = cleaned.match(URDU_LETTERS)?.length ?? 0;
  return n >= 3 && n * 50 >= arabicLetters;
}

/** Guess the language of a normalised text; `und` when there is too little to go on. */
export function identifyLanguage(nt: NormalisedText): Language {
  const { latin, arabic } = nt.scriptCounts;
  if (arabic > 0 && arabic >= latin) return writtenInUrdu(nt.cleaned, arabic) ? 'und' : 'ar';
  if (nt.arabizi) return 'ar';
  if (latin === 0) return 'und';
  // Indexed counts over a hoisted profile list: Object.entries per token allocated ~1,000 arrays per 1 KB text. Which
  // profiles a word is in (and whether it has Bambara letters) is memoised per interned token (lexeme id).
  const scores = new Float64Array(PROFILE_LIST.length);
  if (nt.generation !== memoGeneration) {
    memo.fill(-1);
    memoGeneration = nt.generation;
  }
  for (const t of nt.tokens) {
    let bits = t.lexeme >= 0 ? memo[t.lexeme]! : -1;
    if (bits === -1) {
      bits = profileBits(t.norm);
      if (t.lexeme >= 0) memo[t.lexeme] = bits;
    }
    if (bits === 0) continue;
    for (let i = 0; i < PROFILE_LIST.length; i++) if (bits & (1 << i)) scores[i]! += 1;
    if (bits & BAMBARA_BIT) scores[BM]! += 2;
  }
  const ranked = PROFILE_LIST.map(([lang], i) => [lang, scores[i]!] as const).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] === 0) return 'und';
  if (second && second[1] === best[1]) {
    // Ties between the big languages and the small ones go to the small one only with real evidence.
    return best[1] >= 2 ? (best[0] as Language) : 'und';
  }
  return best[0] as Language;
}
