/**
 * Text normalisation for matching: cleaning (HTML remnants, control characters, zero-width characters, size cap),
 * tokenisation with offsets into the cleaned text (so matches can be highlighted), case and accent folding,
 * Arabic normalisation, elongation squeeze, evasive spellings and Arabizi.
 *
 * A token carries one primary form and a few alternative forms; the matcher tries them all. Alternatives are how
 * ambiguous repairs stay cheap and safe: "casqu3s" is both leetspeak ("casques") and, in an Arabizi text, "3" is
 * the letter ع — we do not have to decide which, the lexicon does.
 */

/** Texts longer than this (in UTF-16 code units, after cleaning) are truncated; a note says so. */
export const MAX_TEXT_CHARS = 20_000;
/** The note {@link cleanText} adds when it strips markup (the classifier gives it a reason code). */
export const HTML_REMOVED_NOTE = 'HTML markup removed';

export type Script = 'latin' | 'arabic' | 'other';

export interface Token {
  /** Primary normalised form: lower-cased, accent-folded, Arabic-normalised, elongation squeezed to one letter. */
  readonly norm: string;
  /** Other forms worth matching: de-leeted spelling, elongation squeezed to two letters. */
  readonly alts: readonly string[];
  /** Consonant skeleton of the Arabizi reading of a Latin token (see {@link arabiziSkeleton}); set only in Arabizi texts. */
  arabizi?: string;
  /**
   * Interned id of the token's surface within {@link NormalisedText.generation}, in [0, {@link LEXEME_LIMIT}), or -1
   * (spelled-out runs). Tokens with the same id have the same forms, script and Arabizi skeleton, so consumers may
   * memoise per-token work by it.
   */
  readonly lexeme: number;
  /**
   * Interned id of the token's primary form within {@link NormalisedText.generation}, in [0, {@link LEXEME_LIMIT}):
   * tokens have the same id exactly when they have the same `norm` and both or neither are in Arabic script
   * ("Paix" and "paix" have two lexemes, one form). Every token has one, spelled-out runs included, so consumers may
   * memoise per-word work by it (the features of a word depend on its norm and script only).
   */
  readonly form: number;
  /** Offsets into {@link NormalisedText.cleaned}. */
  readonly start: number;
  readonly end: number;
  readonly script: Script;
}

export interface NormalisedText {
  /** The text after cleaning (HTML stripped, control characters removed, NFC, capped). Offsets refer to it. */
  readonly cleaned: string;
  readonly tokens: Token[];
  /** True when Latin tokens look like Arabizi (Arabic written with Latin letters and digits). */
  readonly arabizi: boolean;
  readonly truncated: boolean;
  readonly notes: string[];
  /** Letter counts by script, for language identification. */
  readonly scriptCounts: { latin: number; arabic: number; other: number };
  /** Generation of the token interning table the {@link Token.lexeme} ids belong to; changes when it is cleared. */
  readonly generation: number;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', laquo: '«', raquo: '»', rsquo: '’', lsquo: '‘', hellip: '…', eacute: 'é', egrave: 'è', agrave: 'à', ccedil: 'ç' };

/** Any character the control or the zero-width pass of {@link cleanText} would rewrite (the union of their sets). */
const CONTROL_OR_INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u0640]/;

/**
 * Clean raw input: strip HTML tags/scripts and decode entities, drop control and zero-width characters (evasion by
 * invisible characters is common), NFC, and cap the size. Never throws.
 */
export function cleanText(raw: string): { cleaned: string; truncated: boolean; notes: string[] } {
  const notes: string[] = [];
  let text = raw;
  let truncated = false;
  // Cut very large inputs before any regex work so a 5 MB post costs the same as a 40 KB one.
  if (text.length > MAX_TEXT_CHARS * 2) {
    text = text.slice(0, MAX_TEXT_CHARS * 2);
    truncated = true;
  }
  // A tag needs a '<': the memchr-fast includes() spares most texts the tag regex's scan.
  if (text.includes('<') && /<[a-z!/][^>]*>/i.test(text)) {
    text = text
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<\/?[a-z][^>]*>/gi, ' ');
    notes.push(HTML_REMOVED_NOTE);
  }
  if (text.includes('&')) {
    text = text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, body: string) => {
      if (body[0] === '#') {
        const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
      }
      return ENTITY[body.toLowerCase()] ?? m;
    });
  }
  // Null bytes and other C0/C1 controls become spaces; zero-width characters (used to break keyword filters) vanish,
  // and so does the Arabic tatweel, which stretches a letter and nothing else (« يـ.و.نـ.يـ.فـ.يـ.ل » is spelled out).
  // One scan for both sets; the two replacing passes run only on a text that has one of them (few do).
  if (CONTROL_OR_INVISIBLE.test(text)) text = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ' ').replace(/[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u0640]/g, '');
  text = text.normalize('NFC');
  if (text.length > MAX_TEXT_CHARS) {
    text = text.slice(0, MAX_TEXT_CHARS);
    truncated = true;
  }
  if (truncated) notes.push(`text truncated to ${MAX_TEXT_CHARS} characters (input was ${raw.length})`);
  return { cleaned: text, truncated, notes };
}

