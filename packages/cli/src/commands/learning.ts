/**
 * The learning loop from the command line: `vigie train --from-db` (triage labels → a new classifier version),
 * `vigie terms precision` (which lexicon terms officers keep dismissing) and `vigie reclassify` (re-run stored items
 * through the active version, with a progress bar).
 */
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { Connection } from 'mongoose';
import { JOBS, MISSION_CODES, NARRATIVE_KEYS, classifierActivationChannel, type Classification, type MissionCode } from '@vigie/contracts';
import {
  activateClassifierVersion,
  activeClassifierPointer,
  classifierPartsOf,
  connectMongo,
  createModels,
  createReclassifyRun,
  ensureIndexes,
  findClassifierVersion,
  findReclassifyRun,
  loadClassifierParts,
  loadTriageDecisions,
  saveClassifierVersion,
  type Models,
} from '@vigie/db';
import {
  activationProblems,
  buildVersionedClassifier,
  bundleFromParts,
  bundleParts,
  evaluate,
  figuresOf,
  identifyBundle,
  loadBuiltinBundle,
  mergeTriageDecisions,
  modelFormatProblem,
  termPrecision,
  train,
  tuneBlend,
  type ClassifierBundle,
  type LabelledExample,
  type VersionFigures,
} from '@vigie/nlp';
import { createLogger, createRedisConnection, createTypedQueue } from '@vigie/runtime';
import { loadCliConfig } from '../config.js';

async function withDatabase<T>(run: (models: Models, connection: Connection) => Promise<T>): Promise<T> {
  const config = loadCliConfig();
  const connection = await connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-cli' });
  try {
    const models = createModels(connection);
    await ensureIndexes(models);
    return await run(models, connection);
  } finally {
    await connection.close();
  }
}

/** The active version's bundle and label (the built-in files when nothing was activated). */
async function activeBundle(models: Models): Promise<{ bundle: ClassifierBundle; label: string; versionId: string | null; seq: number | null }> {
  const pointer = await activeClassifierPointer(models);
  if (!pointer) {
    const bundle = loadBuiltinBundle();
    return { bundle, label: buildVersionedClassifier(bundle).label, versionId: null, seq: null };
  }
  const version = await findClassifierVersion(models, pointer.versionId);
  if (!version) throw new Error(`the active classifier version ${pointer.versionId} is missing from the database`);
  const bundle = bundleFromParts(await loadClassifierParts(models, classifierPartsOf(version)));
  const problem = modelFormatProblem(bundle);
  if (problem === null) return { bundle, label: version.label, versionId: pointer.versionId, seq: pointer.seq };
  // Stored before an upgrade that changed the features: the admins' catalogue is kept, the models cannot be.
  const builtin = loadBuiltinBundle();
  process.stderr.write(`the active version ${version.label} cannot run on this Vigie (${problem}); its catalogue is kept and the built-in models stand in for its own\n`);
  return { bundle: { catalogue: bundle.catalogue, model: builtin.model, hateModel: builtin.hateModel }, label: `${version.label} catalogue + built-in models`, versionId: pointer.versionId, seq: pointer.seq };
}

const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(3));

/** Two versions' dev figures side by side, as a Markdown table. */
export function formatFigures(rows: { name: string; f: VersionFigures }[]): string {
  return [
    '| version | harmful P | harmful R | harmful F1 | S1 recall | narrative macro-F1 | false alarms |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(({ name, f }) => `| ${name} | ${fmt(f.harmfulPrecision)} | ${fmt(f.harmfulRecall)} | ${fmt(f.harmfulF1)} | ${fmt(f.s1Recall)} | ${fmt(f.narrativeMacroF1)} | ${fmt(f.falseAlarmRate)} |`),
  ].join('\n');
}

export interface TrainFromDbOptions {
  readonly base: LabelledExample[];
  readonly dev: LabelledExample[];
  readonly tune: boolean;
  readonly activate: boolean;
  readonly force: boolean;
  readonly reason?: string;
  readonly notes?: string;
  readonly extraWeight: number;
  readonly margins: { harmfulF1: number; s1Recall: number };
}

/**
 * Train from the base set plus stored triage labels, evaluate on dev next to the active version, store the result
 * as a draft version (and activate it with `activate`, under the same dev-set check as the API). Prints to stderr,
 * returns a JSON summary for stdout.
 */
