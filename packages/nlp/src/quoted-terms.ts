/**
 * Use and mention. A rebuttal of hate speech quotes the slur it rebuts — « les traiter de "serpents" », 'calling Nuer
 * "hyenas"', « كلام 'ديل صراصير' » — and the hate lexicon finds the slur all the same. Of the 94 false alarms of a
 * three-fold cross-validation on train, 10 were such rebuttals read as endorsed hate speech. When the slurs a text
 * matched all stand inside quotation marks, the text mentions them rather than uses them: evidence for a counter stance,
 * weighed with the rest (see `decideStance`), not a verdict.
 */

/** Opening quotation marks and the closing mark each pairs with. */
const PAIRS: Readonly<Record<string, string>> = { '«': '»', '“': '”', '„': '“', '"': '"', "'": "'", '‘': '’' };
/** Any opening mark of {@link PAIRS}; global, so that `quotedSpans` walks from mark to mark (it resets `lastIndex`). */
const OPENING_MARKS = /[«“„"'‘]/g;

/** Whether the character at `i` may open or close a straight single quote rather than be an apostrophe (l'ONU, don't). */
function letterAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && /[\p{L}\p{N}]/u.test(text[i]!);
}

/**
 * Character spans [start, end) of quoted passages: « … », “ … ”, " … ", ‘ … ’, and ' … ' when the marks are not
 * apostrophes (an opening ' not after a letter, a closing ' not before one). Unclosed quotes give no span; a passage
 * runs at most 200 characters.
 */
export function quotedSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  // The marks are found by a regular expression rather than a loop over every character: the call-to-act rule reads
  // the quotes of every text with a call, and a character loop cost some 20 µs on a 1 KB post.
  OPENING_MARKS.lastIndex = 0;
  for (let m = OPENING_MARKS.exec(text); m !== null; m = OPENING_MARKS.exec(text)) {
    const i = m.index;
    const open = text[i]!;
    if (open === "'" && letterAt(text, i - 1)) continue;
    const close = PAIRS[open]!;
    // The closing mark within 200 characters, read one by one: an unclosed mark costs 200 steps, not the text's length.
    const limit = Math.min(text.length, i + 201);
    for (let j = i + 1; j < limit; j++) {
      if (text[j] !== close || (close === "'" && letterAt(text, j + 1))) continue;
      if (j - i > 1) spans.push([i + 1, j]);
      OPENING_MARKS.lastIndex = j + 1;
      break;
    }
  }
  return spans;
}

/** Whether every one of `terms` (character spans) lies inside one of `spans`; false when there are no terms. */
export function allInside(terms: readonly { start: number; end: number }[], spans: readonly [number, number][]): boolean {
  if (terms.length === 0 || spans.length === 0) return false;
  return terms.every((t) => spans.some(([s, e]) => t.start >= s && t.end <= e));
}