const ARABIC_DIACRITICS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]/g;
const COMBINING = /\p{M}/gu;
const ARABIC_DOLLAR_SEEN = /(?<=[\u0621-\u064a])\$(?=[\u0621-\u064a])/g;
/** Letters of dialect and Persian-derived spelling read as the standard letter they stand for (see {@link normaliseArabic}). */
const DIALECT_LETTERS: Readonly<Record<string, string>> = { ک: 'ك', گ: 'ق', ڭ: 'ق', چ: 'ك', ڤ: 'ف', پ: 'ب' };
const DIALECT_LETTER = /[کگڭچڤپ]/g;

/**
 * Arabic normalisation: hamza-carrying alefs (أ إ آ ٱ) → ا, ؤ → و, ئ → ي, ة → ه, ى → ي, Persian ک/ی → ك/ي, the
 * dialect letters گ ڭ (a /g/, the qaf of Iraqi, Gulf and Moroccan speech: احرگوا) → ق, چ (Iraqi and Gulf k: باچر) → ك,
 * ڤ → ف and پ → ب, no
 * diacritics or tatweel, Eastern Arabic digits → 0-9, and a `$` between two Arabic letters → س (« مينو$كا », the Arabic
 * of Latin evasions like MINU$CA). Applied to any string; non-Arabic characters pass through.
 */
