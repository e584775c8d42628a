/**
 * Throughput benchmark (not a timed test): items/s on one core over ~1 KB texts with full scoring, peak RSS, and
 * natural's BayesClassifier (imported via its submodule) over the same texts as a baseline. Prints markdown.
 *
 * Three corpora of ~1 KB texts:
 * - `snippets`: ten short posts repeated in rotation (the corpus of every earlier run in BENCHMARKS.md), plus one
 *   never-seen token per text (a number);
 * - `labelled`: the repo's 1,791 labelled items (train + dev, nine languages and registers) joined in rotation, so
 *   each text is a different mix and the vocabulary is that of real posts, not of ten sentences;
 * - `labelled+new`: the same texts with their first BENCH_NEW_WORDS words of four letters or more (default 5) made
 *   never-seen by a unique letter suffix, as a live stream brings names, places and misspellings no earlier text had.
 *   A never-seen word costs the classifier its whole first-sight work (normalisation, stems, lexicon keys, n-gram
 *   features, partial logits, cache entries); the baseline ignores unknown words.
 * - `feeds`: real traffic, the items of the recorded feeds in ../shared/feeds (title + text as the collector stores
 *   them, mostly English general news, 50 to 5,000 characters) once each in MANIFEST order, as a newly started service
 *   meets them: about one word in ten is a first sight. Skipped when the folder is absent.
 *
 * Both wall-clock and CPU-time rates are printed. CPU time counts V8's helper threads too (parallel garbage
 * collection on the other core); for a strict one-core figure pin the process: `taskset -c 0 npm run bench:classifier`
 * (then wall and CPU time agree).
 * The process runs with the service's start-up settings (CLASSIFIER_NODE_FLAGS and CLASSIFIER_PROCESS_ENV, v8-tuning.ts):
 * started without them, it runs itself again with them. BENCH_V8_DEFAULTS=true measures Node's defaults instead.
 * Run: npm run bench:classifier, which bundles this file and runs it on plain Node as the service runs (run-compiled.mjs);
 * `npx tsx --conditions=source packages/nlp/bench/classify.bench.ts` runs it from source, with the loader's ≈ 30 MB in
 * the peak RSS.
 * BENCH_ITEMS sets the number of texts per corpus (default 5,000).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import PorterStemmerFr from 'natural/lib/natural/stemmers/porter_stemmer_fr.js';
import {
  CLASSIFIER_NODE_FLAGS,
  CLASSIFIER_PROCESS_ENV,
  classifierProcessLaunch,
  createClassifier,
  missingClassifierProcessSettings,
  tuneV8ForClassification,
  warmUpClassifier,
  type WarmUpReport,
} from '../src/index.js';

const SNIPPETS = [
  'La MONUSCO arme les rebelles du M23 à Rutshuru, tout le monde le sait.',
  'Demain à 8h rendez-vous au rond-point, brûlons la base de la MONUSCO à Goma !',
  'UN helicopters are supplying the ADF in Beni, according to local sources who spoke to reporters.',
  'اليونيفيل تتجسس على الجنوب وتنقل المعلومات للعدو الإسرائيلي',
  'Sud-Kivu : des affrontements entre milices Twirwaneho et Maï-Maï ont fait au moins cinq morts.',
  'La MONUSCO dément avoir fourni des rations aux ADF ; ces accusations sont sans fondement.',
  'Walinda amani wa Umoja wa Mataifa wanashirikiana na waasi huko Beni, hatutaki MONUSCO.',
  'yalla unifil barra, 3am yesta3mlo el kameret',
  "Encore 40 morts à Beni et les casques bleus n'ont rien fait. À quoi sert la MONUSCO ?",
  'Les casques bleus marocains de la MINUSCA protègent les musulmans à Bangassou.',
];

/** ~1 KB texts from `parts` joined in rotation; text i starts at part i × stride, so consecutive texts differ. */
function joinToKilobyte(parts: readonly string[], n: number, stride: number, suffix: (i: number) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = '';
    let j = i * stride;
    while (t.length < 1000) t += `${parts[j++ % parts.length]} `;
    out.push(`${t.slice(0, 1000)}${suffix(i)}`);
  }
  return out;
}