export async function trainFromDb(opts: TrainFromDbOptions): Promise<Record<string, unknown>> {
  return withDatabase(async (models) => {
    const rows = await loadTriageDecisions(models);
    const merged = mergeTriageDecisions(opts.base, rows);
    process.stderr.write(
      `triage labels: ${merged.stats.decisions} decisions on ${merged.stats.items} items → ${merged.extra.length} examples (${merged.stats.truePositives} true, ${merged.stats.falsePositives} false positives; ${merged.stats.skipped} without anything to learn); ${merged.stats.overridden} base examples overridden\n`,
    );
    const active = await activeBundle(models);
    // Without tuning, keep the active model's blend (thresholds tuned for it) rather than the untuned defaults.
    const blend = opts.tune ? tuneBlend([...merged.base, ...merged.extra], { catalogue: active.bundle.catalogue }).blend : active.bundle.model?.blend;
    const started = Date.now();
    const model = train(merged.base, merged.extra, { catalogue: active.bundle.catalogue, extraWeight: opts.extraWeight, ...(blend ? { blend } : {}) });
    process.stderr.write(`trained on ${merged.base.length} + ${merged.extra.length} examples in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const bundle: ClassifierBundle = { catalogue: active.bundle.catalogue, model, hateModel: active.bundle.hateModel };
    const trainedOn = { baseExamples: merged.base.length, triageExamples: merged.extra.length, ...merged.stats, extraWeight: opts.extraWeight, tuned: opts.tune };
    const dev: { figures?: VersionFigures; active?: VersionFigures } = {};
    const { version, created, label } = await saveClassifierVersion(
      models,
      bundleParts(bundle),
      identifyBundle(bundle),
      ({ label }) => {
        // Evaluated under its label before it is stored, so the version carries its dev figures from the start.
        const candidate = buildVersionedClassifier(bundle, label);
        dev.figures = figuresOf(evaluate(opts.dev, candidate));
        dev.active = figuresOf(evaluate(opts.dev, buildVersionedClassifier(active.bundle, active.label)));
        process.stderr.write(`\ndev set (${opts.dev.length} items):\n\n${formatFigures([{ name: `${active.label} (active)`, f: dev.active }, { name: `${label} (new)`, f: dev.figures }])}\n\n`);
        return {
          catalogueVersion: bundle.catalogue.version,
          source: 'train',
          parentId: active.versionId,
          author: 'vigie train --from-db',
          notes: opts.notes ?? `Retrained with ${merged.extra.length} triage examples.`,
          figures: { ...dev.figures },
          trainedOn,
          at: new Date(),
        };
      },
    );
    const figures = dev.figures!;
    const activeFigures = dev.active!;
    process.stderr.write(`${created ? 'stored as draft' : 'identical to existing'} version ${String(version._id)} (${label})\n`);
    const summary: Record<string, unknown> = { versionId: String(version._id), label, created, figures, active: { label: active.label, figures: activeFigures }, trainedOn, activated: false };
    if (!opts.activate) return summary;
    const problems = activationProblems(figures, activeFigures, opts.margins);
    if (problems.length && !opts.force) {
      process.stderr.write(`not activated: ${problems.join('; ')}. Re-run with --force --reason "…" to activate anyway.\n`);
      process.exitCode = 1;
      return { ...summary, problems };
    }
    const { seq } = await activateClassifierVersion(models, { versionId: String(version._id), by: 'vigie train --from-db', forced: problems.length > 0, reason: opts.reason ?? null, figures: { ...figures }, expectedSeq: active.seq, at: new Date() });
    await publishActivation(seq);
    process.stderr.write(`activated (activation ${seq})${problems.length ? ` despite: ${problems.join('; ')}` : ''}\n`);
    return { ...summary, activated: true, activation: seq, problems };
  });
}

/** Nudges running classifier workers; they poll the pointer anyway, so a Redis outage only delays the swap. */
async function publishActivation(seq: number): Promise<void> {
  const config = loadCliConfig();
  const redis = createRedisConnection(config.redis.url, 'producer');
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.publish(classifierActivationChannel(config.redis.queuePrefix), String(seq));
  } catch {
    process.stderr.write('could not reach Redis to announce the activation; workers will pick it up at their next poll\n');
  } finally {
    redis.disconnect();
  }
}

/** Per-term precision as a Markdown table. */
export function formatTermPrecision(rows: ReturnType<typeof termPrecision>): string {
  return [
    '| precision | TP | FP | narrative | lang | term |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${fmt(r.precision)} | ${r.truePositives} | ${r.falsePositives} | ${r.narrative} | ${r.language} | ${r.term.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}

interface ReclassifyOptions {
  mission?: string[];
  since?: string;
  narrative?: string;
  olderOnly?: boolean;
  run?: string;
  wait: boolean;
}

/** Checks `vigie reclassify` options; returns the problems (empty when valid). */
export function reclassifyOptionProblems(opts: ReclassifyOptions): string[] {
  const problems: string[] = [];
  for (const m of opts.mission ?? []) if (!(MISSION_CODES as readonly string[]).includes(m)) problems.push(`--mission must be one of ${MISSION_CODES.join(', ')} (got ${m})`);
  if (opts.since !== undefined && Number.isNaN(Date.parse(opts.since))) problems.push('--since must be an ISO-8601 date, e.g. 2026-11-01');
  if (opts.narrative !== undefined && !(NARRATIVE_KEYS as readonly string[]).includes(opts.narrative)) problems.push(`--narrative must be a narrative key (${NARRATIVE_KEYS.join(', ')})`);
  if (opts.run !== undefined && !/^[a-f0-9]{24}$/.test(opts.run)) problems.push('--run must be a run id (24 hexadecimal characters)');
  return problems;
}

export function registerLearning(program: Command): void {
  const terms = program.command('terms').description('lexicon terms and how they fare in triage');
  terms
    .command('precision')
    .description('per-term precision from triage decisions (true vs false positives of the items each term matched), worst first')
    .option('--min <n>', 'only terms with at least this many decisions', '1')
    .option('--limit <n>', 'at most this many rows', '50')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { min: string; limit: string; json?: boolean }) => {
      const min = Number(opts.min);
      const limit = Number(opts.limit);
      if (!Number.isInteger(min) || min < 1 || !Number.isInteger(limit) || limit < 1) {
        process.stderr.write('--min and --limit must be positive integers\n');
        process.exitCode = 2;
        return;
      }
      await withDatabase(async (models) => {
        const rows = await loadTriageDecisions(models);
        const classifications = new Map(rows.filter((r) => r.classification).map((r) => [r.itemId, r.classification as unknown as Classification]));
        const report = termPrecision(rows.map((r) => ({ itemId: r.itemId, verdict: r.verdict })), classifications).filter((t) => t.truePositives + t.falsePositives >= min).slice(0, limit);
        if (opts.json) process.stdout.write(`${JSON.stringify({ decisions: rows.length, data: report })}\n`);
        else process.stdout.write(`${rows.length} triage decisions\n\n${formatTermPrecision(report)}\n`);
      });
    });

  program
    .command('reclassify')
    .description('re-classify stored items with the active classifier version (a background job run by the classifier service), with a progress bar')
    .option('--mission <code...>', `only items attributed to these missions (${MISSION_CODES.join(', ')})`)
    .option('--since <date>', 'only items collected at or after this date')
    .option('--narrative <key>', 'only items whose current top narrative is this one')
    .option('--older-only', 'only items classified by another version than the active one')
    .option('--run <id>', 'follow an existing run instead of starting one')
    .option('--no-wait', 'start the run and print its id without waiting')
    .action(async (opts: ReclassifyOptions) => {
      const problems = reclassifyOptionProblems(opts);
      if (problems.length) {
        for (const p of problems) process.stderr.write(`vigie reclassify: ${p}\n`);
        process.exitCode = 2;
        return;
      }
      const config = loadCliConfig();
      await withDatabase(async (models) => {
        let runId = opts.run;
        if (!runId) {
          const redis = createRedisConnection(config.redis.url, 'producer');
          redis.on('error', () => undefined);
          try {
            await redis.connect();
            const run = await createReclassifyRun(models, {
              filter: { missions: (opts.mission ?? []) as MissionCode[], since: opts.since ? new Date(opts.since) : null, narrative: opts.narrative ?? null, olderOnly: Boolean(opts.olderOnly) },
              requestedBy: 'vigie reclassify',
              at: new Date(),
            });
            runId = String(run._id);
            const queue = createTypedQueue(JOBS.reclassifyItems, redis, config.redis.queuePrefix, createLogger({ service: 'cli', version: '0', level: 'warn' }));
            await queue.enqueue({ runId }, { jobId: `reclassify-${runId}` });
            await queue.close();
          } finally {
            await redis.quit().catch(() => redis.disconnect());
          }
          process.stderr.write(`re-classification run ${runId} queued (a classifier service must be running to process it)\n`);
        }
        if (!opts.wait) {
          process.stdout.write(`${JSON.stringify({ runId })}\n`);
          return;
        }
        const bar = new SingleBar({ format: 'reclassify [{bar}] {percentage}% | {value}/{total} items, {changed} changed, {errors} errors | {status}', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
        bar.start(1, 0, { changed: 0, errors: 0, status: 'queued' });
        let run = await findReclassifyRun(models, runId);
        try {
          while (run && run.status !== 'completed' && run.status !== 'failed') {
            bar.setTotal(Math.max(1, run.total));
            bar.update(run.done, { changed: run.changed, errors: run.failedItems, status: run.status });
            await new Promise((r) => setTimeout(r, 500));
            run = await findReclassifyRun(models, runId);
          }
          if (run) {
            bar.setTotal(Math.max(1, run.total));
            bar.update(run.done, { changed: run.changed, errors: run.failedItems, status: run.status });
          }
        } finally {
          bar.stop();
        }
        if (!run) throw new Error(`re-classification run ${runId} does not exist`);
        process.stdout.write(`${JSON.stringify({ runId, status: run.status, total: run.total, done: run.done, changed: run.changed, errors: run.failedItems, versions: run.versions })}\n`);
        if (run.status === 'failed') process.exitCode = 1;
      });
    });
}