export function normaliseArabic(s: string): string {
  return s
    .replace(ARABIC_DOLLAR_SEEN, 'س')
    .replace(ARABIC_DIACRITICS, '')
    .replace(/\u0640/g, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي')
    .replace(/ة/g, 'ه')
    .replace(/[ىی]/g, 'ي')
    .replace(DIALECT_LETTER, (c) => DIALECT_LETTERS[c]!)
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** Lower-case and strip accents (é → e, ç → c); Bambara's ɛ/ɔ are letters, not accents, and survive. */
export function foldLatin(s: string): string {
  // Fast path: plain ASCII needs no Unicode decomposition.
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  return s.toLowerCase().normalize('NFD').replace(COMBINING, '').replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/ß/g, 'ss');
}

/**
 * The Unicode-property regexes of the per-token rules, built once. esbuild (tsx, the benches' bundles) compiles a
 * `\p{…}` literal to `new RegExp(source, flags)` where it is written, so a literal inside a function was built again on
 * every call — on every new token, for these: 20 ms of the feeds' first pass (2,179 items) in a CPU profile of the
 * bundle.
 */
const ELONGATION = /(\p{L})\1{2,}/gu;
const ANY_LETTER = /\p{L}/u;
/** Codes of letters then digits (m23, covid19) and of digits then one or two letters (3r): names, not evasions. */
const LETTERS_THEN_DIGITS = /^\p{L}{1,5}\d+$/u;
const DIGITS_THEN_LETTERS = /^\d+\p{L}{1,2}$/u;
const DIGIT_AMONG_LETTERS = /\d\p{L}|\p{L}\d\p{L}/u;

/** Squeeze runs of three or more identical letters (« dégaaaage ») to `keep` letters; doubles are left alone. */
export function squeezeElongation(s: string, keep: 1 | 2 = 1): string {
  // `replace` with a global regex starts from 0 and leaves lastIndex at 0: the shared regex carries no state.
  return s.replace(ELONGATION, keep === 1 ? '$1' : '$1$1');
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '€': 'e' };

/**
 * Undo leetspeak inside a Latin token (m0nusc0 → monusco, casqu3s → casques). Codes made of letters then digits
 * (m23, 3r, covid19) are left alone: they are names, not evasions.
 */
export function deLeet(token: string): string {
  if (!/[0134579@$€]/.test(token) || !ANY_LETTER.test(token)) return token;
  if (LETTERS_THEN_DIGITS.test(token) || DIGITS_THEN_LETTERS.test(token)) return token;
  return token.replace(/[0134579@$€]/g, (c) => LEET[c] ?? c);
}

// Arabic letter → consonant class shared with Arabizi. Long vowels, hamza and weak letters drop out (Arabic script
// omits short vowels anyway, so a consonant skeleton is what both spellings have in common).
const AR_SKELETON: Record<string, string> = {
  ب: 'b', ت: 't', ث: 't', ج: 'j', ح: '7', خ: '5', د: 'd', ذ: 'd', ر: 'r', ز: 'z', س: 's', ش: 'x', ص: 's', ض: 'd', ط: 't', ظ: 'z',
  ع: '3', غ: 'g', ف: 'f', ق: 'q', ك: 'k', ل: 'l', م: 'm', ن: 'n', ه: 'h',
};

/** Consonant skeleton of a normalised Arabic word (ta marbuta, read as final ه, is dropped). */
export function arabicSkeleton(word: string): string {
  let out = '';
  const w = word.endsWith('ه') ? word.slice(0, -1) : word;
  for (const ch of w) {
    const c = AR_SKELETON[ch];
    if (c !== undefined && c !== out[out.length - 1]) out += c;
  }
  return out;
}

/**
 * Consonant skeleton of an Arabizi token: digraphs (sh, ch, kh, gh, th, dh) and digits (2 ء, 3 ع, 5 خ, 6 ط, 7 ح,
 * 8 غ, 9 ق) mapped to the same classes as {@link arabicSkeleton}; vowels and semi-vowels dropped, doubles squeezed.
 * "ya7ra2ou" → "7rq"? No: 2 is hamza here and drops, giving "7r"; "barra" → "br" like برا.
 */
export function arabiziSkeleton(token: string): string {
  if (isAsciiDigits(token)) return digitSkeleton(token);
  const t = token
    .toLowerCase()
    .replace(/sh|ch/g, 'x')
    .replace(/kh/g, '5')
    .replace(/gh/g, 'g')
    .replace(/th|dh/g, (m) => (m === 'th' ? 't' : 'd'))
    .replace(/6/g, 't')
    .replace(/8/g, 'g')
    .replace(/9/g, 'q')
    .replace(/2/g, '')
    .replace(/[cp]/g, (m) => (m === 'c' ? 'k' : 'b'))
    .replace(/v/g, 'f')
    .replace(/g(?!h)/g, 'g');
  let out = '';
  for (const ch of t) {
    const c = /[bdfghjklmnqrstxz357]/.test(ch) ? ch : '';
    if (c && c !== out[out.length - 1]) out += c;
  }
  // Final h usually writes ta marbuta (ة → ه), which arabicSkeleton drops too.
  return out.endsWith('h') ? out.slice(0, -1) : out;
}

/** Consonant class of each ASCII digit in an Arabizi skeleton (see {@link arabiziSkeleton}); '' drops the digit. */
const DIGIT_SKELETON = ['', '', '', '3', '', '5', 't', '7', 'g', 'q'];

/**
 * {@link arabiziSkeleton} of a number, without its dozen regex passes: the letter rules cannot apply, 6 8 9 become
 * t g q, 3 5 7 are kept, 0 1 2 4 drop out, and doubles are squeezed as they are written.
 */
function digitSkeleton(token: string): string {
  let out = '';
  for (let i = 0; i < token.length; i++) {
    const c = DIGIT_SKELETON[token.charCodeAt(i) - 48]!;
    if (c && c !== out[out.length - 1]) out += c;
  }
  return out;
}

const ARABIZI_WORDS = new Set([
  'yalla', 'wallah', 'wallahi', 'inshallah', 'habibi', 'shu', 'chou', 'hayda', 'hayde', 'hek', 'kteer', 'ktir', 'mish', 'mesh', 'bas', 'ya3ne',
  'ya3ni', 'barra', '3am', 'ma3', 'la2', 'ba3d', 'lesh', 'leh', 'kifak', 'kif', 'ahla', 'khalas', 'khalli', 'ta3', 'fi', 'mafi', 'ma3ak', 'w', 'el', 'al',
]);
const ARABIZI_DIGIT_TOKEN = /^(?=.*\p{L})(?=.*[235679])[\p{L}\d]+$/u;

/** Whether `s` has one of the ASCII digits 2 3 5 6 7 9 (the letters Arabizi writes with digits, see ARABIZI_DIGIT_TOKEN). */
function hasArabiziDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 50 || c === 51 || (c >= 53 && c <= 55) || c === 57) return true;
  }
  return false;
}

