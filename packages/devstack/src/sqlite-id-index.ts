import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * FerretDB v1.24.2 on SQLite looks a document up by `_id` with `WHERE _ferretdb_sjson->'$._id' = ?`
 * (`IDColumn` in its internal/backends/sqlite/metadata), but the `_id` index it creates is on
 * `_ferretdb_sjson->"_id"`: another expression, so SQLite never uses it and every read, update or delete by `_id`
 * scans the table, parsing each row's JSON — 23 s for a new item among 1 M (BENCHMARKS.md, "FerretDB performance
 * notes"). This adds to each collection table an index on the very expression FerretDB queries.
 *
 * It changes plans, never results: FerretDB does not know these indexes (they are not in its
 * `_ferretdb_collections` metadata), a dropped collection takes its index with it (DROP TABLE), and a unique
 * violation cannot come from them (they are not unique). MongoDB needs nothing of the sort: its `_id` index serves.
 * Uses the `sqlite3` shell (Debian package sqlite3; `->` needs SQLite ≥ 3.38), which shares FerretDB's WAL-mode
 * files safely, waiting up to 10 s for FerretDB's write lock as FerretDB waits for it.
 */
export const SQLITE_ID_INDEX_SUFFIX = '__vigie_sjson_id';

const SHELL = process.env.VIGIE_SQLITE3 ?? 'sqlite3';
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Runs `sql` on an existing database file. Opened as a `mode=rw` URI, never by plain path: the shell would create
 * an empty file for a database FerretDB has just dropped, and FerretDB would then list it again.
 */
async function sqlite(file: string, sql: string): Promise<string> {
  const uri = `file:${file.replace(/%/g, '%25').replace(/\?/g, '%3f').replace(/#/g, '%23')}?mode=rw`;
  const { stdout } = await run(SHELL, ['-batch', '-noheader', '-cmd', `.timeout ${BUSY_TIMEOUT_MS}`, uri, sql], { timeout: 120_000 });
  return stdout;
}

/** The shell's error output, for telling "nothing to index (yet)" from a real failure. */
const stderrOf = (error: unknown) => String((error as { stderr?: string }).stderr ?? (error instanceof Error ? error.message : error));

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The FerretDB database files in a data directory (one per database; not the -wal/-shm companions). */
export function ferretDbSqliteFiles(dataDir: string): string[] {
  try {
    return readdirSync(dataDir)
      .filter((name) => name.endsWith('.sqlite'))
      .map((name) => join(dataDir, name));
  } catch {
    return [];
  }
}

/** The collection tables of one database file that have no `_id` expression index yet. */
export async function tablesWithoutIdIndex(file: string): Promise<string[]> {
  let out: string;
  try {
    out = await sqlite(
      file,
      `SELECT table_name FROM _ferretdb_collections WHERE table_name || '${SQLITE_ID_INDEX_SUFFIX}' NOT IN (SELECT name FROM sqlite_master WHERE type = 'index');`,
    );
  } catch (error) {
    // A database FerretDB has created but not yet given its metadata table, or has just dropped: nothing to index.
    if (/no such table: _ferretdb_collections|unable to open database/.test(stderrOf(error))) return [];
    throw error;
  }
  return out.split('\n').map((line) => line.trim()).filter(Boolean);
}

/**
 * Adds the missing `_id` expression indexes to every collection table of every database in `dataDir`. Returns the
 * tables indexed by this call. Building one on a large existing table takes as long as one scan of it (once).
 */
export async function ensureSqliteIdIndexes(dataDir: string): Promise<string[]> {
  const created: string[] = [];
  for (const file of ferretDbSqliteFiles(dataDir)) {
    const missing = await tablesWithoutIdIndex(file);
    if (missing.length === 0) continue;
    const statements = missing.map(
      (table) => `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(table + SQLITE_ID_INDEX_SUFFIX)} ON ${quoteIdentifier(table)} (_ferretdb_sjson->'$._id');`,
    );
    await sqlite(file, statements.join('\n'));
    created.push(...missing);
  }
  return created;
}

export interface IdIndexKeeper {
  /** Runs one pass now (also what the timer does); resolves when it is done. */
  pass(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps the `_id` expression indexes in place while FerretDB runs: services create their collections after
 * FerretDB starts, so a pass runs every `everyMs` (a new table gets its index while it is still small). A failed
 * pass is reported and retried at the next tick: without the index FerretDB is slower, never wrong.
 */
export function keepSqliteIdIndexes(dataDir: string, options: { everyMs?: number; onError?: (error: unknown) => void } = {}): IdIndexKeeper {
  let running: Promise<void> | null = null;
  let stopped = false;
  const pass = () => {
    running ??= ensureSqliteIdIndexes(dataDir)
      .then(() => undefined)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void pass();
  }, options.everyMs ?? 5_000);
  timer.unref();
  return {
    pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
