/**
 * Catalogue edits as data: admins send a list of operations (add/remove/re-weight a lexicon term, replace
 * counter-messaging lines, edit a definition); applying them is pure and yields a new catalogue that is validated
 * again with the full catalogue schema before anything is stored. Each save becomes a new draft version.
 */
import { z } from 'zod';
import { NarrativeKey } from '@vigie/contracts';
import { parseCatalogue, CatalogueError } from './catalogue.js';
import { LexiconLanguage, type Catalogue, type LexiconEntry } from './catalogue.schema.js';

/**
 * A lexicon term as an admin may write it. Terms are matched literally (a trie over normalised tokens, never a
 * regular expression), so `.*` or `$where` are inert text; markup and control characters can never match cleaned
 * text, so they are refused with a message rather than stored as dead entries.
 */
export const TermText = z
  .string()
  .trim()
  .min(1, 'the term must not be empty')
  .max(120, 'a term is at most 120 characters: split long phrases into the words that carry the narrative')
  .refine((t) => !/[<>]/.test(t), 'markup (< or >) never survives text cleaning, so such a term can never match: remove it')
  .refine((t) => !/[\u0000-\u001f\u007f]/.test(t), 'control characters are not allowed in a term')
  .refine((t) => t.split(/\s+/).length <= 12, 'a phrase is at most 12 words');

const Line = z
  .string()
  .trim()
  .min(3, 'a line needs at least 3 characters')
  .max(600, 'a counter-messaging line is at most 600 characters')
  .refine((t) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(t), 'control characters are not allowed');

const Definition = z.string().trim().min(10, 'a definition needs at least 10 characters').max(2000, 'a definition is at most 2,000 characters');

export const CatalogueChange = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('addTerm'),
      narrative: NarrativeKey,
      lang: LexiconLanguage,
      text: TermText,
      weight: z.number().positive('weight must be > 0').max(5, 'weight must be ≤ 5'),
      /** `suggested` terms count less than `attested` ones until a native speaker validates them. */
      status: z.enum(['attested', 'suggested']).default('suggested'),
      validated: z.boolean().default(false),
      kind: z.enum(['phrase', 'term']).optional(),
      /** Match as written, never by stem (see the catalogue schema). */
      asWritten: z.boolean().optional(),
    })
    .strict(),
  z.object({ op: z.literal('removeTerm'), narrative: NarrativeKey, lang: LexiconLanguage, text: TermText }).strict(),
  z
    .object({
      op: z.literal('updateTerm'),
      narrative: NarrativeKey,
      lang: LexiconLanguage,
      text: TermText,
      weight: z.number().positive('weight must be > 0').max(5, 'weight must be ≤ 5').optional(),
      status: z.enum(['attested', 'suggested']).optional(),
      validated: z.boolean().optional(),
    })
    .strict()
    .refine((c) => c.weight !== undefined || c.status !== undefined || c.validated !== undefined, 'give at least one of weight, status, validated'),
  z
    .object({ op: z.literal('setCounterMessaging'), narrative: NarrativeKey, lang: z.enum(['en', 'fr']), lines: z.array(Line).min(1, 'keep at least one line').max(30) })
    .strict(),
  z.object({ op: z.literal('setDefinition'), narrative: NarrativeKey, lang: z.enum(['en', 'fr']), text: Definition }).strict(),
]);
export type CatalogueChange = z.infer<typeof CatalogueChange>;

/** A list of changes, as the API accepts it. */
export const CatalogueChanges = z.array(CatalogueChange).min(1, 'send at least one change').max(500, 'at most 500 changes per save');

/** A change that cannot apply (unknown term, duplicate): `path` points into the request's `changes` array. */
export class CatalogueChangeError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`catalogue changes refused: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CatalogueChangeError';
  }
}

const sameTerm = (e: LexiconEntry, lang: string, text: string) => e.lang === lang && e.text.normalize('NFC').toLowerCase() === text.normalize('NFC').toLowerCase();

/**
 * Apply changes in order to a copy of `catalogue` and validate the result with the catalogue schema. `version`
 * becomes the new catalogue's `version` field. Throws {@link CatalogueChangeError} with one issue per bad change
 * (all of them, not just the first) or when the edited catalogue no longer validates.
 */
export function applyCatalogueChanges(catalogue: Catalogue, changes: readonly CatalogueChange[], version: string): Catalogue {
  const next = structuredClone(catalogue) as Catalogue;
  const issues: { path: string; message: string }[] = [];
  changes.forEach((c, i) => {
    const path = `changes.${i}`;
    const entry = next.narratives[c.narrative];
    switch (c.op) {
      case 'addTerm': {
        if (entry.lexicon.some((e) => sameTerm(e, c.lang, c.text))) {
          issues.push({ path: `${path}.text`, message: `"${c.text}" (${c.lang}) is already in ${c.narrative}: use updateTerm to re-weight it` });
          return;
        }
        entry.lexicon.push({ text: c.text, lang: c.lang, weight: c.weight, status: c.status, validated: c.validated, kind: c.kind ?? (/\s/.test(c.text) ? 'phrase' : 'term'), ...(c.asWritten ? { asWritten: true } : {}) });
        return;
      }
      case 'removeTerm':
      case 'updateTerm': {
        const at = entry.lexicon.findIndex((e) => sameTerm(e, c.lang, c.text));
        if (at < 0) {
          issues.push({ path: `${path}.text`, message: `"${c.text}" (${c.lang}) is not in ${c.narrative}'s lexicon` });
          return;
        }
        if (c.op === 'removeTerm') {
          entry.lexicon.splice(at, 1);
          return;
        }
        const old = entry.lexicon[at]!;
        entry.lexicon[at] = { ...old, ...(c.weight !== undefined ? { weight: c.weight } : {}), ...(c.status !== undefined ? { status: c.status } : {}), ...(c.validated !== undefined ? { validated: c.validated } : {}) };
        return;
      }
      case 'setCounterMessaging':
        entry.counterMessaging[c.lang] = [...c.lines];
        return;
      case 'setDefinition':
        entry.definition[c.lang] = c.text;
        return;
    }
  });
  if (issues.length) throw new CatalogueChangeError(issues);
  next.version = version;
  try {
    return parseCatalogue(next);
  } catch (error) {
    if (error instanceof CatalogueError) throw new CatalogueChangeError(error.issues.map((issue) => ({ path: `catalogue.${issue.split(': ')[0]}`, message: issue.split(': ').slice(1).join(': ') })));
    throw error;
  }
}

/** One line per change, for audit entries and version notes. */
export function describeChange(c: CatalogueChange): string {
  switch (c.op) {
    case 'addTerm':
      return `+ ${c.narrative}/${c.lang} "${c.text}" ×${c.weight} ${c.status}${c.validated ? ' validated' : ''}`;
    case 'removeTerm':
      return `- ${c.narrative}/${c.lang} "${c.text}"`;
    case 'updateTerm':
      return `~ ${c.narrative}/${c.lang} "${c.text}"${c.weight !== undefined ? ` ×${c.weight}` : ''}${c.status ? ` ${c.status}` : ''}${c.validated !== undefined ? ` validated=${c.validated}` : ''}`;
    case 'setCounterMessaging':
      return `counter-messaging ${c.narrative}/${c.lang}: ${c.lines.length} line(s)`;
    case 'setDefinition':
      return `definition ${c.narrative}/${c.lang}`;
  }
}