/** Whether a Latin token is unmistakably Arabizi (a known function word, or digits used as letters like 3ala, 7abibi). */
export function isArabiziToken(norm: string): boolean {
  if (ARABIZI_WORDS.has(norm)) return true;
  // Digits 2/3/5/6/7/9 between or before letters ("3ala", "7ayawen", "ya5i") — but not codes like m23 or 3r. Most
  // words have none of those digits, which ARABIZI_DIGIT_TOKEN requires: a scan of their char codes answers for them.
  if (!hasArabiziDigit(norm)) return false;
  return ARABIZI_DIGIT_TOKEN.test(norm) && !LETTERS_THEN_DIGITS.test(norm) && !DIGITS_THEN_LETTERS.test(norm) && DIGIT_AMONG_LETTERS.test(norm);
}

/** Any character of the Arabic script blocks (letters, and the signs and digits that come with them). */
export const ARABIC_LETTER = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/;
const LATIN_LETTER = /[a-zA-Z\u00c0-\u024f\u0253-\u0254\u025b\u0272\u014b]/;

/**
 * Raw tokens of the text being tokenised, as parallel arrays reused from text to text (no object per token): offsets
 * into the cleaned text and the FNV-1a hash of the token's code units, which is the interning key.
 */
let rawStart: Int32Array = new Int32Array(1024);
let rawEnd: Int32Array = new Int32Array(1024);
let rawHash: Int32Array = new Int32Array(1024);
/** The id in each raw token's first interning slot, read ahead (see touchInterned). */
let rawTouch: Int32Array = new Int32Array(1024);
let rawCount = 0;

