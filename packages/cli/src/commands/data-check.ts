/**
 * Checks a batch of labelled items before it joins a data set (DATASET.md, "How the sets were written"): the line
 * schema, the label guide's rules (a harmful item is an endorsed S1–S3 narrative, a target only on S1…), and overlap
 * with the sets it must not share text with, word for word as `tokenise` (@vigie/feeds) reads them: case, accents and
 * punctuation folded. A batch that quotes an evaluation item's wording would let the model learn
 * the test, so any run of {@link OVERLAP_RUN} consecutive normalised words shared with such a set drops the item.
 */
import { tokenise } from '@vigie/feeds';
import { parseLabelledLine, type LabelledExample } from '@vigie/nlp';

/** How many consecutive words two texts must share to count as overlapping (stock phrases are shorter). */
export const OVERLAP_RUN = 8;

/** A labelled line as written, with the S1 `target` the schema passes through. */
type LabelledLine = LabelledExample & { target?: unknown };

/** The label guide's rules (DATASET.md, "Label guide") an item breaks; empty when it keeps them all. */
export function labelProblems(item: LabelledLine): string[] {
  const problems: string[] = [];
  const top = item.topNarrative;
  if (top !== (item.narratives[0] ?? null)) problems.push('topNarrative must be narratives[0] (null when narratives is empty)');
  if ((item.stance === 'none') !== (item.narratives.length === 0)) problems.push('stance "none" goes with an empty narratives list, and only with it');
  if (top === 'failure_to_protect' && item.severity !== 'S4') problems.push('failure_to_protect is always S4');
  if (top === 'sexual_exploitation_abuse' && item.severity !== 'S2' && item.severity !== 'S1') problems.push('sexual_exploitation_abuse is S2 (S1 only with a call to violence)');
  const endorsedHarm = item.stance === 'endorse' && (item.severity === 'S1' || item.severity === 'S2' || item.severity === 'S3');
  const expected = endorsedHarm && top !== 'failure_to_protect' && !(top === 'sexual_exploitation_abuse' && item.severity === 'S2');
  if (item.harmful !== expected) problems.push(`harmful must be ${expected}: true only for an endorsed S1–S3 narrative, never failure_to_protect or victim-channel SEA`);
  if (item.stance !== 'endorse' && (item.severity === 'S1' || item.severity === 'S3')) problems.push(`severity ${item.severity} needs stance endorse`);
  if (item.stance !== 'endorse' && item.severity === 'S2' && top !== 'sexual_exploitation_abuse') problems.push('severity S2 without endorsement is kept only for sexual_exploitation_abuse');
  const hasTarget = typeof item.target === 'string' && item.target.trim().length > 0;
  if ((item.severity === 'S1') !== hasTarget) problems.push('an S1 item names its target, and only S1 items do');
  if (item.hardNegative && item.harmful) problems.push('a hard negative is never harmful');
  if (item.hardNegative === 'conflict_no_un' && item.missions.length > 0) problems.push('conflict_no_un items mention no mission');
  return problems;
}

function runs(text: string): string[] {
  const words = tokenise(text);
  const out: string[] = [];
  for (let i = 0; i + OVERLAP_RUN <= words.length; i++) out.push(words.slice(i, i + OVERLAP_RUN).join(' '));
  return out;
}

/** The runs of {@link OVERLAP_RUN} words of named sets of texts, to find which set a new text shares one with. */
export class OverlapIndex {
  private readonly owner = new Map<string, string>();

  add(setName: string, texts: Iterable<string>): this {
    for (const text of texts) for (const run of runs(text)) if (!this.owner.has(run)) this.owner.set(run, setName);
    return this;
  }

  /** The first set sharing a run with `text`, and the run; null when none does. */
  find(text: string): { set: string; run: string } | null {
    for (const run of runs(text)) {
      const set = this.owner.get(run);
      if (set !== undefined) return { set, run };
    }
    return null;
  }
}

export interface BatchCheck {
  /** Items that parse, keep the label rules and share no run with a protected set, in input order, as written. */
  kept: Record<string, unknown>[];
  /** Lines that cannot join any set until fixed: bad JSON, schema errors, broken label rules, repeated ids. */
  problems: { line: number; id: string | null; message: string }[];
  /** Well-formed items dropped for sharing a run of words with a protected set. */
  dropped: { line: number; id: string; set: string; run: string }[];
}

/** Check a batch's JSONL lines against the schema, the label rules and a protected-set index. */
export function checkBatch(lines: readonly string[], protectedSets: OverlapIndex): BatchCheck {
  const result: BatchCheck = { kept: [], problems: [], dropped: [] };
  const seenIds = new Set<string>();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    const parsed = parseLabelledLine(raw);
    if (!parsed.ok) {
      result.problems.push({ line, id: parsed.id, message: parsed.reason === 'json' ? `not JSON (${parsed.message})` : parsed.message });
      return;
    }
    const item = parsed.example as LabelledLine;
    const problems = labelProblems(item);
    if (item.text.trim().length === 0) problems.push('text is empty');
    if (seenIds.has(item.id)) problems.push('id repeated in this batch');
    seenIds.add(item.id);
    if (problems.length > 0) {
      for (const message of problems) result.problems.push({ line, id: item.id, message });
      return;
    }
    const overlap = protectedSets.find(item.text);
    if (overlap) result.dropped.push({ line, id: item.id, ...overlap });
    else result.kept.push(parsed.value as Record<string, unknown>);
  });
  return result;
}
