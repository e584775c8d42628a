/**
 * Streaming JSONL classification for `vigie classify`: one output line per input line, same order; a malformed
 * line yields `{ id?, line, error }` (`line`: its 1-based line number in the input, blank lines counted, so it can be
 * found in a large file) and the run goes on.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Classifier } from './classifier.js';

/** What every input line must be, for the error messages. */
const LINE_SHAPE = 'each line must be one JSON object such as {"id":"1","text":"…"} (title, language, url and source are optional)';

/** Classify one JSONL line (`lineNumber`: where it is in the input, given back on an error); never throws. */
export function classifyLine(classifier: Classifier, line: string, lineNumber?: number): Record<string, unknown> {
  const failed = (error: string, id?: string): Record<string, unknown> => ({ ...(id !== undefined ? { id } : {}), ...(lineNumber !== undefined ? { line: lineNumber } : {}), error });
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return failed(`invalid JSON: ${(err as Error).message}; ${LINE_SHAPE}`, /"id"\s*:\s*"([^"]*)"/.exec(line)?.[1]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return failed(`line is not a JSON object; ${LINE_SHAPE}`);
  const o = parsed as Record<string, unknown>;
  const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined;
  if (typeof o.text !== 'string') return failed(`missing or non-string "text" field; ${LINE_SHAPE}`, id);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  try {
    const r = classifier.classify({ text: o.text, ...(id !== undefined ? { id } : {}), title: str(o.title) ?? null, language: str(o.language) ?? null, url: str(o.url) ?? null, source: str(o.source) ?? null });
    const { id: _omit, ...rest } = r;
    return { id: id ?? null, ...rest };
  } catch (err) {
    // classify() is designed never to throw; if it does, the item still gets its line.
    return failed(`classification failed: ${(err as Error).message}`, id);
  }
}

/** Classify a JSONL stream into another; resolves with counts. */
export async function classifyStream(classifier: Classifier, input: Readable, output: Writable): Promise<{ lines: number; errors: number }> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lines = 0;
  let errors = 0;
  let lineNumber = 0;
  for await (const line of rl) {
    lineNumber++;
    if (!line.trim()) continue;
    const out = classifyLine(classifier, line, lineNumber);
    if ('error' in out) errors++;
    lines++;
    if (!output.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => output.once('drain', r));
  }
  return { lines, errors };
}