/** A letter tag per number (a, b, …, z, ba, …): suffixes that make words no other text has. */
function letterTag(n: number): string {
  let s = '';
  do {
    s += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

/** `texts` with the first `perText` words of 4+ letters of each given a unique suffix (never seen before or after). */
function withNewWords(texts: readonly string[], perText: number): string[] {
  let next = 0;
  return texts.map((t) => {
    let changed = 0;
    return t.replace(/\p{L}{4,}/gu, (w) => (changed++ < perText ? `${w}q${letterTag(next++)}` : w));
  });
}

function labelledTexts(): string[] {
  const texts: string[] = [];
  for (const f of ['train.jsonl', 'dev.jsonl']) {
    for (const line of readFileSync(new URL(`../data/${f}`, import.meta.url), 'utf8').split('\n')) {
      if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
    }
  }
  return texts;
}

// Not @vigie/feeds' SHARED_FEEDS_DIR: importing the package here would load the feed parsers into this process.
const FEEDS_DIR = fileURLToPath(new URL('../../../../shared/feeds/', import.meta.url));
/**
 * The recorded feeds' items as stored by the collector (title, then text), parsed in a child process (feed-texts.ts,
 * under tsx whether this bench runs compiled or not): the parsers and parsed documents would otherwise add ≈ 100 MB to
 * the classifier's peak RSS. The path goes through the package folder so that it holds from bench/ and .bench-out/.
 */
function feedTexts(): string[] {
  const script = fileURLToPath(new URL('../bench/feed-texts.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', script, FEEDS_DIR], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (child.status !== 0) throw new Error(`parsing the feeds failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout) as string[];
}

// As the classifier service runs (see v8-tuning.ts); BENCH_V8_DEFAULTS=true measures Node's and V8's defaults instead.
const v8Defaults = process.env.BENCH_V8_DEFAULTS === 'true';
// The service's start-up flags and allocator variable must be there when the process starts: run this file again with
// them, as infra/compose.yaml starts the service, rather than measure a process the service never is.
if (!v8Defaults && missingClassifierProcessSettings(process.execArgv, process.env).length) {
  const launch = classifierProcessLaunch([...process.execArgv, ...process.argv.slice(1)], process.env);
  const again = spawnSync(process.execPath, launch.args, { stdio: 'inherit', env: launch.env });
  process.exit(again.status ?? 1);
}
if (!v8Defaults) tuneV8ForClassification();
const count = Number(process.env.BENCH_ITEMS ?? 5000);
// Each corpus is built just before Vigie's loop over it, so the peak RSS after a corpus counts only the texts so far.
// `warmUp`: texts classified once before the timed loop (JIT, caches); none for the feeds, which are timed as first seen.
const corpora: { name: string; make: () => string[] | Promise<string[]>; warmUp?: number }[] = [
  { name: 'snippets', make: () => joinToKilobyte(SNIPPETS, count, 1, (i) => ` #${i}`) },
  // A stride of 7 items: consecutive texts share little, and 1,791 items give as many distinct starting points.
  { name: 'labelled', make: () => joinToKilobyte(labelledTexts(), count, 7, () => '') },
  { name: 'labelled+new', make: () => withNewWords(joinToKilobyte(labelledTexts(), count, 7, () => ''), Number(process.env.BENCH_NEW_WORDS ?? 5)) },
  ...(existsSync(FEEDS_DIR) ? [{ name: 'feeds', make: feedTexts, warmUp: 0 }] : []),
];
/**
 * Built again for the baseline instead of kept: three corpora of 5,000 texts, mostly two-byte strings (Arabic), held
 * ≈ 30 MB of the harness's memory through Vigie's loops and counted in its peak RSS. The feed texts are kept (2 MB):
 * parsing them again costs seconds.
 */
let feedCorpus: string[] | undefined;
const build = async (i: number): Promise<string[]> => (corpora[i]!.name === 'feeds' ? (feedCorpus ??= await corpora[i]!.make()) : corpora[i]!.make());

let peakRss = process.memoryUsage().rss;
/** CPU milliseconds (user + system) of this process since `since`. */
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

const BATCH = 250;

/**
 * Time spent inside natural's Porter stemmers (English and French), which the classifier must use (issue 4) and calls
 * once per distinct word and language (stemmers.ts memoises them): on text full of never-seen words, that share alone
 * is a floor under the time per item that no work of ours can lower. Counted in Vigie's timed loops only: the wrappers
 * are removed before the baseline, whose BayesClassifier stems every token with the same English stemmer.
 */
const stemmerTime = { calls: 0, ns: 0n };
type Stemmer = { stem(word: string): string };
const timedStemmers: [Stemmer, Stemmer['stem']][] = [PorterStemmer, PorterStemmerFr].map((s: Stemmer) => [s, s.stem]);
function timeStemmers(on: boolean): void {
  for (const [stemmer, stem] of timedStemmers) {
    stemmer.stem = on
      ? (word) => {
          const t0 = process.hrtime.bigint();
          const stemmed = stem.call(stemmer, word);
          stemmerTime.ns += process.hrtime.bigint() - t0;
          stemmerTime.calls++;
          return stemmed;
        }
      : stem;
  }
}

/**
 * Wall and CPU milliseconds of `run` over every text, after a warm-up on the first 200 (JIT, caches), and the median
 * wall µs per item over batches of 250 texts: on a shared VM a burst of other work inflates the total, and the median
 * batch shows the steady rate beside it.
 */
function time(texts: readonly string[], run: (text: string) => void, warmUp: (text: string) => void = run, warmUpTexts = 200): { wallMs: number; cpuMs: number; medianBatchUs: number; stemCalls: number; stemMs: number } {
  for (const t of texts.slice(0, warmUpTexts)) warmUp(t);
  sample();
  const stemCalls = stemmerTime.calls;
  const stemNs = stemmerTime.ns;
  const batches: number[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let batchStart = t0;
  texts.forEach((text, i) => {
    run(text);
    if ((i + 1) % BATCH === 0) {
      const now = performance.now();
      batches.push(((now - batchStart) * 1000) / BATCH);
      batchStart = now;
      sample();
    }
  });
  const result = { wallMs: performance.now() - t0, cpuMs: cpuMs(c0), medianBatchUs: median(batches), stemCalls: stemmerTime.calls - stemCalls, stemMs: Number(stemmerTime.ns - stemNs) / 1e6 };
  sample();
  return result;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1]! : NaN;
}

// What the process holds before the classifier loads (Node, these modules, and the tsx loader when run from source).
const rssBeforeLoad = process.memoryUsage().rss;
const t0 = performance.now();
const classifier = createClassifier();
const loadMs = performance.now() - t0;
// As the classifier service does before its first job (warm-up.ts); BENCH_WARM_UP=false measures without it.
const warmUp: WarmUpReport | null = process.env.BENCH_WARM_UP === 'false' ? null : warmUpClassifier(classifier);
const bayes = new BayesClassifier();
SNIPPETS.forEach((s, i) => bayes.addDocument(s, i % 2 ? 'harmful' : 'other'));
bayes.train();

const feedNote = existsSync(FEEDS_DIR) ? ' (feeds: the recorded items once each, timed as first seen)' : ' (feeds: ../shared/feeds not found, skipped)';
console.log(`\n${count} texts of ~1 KB per corpus${feedNote}, Node ${process.version}; classifier ${classifier.version} (load ${loadMs.toFixed(0)} ms; ${warmUp ? `warm-up on the catalogue's own texts, as the service at start: ${warmUp.items.toLocaleString('en-US')} items in ${warmUp.ms.toFixed(0)} ms` : 'no warm-up (BENCH_WARM_UP=false)'}); V8 ${v8Defaults ? 'defaults' : `tuned as the classifier service (no allocation-site pretenuring; ${[...CLASSIFIER_NODE_FLAGS, ...Object.entries(CLASSIFIER_PROCESS_ENV).map(([k, v]) => `${k}=${v}`)].join(' ')})`}\n`);
console.log('| corpus | classifier | items/s (wall) | µs/item (wall) | items/s (CPU time) | µs/item (CPU time) | median batch of 250: items/s (µs/item, wall) | harmful |');
console.log('|---|---|---|---|---|---|---|---|');
const rate = (n: number, ms: number): string => Math.round((n / ms) * 1000).toLocaleString('en-US');
const us = (n: number, ms: number): string => ((ms * 1000) / n).toFixed(0);
// Vigie on every corpus first, then the baseline: the Bayes loop allocates strings by the million and would move
// Vigie's peak RSS and garbage-collection costs if it ran in between.
const vigie: (ReturnType<typeof time> & { harmful: number; peakAfter: number })[] = [];
const counts: number[] = [];
timeStemmers(true);
for (const [i, { warmUp: warmUpTexts }] of corpora.entries()) {
  const texts = await build(i);
  counts.push(texts.length);
  let harmful = 0;
  const timing = time(
    texts,
    (text) => {
      if (classifier.classify({ text }).harmful) harmful++;
    },
    (text) => void classifier.classify({ text }),
    warmUpTexts,
  );
  vigie.push({ ...timing, harmful, peakAfter: peakRss });
}
timeStemmers(false);
const baseline: ReturnType<typeof time>[] = [];
for (const [i, { warmUp: warmUpTexts }] of corpora.entries()) baseline.push(time(await build(i), (text) => void bayes.classify(text), undefined, warmUpTexts));
const batchRate = (usPerItem: number): string => `${Math.round(1e6 / usPerItem).toLocaleString('en-US')} (${usPerItem.toFixed(0)})`;
const ratios: string[] = [];
const stemmerShares: string[] = [];
corpora.forEach(({ name }, i) => {
  const v = vigie[i]!;
  const base = baseline[i]!;
  const n = counts[i]!;
  console.log(`| ${name} | Vigie full scoring (lexicon + models + stance + severity) | ${rate(n, v.wallMs)} | ${us(n, v.wallMs)} | ${rate(n, v.cpuMs)} | ${us(n, v.cpuMs)} | ${batchRate(v.medianBatchUs)} | ${v.harmful} |`);
  console.log(`| ${name} | natural BayesClassifier (baseline) | ${rate(n, base.wallMs)} | ${us(n, base.wallMs)} | ${rate(n, base.cpuMs)} | ${us(n, base.cpuMs)} | ${batchRate(base.medianBatchUs)} | — |`);
  ratios.push(`${name}: Vigie / Bayes speed ${(base.wallMs / v.wallMs).toFixed(2)} (wall), ${(base.cpuMs / v.cpuMs).toFixed(2)} (CPU time)`);
  stemmerShares.push(`${name} ${v.stemCalls.toLocaleString('en-US')} calls, ${us(n, v.stemMs)} µs/item (${((100 * v.stemMs) / v.wallMs).toFixed(0)} % of Vigie's time)`);
});
// 1,000,000 µs / 5,000 items: what the target allows per item.
console.log(`\nnatural's stemmers inside Vigie's loops (the target allows 200 µs/item in all): ${stemmerShares.join('; ')}`);
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const peaks = corpora.map(({ name }, i) => `${mb(vigie[i]!.peakAfter)} MB after ${name}`).join(', ');
const loader = process.execArgv.some((a) => a.includes('tsx')) || process.argv[1]?.endsWith('.ts') ? 'Node, the TypeScript loader and the bench' : 'Node and the bench';
console.log(`\n${ratios.join('\n')}\npeak RSS while Vigie classified, cumulative: ${peaks} (of which ${mb(rssBeforeLoad)} MB before the classifier loaded: ${loader}); the whole run, the baseline's loops included: ${mb(peakRss)} MB`);
console.log('targets: ≥ 5,000 items/s per core, < 300 MB RSS');