function pushRaw(start: number, end: number, hash: number): void {
  if (rawCount === rawStart.length) {
    const grow = (a: Int32Array): Int32Array => {
      const g = new Int32Array(a.length * 2);
      g.set(a);
      return g;
    };
    rawStart = grow(rawStart);
    rawEnd = grow(rawEnd);
    rawHash = grow(rawHash);
    rawTouch = new Int32Array(rawHash.length);
  }
  rawStart[rawCount] = start;
  rawEnd[rawCount] = end;
  rawHash[rawCount] = hash;
  rawCount++;
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Whether `ch` has no lower-case form here: a capital letter, a digit, a letter of a caseless script (Arabic). */
function isCapital(ch: string): boolean {
  return ch === ch.toUpperCase();
}

/**
 * Spelled-out or dotted acronyms merged back into one token: M.O.N.U.S.C.O, m-o-n-u-s-c-o, M O N U S C O. A run needs
 * at least four single characters and one repeated separator; the spaced form must be upper case so French "y a"
 * or Bambara single-letter words are never glued together, and it ends before the first lower-case letter: in
 * "el U N D O F w nkasser" the Arabizi « w » (and) follows the acronym and is no part of it. Returns the run's last raw
 * index, or -1 when raw token `i` starts no run; `out.text` receives the merged text.
 */
function spelledOutRun(text: string, i: number, out: { text: string }): number {
  if (rawEnd[i]! - rawStart[i]! !== 1 || i + 1 >= rawCount) return -1;
  const sep = text.slice(rawEnd[i]!, rawStart[i + 1]!);
  if (sep.length !== 1 || !/[.\-_*·• ]/.test(sep)) return -1;
  const spaced = sep === ' ';
  if (spaced && !isCapital(text[rawStart[i]!]!)) return -1;
  let j = i;
  while (
    j + 1 < rawCount &&
    rawEnd[j + 1]! - rawStart[j + 1]! === 1 &&
    text.slice(rawEnd[j]!, rawStart[j + 1]!) === sep &&
    (!spaced || isCapital(text[rawStart[j + 1]!]!))
  )
    j++;
  if (j - i + 1 < 4) return -1;
  let joined = '';
  for (let k = i; k <= j; k++) joined += text[rawStart[k]!]!;
  out.text = joined;
  return j;
}

/**
 * A distinct token's forms, at its interned id in {@link tokenForms}. Kept to what every sight of the token reads: its
 * id is its index, its hash is in {@link tokenHashes}, and its Arabizi skeleton, rarely needed, in
 * {@link tokenSkeletons} (each field is 8 bytes per cached token; the cache holds up to 100,000).
 */
interface TokenForms {
  norm: string;
  /** `norm.length`, kept beside it: reading it from the string cost a cache miss per token on a real vocabulary. */
  normLength: number;
  alts: string[];
  script: Script;
  /** Whether this token is an Arabizi signal (see {@link isArabiziToken}); computed once per distinct token. */
  arabiziSignal: boolean;
  /** The raw token text (the cache key). */
  surface: string;
  /** The id of its primary form (see {@link Token.form}). */
  form: number;
}

// Token normalisation runs a dozen regexes; words repeat (Zipf), so results are memoised in a bounded cache that
// is cleared when full. Cached values are shared: callers must not mutate `alts`.
//
// The cache doubles as the interning table: every distinct surface gets a small integer id, so the matcher and the
// feature extractor can memoise their own per-token work in arrays indexed by that id instead of hashing the word
// again. It is an open-addressing table keyed by the hash the scanner computes while reading the token, compared in
// place against the text, so a known token costs no substring and no string hashing. The cache is only cleared
// between texts, and each clearing starts a new generation, so ids in one text never mix generations.
const TOKEN_CACHE_LIMIT = 100_000;
let tokenCacheLimit = TOKEN_CACHE_LIMIT;

/** Test hook: clear the token interning table after `limit` distinct tokens instead of 100,000 (never more). */
export function setTokenInterningLimit(limit: number): void {
  tokenCacheLimit = Math.min(limit, TOKEN_CACHE_LIMIT);
}

/** Upper bound (exclusive) of {@link Token.lexeme} ids, so consumers can size their memo arrays. */
export const LEXEME_LIMIT = TOKEN_CACHE_LIMIT + MAX_TEXT_CHARS;
const SLOT_BITS = 18; // 2^18 slots ≥ 2 × LEXEME_LIMIT: the table stays under half full
const tokenSlots = new Int32Array(1 << SLOT_BITS).fill(-1);
/** Interned tokens' forms by id, and the FNV-1a hash of each one's surface (probed before its forms are read). */
const tokenForms: TokenForms[] = [];
const tokenHashes = new Int32Array(LEXEME_LIMIT);
/**
 * Interned primary forms (see {@link Token.form}): a form's id is the id of the first token found with it, so the
 * token's forms give its norm and script. Open addressing by the FNV-1a hash of the norm (kept per id in
 * `formHashes`); slots hold id + 1, so a zeroed slot is free and the table needs no fill (untouched pages stay out of
 * RSS). The feature caches are arrays by form id (features.ts), which cost less than a Map from norm to word.
 */
const formSlots = new Int32Array(1 << SLOT_BITS);
const formHashes = new Int32Array(LEXEME_LIMIT);
/** Arabizi skeletons of interned tokens' surfaces, by id, computed on first use in an Arabizi text. */
const tokenSkeletons = new Map<number, string>();
const skeletonCache = new Map<string, string>();
let generation = 0;

/** Where {@link touchInterned} leaves the sum of what it read, so that its loads are not dropped as dead code. */
const readAhead = { sink: 0 };

/**
 * Read ahead what the lookups of {@link tokenise} will read, one pass per step of the chain: each raw token's first
 * interning slot, then the hash and the forms of the token found there, then its surface. Within one pass the loads do
 * not depend on one another, so their cache misses overlap; the lookups, one token after another, each waited for its
 * chain of four or five (a quarter of the time on known words in a CPU profile of the feeds' second pass). A token
 * whose first slot holds another token is still looked up correctly, it just found nothing ahead.
 */
function touchInterned(): void {
  let sink = 0;
  for (let i = 0; i < rawCount; i++) rawTouch[i] = tokenSlots[Math.imul(rawHash[i]!, 0x9e3779b1) >>> (32 - SLOT_BITS)]!;
  for (let i = 0; i < rawCount; i++) {
    const idx = rawTouch[i]!;
    if (idx >= 0) sink += tokenHashes[idx]! + tokenForms[idx]!.normLength;
  }
  for (let i = 0; i < rawCount; i++) {
    const idx = rawTouch[i]!;
    if (idx >= 0) sink += tokenForms[idx]!.surface.length;
  }
  readAhead.sink = sink;
}

/** The interned id of the token `text.slice(start, end)` whose hash is `hash`, normalising it on first sight. */
function normaliseTokenCached(text: string, start: number, end: number, hash: number): number {
  const mask = (1 << SLOT_BITS) - 1;
  const len = end - start;
  let slot = Math.imul(hash, 0x9e3779b1) >>> (32 - SLOT_BITS);
  for (;;) {
    const idx = tokenSlots[slot]!;
    if (idx === -1) break;
    if (tokenHashes[idx] === hash) {
      const surface = tokenForms[idx]!.surface;
      if (surface.length === len && text.startsWith(surface, start)) return idx;
    }
    slot = (slot + 1) & mask;
  }
  const surface = start === 0 && end === text.length ? text : ownCopy(text, start, end);
  const f = normaliseToken(surface);
  const arabiziSignal = f.script === 'latin' && (isArabiziToken(f.norm) || (f.alts.length > 0 && f.alts.some(isArabiziToken)));
  const id = tokenForms.length;
  tokenSlots[slot] = id;
  tokenHashes[id] = hash;
  tokenForms.push({ norm: f.norm, normLength: f.norm.length, alts: f.alts, script: f.script, arabiziSignal, surface, form: internForm(f.norm, f.script === 'arabic', id) });
  return id;
}

/** The id of the primary form `norm` (of a token in Arabic script or not), or `id`, the token being interned, when new. */
function internForm(norm: string, arabic: boolean, id: number): number {
  const mask = (1 << SLOT_BITS) - 1;
  const hash = fnv(norm) ^ (arabic ? 1 : 0);
  let slot = Math.imul(hash, 0x9e3779b1) >>> (32 - SLOT_BITS);
  for (;;) {
    const known = formSlots[slot]! - 1;
    if (known === -1) break;
    if (formHashes[known] === hash) {
      const f = tokenForms[known]!;
      if (f.norm === norm && (f.script === 'arabic') === arabic) return known;
    }
    slot = (slot + 1) & mask;
  }
  formSlots[slot] = id + 1;
  formHashes[id] = hash;
  return id;
}

/**
 * `text.slice(start, end)` as a string of its own. V8 makes a slice of 13 characters or more a view on the whole
 * text, so every long word cached on first sight kept its item's text alive as long as the cache (13 MB per 100,000
 * never-seen words in a heap snapshot). A JSON round trip is the cheapest copy JavaScript offers; it runs only on a
 * token's first sight.
 */
function ownCopy(text: string, start: number, end: number): string {
  const slice = text.slice(start, end);
  return end - start < 13 ? slice : (JSON.parse(JSON.stringify(slice)) as string);
}

function arabiziSkeletonCached(surface: string): string {
  let v = skeletonCache.get(surface);
  if (v === undefined) {
    v = arabiziSkeleton(foldLatin(surface));
    if (skeletonCache.size >= TOKEN_CACHE_LIMIT) skeletonCache.clear();
    skeletonCache.set(surface, v);
  }
  return v;
}

/** Whether a token is a run of ASCII digits (a number: the commonest never-seen token in news). */
function isAsciiDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

/**
 * The form of a plain English-or-French-looking word, without the rules' regexes: when `text` is only ASCII letters,
 * with no camel-case boundary and no letter three times in a row (case folded), {@link normaliseTokenByRules} gives
 * its lower case, no alternative forms and the Latin script — nothing to fold, de-leet or squeeze. Such words are most
 * never-seen tokens of a news stream, and the rules' dozen regex passes were the larger part of a new token's cost.
 * Null for every other token. Equality with the rules is checked word by word in the tests.
 */
export function plainWordForm(text: string): string | null {
  const n = text.length;
  if (n === 0) return null;
  let prev = -1;
  let run = 0;
  let prevUpper = false;
  let upperRun = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    if (!upper && !(c >= 97 && c <= 122)) return null;
    // Camel case as CAMEL_CASE reads it: lower then upper ("monuscoOut"), or two capitals then lower ("UNmission").
    if (upper && i > 0 && !prevUpper) return null;
    if (!upper && upperRun >= 2) return null;
    upperRun = upper ? upperRun + 1 : 0;
    prevUpper = upper;
    const folded = c | 32;
    run = folded === prev ? run + 1 : 1;
    if (run >= 3) return null;
    prev = folded;
  }
  return text.toLowerCase();
}

