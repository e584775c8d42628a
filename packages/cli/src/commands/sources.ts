import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Parser } from 'htmlparser2';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { Language, MissionCode, SourceInput } from '@vigie/contracts';
import { connectMongo, createModels, ensureIndexes, exportSources, upsertSourcesByName } from '@vigie/db';
import { loadCliConfig } from '../config.js';

/** One source found in an import file: valid (ready to upsert) or not (with every reason). */
export type ImportEntry =
  | { readonly ok: true; readonly at: string; readonly source: SourceInput }
  | { readonly ok: false; readonly at: string; readonly name: string | null; readonly errors: readonly string[] };

export interface OpmlDefaults {
  readonly missions?: readonly MissionCode[];
  readonly languages?: readonly Language[];
  readonly pollIntervalSec?: number;
}

/** A category title as a tag: trimmed, whitespace collapsed, at most 50 characters (SourceInput's limit). */
function toTag(label: string): string | null {
  const tag = label.replace(/\s+/g, ' ').trim().slice(0, 50);
  return tag || null;
}

/**
 * Reads OPML as RSS readers export it: `<outline type="rss" xmlUrl=… title=…>` anywhere in the body, nested in
 * category outlines whose titles become tags (plus OPML 2.0 `category="/a/b,c"` attributes). DOCTYPEs and
 * entities beyond XML's five are never expanded (htmlparser2 in XML mode has no DTD support). Outlines with an
 * `xmlUrl` are feeds whatever their `type` (many exports omit it). Names are made unique by appending the host.
 */
export function parseOpml(text: string, defaults: OpmlDefaults = {}): ImportEntry[] {
  const entries: ImportEntry[] = [];
  const stack: (string | null)[] = [];
  let sawOpml = false;
  let feedCount = 0;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const tag = name.toLowerCase();
        if (tag === 'opml') sawOpml = true;
        if (tag !== 'outline') return;
        const get = (k: string) => {
          const hit = Object.entries(attrs).find(([key]) => key.toLowerCase() === k.toLowerCase());
          return hit?.[1]?.trim() || null;
        };
        const xmlUrl = get('xmlUrl');
        const label = get('title') ?? get('text');
        if (!xmlUrl) {
          // A category (folder): its title is a tag for every feed inside.
          stack.push(label ? toTag(label) : null);
          return;
        }
        stack.push(null);
        feedCount++;
        const categoryTags = (get('category') ?? '')
          .split(',')
          .flatMap((c) => c.split('/'))
          .map(toTag)
          .filter((t): t is string => Boolean(t));
        const tags = [...new Set([...stack.filter((t): t is string => Boolean(t)), ...categoryTags])].slice(0, 20);
        const candidate = {
          name: (label ?? safeHost(xmlUrl) ?? xmlUrl).slice(0, 200),
          kind: 'rss',
          url: xmlUrl,
          tags,
          ...(defaults.missions ? { missions: [...defaults.missions] } : {}),
          ...(defaults.languages ? { languages: [...defaults.languages] } : {}),
          ...(defaults.pollIntervalSec ? { pollIntervalSec: defaults.pollIntervalSec } : {}),
        };
        entries.push(validate(candidate, `outline ${feedCount} (${candidate.name})`));
      },
      onclosetag(name) {
        if (name.toLowerCase() === 'outline') stack.pop();
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeSelfClosing: true },
  );
  parser.write(text);
  parser.end();
  if (!sawOpml) return [{ ok: false, at: 'file', name: null, errors: ['not an OPML document (no <opml> element)'] }];
  return uniqueNames(entries);
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** Two feeds titled alike ("Actualités") stay two sources: the later ones get their host (then a number) appended. */
function uniqueNames(entries: ImportEntry[]): ImportEntry[] {
  const seen = new Set<string>();
  return entries.map((e) => {
    if (!e.ok) return e;
    let name = e.source.name;
    if (seen.has(name)) {
      const host = safeHost(e.source.url ?? '') ?? 'feed';
      name = `${e.source.name} (${host})`.slice(0, 200);
      for (let i = 2; seen.has(name); i++) name = `${e.source.name} (${host} ${i})`.slice(0, 200);
    }
    seen.add(name);
    return { ...e, source: { ...e.source, name } };
  });
}

