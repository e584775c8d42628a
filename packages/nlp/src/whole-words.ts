/**
 * Regular expressions over whole words of any script. `\b` knows only ASCII word characters, so it finds no word edge
 * in Arabic or in « é »; these lookarounds ask for no letter or digit before and after instead (the `u` flag's classes).
 */
export const WORD_START = '(?<![\\p{L}\\p{N}])';
export const WORD_END = '(?![\\p{L}\\p{N}])';

/** A case-insensitive regular expression for any of `alternatives` (regular-expression sources) as whole words. */
export function wholeWords(alternatives: readonly string[], flags: 'iu' | 'giu' | 'imu' = 'iu'): RegExp {
  return new RegExp(`${WORD_START}(?:${alternatives.join('|')})${WORD_END}`, flags);
}