/** The alternative forms of a token that has none; shared, as cached forms are (callers never mutate `alts`). */
const NO_ALTS: string[] = [];

function normaliseToken(text: string): { norm: string; alts: string[]; script: Script } {
  // A number is its own form: no Arabic letters or digits, nothing to fold, de-leet (no letters) or squeeze, and
  // Latin by the all-digits rule below; the general path gives exactly this, through a dozen regexes.
  if (isAsciiDigits(text)) return { norm: text, alts: NO_ALTS, script: 'latin' };
  const plain = plainWordForm(text);
  if (plain !== null) return { norm: plain, alts: NO_ALTS, script: 'latin' };
  return normaliseTokenByRules(text);
}

/** A token's forms by the full rules (see {@link normaliseToken}); exported for the tests of {@link plainWordForm}. */
export function normaliseTokenByRules(text: string): { norm: string; alts: string[]; script: Script } {
  const isArabic = ARABIC_LETTER.test(text);
  if (isArabic) {
    const base = normaliseArabic(text);
    const norm = squeezeElongation(base, 1);
    const alts = norm !== base ? [squeezeElongation(base, 2)] : [];
    return { norm, alts: alts.filter((a) => a !== norm), script: 'arabic' };
  }
  // Eastern Arabic digits can appear in Latin-script tokens; the Arabic pass is skipped when there are none.
  const folded = foldLatin(/[\u0660-\u0669\u06f0-\u06f9]/.test(text) ? normaliseArabic(text) : text);
  const script: Script = LATIN_LETTER.test(text) || /^\d+$/.test(folded) ? 'latin' : 'other';
  const alts = new Set<string>();
  const leet = deLeet(folded);
  const primary = squeezeElongation(leet, 1);
  if (primary !== leet) alts.add(squeezeElongation(leet, 2));
  if (leet !== folded) alts.add(squeezeElongation(folded, 1));
  // Hashtags glue words the lexicon knows one by one (#MonuscoOut, #ByeByeMonusco, #FINULDehors): each camel-cased
  // part of three letters or more is also a form of the token, so the mission and the call in it are found.
  if (CAMEL_CASE.test(text)) {
    for (const part of text.split(CAMEL_BOUNDARY)) if (part.length >= 3) alts.add(squeezeElongation(deLeet(foldLatin(part)), 1));
  }
  alts.delete(primary);
  return { norm: primary, alts: [...alts], script };
}

