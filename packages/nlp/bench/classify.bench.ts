/**
 * Throughput benchmark (not a timed test): items/s on one core over ~1 KB texts with full scoring, peak RSS, and
 * natural's BayesClassifier (imported via its submodule) over the same texts as a baseline. Prints markdown.
 * Both wall-clock and CPU-time rates are printed: on a shared machine the process gets only part of a core, and the
 * CPU time of the (single-threaded) loop is what "per core" means; the wall figure equals it on an idle machine.
 * Run: npm run bench:classifier  (or: npx tsx --conditions=source packages/nlp/bench/classify.bench.ts)
 */
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { createClassifier } from '../src/index.js';

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

function makeTexts(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = '';
    let j = i;
    while (t.length < 1000) t += `${SNIPPETS[j++ % SNIPPETS.length]} `;
    out.push(`${t.slice(0, 1000)} #${i}`);
  }
  return out;
}

const texts = makeTexts(Number(process.env.BENCH_ITEMS ?? 5000));
let peakRss = process.memoryUsage().rss;
/** CPU milliseconds (user + system) of this process since `since`. */
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

const t0 = performance.now();
const classifier = createClassifier();
const loadMs = performance.now() - t0;
for (const t of texts.slice(0, 200)) classifier.classify({ text: t }); // warm-up (JIT, stem caches)
sample();
const t1 = performance.now();
const c1 = process.cpuUsage();
let harmful = 0;
texts.forEach((text, i) => {
  if (classifier.classify({ text }).harmful) harmful++;
  if (i % 500 === 0) sample();
});
const vigieMs = performance.now() - t1;
const vigieCpuMs = cpuMs(c1);
sample();
// The Bayes loop below allocates strings by the million and can move the peak on its own: Vigie's is kept apart.
const vigiePeakRss = peakRss;

const bayes = new BayesClassifier();
SNIPPETS.forEach((s, i) => bayes.addDocument(s, i % 2 ? 'harmful' : 'other'));
bayes.train();
for (const t of texts.slice(0, 200)) bayes.classify(t);
const t2 = performance.now();
const c2 = process.cpuUsage();
texts.forEach((t, i) => {
  bayes.classify(t);
  if (i % 500 === 0) sample();
});
const bayesMs = performance.now() - t2;
const bayesCpuMs = cpuMs(c2);
sample();

const rate = (ms: number): string => Math.round((texts.length / ms) * 1000).toLocaleString('en-US');
console.log(`\n${texts.length} texts of ~1 KB, one core, Node ${process.version}; classifier ${classifier.version} (load ${loadMs.toFixed(0)} ms, ${harmful} harmful)\n`);
const us = (ms: number): string => ((ms * 1000) / texts.length).toFixed(0);
console.log('| classifier | items/s (wall) | µs/item (wall) | items/s (CPU time) | µs/item (CPU time) | peak RSS (MB) |');
console.log('|---|---|---|---|---|---|');
console.log(`| Vigie full scoring (lexicon + models + stance + severity) | ${rate(vigieMs)} | ${us(vigieMs)} | ${rate(vigieCpuMs)} | ${us(vigieCpuMs)} | ${(peakRss / 2 ** 20).toFixed(0)} |`);
console.log(`| natural BayesClassifier (baseline) | ${rate(bayesMs)} | ${us(bayesMs)} | ${rate(bayesCpuMs)} | ${us(bayesCpuMs)} | (same process) |`);
console.log(`\npeak RSS up to the end of the Vigie loop: ${(vigiePeakRss / 2 ** 20).toFixed(0)} MB; over the whole run: ${(peakRss / 2 ** 20).toFixed(0)} MB`);
console.log(`\nVigie / Bayes speed: ${(bayesMs / vigieMs).toFixed(2)} (wall), ${(bayesCpuMs / vigieCpuMs).toFixed(2)} (CPU time)`);
console.log('targets: ≥ 5,000 items/s per core, < 300 MB RSS');
