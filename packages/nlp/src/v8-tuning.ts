import { setFlagsFromString } from 'node:v8';

let tuned = false;

/**
 * Runtime settings for a process that classifies texts for hours: the classifier service, `vigie classify`, the
 * benchmark. Call once at start; later calls do nothing.
 *
 * It turns off V8's allocation-site pretenuring. When a scavenge happens to find most of one allocation site's
 * recent objects alive, V8 starts allocating that site's objects straight in the old generation. For the classifier's
 * per-text objects this is the wrong guess: they die with their text. Once it happened, the old generation filled with
 * dead objects until a full collection (measured with `--trace-gc`: 212 MB of heap before the first full collection,
 * 85 MB live after it). Classification also slowed, because the allocations went through old space.
 *
 * Measured with `npm run bench:classifier` (BENCHMARKS.md, 2026-11-26):
 * - without the setting, 8 of 24 runs peaked at 366–379 MB RSS instead of 258–269 MB;
 * - with it, 22 of 22 runs stayed at 259–267 MB, and the labelled corpus ran no slower.
 *
 * This flag is read when V8 processes pretenuring feedback at each collection, so setting it at run time takes
 * effect. The settings below cannot be set this way: see CLASSIFIER_NODE_FLAGS.
 */
export function tuneV8ForClassification(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}

/**
 * Node flags the classifier service is started with (infra/compose.yaml, the demo, the benchmark). V8 sizes its heap
 * when the process starts, so these must be on the command line or in NODE_OPTIONS; `setFlagsFromString` is too late
 * (tried: the young generation stayed at 32 MB).
 *
 * `--max-semi-space-size=8` caps the young generation at 2 × 8 MB instead of 2 × 16 MB. The classifier's per-text
 * objects die young whatever the size, so scavenges stay cheap; the peak RSS of `npm run bench:classifier` fell from
 * 295–301 MB to 255–271 MB with the same speed (BENCHMARKS.md, 2026-11-28). 4 MB saved 25 MB more but slowed the
 * labelled corpus by ≈ 10 %.
 */
export const CLASSIFIER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/**
 * Environment for the classifier process, read by glibc's allocator when the process starts. Node's helper threads
 * (garbage collection, libuv) each get a malloc arena by default, and memory freed into an arena stays in the process;
 * two arenas brought the benchmark's peak RSS from 255–271 MB to 231–235 MB, again at the same speed. Other C
 * libraries ignore the variable.
 */
export const CLASSIFIER_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/**
 * Which of the classifier's start-up settings this process lacks, as `--flag` or `NAME=value` strings; empty when
 * it has them all. A flag counts whether it was given on the command line (`execArgv`) or in NODE_OPTIONS.
 */
export function missingClassifierProcessSettings(execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const given = new Set([...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].map((arg) => arg.split('=')[0]!.replace(/_/g, '-')));
  const missing = CLASSIFIER_NODE_FLAGS.filter((flag) => !given.has(flag.split('=')[0]!));
  for (const [name, value] of Object.entries(CLASSIFIER_PROCESS_ENV)) if (env[name] === undefined) missing.push(`${name}=${value}`);
  return missing;
}

/**
 * The node arguments and environment that start a script as the classifier service is started: the flags first (Node
 * reads its own before the script), the allocator variables added unless the operator set them. For the demo and the
 * benchmark, which start the classifier themselves; infra/compose.yaml spells the same out (checked by a test).
 */
export function classifierProcessLaunch(args: readonly string[], env: NodeJS.ProcessEnv): { args: string[]; env: NodeJS.ProcessEnv } {
  return { args: [...CLASSIFIER_NODE_FLAGS, ...args], env: { ...CLASSIFIER_PROCESS_ENV, ...env } };
}
