/**
 * Multilingual lexicon matching over a precompiled token trie.
 *
 * Every lexicon entry, whatever its language, is compiled once into a path of token keys; every text token offers
 * the keys it can match (surface form, EN and FR Porter stems, Arabic light stem, fuzzy neighbours, Arabizi
 * skeleton). Matching is then one left-to-right walk of the trie from each token — no per-term regex loops — and
 * every language's lexicon is tried against every text, because code-switching is the norm.
 *
 * Key prefixes: `w:` exact folded surface, `en:`/`fr:`/`ar:` stems, `fz:` fuzzy word (unstemmed languages),
 * `sk:` Arabic consonant skeleton (Arabizi route).
 */
import { arabicSkeleton, LEXEME_LIMIT, tokenise, type NormalisedText, type Token } from './normaliser.js';
import { OWN_STEM_MAX_LENGTH, stemAr, stemEn, stemFr } from './stemmers.js';

/** One compiled pattern. `group` is a narrative key, a cue (`_call_to_act`…) or a gazetteer group (`m:…`). */
export interface MatcherEntry {
  readonly text: string;
  /** Lexicon language; `xx` for names matched by exact surface (places, acronyms). */
  readonly lang: string;
  readonly group: string;
  /** Effective weight (entry weight × status multiplier). */
  readonly weight: number;
  /** Extra payload for gazetteers (mission code, nationality). */
  readonly meta?: string;
  /** Match the words as written (folded), never by stem (see the catalogue's `asWritten`). */
  readonly asWritten?: boolean;
}

export type MatchVia = 'exact' | 'stem' | 'fuzzy' | 'arabizi';

export interface Match {
  readonly entry: number;
  readonly group: string;
  readonly term: string;
  readonly lang: string;
  /** Weight after penalties for gaps, fuzzy and Arabizi matches. */
  readonly weight: number;
  readonly meta?: string;
  /** Token span [startTok, endTok). */
  readonly startTok: number;
  readonly endTok: number;
  /** Character span in the cleaned text, and the text found there (for highlighting). */
  readonly start: number;
  readonly end: number;
  readonly surface: string;
  readonly via: MatchVia;
}

interface TrieNode {
  /** Children by interned key id (see {@link LexiconMatcher.keyIds}). */
  next: Map<number, TrieNode> | undefined;
  ends: number[] | undefined;
}

interface TokenKeys {
  keys: string[];
  /** Keys reached by an approximate route (fuzzy neighbour or Arabizi skeleton). */
  inexact: Set<string> | undefined;
}

/**
 * A token's keys as the walk uses them: only the keys that label some trie edge (most tokens have none, and are
 * skipped at once), in the order of {@link TokenKeys.keys} (the walk order decides which of two routes to the same
 * entry is recorded), each as its interned id × 2, plus 1 when the key is reached only by an approximate route
 * ({@link keyOf}, {@link inexactOf}). One array, carved from a shared slab ({@link carveKeys}): an object holding an id
 * array and a flag array, each with an ArrayBuffer of its own, cost ≈ 400 bytes per token with keys.
 */
type KeyIds = Int32Array;

const NO_KEYS: KeyIds = new Int32Array(0);

/** The key id of an entry of {@link KeyIds}, and whether it is reached only by an approximate route (1) or not (0). */
function keyOf(entry: number): number {
  return entry >> 1;
}
function inexactOf(entry: number): number {
  return entry & 1;
}

/** The slab new tokens' {@link KeyIds} are carved from (a slab is freed when no memo holds a token of it). */
const KEY_SLAB_INTS = 1 << 14;
let keySlab = new Int32Array(KEY_SLAB_INTS);
let keySlabUsed = 0;

/** `entries` as {@link KeyIds}: a view on the current slab (a list too long for one gets an array of its own). */
function carveKeys(entries: readonly number[]): KeyIds {
  const n = entries.length;
  if (n > KEY_SLAB_INTS >> 4) return Int32Array.from(entries);
  if (keySlabUsed + n > KEY_SLAB_INTS) {
    keySlab = new Int32Array(KEY_SLAB_INTS);
    keySlabUsed = 0;
  }
  const start = keySlabUsed;
  for (let j = 0; j < n; j++) keySlab[start + j] = entries[j]!;
  keySlabUsed = start + n;
  return keySlab.subarray(start, start + n);
}

/** How a match was reached, as small integers on the hot path ({@link MatchVia} in the same order). */
const VIA: readonly MatchVia[] = ['exact', 'stem', 'fuzzy', 'arabizi'];
const V_EXACT = 0;
const V_STEM = 1;
const V_FUZZY = 2;
const V_ARABIZI = 3;
/** Kinds of trie keys: surface keys (`w:`, `fz:`) keep a match exact, stems make it a stem match, `sk:` is Arabizi. */
const K_SURFACE = 0;
const K_STEM = 1;
const K_SKELETON = 2;