const CAMEL_CASE = /\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}/u;
/** Between a lower-case and an upper-case letter, and before the last capital of a run followed by lower case. */
const CAMEL_BOUNDARY = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/**
 * Which UTF-16 code units can be part of a token: a table built once from the regex `[\p{L}\p{M}\p{N}@$€]` itself, so the hand-written
 * scanner below accepts exactly what the regex does (1 = token character, 2 = high surrogate: decide on the code point).
 * The scanner replaced `matchAll`, which allocated a match array and a substring per token.
 */
const TOKEN_CHAR = (() => {
  const table = new Uint8Array(0x10000);
  const re = /^[\p{L}\p{M}\p{N}@$€]$/u;
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdbff) table[c] = 2;
    else if (c < 0xdc00 || c > 0xdfff) table[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
  }
  return table;
})();
const ASTRAL_TOKEN_CHAR = /^[\p{L}\p{M}\p{N}]$/u;

/** Width in code units of the token character at `i` (1 or 2), or 0 when it is not one. */
function tokenCharWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  const k = TOKEN_CHAR[c]!;
  if (k !== 2) return k;
  const lo = s.charCodeAt(i + 1);
  if (!(lo >= 0xdc00 && lo <= 0xdfff)) return 0;
  return ASTRAL_TOKEN_CHAR.test(s.slice(i, i + 2)) ? 2 : 0;
}

/**
 * Raw tokens of a cleaned text into the raw arrays: maximal runs of letters, marks, digits and @ $ € (the same set as
 * `/[\p{L}\p{M}\p{N}@$€]+/u`), each hashed while it is read.
 */
function scanTokens(text: string): void {
  rawCount = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let w = tokenCharWidth(text, i);
    if (w === 0) {
      i++;
      continue;
    }
    const start = i;
    let h = 0x811c9dc5;
    do {
      h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      if (w === 2) h = Math.imul(h ^ text.charCodeAt(i + 1), 0x01000193);
      i += w;
    } while (i < n && (w = tokenCharWidth(text, i)) > 0);
    pushRaw(start, i, h);
  }
}

