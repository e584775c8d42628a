import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MISSION_CODES, isoWeekKey, type MissionCode } from '@vigie/contracts';
import { ALL_MISSIONS, connectMongo, createModels, ensureIndexes, loadDigestData, storeDigest } from '@vigie/db';
import { buildDigest, digestToJson, digestWindow, isoWeekStart, previousIsoWeek, renderDigestHtml, renderDigestMarkdown, type ReportLang } from '@vigie/reports';
import { loadCliConfig } from '../config.js';

interface DigestOptions {
  mission?: string;
  week?: string;
  format: string;
  lang: string;
  out?: string;
  store?: boolean;
}

/** Checks the options; returns the problems (empty when valid). */
export function digestOptionProblems(opts: DigestOptions, now: Date): string[] {
  const problems: string[] = [];
  if (opts.mission && opts.mission !== ALL_MISSIONS && !(MISSION_CODES as readonly string[]).includes(opts.mission)) problems.push(`--mission must be one of ${MISSION_CODES.join(', ')} or ${ALL_MISSIONS}`);
  if (opts.week !== undefined) {
    const start = isoWeekStart(opts.week);
    if (!start) problems.push('--week must be an ISO week that exists, e.g. 2026-W48');
    else if (start > now) problems.push(`--week must not be after ${isoWeekKey(now)}`);
  }
  if (!['md', 'html', 'json'].includes(opts.format)) problems.push('--format must be md, html or json');
  if (!['en', 'fr'].includes(opts.lang)) problems.push('--lang must be en or fr');
  return problems;
}

/** `vigie digest`: the weekly digest for a mission (or overall) on demand, printed or written to a file. */
export function registerDigest(program: Command): void {
  program
    .command('digest')
    .description('Build the weekly "what changed" digest for a mission (or all missions) from the database')
    .option('--mission <code>', `mission code (${MISSION_CODES.join(', ')}); omit or ${ALL_MISSIONS} for the overall digest`)
    .option('--week <YYYY-Www>', 'ISO week (default: the last complete week)')
    .option('--format <format>', 'md, html or json', 'md')
    .option('--lang <lang>', 'en or fr', 'en')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--store', 'also store it (replaces the stored digest for the same mission, week and language)')
    .action(async (opts: DigestOptions) => {
      const now = new Date();
      const problems = digestOptionProblems(opts, now);
      if (problems.length > 0) {
        for (const p of problems) process.stderr.write(`vigie digest: ${p}\n`);
        process.exitCode = 2;
        return;
      }
      const week = opts.week ?? previousIsoWeek(now);
      const mission = opts.mission && opts.mission !== ALL_MISSIONS ? (opts.mission as MissionCode) : null;
      const lang = opts.lang as ReportLang;
      const config = loadCliConfig();
      const connection = await connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-cli' });
      try {
        const models = createModels(connection);
        const data = await loadDigestData(models, { mission, scope: null, ...digestWindow(week), now });
        const digest = buildDigest(data, lang);
        const html = renderDigestHtml(digest);
        const markdown = renderDigestMarkdown(digest);
        const json = digestToJson(digest);
        if (opts.store) {
          await ensureIndexes(models);
          await storeDigest(models, { mission: mission ?? ALL_MISSIONS, week, lang, generatedAt: now, generatedBy: 'cli', data: json, html, markdown });
        }
        const body = opts.format === 'html' ? html : opts.format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : markdown;
        if (opts.out) await writeFile(opts.out, body, 'utf8');
        else process.stdout.write(body);
      } finally {
        await connection.close();
      }
    });
}
