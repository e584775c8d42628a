/** A run of an item's text, marked when it is one of the classifier's matched terms. */
export interface Segment {
  readonly text: string;
  readonly match: boolean;
}

/**
 * Splits `text` into plain and matched runs for the surfaces the classifier reported
 * (`explanation.matchedTerms[].surface`). Matching ignores case; overlapping surfaces merge, longest first,
 * so "casques bleus" wins over "casques". Returns one plain segment when nothing matches.
 */
export function highlightSegments(text: string, surfaces: readonly (string | null | undefined)[]): Segment[] {
  const terms = [...new Set(surfaces.map((s) => (s ?? '').trim()).filter((s) => s.length > 0))];
  if (!text || terms.length === 0) return text ? [{ text, match: false }] : [];
  const lower = text.toLocaleLowerCase();
  const marked = new Array<boolean>(text.length).fill(false);
  for (const term of terms.sort((a, b) => b.length - a.length)) {
    const needle = term.toLocaleLowerCase();
    // toLocaleLowerCase can change lengths for a few scripts; only mark where the lengths agree.
    if (needle.length !== term.length) continue;
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
      for (let i = at; i < at + needle.length; i++) marked[i] = true;
    }
  }
  const out: Segment[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || marked[i] !== marked[start]) {
      out.push({ text: text.slice(start, i), match: marked[start] === true });
      start = i;
    }
  }
  return out;
}
