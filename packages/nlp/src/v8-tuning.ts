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
 * effect.
 */
export function tuneV8ForClassification(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