function validate(candidate: unknown, at: string): ImportEntry {
  const parsed = SourceInput.safeParse(candidate);
  if (parsed.success) return { ok: true, at, source: parsed.data };
  const name = candidate && typeof candidate === 'object' && 'name' in candidate && typeof candidate.name === 'string' ? candidate.name : null;
  return { ok: false, at, name, errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(source)'}: ${i.message}`) };
}

/**
 * Reads a YAML or JSON sources file (`sources: [...]`). Each entry is validated on its own, so one typo does not
 * block the other few hundred; the file's outer shape must still be right.
 */
export function parseSourcesDocument(text: string, format: 'yaml' | 'json'): ImportEntry[] {
  let raw: unknown;
  try {
    raw = format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 50 });
  } catch (error) {
    return [{ ok: false, at: 'file', name: null, errors: [`cannot parse ${format.toUpperCase()}: ${error instanceof Error ? error.message : String(error)}`] }];
  }
  const outer = z.object({ sources: z.array(z.unknown()).max(10_000) }).strict().safeParse(raw);
  if (!outer.success) {
    return [{ ok: false, at: 'file', name: null, errors: outer.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message} (expected "sources:" followed by a list)`) }];
  }
  const entries = outer.data.sources.map((s, i) => validate(s, `sources[${i}]`));
  const counts = new Map<string, number>();
  for (const e of entries) if (e.ok) counts.set(e.source.name, (counts.get(e.source.name) ?? 0) + 1);
  return entries.map((e) => (e.ok && (counts.get(e.source.name) ?? 0) > 1 ? { ok: false, at: e.at, name: e.source.name, errors: [`name: "${e.source.name}" appears more than once in the file`] } : e));
}

/** Picks the format from the extension, else from the first non-blank character. */
export function detectFormat(path: string, text: string): 'opml' | 'json' | 'yaml' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.opml') || lower.endsWith('.xml')) return 'opml';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  return first === '<' ? 'opml' : first === '{' ? 'json' : 'yaml';
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** OPML 2.0 for RSS readers: feeds grouped under their first tag, every tag in `category`. Only rss sources. */
export function toOpml(sources: readonly SourceInput[], now = new Date()): string {
  const groups = new Map<string, SourceInput[]>();
  for (const s of sources) {
    if (s.kind !== 'rss' || !s.url) continue;
    const key = s.tags[0] ?? '';
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const line = (s: SourceInput, indent: string) =>
    `${indent}<outline type="rss" text="${escapeXml(s.name)}" title="${escapeXml(s.name)}" xmlUrl="${escapeXml(s.url!)}"${s.tags.length ? ` category="${escapeXml(s.tags.join(','))}"` : ''}/>`;
  const body: string[] = [];
  for (const [tag, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!tag) body.push(...list.map((s) => line(s, '    ')));
    else body.push(`    <outline text="${escapeXml(tag)}" title="${escapeXml(tag)}">`, ...list.map((s) => line(s, '      ')), '    </outline>');
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n    <title>Vigie sources</title>\n    <dateCreated>${now.toUTCString()}</dateCreated>\n  </head>\n  <body>\n${body.join('\n')}\n  </body>\n</opml>\n`;
}

function parseList<T extends string>(value: string | undefined, schema: z.ZodType<T>, what: string): T[] | undefined {
  if (!value) return undefined;
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => {
      const r = schema.safeParse(what === 'mission' ? v.toUpperCase() : v.toLowerCase());
      if (!r.success) throw new Error(`unknown ${what} "${v}"`);
      return r.data;
    });
}

/** `vigie sources import <file>` and `vigie sources export`. */
export function registerSources(program: Command): void {
  const sources = program.command('sources').description('feed and web sources: bulk import and export');

  sources
    .command('import')
    .description('upsert sources by name from a YAML/JSON file (`sources:` list) or an OPML export of an RSS reader')
    .argument('<file>', 'sources.yaml, sources.json or subscriptions.opml')
    .option('--format <format>', 'yaml, json or opml (default: from the extension or content)')
    .option('--missions <codes>', 'OPML only: comma-separated missions for every imported feed')
    .option('--languages <codes>', 'OPML only: comma-separated expected languages for every imported feed')
    .option('--dry-run', 'validate and report without writing')
    .action(async (file: string, opts: { format?: string; missions?: string; languages?: string; dryRun?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        process.stderr.write(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
        return;
      }
      const format = (opts.format ?? detectFormat(file, text)) as 'yaml' | 'json' | 'opml';
      if (!['yaml', 'json', 'opml'].includes(format)) {
        process.stderr.write('--format must be yaml, json or opml\n');
        process.exitCode = 2;
        return;
      }
      let entries: ImportEntry[];
      try {
        entries =
          format === 'opml'
            ? parseOpml(text, { missions: parseList(opts.missions, MissionCode, 'mission'), languages: parseList(opts.languages, Language, 'language') })
            : parseSourcesDocument(text, format);
      } catch (error) {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
        return;
      }
      const valid = entries.filter((e): e is Extract<ImportEntry, { ok: true }> => e.ok).map((e) => e.source);
      const invalid = entries.filter((e): e is Extract<ImportEntry, { ok: false }> => !e.ok).map(({ at, name, errors }) => ({ at, name, errors }));
      let report = { created: 0, updated: 0, unchanged: 0 };
      if (!opts.dryRun && valid.length > 0) {
        const config = loadCliConfig();
        const connection = await connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-cli' });
        try {
          const models = createModels(connection);
          await ensureIndexes(models);
          report = await upsertSourcesByName(models, valid);
        } finally {
          await connection.close();
        }
      }
      process.stdout.write(`${JSON.stringify({ format, dryRun: Boolean(opts.dryRun), valid: valid.length, ...report, invalid }, null, 2)}\n`);
      process.stderr.write(
        `${opts.dryRun ? 'Dry run: ' : ''}${valid.length} valid (${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged), ${invalid.length} invalid.\n`,
      );
      for (const i of invalid) process.stderr.write(`  ✗ ${i.at}${i.name ? ` "${i.name}"` : ''}: ${i.errors.join('; ')}\n`);
      if (invalid.length > 0) process.exitCode = 1;
    });

  sources
    .command('export')
    .description('print every source as YAML (default), JSON or OPML (rss sources only)')
    .option('--format <format>', 'yaml, json or opml', 'yaml')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { format: string; out?: string }) => {
      if (!['yaml', 'json', 'opml'].includes(opts.format)) {
        process.stderr.write('--format must be yaml, json or opml\n');
        process.exitCode = 2;
        return;
      }
      const config = loadCliConfig();
      const connection = await connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-cli' });
      let list: SourceInput[];
      try {
        list = await exportSources(createModels(connection));
      } finally {
        await connection.close();
      }
      const output = opts.format === 'opml' ? toOpml(list) : opts.format === 'json' ? `${JSON.stringify({ sources: list }, null, 2)}\n` : stringifyYaml({ sources: list });
      if (opts.out) writeFileSync(opts.out, output);
      else process.stdout.write(output);
      if (opts.format === 'opml') {
        const skipped = list.filter((s) => s.kind !== 'rss').length;
        if (skipped) process.stderr.write(`${skipped} non-feed source(s) (web, manual) are not in the OPML.\n`);
      }
    });
}
