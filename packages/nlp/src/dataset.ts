/**
 * Labelled examples: the line schema of `data/train.jsonl` / `data/dev.jsonl`, and triage labels converted to it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MissionCode, NarrativeKey, Severity, Stance } from '@vigie/contracts';

export const HARD_NEGATIVES = ['debunk', 'press_release', 'neutral_news', 'criticism', 'conflict_no_un', 'benign_un', 'general_news'] as const;

/** One labelled item. Extra fields (e.g. `target`) are kept but ignored. */
export const LabelledExampleSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    language: z.string(),
    missions: z.array(MissionCode).default([]),
    narratives: z.array(NarrativeKey).default([]),
    topNarrative: NarrativeKey.nullable(),
    stance: Stance,
    harmful: z.boolean(),
    severity: Severity.nullable(),
    hardNegative: z.enum(HARD_NEGATIVES).nullable().default(null),
    title: z.string().optional(),
    url: z.string().optional(),
    source: z.string().optional(),
  })
  .passthrough();
export type LabelledExample = z.infer<typeof LabelledExampleSchema>;

/** One JSONL line of a labelled set: the example and the value as written, or why it cannot be read. */
export type ParsedLabelledLine =
  | { ok: true; example: LabelledExample; value: unknown }
  | { ok: false; reason: 'json' | 'schema'; id: string | null; message: string };

export function parseLabelledLine(line: string): ParsedLabelledLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { ok: false, reason: 'json', id: null, message: (err as Error).message };
  }
  const r = LabelledExampleSchema.safeParse(value);
  if (r.success) return { ok: true, example: r.data, value };
  const id = typeof (value as { id?: unknown } | null)?.id === 'string' ? (value as { id: string }).id : null;
  return { ok: false, reason: 'schema', id, message: r.error.issues.map((x) => `${x.path.join('.') || 'line'}: ${x.message}`).join('; ') };
}

/** Read a JSONL file of labelled examples; invalid lines are reported, not silently skipped. */
export function readLabelledJsonl(path: string | URL): { examples: LabelledExample[]; errors: string[] } {
  const examples: LabelledExample[] = [];
  const errors: string[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const parsed = parseLabelledLine(line);
      if (parsed.ok) examples.push(parsed.example);
      else errors.push(`line ${i + 1}: ${parsed.message}`);
    });
  return { examples, errors };
}

export const DEFAULT_TRAIN_URL = new URL('../data/train.jsonl', import.meta.url);
export const DEFAULT_DEV_URL = new URL('../data/dev.jsonl', import.meta.url);
/** Team-written general news (off-topic traffic), for evaluation only: see DATASET.md, "General news". */
export const DEFAULT_GENERAL_NEWS_URL = new URL('../data/general-news.jsonl', import.meta.url);
/** Labelled items written independently of the training and dev sets, for evaluation only (DATASET.md, "Held-out set"). */
export const DEFAULT_HOLDOUT_URL = new URL('../data/holdout.jsonl', import.meta.url);
/**
 * Arabizi items from a writer who contributed nothing else, never trained on and read only as totals (DATASET.md,
 * "Arabizi set"): Arabizi is the weakest script, and the held-out set has only 117 such items.
 */
export const DEFAULT_ARABIZI_URL = new URL('../data/arabizi-dev.jsonl', import.meta.url);
