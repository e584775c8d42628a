/**
 * `vigie classify`, `vigie train`, `vigie eval`: the classifier from the command line (contract in issue 4), and
 * `vigie data check`, which vets a batch of labelled items before it joins a data set.
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  DEFAULT_DATASETS_DIR,
  DEFAULT_DEV_URL,
  DEFAULT_GENERAL_NEWS_URL,
  DEFAULT_HOLDOUT_URL,
  DEFAULT_ARABIZI_URL,
  DEFAULT_TRAIN_URL,
  classifyStream,
  createClassifier,
  evaluate,
  evaluateHateLayer,
  evaluateOffTopic,
  formatEvaluation,
  formatHateEvaluation,
  formatOffTopic,
  loadHateCorpora,
  loadHateModel,
  readLabelledJsonl,
  train,
  trainHateLayer,
  tuneBlend,
  tuneV8ForClassification,
  type LabelledExample,
} from '@vigie/nlp';
import { parseFeedFolder, SHARED_FEEDS_DIR } from '@vigie/feeds';
import { trainFromDb } from './learning.js';
import { checkBatch, OverlapIndex, OVERLAP_RUN } from './data-check.js';

const MODEL_PATH = fileURLToPath(new URL('../../../nlp/data/model.json', import.meta.url));
const HATE_MODEL_PATH = fileURLToPath(new URL('../../../nlp/data/hate-model.json', import.meta.url));

function readExamples(path: string | URL, what: string): LabelledExample[] {
  const { examples, errors } = readLabelledJsonl(path);
  if (errors.length) console.error(`${what}: ${errors.length} invalid line(s), skipped:\n  ${errors.slice(0, 10).join('\n  ')}`);
  return examples;
}

function textsOf(path: string): string[] {
  return existsSync(path) ? readExamples(path, path).map((e) => e.text) : [];
}

export function registerNlpCommands(program: Command): void {
  program
    .command('classify')
    .description('Classify JSONL items ({"id","text","title"?,"language"?,"url"?,"source"?}) into JSONL results, same order')
    .requiredOption('--in <path>', 'input JSONL, or - for stdin')
    .requiredOption('--out <path>', 'output JSONL, or - for stdout')
    .action(async (opts: { in: string; out: string }) => {
      tuneV8ForClassification();
      const classifier = createClassifier();
      const input = opts.in === '-' ? process.stdin : createReadStream(opts.in);
      const output = opts.out === '-' ? process.stdout : createWriteStream(opts.out);
      const { lines, errors } = await classifyStream(classifier, input, output);
      if (output !== process.stdout) await new Promise<void>((resolve, reject) => output.end((err?: Error | null) => (err ? reject(err) : resolve())));
      console.error(`classified ${lines} line(s) with ${classifier.version}${errors ? `, ${errors} malformed` : ''}`);
    });

  program
    .command('train')
    .description('Train the narrative/stance/escalation models from data/train.jsonl (+ triage labels); --hate trains the generic hate layer')
    .option('--train <path>', 'training JSONL', fileURLToPath(DEFAULT_TRAIN_URL))
    .option('--labels <path>', 'extra labelled examples (triage exports) in the same JSONL schema')
    .option('--no-tune', 'skip threshold tuning by cross-validation on the training set')
    .option('--hate', 'also train the hate layer from ../shared/datasets')
    .option('--datasets <dir>', 'shared datasets directory', fileURLToPath(DEFAULT_DATASETS_DIR))
    .option('--from-db', 'also learn from the triage labels stored in the database; the result is stored there as a draft classifier version (data/ is not touched)')
    .option('--dev <path>', 'dev JSONL for the figures printed with --from-db', fileURLToPath(DEFAULT_DEV_URL))
    .option('--activate', 'with --from-db: activate the new version if its dev figures pass the check')
    .option('--force', 'with --activate: activate even if the dev check fails (needs --reason)')
    .option('--reason <text>', 'why the check was overridden (recorded with the activation)')
    .option('--notes <text>', 'notes stored with the new version')
    .option('--extra-weight <w>', 'weight of each triage example relative to a base example', '1')
    .option('--max-f1-drop <x>', 'activation check: largest allowed drop of harmful F1 on dev', '0.02')
    .option('--max-s1-drop <x>', 'activation check: largest allowed drop of S1 recall on dev', '0.02')
    .action(async (opts: { train: string; labels?: string; tune: boolean; hate?: boolean; datasets: string; fromDb?: boolean; dev: string; activate?: boolean; force?: boolean; reason?: string; notes?: string; extraWeight: string; maxF1Drop: string; maxS1Drop: string }) => {
      const base = readExamples(opts.train, 'train');
      if (opts.fromDb) {
        const numbers = [Number(opts.extraWeight), Number(opts.maxF1Drop), Number(opts.maxS1Drop)];
        if (numbers.some((n) => !Number.isFinite(n) || n < 0) || (opts.force && !opts.reason)) {
          process.stderr.write('--extra-weight, --max-f1-drop and --max-s1-drop must be non-negative numbers; --force needs --reason\n');
          process.exitCode = 2;
          return;
        }
        const extra = opts.labels ? readExamples(opts.labels, 'labels') : [];
        const summary = await trainFromDb({
          base: [...base, ...extra],
          dev: readExamples(opts.dev, 'dev'),
          tune: opts.tune,
          activate: Boolean(opts.activate),
          force: Boolean(opts.force),
          ...(opts.reason ? { reason: opts.reason } : {}),
          ...(opts.notes ? { notes: opts.notes } : {}),
          extraWeight: numbers[0]!,
          margins: { harmfulF1: numbers[1]!, s1Recall: numbers[2]! },
        });
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      const extra = opts.labels ? readExamples(opts.labels, 'labels') : [];
      const blend = opts.tune ? tuneBlend([...base, ...extra]).blend : undefined;
      const model = train(base, extra, blend ? { blend } : {});
      writeFileSync(MODEL_PATH, JSON.stringify(model));
      console.error(`model written to ${MODEL_PATH} (${base.length} + ${extra.length} examples)${blend ? ` blend ${JSON.stringify(blend)}` : ''}`);
      if (opts.hate) {
        const corpora = loadHateCorpora(opts.datasets);
        if (!corpora) throw new Error(`no datasets found in ${opts.datasets}`);
        writeFileSync(HATE_MODEL_PATH, JSON.stringify(trainHateLayer(corpora)));
        console.error(`hate layer written to ${HATE_MODEL_PATH}`);
      }
    });

  program
    .command('eval')
    .description('Evaluate on the dev set (and, with --hate, the generic hate layer on ../shared/datasets)')
    .option('--dev <path>', 'dev JSONL', fileURLToPath(DEFAULT_DEV_URL))
    .option('--hate', 'evaluate the hate layer on OSACT4 dev and the MLMA held-out split')
    .option('--datasets <dir>', 'shared datasets directory', fileURLToPath(DEFAULT_DATASETS_DIR))
    .option('--errors', 'list the items whose harmful or S1 decision was wrong')
    .option('--general-news <path>', 'team-written off-topic items (JSONL): their false alarms are counted', fileURLToPath(DEFAULT_GENERAL_NEWS_URL))
    .option('--holdout <path>', 'labelled items written independently of train and dev (JSONL), evaluated like dev', fileURLToPath(DEFAULT_HOLDOUT_URL))
    .option('--arabizi <path>', 'Arabizi items from another writer (JSONL), evaluated like dev, errors not listed', fileURLToPath(DEFAULT_ARABIZI_URL))
    .option('--feeds [dir]', 'also count false alarms on a folder of recorded off-topic feeds (default ../shared/feeds)')
    .action(async (opts: { dev: string; hate?: boolean; datasets: string; errors?: boolean; generalNews: string; holdout: string; arabizi: string; feeds?: string | boolean }) => {
      const classifier = createClassifier();
      const report = evaluate(readExamples(opts.dev, 'dev'), classifier);
      console.log(formatEvaluation(report));
      if (opts.errors) for (const e of report.errors) console.log(`${e.id}\tgold ${e.gold}\tpred ${e.predicted}`);
      if (existsSync(opts.holdout)) {
        // Written by other people from the taxonomy alone, never trained or tuned on: the nearest thing here to examples
        // the team has not seen. Its errors are not listed, so that nobody tunes on them by accident.
        console.log(`\nheld-out set (data/holdout.jsonl, written independently, never trained on):\n\n${formatEvaluation(evaluate(readExamples(opts.holdout, 'held-out'), classifier))}`);
      }
      if (existsSync(opts.arabizi)) {
        // Arabizi is the weakest script (data/README.md, "Sixth round"); like the held-out set, read only as totals.
        console.log(`\nArabizi set (data/arabizi-dev.jsonl, a writer who wrote nothing else here, never trained on):\n\n${formatEvaluation(evaluate(readExamples(opts.arabizi, 'Arabizi'), classifier), false)}`);
      }
      if (existsSync(opts.generalNews)) {
        const items = readExamples(opts.generalNews, 'general news').map((e) => ({ id: e.id, origin: `${e.id} (${e.language})`, text: e.text }));
        console.log(`\n${formatOffTopic(evaluateOffTopic(items, classifier), 15, 'team-written general news (data/general-news.jsonl, never trained on)')}`);
      }
      if (opts.hate) {
        const corpora = existsSync(opts.datasets) ? loadHateCorpora(opts.datasets) : null;
        const hate = loadHateModel();
        if (!corpora || !hate) console.log('\nhate layer: datasets or model missing, skipped');
        else console.log(`\ngeneric hate layer (reference figures from shared/datasets/README.md):\n\n${formatHateEvaluation(evaluateHateLayer(hate, corpora))}`);
      }
      if (opts.feeds) {
        const dir = typeof opts.feeds === 'string' ? opts.feeds : SHARED_FEEDS_DIR;
        if (!existsSync(dir)) {
          console.log(`\noff-topic feeds: no folder at ${dir}; pass --feeds <dir> with recorded feed files`);
          return;
        }
        const folder = await parseFeedFolder(dir);
        console.error(`read ${folder.items.length} items from ${dir} (${folder.failed.length} file(s) not feeds or unreadable, skipped)`);
        const items = folder.items.map(({ file, item }) => ({ id: item.id, origin: file, title: item.title, text: item.text }));
        console.log(`\n${formatOffTopic(evaluateOffTopic(items, classifier), 15, 'recorded real-world feeds (general news, never about peacekeeping)')}`);
      }
    });
  program
    .command('data')
    .description('labelled data tools')
    .command('check <batch>')
    .description(
      `Vet a JSONL batch of labelled items (DATASET.md): line schema, label-guide rules, and runs of ${OVERLAP_RUN} words shared with dev, the held-out set, general news or the Arabizi set (also train with --held-out); exits 1 when a line must be fixed`,
    )
    .option('--out <path>', 'write the items that pass and share no run to this JSONL file')
    .option('--held-out', 'the batch is for evaluation: it must not share a run with train either')
    .option('--train <path>', 'training JSONL', fileURLToPath(DEFAULT_TRAIN_URL))
    .option('--dev <path>', 'dev JSONL', fileURLToPath(DEFAULT_DEV_URL))
    .option('--holdout <path>', 'held-out JSONL', fileURLToPath(DEFAULT_HOLDOUT_URL))
    .option('--general-news <path>', 'general-news JSONL', fileURLToPath(DEFAULT_GENERAL_NEWS_URL))
    .option('--arabizi <path>', 'Arabizi evaluation JSONL', fileURLToPath(DEFAULT_ARABIZI_URL))
    .action((batch: string, opts: { out?: string; heldOut?: boolean; train: string; dev: string; holdout: string; generalNews: string; arabizi: string }) => {
      if (!existsSync(batch)) {
        console.error(`no file at ${batch}: pass the path of a JSONL batch`);
        process.exitCode = 2;
        return;
      }
      const index = new OverlapIndex()
        .add('dev', textsOf(opts.dev))
        .add('held-out', textsOf(opts.holdout))
        .add('general news', textsOf(opts.generalNews))
        .add('Arabizi set', textsOf(opts.arabizi));
      if (opts.heldOut) index.add('train', textsOf(opts.train));
      const r = checkBatch(readFileSync(batch, 'utf8').split('\n'), index);
      for (const p of r.problems) console.log(`line ${p.line}${p.id ? ` (${p.id})` : ''}: ${p.message}`);
      for (const d of r.dropped) console.log(`line ${d.line} (${d.id}): dropped, shares "${d.run}" with the ${d.set}`);
      if (opts.out) writeFileSync(opts.out, r.kept.map((k) => JSON.stringify(k)).join('\n') + (r.kept.length ? '\n' : ''));
      const lines = new Set(r.problems.map((p) => p.line)).size;
      console.log(`${r.kept.length} kept, ${r.dropped.length} dropped for shared words, ${lines} line(s) to fix${opts.out ? ` — kept items written to ${opts.out}` : ''}`);
      if (lines > 0) process.exitCode = 1;
    });
}
