/**
 * Adaptive polling — pure, so the rules are unit-tested without Redis or Mongo. A busy source (new items on
 * most fetches) is polled up to 4× more often than configured; a quiet one (nothing new for several fetches)
 * or a failing one up to 8× less often. The scheduler applies the result as the job scheduler's `every`.
 */

/** Bounds relative to the configured interval. */
export const MIN_FACTOR = 0.25;
export const MAX_FACTOR = 8;
/** Never poll more often than this, whatever the configured interval (seconds). */
export const MIN_INTERVAL_SEC = 60;
/** How many recent fetches the busy/quiet judgement looks at. */
export const HISTORY = 8;

export interface IntervalInput {
  /** The interval the admin configured (seconds). */
  readonly configuredSec: number;
  /** New items on recent successful fetches, oldest first (304s count as 0). */
  readonly recentNew: readonly number[];
  /** Failed fetches in a row (0 after a success). */
  readonly consecutiveFailures: number;
}

/** The next poll interval in seconds, within [max(MIN_INTERVAL_SEC, ¼ configured), 8× configured]. */
export function adaptiveIntervalSec({ configuredSec, recentNew, consecutiveFailures }: IntervalInput): number {
  let factor = 1;
  if (consecutiveFailures > 0) {
    // Back off on failure: 2×, 4×, 8× … (capped). A source that recovers drops straight back.
    factor = 2 ** Math.min(consecutiveFailures, 3);
  } else if (recentNew.length > 0) {
    const window = recentNew.slice(-HISTORY);
    const mean = window.reduce((a, b) => a + b, 0) / window.length;
    let quietRun = 0;
    for (let i = window.length - 1; i >= 0 && window[i] === 0; i--) quietRun++;
    if (mean >= 5) factor = 0.25;
    else if (mean >= 2) factor = 0.5;
    // Quiet: nothing new on the last 3 fetches doubles the interval, and each further empty fetch doubles again.
    else if (quietRun >= 3) factor = 2 ** Math.min(quietRun - 2, 3);
  }
  factor = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, factor));
  const lower = Math.min(configuredSec, Math.max(MIN_INTERVAL_SEC, configuredSec * MIN_FACTOR));
  return Math.round(Math.min(configuredSec * MAX_FACTOR, Math.max(lower, configuredSec * factor)));
}

/** Appends one fetch's new-item count to the history, keeping the last {@link HISTORY}. */
export function pushHistory(recentNew: readonly number[], created: number): number[] {
  return [...recentNew, created].slice(-HISTORY);
}

/**
 * When the next fetch may happen: the interval from now, pushed back by a server's Retry-After when it asked
 * for more (never earlier than it asked).
 */
export function nextFetchAt(now: Date, intervalSec: number, retryAfterMs?: number): { nextFetchAt: Date; notBefore: Date | null } {
  const byInterval = now.getTime() + intervalSec * 1000;
  if (retryAfterMs === undefined || retryAfterMs <= 0) return { nextFetchAt: new Date(byInterval), notBefore: null };
  const notBefore = now.getTime() + retryAfterMs;
  return { nextFetchAt: new Date(Math.max(byInterval, notBefore)), notBefore: new Date(notBefore) };
}

/** Validators are dropped once a day so a server with a stuck ETag cannot hide new items forever. */
export const UNCONDITIONAL_REFETCH_MS = 24 * 3600 * 1000;

export function shouldFetchUnconditionally(lastFullFetchAt: Date | null | undefined, now: Date): boolean {
  return !lastFullFetchAt || now.getTime() - lastFullFetchAt.getTime() >= UNCONDITIONAL_REFETCH_MS;
}
