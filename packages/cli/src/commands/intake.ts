import { createReadStream, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import { JOBS, Language, MissionCode } from '@vigie/contracts';
import { classifyJobId, connectMongo, createModels, ensureIndexes, ensureManualSource, upsertItem, DEFAULT_MANUAL_SOURCE_NAME, type Models } from '@vigie/db';
import { normaliseSubmittedText } from '@vigie/feeds';
import { createLogger, createRedisConnection, createTypedQueue } from '@vigie/runtime';
import { loadCliConfig } from '../config.js';

/** Same cap as POST /api/v1/items: 100 KiB of UTF-8 per text. */
export const MAX_TEXT_BYTES = 100 * 1024;
/** Lines longer than this are skipped without being held in memory (a 10 MB line is an error, not an OOM). */
export const MAX_LINE_BYTES = 1024 * 1024;

/** One record of a bulk-intake file: the fields of POST /api/v1/items. */
export const IntakeRecord = z
  .object({
    text: z
      .string({ error: 'text is required' })
      .refine((t) => t.trim().length > 0, 'text is empty')
      .refine((t) => Buffer.byteLength(t, 'utf8') <= MAX_TEXT_BYTES, `text is longer than ${MAX_TEXT_BYTES / 1024} KB`),
    title: z.string().trim().max(500).optional(),
    sourceName: z.string().trim().min(1).max(200).optional(),
    url: z.string().max(2048).url('must be a full http(s) URL').refine((u) => /^https?:\/\//i.test(u), 'only http(s) URLs').optional(),
    language: Language.optional(),
    mission: MissionCode.optional(),
    publishedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date').optional(),
  })
  .strict();
export type IntakeRecord = z.infer<typeof IntakeRecord>;

export type ParsedLine = { readonly line: number; readonly record: IntakeRecord } | { readonly line: number; readonly error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function checkRecord(line: number, raw: unknown): ParsedLine {
  const r = IntakeRecord.safeParse(raw);
  if (r.success) return { line, record: r.data };
  return { line, error: r.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ') };
}

/**
 * JSONL, one object per line, from raw bytes: a BOM and CRLF endings are accepted, blank lines skipped, each
 * line decoded strictly as UTF-8 (invalid bytes are that line's error, not mojibake in the database), lines
 * over {@link MAX_LINE_BYTES} skipped without buffering them. Line numbers are 1-based.
 */
export async function* parseJsonl(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<ParsedLine> {
  let line = 1;
  let parts: Buffer[] = [];
  let size = 0;
  let oversized = false;
  const finish = function* (): Generator<ParsedLine> {
    const n = line++;
    if (oversized) {
      yield { line: n, error: `line longer than ${MAX_LINE_BYTES / 1024 / 1024} MB; skipped` };
      return;
    }
    let bytes = Buffer.concat(parts, size);
    if (n === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      yield { line: n, error: 'invalid UTF-8; re-save the file as UTF-8' };
      return;
    }
    if (!text.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      yield { line: n, error: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
      return;
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      yield { line: n, error: 'expected a JSON object such as {"text": "…"}' };
      return;
    }
    yield checkRecord(n, raw);
  };
  for await (const chunk of chunks) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (;;) {
      const nl = buf.indexOf(0x0a);
      const piece = nl === -1 ? buf : buf.subarray(0, nl);
      if (!oversized) {
        if (size + piece.length > MAX_LINE_BYTES) {
          oversized = true;
          parts = [];
          size = 0;
        } else {
          parts.push(piece);
          size += piece.length;
        }
      }
      if (nl === -1) break;
      yield* finish();
      parts = [];
      size = 0;
      oversized = false;
      buf = buf.subarray(nl + 1);
    }
  }
  if (size > 0 || oversized) yield* finish();
}

const CSV_COLUMNS = ['text', 'title', 'sourceName', 'url', 'language', 'mission', 'publishedAt'] as const;

/**
 * CSV with a header row naming some of {@link CSV_COLUMNS} (case-insensitive; `text` required). RFC 4180 quoting
 * with embedded newlines and doubled quotes, BOM, CRLF, blank lines; a malformed record is reported with its
 * line and skipped, the rest of the file goes on. Fields are checked for U+FFFD (invalid UTF-8 in the file).
 */
export async function* parseCsvRecords(input: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<ParsedLine> {
  const errors: ParsedLine[] = [];
  const parser = parseCsv({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    max_record_size: 16 * 1024 * 1024,
    info: true,
    on_skip: (err) => {
      const line = err && 'lines' in err && typeof err.lines === 'number' ? err.lines : 0;
      errors.push({ line, error: `malformed CSV: ${err?.message ?? 'unreadable record'}` });
    },
  });
  const stream = input instanceof Readable ? input : Readable.from(input);
  stream.on('error', (error) => parser.destroy(error));
  stream.pipe(parser);
  let header: (typeof CSV_COLUMNS)[number][] | null = null;
  try {
    for await (const row of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      while (errors.length) yield errors.shift()!;
      const { record, info } = row;
      if (!header) {
        const names = record.map((h) => h.trim());
        const mapped = names.map((h) => CSV_COLUMNS.find((c) => c.toLowerCase() === h.toLowerCase()));
        const unknown = names.filter((_, i) => !mapped[i]);
        if (unknown.length || !mapped.includes('text')) {
          yield { line: info.lines, error: `header must name the columns (${CSV_COLUMNS.join(', ')}; text required); unknown: ${unknown.join(', ') || 'none'}` };
          return;
        }
        header = mapped as (typeof CSV_COLUMNS)[number][];
        continue;
      }
      if (record.length !== header.length) {
        yield { line: info.lines, error: `expected ${header.length} fields, found ${record.length}` };
        continue;
      }
      if (record.some((f) => f.includes('\uFFFD'))) {
        yield { line: info.lines, error: 'invalid UTF-8 (or a U+FFFD character); re-save the file as UTF-8' };
        continue;
      }
      const obj: Record<string, string> = {};
      header.forEach((h, i) => {
        const v = record[i]!;
        if (v.trim() !== '' || h === 'text') obj[h] = v;
      });
      yield checkRecord(info.lines, obj);
    }
  } catch (error) {
    yield { line: 0, error: `CSV reading stopped: ${error instanceof Error ? error.message : String(error)}` };
  }
  while (errors.length) yield errors.shift()!;
}

/** Submits one record like POST /api/v1/items does: same normalisation, same dedup, same classify job id. */
export async function submitRecord(
  models: Models,
  enqueue: (itemId: string, contentHash: string) => Promise<void>,
  record: IntakeRecord,
  sourceIds: Map<string, string>,
  defaults: { sourceName?: string; now?: Date } = {},
): Promise<{ itemId: string; created: boolean; nearDuplicateOf: string | null }> {
  const now = defaults.now ?? new Date();
  const name = record.sourceName ?? defaults.sourceName ?? DEFAULT_MANUAL_SOURCE_NAME;
  let sourceId = sourceIds.get(name);
  if (!sourceId) {
    sourceId = await ensureManualSource(models, name, record.mission ? [record.mission] : []);
    sourceIds.set(name, sourceId);
  }
  const n = normaliseSubmittedText(
    { text: record.text, title: record.title ?? null, url: record.url ?? null, language: record.language ?? null, publishedAt: record.publishedAt ?? null },
    { now, maxTextLength: MAX_TEXT_BYTES },
  );
  if (!n.text.trim()) throw new Error('nothing is left of this text once markup is removed');
  const result = await upsertItem(
    models,
    sourceId,
    {
      guid: n.id,
      url: n.url,
      canonicalUrl: n.canonicalUrl,
      title: n.title,
      text: n.text,
      author: null,
      publishedAt: n.publishedAt,
      language: n.language,
      languageConfidence: n.languageConfidence,
      media: [],
      contentHash: n.contentHash,
      simhash: n.simhash,
      warnings: n.warnings,
      declaredMissions: record.mission ? [record.mission] : [],
    },
    now,
  );
  if (result.pending) await enqueue(result.itemId, result.contentHash);
  return { itemId: result.itemId, created: result.outcome === 'created', nearDuplicateOf: result.nearDuplicateOf };
}

/** Counts bytes flowing through, for the progress bar. */
function byteCounter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
}

/** `vigie intake <file.jsonl|file.csv>`: bulk manual intake straight into the database and the classify queue. */
export function registerIntake(program: Command): void {
  program
    .command('intake')
    .description('submit a JSONL or CSV file of texts (transcripts, forwarded messages) as manual items')
    .argument('<file>', 'file.jsonl (one {"text": …} per line) or file.csv (header: text,title,sourceName,url,language,mission,publishedAt)')
    .option('--format <format>', 'jsonl or csv (default: from the extension)')
    .option('--source-name <name>', `manual source for records without sourceName (default "${DEFAULT_MANUAL_SOURCE_NAME}")`)
    .action(async (file: string, opts: { format?: string; sourceName?: string }) => {
      const format = opts.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
      if (format !== 'csv' && format !== 'jsonl') {
        process.stderr.write('--format must be jsonl or csv\n');
        process.exitCode = 2;
        return;
      }
      let total: number;
      try {
        total = statSync(file).size;
      } catch (error) {
        process.stderr.write(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
        return;
      }
      const config = loadCliConfig();
      const logger = createLogger({ service: 'cli', version: '0', level: 'warn' });
      const connection = await connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-cli' });
      const redis = createRedisConnection(config.redis.url, 'producer');
      redis.on('error', () => undefined);
      const bar = new SingleBar({ format: 'intake [{bar}] {percentage}% | {items} items, {dups} duplicates, {errors} errors', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
      const counts = { items: 0, dups: 0, errors: 0 };
      const lineErrors: { line: number; error: string }[] = [];
      try {
        await redis.connect();
        const models = createModels(connection);
        await ensureIndexes(models);
        const queue = createTypedQueue(JOBS.classifyItem, redis, config.redis.queuePrefix, logger);
        const enqueue = (itemId: string, hash: string) => queue.enqueue({ itemId }, { jobId: classifyJobId(itemId, hash) });
        let read = 0;
        bar.start(total || 1, 0, counts);
        const stream = createReadStream(file).pipe(byteCounter((n) => bar.update((read += n), counts)));
        const records = format === 'csv' ? parseCsvRecords(stream) : parseJsonl(stream);
        const sourceIds = new Map<string, string>();
        for await (const r of records) {
          if ('error' in r) {
            counts.errors++;
            lineErrors.push(r);
            continue;
          }
          try {
            const result = await submitRecord(models, enqueue, r.record, sourceIds, { sourceName: opts.sourceName });
            if (result.created && !result.nearDuplicateOf) counts.items++;
            else counts.dups++;
          } catch (error) {
            counts.errors++;
            lineErrors.push({ line: r.line, error: error instanceof Error ? error.message : String(error) });
          }
          bar.update(read, counts);
        }
        bar.update(total || 1, counts);
        await queue.close();
      } finally {
        bar.stop();
        await connection.close();
        await redis.quit().catch(() => redis.disconnect());
      }
      for (const e of lineErrors) process.stderr.write(`  line ${e.line}: ${e.error}\n`);
      process.stderr.write(`${counts.items} new items, ${counts.dups} duplicates, ${counts.errors} lines with errors.\n`);
      process.stdout.write(`${JSON.stringify({ ...counts, lineErrors })}\n`);
      if (counts.errors > 0) process.exitCode = 1;
    });
}
