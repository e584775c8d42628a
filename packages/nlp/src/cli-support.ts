/**
 * Streaming JSONL classification for `vigie classify`: one output line per input line, same order; a malformed
 * line yields `{ id?, error }` and the run goes on.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Classifier } from './classifier.js';

/** Classify one JSONL line; never throws. */
export function classifyLine(classifier: Classifier, line: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    const id = /"id"\s*:\s*"([^"]*)"/.exec(line)?.[1];
    return { ...(id !== undefined ? { id } : {}), error: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'line is not a JSON object' };
  const o = parsed as Record<string, unknown>;
  const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined;
  if (typeof o.text !== 'string') return { ...(id !== undefined ? { id } : {}), error: 'missing or non-string "text" field' };
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  try {
    const r = classifier.classify({ text: o.text, ...(id !== undefined ? { id } : {}), title: str(o.title) ?? null, language: str(o.language) ?? null, url: str(o.url) ?? null, source: str(o.source) ?? null });
    const { id: _omit, ...rest } = r;
    return { id: id ?? null, ...rest };
  } catch (err) {
    // classify() is designed never to throw; if it does, the item still gets its line.
    return { ...(id !== undefined ? { id } : {}), error: `classification failed: ${(err as Error).message}` };
  }
}

/** Classify a JSONL stream into another; resolves with counts. */
export async function classifyStream(classifier: Classifier, input: Readable, output: Writable): Promise<{ lines: number; errors: number }> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lines = 0;
  let errors = 0;
  for await (const line of rl) {
    if (!line.trim()) continue;
    const out = classifyLine(classifier, line);
    if ('error' in out) errors++;
    lines++;
    if (!output.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => output.once('drain', r));
  }
  return { lines, errors };
}
