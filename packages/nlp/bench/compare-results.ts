/**
 * Output check for speed work on the classifier (not a test: it reads the shared datasets, which a product install
 * lacks). It classifies a fixed comparison corpus — dev + train, 400 OSACT4 dev tweets, 600 MLMA tweets (200 per
 * language), 300 language-id items, the bench texts and a handful of awkward inputs (long, over the size cap, HTML,
 * Arabizi, evasive spellings, empty) — and either records the full results or compares them with a recording made by
 * other code:
 *
 *   npx tsx --conditions=source packages/nlp/bench/compare-results.ts record /tmp/before.json   (on the old code)
 *   npx tsx --conditions=source packages/nlp/bench/compare-results.ts compare /tmp/before.json  (on the new code)
 *
 * `compare` counts results identical field for field, results whose numbers differ by at most 1e-9 (floating-point
 * re-association in the models' dot products), and results whose decisions differ (topNarrative, stance, harmful,
 * severity, missions, the set of narrative keys) or whose numbers differ by more; it exits 1 on any of the last two.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClassifier } from '../src/index.js';

const NLP = fileURLToPath(new URL('..', import.meta.url));
const DATASETS = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));
const TOLERANCE = 1e-9;

function jsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function corpus(): { id: string; text: string; title?: string; language?: string }[] {
  const out: { id: string; text: string; title?: string; language?: string }[] = [];
  for (const f of ['dev.jsonl', 'train.jsonl']) for (const r of jsonl(join(NLP, 'data', f))) out.push({ id: String(r.id), text: String(r.text) });
  readFileSync(join(DATASETS, 'osact4_offenseval2020_ar', 'OSACT2020-sharedTask-dev.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 400)
    .forEach((l, i) => out.push({ id: `osact-${i}`, text: l.split('\t')[0]! }));
  for (const lang of ['en', 'fr', 'ar']) {
    const rows = readFileSync(join(DATASETS, 'mlma_hate_speech', `${lang}_dataset.csv`), 'utf8').split('\n').slice(1, 201);
    rows.forEach((l, i) => out.push({ id: `mlma-${lang}-${i}`, text: l.replace(/^\d+,/, '') }));
  }
  jsonl(join(DATASETS, 'langid_testset', 'langid_testset.jsonl'))
    .slice(0, 300)
    .forEach((r, i) => out.push({ id: `langid-${i}`, text: String(r.text) }));
  const dev = jsonl(join(NLP, 'data', 'dev.jsonl')).map((r) => String(r.text));
  const long = dev.slice(0, 60).join(' ');
  const awkward: [string, string, string?][] = [
    ['long', long],
    ['long-reversed', dev.slice(0, 60).reverse().join('\n')],
    ['huge', long.repeat(4)],
    ['huge-tail-claim', `${'Rien à signaler aujourd’hui à Goma. '.repeat(700)} La MONUSCO arme les ADF, brûlons la base demain à 8h !`],
    ['html', '<p>La <b>MONUSCO</b> arme les rebelles&nbsp;du M23 &amp; les ADF</p><script>alert(1)</script>'],
    ['html-entities', '&lt;UNIFIL&gt; &quot;espionne&quot; pour Israël &#8212; &#x627;&#x644;&#x64A;&#x648;&#x646;&#x64A;&#x641;&#x64A;&#x644;'],
    ['arabizi', 'yalla unifil barra, 3am yesta3mlo el kameret la yet2amaro 3a el mou2awama'],
    ['arabizi-2', 'el unifil 3am tetjasas 3al jnoub w btaate el ma3loumet lal 3adou'],
    ['evasive', 'M.O.N.U.S.C.O dégaaaage, casqu3s bl3us, m0nusc0 complices des r3belles'],
    ['evasive-2', 'M O N U S C O = A D F !!! b r u l o n s   l a   b a s e'],
    ['empty', ''],
    ['spaces', '   \n\t  '],
    ['emoji', '🔥🔥🔥 💣 🇨🇩'],
    ['digits', '2024 12 31 08:00 1000000'],
    ['titled', 'brûlons la base demain à 8h', 'La MONUSCO complice des ADF'],
    ['hinted', 'Walinda amani wanashirikiana na waasi huko Beni', undefined],
    ['mixed-script', 'MONUSCO ليست صديقة، UNIFIL barra, les casques bleus arment les rebelles'],
  ];
  for (const [id, text, title] of awkward) out.push({ id: `awkward-${id}`, text, ...(title ? { title } : {}), ...(id === 'hinted' ? { language: 'sw' } : {}) });
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** 'same', 'close' (numbers within TOLERANCE) or the path of the first difference. */
function diff(a: Json, b: Json, path = ''): 'same' | 'close' | string {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 'same' : Math.abs(a - b) <= TOLERANCE ? 'close' : `${path} ${a} vs ${b}`;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? 'same' : `${path} ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  if (Array.isArray(a) !== Array.isArray(b)) return `${path} shape`;
  let verdict: 'same' | 'close' = 'same';
  for (const k of keys) {
    const d = diff((a as Record<string, Json>)[k] ?? null, (b as Record<string, Json>)[k] ?? null, `${path}.${k}`);
    if (d === 'close') verdict = 'close';
    else if (d !== 'same') return d;
  }
  return verdict;
}

interface Decision {
  topNarrative: unknown;
  stance: unknown;
  harmful: unknown;
  severity: unknown;
  missions: unknown;
  narrativeKeys: string[];
}
function decision(r: Record<string, Json>): Decision {
  const keys = (r.narratives as { key: string }[]).map((n) => n.key).sort();
  return { topNarrative: r.topNarrative, stance: r.stance, harmful: r.harmful, severity: r.severity, missions: r.missions, narrativeKeys: keys };
}

const [mode, file] = process.argv.slice(2);
if ((mode !== 'record' && mode !== 'compare') || !file) {
  console.error('usage: compare-results.ts record|compare <file.json>');
  process.exit(2);
}
const classifier = createClassifier();
const items = corpus();
const results = items.map((it) => JSON.parse(JSON.stringify(classifier.classify(it))) as Record<string, Json>);
if (mode === 'record') {
  writeFileSync(file, JSON.stringify(results));
  console.log(`recorded ${results.length} results (${classifier.version}) in ${file}`);
} else {
  const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Json>[];
  if (before.length !== results.length) throw new Error(`corpus size changed: ${before.length} recorded, ${results.length} now`);
  let same = 0;
  let close = 0;
  let decisions = 0;
  const other: string[] = [];
  results.forEach((r, i) => {
    const b = before[i]!;
    if (JSON.stringify(decision(r)) !== JSON.stringify(decision(b))) {
      decisions++;
      other.push(`${items[i]!.id}: decision ${JSON.stringify(decision(b))} → ${JSON.stringify(decision(r))}`);
      return;
    }
    const d = diff(b, r);
    if (d === 'same') same++;
    else if (d === 'close') close++;
    else other.push(`${items[i]!.id}: ${d}`);
  });
  console.log(`${results.length} texts: ${same} identical, ${close} equal within ${TOLERANCE}, ${decisions} with a different decision, ${other.length - decisions} with other differences`);
  for (const o of other.slice(0, 30)) console.log(`  ${o}`);
  if (other.length) process.exitCode = 1;
}