const FUZZY_LANGS = new Set(['sw', 'ln', 'bm', 'sg']);
/**
 * The skeletons by which Arabizi reaches an Arabic entry (one per token): as written and, when it has a qaf, as the
 * dialects say it — Levantine and Egyptian Arabizi write the glottal stop (« منحرق », "we'll burn", is mn7re2, with 2,
 * a hamza, which skeletons drop), Gulf, Sudanese and Bedouin speech a g (« قطيع » is gati3). Each reading also comes
 * without the article of tokens that have it: Arabizi often writes it apart (« سكروا الطريق » is "sakkro l tari2",
 * where the lone "l" is a skipped token). Distinct readings only.
 */
function skeletonReadings(tokens: readonly string[]): string[][] {
  const skeleton = tokens.map(arabicSkeleton);
  const qaf = skeleton.some((s) => s.includes('q'));
  // Consonants the dropped qaf separated become neighbours, squeezed as every skeleton is.
  const byQaf = qaf ? [skeleton, ...['', 'g'].map((by) => skeleton.map((s) => s.replace(/q/g, by).replace(/(.)\1+/g, '$1')))] : [skeleton];
  const hasArticle = tokens.map((t) => t.startsWith('ال') && t.length > 3);
  const readings = hasArticle.some(Boolean) ? byQaf.flatMap((r) => [r, r.map((s, i) => (hasArticle[i] && s.startsWith('l') ? s.slice(1) : s))]) : byQaf;
  const seen = new Set<string>();
  return readings.filter((r) => {
    const key = r.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A one-word term (EN/FR, or an Arabic-script name) whose stem has at most this many letters, and is shorter than the word, matches by surface. */
const SHORT_STEM = 3;
/** Fuzzy matching applies to lexicon words of at least this length (shorter words collide too easily). */
export const FUZZY_MIN_LENGTH = 6;
const GAP_PENALTY = 0.85;
const FUZZY_PENALTY = 0.8;
const ARABIZI_PENALTY = 0.8;
/**
 * Keys by form and merged keys by token forms. Tokens with an interned id have their key ids memoised by that id
 * (keyIdsOf), so these caches serve first sights and tokens without an id; a small bound keeps never-seen words from
 * piling up in them (BENCHMARKS.md: heap after 100,000 never-seen words).
 */
const KEY_CACHE_LIMIT = 20_000;
const ARABIC_CLITICS = /^(?:و|ف|ب|ل|ك)(?=..)/;

const NO_KEYED: KeyIds[] = [];
const NO_WORDS: readonly string[] = [];
/** Where {@link LexiconMatcher.plainKeyIds} collects a token's key entries before they are carved. */
const keyEntryScratch: number[] = [];

/** `s` with every y read as i: Porter turns a word's y into i ("happy" → happi). */
function yAsI(s: string): string {
  return s.includes('y') ? s.replaceAll('y', 'i') : s;
}

/** What a word must start with (y read as i) to have the English stem `key` (see {@link LexiconMatcher.enStemStarts}). */
function enStemStartsOf(key: string): string[] {
  const k = yAsI(key);
  const starts = [k];
  if (k.length > 2 && k.endsWith('e')) starts.push(k.slice(0, -1));
  if (k.endsWith('bl')) starts.push(`${k.slice(0, -2)}bil`);
  return starts;
}

/** How the walk reached a node, given the key just taken (of kind `keyKind[key]`) and how it reached the parent. */
function viaOf(keyKind: Uint8Array, key: number, inexact: number, prev: number): number {
  if (inexact) return keyKind[key] === K_SKELETON || prev === V_ARABIZI ? V_ARABIZI : V_FUZZY;
  if (prev !== V_EXACT) return prev;
  return keyKind[key] === K_SURFACE ? V_EXACT : V_STEM;
}

/** A memo indexed by lexeme id, allocated at full size: filling an empty array at scattered indices made it a slow dictionary. */
function lexemeArray(): (KeyIds | undefined)[] {
  return new Array<KeyIds | undefined>(LEXEME_LIMIT).fill(undefined);
}

function newNode(): TrieNode {
  return { next: undefined, ends: undefined };
}

/** Levenshtein distance ≤ 1, without allocating a matrix. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < la && j < lb) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (la > lb) i++;
    else if (lb > la) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (la - i) + (lb - j) <= 1;
}

/** Whether `w` is a non-empty run of ASCII digits. */
function isDigits(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return w.length > 0;
}

const FUZZY_HASH_BASE = 0x01000193;

/** Polynomial hash of `s` (Σ code(j)·B^(n−1−j), 32-bit), masked to V8's small integers so Set lookups stay cheap. */
function fuzzyHash(s: string): number {
  let h = 0;
  for (let j = 0; j < s.length; j++) h = (Math.imul(h, FUZZY_HASH_BASE) + s.charCodeAt(j)) | 0;
  return h & 0x3fffffff;
}

/** Size (log2, in bits) of the fuzzy-hash filter ({@link LexiconMatcher.fuzzyKeyBits}). */
const FUZZY_FILTER_BITS = 16;

/** The bit of the fuzzy-hash filter a {@link fuzzyHash} sets. */
function fuzzyFilterBit(h: number): number {
  return Math.imul(h, 0x9e3779b1) >>> (32 - FUZZY_FILTER_BITS);
}

function deletes(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

/** Compiles {@link MatcherEntry} lists into a token trie and matches normalised texts against it. */
export class LexiconMatcher {
  readonly entries: readonly MatcherEntry[];
  private readonly root: TrieNode = newNode();
  /** SymSpell-style index: each fuzzy word and its one-letter deletions → the fuzzy words. */
  private readonly fuzzyIndex = new Map<string, string[]>();
  /** No key of {@link LexiconMatcher.fuzzyIndex} is all digits (set once the trie is built). */
  private readonly fuzzyDigitFree: boolean;
  /**
   * {@link fuzzyHash} of every fuzzy-index key, as a bitset of 2^{@link FUZZY_FILTER_BITS} bits (see {@link fuzzyFilterBit};
   * 2,034 keys, so ≈ 3 % of other hashes pass too, and their candidate is then built and not found). A never-seen
   * word's candidates (itself and its one-letter deletions) are hashed without being built, and only a candidate whose
   * bit is set is built and looked up: a word of ten letters made eleven strings and eleven map lookups, for a hit in
   * one word of a hundred. A bit test instead of a Set of the hashes, which hashed each number again.
   */
  private readonly fuzzyKeyBits = new Int32Array(1 << (FUZZY_FILTER_BITS - 5));
  /** Scratch for {@link LexiconMatcher.fuzzyNeighbours}: prefix and suffix hashes of the form, and powers of the base. */
  private fuzzyPrefix = new Int32Array(64);
  private fuzzySuffix = new Int32Array(64);
  private fuzzyPowers = new Int32Array(64);
  /**
   * What a word of four letters or more must start with (y read as i) for its Porter stem to be an `en:` key of two
   * letters or more: the key itself, or the key without a final e ("hoping" → hope), or with a final "bl" read as "bil"
   * ("ability" → abl). Porter only rewrites a word's ending; checked over the 35,000 Latin-script words of the feeds,
   * datasets and labelled sets, no stem breaks this. A word that starts with none of them is not stemmed in English at
   * all: about three in four new words of real traffic. Keys of one letter (from phrases: "don't" → don + t) are
   * reached only by words of three letters or fewer, which are their own stems; a longer one stems to a letter only
   * when it is noise ("aing" → a).
   */
  private readonly enStemStarts: Set<string>;
  /**
   * {@link LexiconMatcher.enStemStarts} as a trie over char codes: node 0 is the root, the child of `node` by code `c`
   * is `enStemNext.get(node * 0x10000 + c)`, and `enStemEnds[node]` is 1 where a start ends. A new word walks it char by
   * char (y read as i) and stops at the first char no start continues with: the slices of the word and the Set lookups
   * of each (one string hashed per prefix) cost 35 ms of the feeds' first pass (2,179 items) in a CPU profile.
   */
  private readonly enStemNext = new Map<number, number>();
  private readonly enStemEnds: Uint8Array;
  private readonly keyCache = new Map<string, TokenKeys>();
  private readonly keyCacheAr = new Map<string, TokenKeys>();
  private readonly altCache = new Map<string, TokenKeys>();
  /** Every key that labels a trie edge, interned; a token key outside this map can never match. */
  private readonly keyIds = new Map<string, number>();
  /**
   * The ids of {@link LexiconMatcher.keyIds}' `w:`, `en:`, `fr:` and `fz:` keys, by what follows the prefix: a plain
   * token's keys are looked up there without being built ({@link LexiconMatcher.plainKeyIds}).
   */
  private readonly surfaceKeyIds = new Map<string, number>();
  private readonly enStemKeyIds = new Map<string, number>();
  private readonly frStemKeyIds = new Map<string, number>();
  private readonly fuzzyKeyIds = new Map<string, number>();
  /** {@link K_SURFACE}, {@link K_STEM} or {@link K_SKELETON} per key id. */
  private keyKind = new Uint8Array(0);
  /** Walk keys per token lexeme (see {@link Token.lexeme}), plain and Arabizi readings, for one lexeme generation. */
  private lexemeKeys: (KeyIds | undefined)[] = lexemeArray();
  private lexemeKeysArabizi: (KeyIds | undefined)[] = lexemeArray();
  private lexemeGeneration = -1;
  /** Rank of each entry's group in string order, so the pruning sort compares integers (same order as before). */
  private readonly groupRank: Int32Array;
  /** Dedupe stamps of (entry, start token): an entry is recorded once per start; see {@link LexiconMatcher.match}. */
  private readonly stamp: Int32Array;
  private stampCounter = 0;
  /** Children of the root by key id, as an array: every token's keys are looked up there, most find nothing. */
  private readonly rootChild: (TrieNode | undefined)[];
  /** Raw matches of the text being matched (see {@link LexiconMatcher.match}), reused from text to text. */
  private rawEntry: Int32Array = new Int32Array(256);
  private rawStart: Int32Array = new Int32Array(256);
  private rawEnd: Int32Array = new Int32Array(256);
  /** 4 when the match skipped a token, plus its {@link MatchVia} index. */
  private rawRoute: Int32Array = new Int32Array(256);
  /** Group rank of each raw match's entry, read by every pass of the pruning sort. */
  private rawGroup: Int32Array = new Int32Array(256);
  /** Raw match indices in pruning order, the kept ones first (see {@link LexiconMatcher.pruneContained}). */
  private order: Int32Array = new Int32Array(256);
  private readonly groupCounts: Int32Array;
  /** Walk keys of the text being matched (empty between texts), its start stamp and its raw match count. */
  private keyed: KeyIds[] = NO_KEYED;
  private cur = 0;
  private rawCount = 0;

  constructor(entries: readonly MatcherEntry[]) {
    this.entries = entries;
    entries.forEach((e, id) => this.insert(e, id));
    this.keyKind = new Uint8Array(this.keyIds.size);
    for (const [k, id] of this.keyIds) this.keyKind[id] = k.startsWith('sk:') ? K_SKELETON : k.startsWith('w:') || k.startsWith('fz:') ? K_SURFACE : K_STEM;
    const byPrefix: Record<string, Map<string, number>> = { w: this.surfaceKeyIds, en: this.enStemKeyIds, fr: this.frStemKeyIds, fz: this.fuzzyKeyIds };
    for (const [k, id] of this.keyIds) byPrefix[k.slice(0, k.indexOf(':'))]?.set(k.slice(k.indexOf(':') + 1), id);
    const groups = [...new Set(entries.map((e) => e.group))].sort();
    const rank = new Map(groups.map((g, i) => [g, i]));
    this.groupRank = Int32Array.from(entries, (e) => rank.get(e.group)!);
    this.groupCounts = new Int32Array(groups.length + 1);
    this.stamp = new Int32Array(entries.length);
    const fuzzyKeys = [...this.fuzzyIndex.keys()];
    this.fuzzyDigitFree = !fuzzyKeys.some(isDigits);
    for (const h of fuzzyKeys.map(fuzzyHash)) {
      const bit = fuzzyFilterBit(h);
      this.fuzzyKeyBits[bit >>> 5]! |= 1 << (bit & 31);
    }
    const enStems = [...this.keyIds.keys()].filter((k) => k.startsWith('en:')).map((k) => k.slice(3));
    this.enStemStarts = new Set(enStems.filter((k) => k.length >= 2).flatMap(enStemStartsOf));
    const ends = [0];
    for (const start of this.enStemStarts) {
      let node = 0;
      for (let i = 0; i < start.length; i++) {
        const key = node * 0x10000 + start.charCodeAt(i);
        let child = this.enStemNext.get(key);
        if (child === undefined) {
          this.enStemNext.set(key, (child = ends.length));
          ends.push(0);
        }
        node = child;
      }
      ends[node] = 1;
    }
    this.enStemEnds = Uint8Array.from(ends);
    this.rootChild = new Array<TrieNode | undefined>(this.keyIds.size).fill(undefined);
    for (const [k, node] of this.root.next ?? []) this.rootChild[k] = node;
  }

  /** `alone`: the token is the entry's only word (no phrase around it to disambiguate a stem). */
  private lexiconKey(t: Token, lang: string, alone: boolean, asWritten: boolean): string {
    if (asWritten) return `w:${t.norm}`;
    const stemmed = t.script === 'arabic' ? 'ar' : lang === 'en' || lang === 'fr' ? lang : null;
    if (stemmed) {
      const stem = stemmed === 'ar' ? stemAr(t.norm) : stemmed === 'en' ? stemEn(t.norm) : stemFr(t.norm);
      // A one-word term whose stem is a short stub of it (« allons » → all, « minerais » → min) would match unrelated
      // words of every language by that stub ("all", "mini"): it matches by its surface only. In Arabic script only
      // names are kept from their stub (مالي, Mali → مال, "money"), matching as written or after one proclitic: a short
      // stem is the usual root there, and the lexicon's words need it — but not a stem of two letters: آليات
      // (vehicles, a target) stems to ال like إلى ("to"), which made nearly every Arabic text name a target. A short
      // Arabic name that is its own stem matches as written too: صور (Tyre) is the stem of صورة ("picture"), which had
      // placed every post with a photo in UNIFIL's area.
      const arabicName = stemmed === 'ar' && lang === 'xx';
      const stub = alone && stem.length <= SHORT_STEM && (t.norm.length > stem.length || arabicName) && (stemmed !== 'ar' || arabicName || stem.length <= 2);
      return stub ? `w:${t.norm}` : `${stemmed}:${stem}`;
    }
    if (FUZZY_LANGS.has(lang) && t.norm.length >= FUZZY_MIN_LENGTH) {
      this.addFuzzyWord(t.norm);
      return `fz:${t.norm}`;
    }
    return `w:${t.norm}`;
  }

  private addFuzzyWord(w: string): void {
    for (const k of [w, ...deletes(w)]) {
      const list = this.fuzzyIndex.get(k);
      if (!list) this.fuzzyIndex.set(k, [w]);
      else if (!list.includes(w)) list.push(w);
    }
  }

  private insertPath(keys: string[], id: number): void {
    let node = this.root;
    for (const key of keys) {
      let k = this.keyIds.get(key);
      if (k === undefined) this.keyIds.set(key, (k = this.keyIds.size));
      node.next ??= new Map();
      let child = node.next.get(k);
      if (!child) {
        child = newNode();
        node.next.set(k, child);
      }
      node = child;
    }
    (node.ends ??= []).push(id);
  }

  private insert(e: MatcherEntry, id: number): void {
    const toks = tokenise(e.text).tokens;
    if (toks.length === 0) return;
    this.insertPath(
      toks.map((t) => this.lexiconKey(t, e.lang, toks.length === 1, e.asWritten === true)),
      id,
    );
    // Arabic entries get a second path by consonant skeleton, reached only by Arabizi tokens. Short skeletons
    // would match ordinary Latin words, so each token needs two consonants and the entry four. (Measured: three let
    // the held-out Arabizi's false alarms rise from 4 % to 13 %.)
    if (toks.every((t) => t.script === 'arabic')) {
      for (const variant of skeletonReadings(toks.map((t) => t.norm))) {
        if (variant.every((s) => s.length >= 2) && variant.join('').length >= 4) this.insertPath(variant.map((s) => `sk:${s}`), id);
      }
    }
  }

  private fuzzyNeighbours(form: string): readonly string[] {
    let found: Set<string> | undefined;
    const n = form.length;
    if (n + 1 > this.fuzzyPrefix.length) {
      this.fuzzyPrefix = new Int32Array(2 * n + 2);
      this.fuzzySuffix = new Int32Array(2 * n + 2);
      this.fuzzyPowers = new Int32Array(2 * n + 2);
    }
    // The hash of `form` without character i is prefix(i)·B^(n−1−i) + suffix(i+1), so every candidate's hash comes
    // from two arrays filled in one pass each.
    const prefix = this.fuzzyPrefix;
    const suffix = this.fuzzySuffix;
    const powers = this.fuzzyPowers;
    powers[0] = 1;
    for (let j = 0; j < n; j++) {
      prefix[j + 1] = (Math.imul(prefix[j]!, FUZZY_HASH_BASE) + form.charCodeAt(j)) | 0;
      powers[j + 1] = Math.imul(powers[j]!, FUZZY_HASH_BASE);
    }
    suffix[n] = 0;
    for (let j = n - 1; j >= 0; j--) suffix[j] = (Math.imul(form.charCodeAt(j), powers[n - 1 - j]!) + suffix[j + 1]!) | 0;
    const bits = this.fuzzyKeyBits;
    // The form, then its deletions in order (as the index was built).
    for (let i = -1; i < n; i++) {
      const h = i < 0 ? prefix[n]! : (Math.imul(prefix[i]!, powers[n - 1 - i]!) + suffix[i + 1]!) | 0;
      const bit = fuzzyFilterBit(h & 0x3fffffff);
      if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) continue;
      const k = i < 0 ? form : form.slice(0, i) + form.slice(i + 1);
      const words = this.fuzzyIndex.get(k);
      if (words) for (const w of words) if (withinOneEdit(form, w)) (found ??= new Set()).add(w);
    }
    return found === undefined ? NO_WORDS : [...found];
  }

  /** Whether `form` (not in Arabic script) is long enough to have fuzzy neighbours, and could find one. */
  private mayHaveFuzzyNeighbours(form: string): boolean {
    // A number's lookups (itself and its deletions, all digits) can only find an all-digit index key.
    return form.length >= FUZZY_MIN_LENGTH - 1 && this.fuzzyIndex.size > 0 && !(this.fuzzyDigitFree && isDigits(form));
  }

  /** Whether `form`'s English stem can be an `en:` key (see {@link LexiconMatcher.enStemStarts}). */
  private mayHaveEnStemKey(form: string): boolean {
    if (form.length <= OWN_STEM_MAX_LENGTH) return true; // its own stem, found without the stemmer
    // Whether some prefix of two letters or more (y read as i) is a start.
    const next = this.enStemNext;
    const ends = this.enStemEnds;
    let node = 0;
    for (let i = 0; i < form.length; i++) {
      const c = form.charCodeAt(i);
      const child = next.get(node * 0x10000 + (c === 121 ? 105 : c));
      if (child === undefined) return false;
      if (i >= 1 && ends[child] === 1) return true;
      node = child;
    }
    return false;
  }

  /** `remember`: keep the result in the form cache (not worth it when the caller memoises it by lexeme id). */
  private keysForForm(form: string, script: Token['script'], remember = true): TokenKeys {
    // One cache per script family, keyed by the form itself: building a `${script}${form}` key per token lookup was a
    // visible share of matching time. Latin and other scripts produce the same keys.
    const cache = script === 'arabic' ? this.keyCacheAr : this.keyCache;
    const hit = cache.get(form);
    if (hit) return hit;
    const keys = [`w:${form}`];
    let inexact: Set<string> | undefined;
    if (script === 'arabic') {
      keys.push(`ar:${stemAr(form)}`);
      // Proclitics (و ف ب ل ك) glued to a word: also try the word without one, and لل → ال. Levantine also glues « ع »
      // (for « على ») to the article: « عالعاقبية », to Aqbiya.
      if (ARABIC_CLITICS.test(form) || (form.startsWith('عال') && form.length > 5)) keys.push(`ar:${stemAr(form.slice(1))}`, `w:${form.slice(1)}`);
      if (form.startsWith('لل') && form.length > 4) keys.push(`ar:${stemAr(`ا${form.slice(1)}`)}`);
    } else {
      if (this.mayHaveEnStemKey(form)) keys.push(`en:${stemEn(form)}`);
      keys.push(`fr:${stemFr(form)}`);
      if (this.mayHaveFuzzyNeighbours(form)) {
        for (const w of this.fuzzyNeighbours(form)) {
          const k = `fz:${w}`;
          keys.push(k);
          if (w !== form) (inexact ??= new Set()).add(k);
        }
      }
    }
    const value: TokenKeys = { keys, inexact };
    if (!remember) return value;
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(form, value);
    return value;
  }

  private tokenKeys(t: Token): TokenKeys {
    const plain = t.alts.length === 0 && t.arabizi === undefined;
    // A plain token with a lexeme id gets its key ids memoised by that id (keyIdsOf): caching its keys by form as well
    // only kept a never-seen word's key strings alive.
    const primary = this.keysForForm(t.norm, t.script, !(plain && t.lexeme >= 0));
    if (plain) return primary;
    // A token with a lexeme id has its walk keys memoised by that id (keyIdsOf), for the whole lexeme generation:
    // the merge cache would only serve it again after a roll-over, so it is kept for tokens without one.
    if (t.lexeme >= 0) return this.mergeKeys(t, primary);
    // Tokens with alternative forms (elongations, evasions, Arabizi) repeat too; their merged keys are cached by
    // their forms so the merge, the Set copies and the exactness checks run once per distinct token.
    const altKey = `${t.script[0]}${t.norm}\u0001${t.alts.join('\u0001')}\u0002${t.arabizi ?? ''}`;
    const hit = this.altCache.get(altKey);
    if (hit) return hit;
    const v = this.mergeKeys(t, primary);
    if (this.altCache.size >= KEY_CACHE_LIMIT) this.altCache.clear();
    this.altCache.set(altKey, v);
    return v;
  }

  private mergeKeys(t: Token, primary: TokenKeys): TokenKeys {
    const keys = [...primary.keys];
    let inexact = primary.inexact ? new Set(primary.inexact) : undefined;
    for (const a of t.alts) {
      const k = this.keysForForm(a, t.script);
      keys.push(...k.keys);
      if (k.inexact) for (const x of k.inexact) (inexact ??= new Set()).add(x);
    }
    if (t.arabizi !== undefined) {
      const k = `sk:${t.arabizi}`;
      keys.push(k);
      (inexact ??= new Set()).add(k);
    }
    // A key that one form reaches exactly (the squeezed "tuwachome") is exact even if another form reaches it fuzzily.
    if (inexact) for (const k of keys) if (inexact.has(k) && this.reachedExactly(k, t)) inexact.delete(k);
    return { keys: [...new Set(keys)], inexact };
  }

  private reachedExactly(key: string, t: Token): boolean {
    return [t.norm, ...t.alts].some((f) => {
      const k = this.keysForForm(f, t.script);
      return k.keys.includes(key) && !k.inexact?.has(key);
    });
  }

  /**
   * The walk keys of a plain token (no alternative form, no Arabizi reading) not in Arabic script: those of
   * {@link LexiconMatcher.keysForForm}, in the same order, found in the maps by prefix without building a key string
   * (`w:${form}`, then the stems' and fuzzy neighbours'), each of which was hashed for one lookup in
   * {@link LexiconMatcher.keyIds} and dropped.
   */
  private plainKeyIds(form: string): KeyIds {
    const entries = keyEntryScratch;
    entries.length = 0;
    const surface = this.surfaceKeyIds.get(form);
    if (surface !== undefined) entries.push(surface * 2);
    if (this.mayHaveEnStemKey(form)) {
      const en = this.enStemKeyIds.get(stemEn(form));
      if (en !== undefined) entries.push(en * 2);
    }
    const fr = this.frStemKeyIds.get(stemFr(form));
    if (fr !== undefined) entries.push(fr * 2);
    if (this.mayHaveFuzzyNeighbours(form)) {
      for (const w of this.fuzzyNeighbours(form)) {
        const id = this.fuzzyKeyIds.get(w);
        // A neighbour other than the form itself is an approximate route.
        if (id !== undefined) entries.push(id * 2 + (w !== form ? 1 : 0));
      }
    }
    return entries.length === 0 ? NO_KEYS : carveKeys(entries);
  }

  /** A token's walk keys, memoised per lexeme (or computed directly for tokens without one). */
  private keyIdsOf(t: Token): KeyIds {
    const memo = t.arabizi === undefined ? this.lexemeKeys : this.lexemeKeysArabizi;
    if (t.lexeme >= 0) {
      const hit = memo[t.lexeme];
      if (hit) return hit;
    }
    // Most tokens met for the first time are plain words: their key ids are found without their key strings.
    if (t.lexeme >= 0 && t.script !== 'arabic' && t.alts.length === 0 && t.arabizi === undefined) return (memo[t.lexeme] = this.plainKeyIds(t.norm));
    const tk = this.tokenKeys(t);
    const entries: number[] = [];
    for (const k of tk.keys) {
      const id = this.keyIds.get(k);
      if (id !== undefined) entries.push(id * 2 + (tk.inexact?.has(k) ? 1 : 0));
    }
    const v = entries.length === 0 ? NO_KEYS : carveKeys(entries);
    if (t.lexeme >= 0) memo[t.lexeme] = v;
    return v;
  }

  /** All matches in a text, overlapping matches of one group reduced to the longest. */
  match(text: NormalisedText): Match[] {
    const { tokens, cleaned } = text;
    const n = tokens.length;
    const rootChild = this.rootChild;
    if (!this.root.next || n === 0) return [];
    if (text.generation !== this.lexemeGeneration) {
      // The normaliser cleared its interning table: lexeme ids now name other words.
      this.lexemeGeneration = text.generation;
      this.lexemeKeys = lexemeArray();
      this.lexemeKeysArabizi = lexemeArray();
    }
    const keyed: KeyIds[] = new Array<KeyIds>(n);
    for (let i = 0; i < n; i++) keyed[i] = this.keyIdsOf(tokens[i]!);
    const entries = this.entries;
    if (this.stampCounter > 0x3fff0000 - n) {
      this.stamp.fill(0);
      this.stampCounter = 0;
    }
    // Raw matches are recorded as (entry, start, end, gaps and via) in reused typed arrays: most are pruned as
    // contained in a longer match of their group, so Match objects (and their surface strings) are only built for the
    // ones kept. The walk and its recorder are methods reading this text's keys from fields, not closures made per
    // text (a closure per call costs a `name` definition each under the bench's and the services' tsx/esbuild).
    this.keyed = keyed;
    this.rawCount = 0;
    for (let i = 0; i < n; i++) {
      const tk = keyed[i]!;
      if (tk.length === 0) continue;
      // Every record made while walking from start token i has startTok = i, so "(entry, start) already recorded" is
      // "stamp[entry] === this start's stamp": no Set of composite keys (which were heap numbers above 2^31).
      this.cur = ++this.stampCounter;
      for (let q = 0; q < tk.length; q++) {
        const k = keyOf(tk[q]!);
        const c = rootChild[k];
        if (c) this.walk(c, i, i + 1, 0, viaOf(this.keyKind, k, inexactOf(tk[q]!), V_EXACT));
      }
    }
    this.keyed = NO_KEYED;
    const count = this.rawCount;

    const kept = this.pruneContained(count);
    const out: Match[] = new Array<Match>(kept);
    for (let r = 0; r < kept; r++) {
      const x = this.order[r]!;
      const id = this.rawEntry[x]!;
      const startTok = this.rawStart[x]!;
      const endTok = this.rawEnd[x]!;
      const route = this.rawRoute[x]!;
      const via = route & 3;
      const e = entries[id]!;
      const start = tokens[startTok]!.start;
      const end = tokens[endTok - 1]!.end;
      let w = e.weight * (route & 4 ? GAP_PENALTY : 1);
      if (via === V_FUZZY) w *= FUZZY_PENALTY;
      if (via === V_ARABIZI) w *= ARABIZI_PENALTY;
      const surface = cleaned.slice(start, end);
      out[r] =
        e.meta === undefined
          ? { entry: id, group: e.group, term: e.text, lang: e.lang, weight: w, startTok, endTok, start, end, surface, via: VIA[via]! }
          : { entry: id, group: e.group, term: e.text, lang: e.lang, weight: w, startTok, endTok, start, end, surface, via: VIA[via]!, meta: e.meta };
    }
    return out;
  }

  /** Record a raw match of entry `id` from the current start token, once per (entry, start). */
  private record(id: number, startTok: number, endTok: number, gaps: number, via: number): void {
    const stamp = this.stamp;
    if (stamp[id] === this.cur) return;
    stamp[id] = this.cur;
    const count = this.rawCount;
    if (count === this.rawEntry.length) this.growRaw();
    this.rawEntry[count] = id;
    this.rawStart[count] = startTok;
    this.rawEnd[count] = endTok;
    this.rawRoute[count] = (gaps ? 4 : 0) | via;
    this.rawGroup[count] = this.groupRank[id]!;
    this.rawCount = count + 1;
  }

  /** Walk the trie from `node`, reached from token `startTok` with token `j` next (see {@link LexiconMatcher.match}). */
  private walk(node: TrieNode, startTok: number, j: number, gaps: number, via: number): void {
    if (node.ends) for (const id of node.ends) this.record(id, startTok, j, gaps, via);
    const next = node.next;
    const keyed = this.keyed;
    const n = keyed.length;
    if (!next || j >= n) return;
    const keyKind = this.keyKind;
    const tk = keyed[j]!;
    for (let q = 0; q < tk.length; q++) {
      const k = keyOf(tk[q]!);
      const c = next.get(k);
      if (c) this.walk(c, startTok, j + 1, gaps, viaOf(keyKind, k, inexactOf(tk[q]!), via));
    }
    // One skipped token inside a phrase ("arme secrètement les rebelles"), never at its start.
    if (gaps === 0 && j + 1 < n) {
      const tk2 = keyed[j + 1]!;
      for (let q = 0; q < tk2.length; q++) {
        const k = keyOf(tk2[q]!);
        const c = next.get(k);
        if (c) this.walk(c, startTok, j + 2, 1, viaOf(keyKind, k, inexactOf(tk2[q]!), via));
      }
    }
  }

  private growRaw(): void {
    const grow = (a: Int32Array): Int32Array => {
      const g = new Int32Array(a.length * 2);
      g.set(a);
      return g;
    };
    this.rawEntry = grow(this.rawEntry);
    this.rawStart = grow(this.rawStart);
    this.rawEnd = grow(this.rawEnd);
    this.rawRoute = grow(this.rawRoute);
    this.rawGroup = grow(this.rawGroup);
    this.order = grow(this.order);
  }

  /** Whether raw matches `a` and `b` are contingent entries of different missions over the same tokens. */
  private sameSpanOtherContingent(a: number, b: number): boolean {
    if (this.rawStart[a] !== this.rawStart[b] || this.rawEnd[a] !== this.rawEnd[b]) return false;
    const ea = this.entries[this.rawEntry[a]!]!;
    const eb = this.entries[this.rawEntry[b]!]!;
    return ea.group === 'g:contingent' && eb.group === 'g:contingent' && ea.meta !== eb.meta;
  }

  /**
   * Within one group, drop a match whose token span lies inside another match of that group ("brûlons" in
   * "brûlons la base"). Sorts the first `count` raw matches into {@link LexiconMatcher.order} — group (string order,
   * as precomputed integer ranks), start, longest first, closest route (exact, stem, fuzzy, Arabizi), entry: a strict
   * order, since an entry is recorded once per start — and compacts the kept ones to its front; returns how many are
   * kept. Of two entries on the same words the one reached more directly stays: an Arabizi text's "minuska" is
   * MINUSCA's own Latin name, and had been read as MONUSCO through the Arabic « مونوسكو », whose consonants it shares. Matches arrive in start order, so a
   * stable counting sort by group leaves each group almost sorted and an insertion sort finishes it in linear time (it
   * only reorders matches sharing a group and a start token, a handful at most): a huge repetitive text cannot make
   * this quadratic.
   */
  private pruneContained(count: number): number {
    const order = this.order;
    const rawGroup = this.rawGroup;
    const rawEntry = this.rawEntry;
    const rawStart = this.rawStart;
    const rawEnd = this.rawEnd;
    const rawRoute = this.rawRoute;
    if (count < 2) {
      if (count === 1) order[0] = 0;
      return count;
    }
    const counts = this.groupCounts.fill(0);
    for (let x = 0; x < count; x++) counts[rawGroup[x]! + 1]!++;
    for (let g = 1; g < counts.length; g++) counts[g]! += counts[g - 1]!;
    for (let x = 0; x < count; x++) order[counts[rawGroup[x]!]!++] = x;
    for (let i = 1; i < count; i++) {
      const m = order[i]!;
      const mg = rawGroup[m]!;
      const ms = rawStart[m]!;
      const me = rawEnd[m]!;
      const mEntry = rawEntry[m]!;
      const mVia = rawRoute[m]! & 3;
      let j = i - 1;
      for (; j >= 0; j--) {
        const a = order[j]!;
        // Whether `a` sorts strictly after `m` (group, start, longest first, closest route, entry).
        const d = rawGroup[a]! - mg || rawStart[a]! - ms || me - rawEnd[a]! || (rawRoute[a]! & 3) - mVia || rawEntry[a]! - mEntry;
        if (d <= 0) break;
        order[j + 1] = a;
      }
      order[j + 1] = m;
    }
    let kept = 0;
    let group = -1;
    let maxEnd = -1;
    let last = -1;
    for (let i = 0; i < count; i++) {
      const x = order[i]!;
      const g = rawGroup[x]!;
      if (g !== group) {
        group = g;
        maxEnd = -1;
        last = -1;
      }
      // Sorted by start then longest first: a match is contained iff an earlier one of its group reaches its end. A
      // nationality serving in several missions is one span with one entry per mission ("Ghanaians": UNMISS, UNIFIL,
      // UNISFA), and each is kept, so the mission of the places around it can be found.
      if (rawEnd[x]! <= maxEnd && !(last >= 0 && this.sameSpanOtherContingent(last, x))) continue;
      order[kept++] = x;
      maxEnd = rawEnd[x]!;
      last = x;
    }
    return kept;
  }
}
