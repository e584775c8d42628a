/**
 * Which fields of a source document a poll actually changes — pure, so the "write only what is material" rule
 * is unit-tested without a database.
 *
 * Why it matters: on FerretDB v1 (SQLite) an update by `_id` still scans and re-parses the whole sources
 * collection (its `_id` index is declared as `sjson->"_id"` while its queries say `sjson->'$._id'`, so SQLite
 * never uses it): ~30 ms per write at 1,000 sources on the development VM, growing with the collection. A 304
 * from a quiet source changes nothing but the poll times, which live in Redis (@vigie/runtime source-liveness).
 */

/** The stored liveness is rewritten at least this often even when nothing else changes (Redis loss bound). */
export const LIVENESS_PERSIST_MAX_AGE_MS = 24 * 3600 * 1000;

/** Reads a dotted path (`health.lastError`) from a plain (lean) document. */
function readPath(doc: unknown, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Stored-value equality: null and absent are the same, Dates compare by time, arrays and objects by content. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameValue(x, (b as unknown[])[i]));
  // mongoose subdocuments read lean carry no extra keys; compare the union of keys.
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return [...new Set([...ka, ...kb])].every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The subset of `wanted` (dotted paths → values) that differs from what `doc` holds. */
export function changedFields(doc: unknown, wanted: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(wanted)) if (!sameValue(readPath(doc, path), value)) out[path] = value;
  return out;
}

export interface SourceWritePlan {
  /** `$set` for the source document, or null when the poll changes nothing worth a database write. */
  readonly set: Record<string, unknown> | null;
  /** What the poll changed besides its times (for logs and tests). */
  readonly material: readonly string[];
}

/**
 * Plans the one write of a poll. The poll times go to the document with any material change, when no Redis
 * liveness store records them, or when the stored ones are older than {@link LIVENESS_PERSIST_MAX_AGE_MS}.
 */
export function planSourceWrite(
  doc: unknown,
  wanted: Record<string, unknown>,
  times: { lastFetchAt: Date; nextFetchAt: Date | null },
  options: { livenessInRedis: boolean },
): SourceWritePlan {
  const changes = changedFields(doc, wanted);
  const material = Object.keys(changes);
  const stored = readPath(doc, 'health.lastFetchAt');
  const stale = !(stored instanceof Date) || times.lastFetchAt.getTime() - stored.getTime() >= LIVENESS_PERSIST_MAX_AGE_MS;
  if (material.length === 0 && options.livenessInRedis && !stale) return { set: null, material };
  return { set: { ...changes, 'health.lastFetchAt': times.lastFetchAt, 'health.nextFetchAt': times.nextFetchAt }, material };
}