/** Share of a text's Latin tokens that must be Arabizi signals for the text to be read as Arabizi (see {@link tokenise}). */
const ARABIZI_MIN_SHARE = 0.04;

const tokenScratch: Token[] = [];

/** Tokenise and normalise a text; the core of every later step. Never throws. */
export function tokenise(raw: string): NormalisedText {
  const { cleaned, truncated, notes } = cleanText(typeof raw === 'string' ? raw : String(raw ?? ''));
  // Clear the interning cache only between texts, so all tokens of one text share a generation.
  if (tokenForms.length >= tokenCacheLimit) {
    tokenSlots.fill(-1);
    formSlots.fill(0);
    tokenForms.length = 0;
    tokenSkeletons.clear();
    generation++;
  }
  scanTokens(cleaned);
  touchInterned();
  // Tokens are collected in a scratch array reused from text to text and copied out at their exact count: growing a
  // fresh array by push copied it four or five times per 1 KB text.
  const scratch = tokenScratch;
  let count = 0;
  // Letter counts by script in locals: a keyed store into an object by script name was a visible share of this loop.
  let latinLetters = 0;
  let arabicLetters = 0;
  let otherLetters = 0;
  let arabiziSignals = 0;
  let latinTokens = 0;
  const run = { text: '' };
  for (let i = 0; i < rawCount; i++) {
    const start = rawStart[i]!;
    let end = rawEnd[i]!;
    let id: number;
    // A spelled-out run ("M.O.N.U.S.C.O") has a surface that differs from its cache key; the Arabizi skeleton is read
    // from the surface, so such tokens get no shared id (-1) and consumers take their uncached path.
    let spelled = false;
    const last = spelledOutRun(cleaned, i, run);
    if (last >= 0) {
      id = normaliseTokenCached(run.text, 0, run.text.length, fnv(run.text));
      end = rawEnd[last]!;
      i = last;
      spelled = true;
    } else id = normaliseTokenCached(cleaned, start, end, rawHash[i]!);
    const f = tokenForms[id]!;
    const { norm, script, normLength } = f;
    if (normLength === 0) continue;
    if (script === 'latin') {
      latinLetters += normLength;
      latinTokens++;
      if (f.arabiziSignal) arabiziSignals++;
    } else if (script === 'arabic') arabicLetters += normLength;
    else otherLetters += normLength;
    scratch[count++] = { norm, alts: f.alts, arabizi: undefined, start, end, script, lexeme: spelled ? -1 : id, form: f.form };
  }
  const tokens = scratch.slice(0, count);
  // Arabizi is a text-level decision: two signals, or one in a very short text. Only then do plain Latin words
  // ("barra", "unifil") get an Arabizi reading, which keeps English and French free of spurious Arabic matches.
  // In a long text two signals are chance ("al", "fi", "w", a code like "3am"): 66 of the 2,179 recorded feed items,
  // mostly English news, read as Arabizi, and a WordPress release note matched Arabic hate terms by skeleton. Signals
  // must also be one Latin token in 25; the Arabizi of the labelled sets has one in 20 or more (lowest 2 of 39).
  const arabizi = (arabiziSignals >= 2 && arabiziSignals >= ARABIZI_MIN_SHARE * latinTokens) || (arabiziSignals === 1 && latinTokens <= 4);
  if (arabizi) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.script !== 'latin') continue;
      let sk: string;
      if (t.lexeme >= 0) {
        // A token with a lexeme id was interned in this generation: its forms are at that index.
        let known = tokenSkeletons.get(t.lexeme);
        if (known === undefined) tokenSkeletons.set(t.lexeme, (known = arabiziSkeleton(foldLatin(tokenForms[t.lexeme]!.surface))));
        sk = known;
      } else sk = arabiziSkeletonCached(cleaned.slice(t.start, t.end));
      if (sk.length >= 2) t.arabizi = sk;
    }
    notes.push('Arabizi detected: Latin tokens also matched against the Arabic lexicon');
  }
  return { cleaned, tokens, arabizi, truncated, notes, scriptCounts: { latin: latinLetters, arabic: arabicLetters, other: otherLetters }, generation };
}

/**
 * The normalised form of a text as one string (primary token forms joined by spaces): what the lexicon is matched
 * against. `normaliseText('M.O.N.U.S.C.O dégaaaage')` → `'monusco degage'`.
 */
export function normaliseText(text: string): string {
  return tokenise(text)
    .tokens.map((t) => t.norm)
    .join(' ');
}
