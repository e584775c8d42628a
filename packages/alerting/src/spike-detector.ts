/**
 * Spike and rising-trend detection for one mission × narrative, from precomputed bucket counts.
 *
 * ## The statistic
 * For each window (default: the last hour vs the previous 12 hours, and the last day vs the previous 14 days) the
 * detector builds one **expected count** and tests the observed count against it with a **Poisson upper tail**,
 * P(X ≥ observed | expected):
 *
 * - `baseline`: the mean rate over the baseline window, scaled to the recent window's length;
 * - `dayEarlier`: the median of the same window 1, 2 and 3 days earlier (a median, so one spike yesterday does not
 *   mask a spike today, while a real daily cycle — every evening's radio show — is present on all three days);
 * - `weekEarlier`: the same window one week earlier (weekly cycles: a Friday sermon, a weekly programme);
 * - `minExpected`: a floor, so an empty baseline does not make every single item infinitely surprising.
 *
 * expected = max(baseline, dayEarlier, weekEarlier, minExpected). Taking the maximum is what "confirmed against the
 * same time a day and a week earlier" means here: a spike must stand out from *every* reference.
 *
 * Media counts are overdispersed (bursty), so the Poisson p-value alone is too eager; it is one of three gates,
 * all required: `observed ≥ minCount` (a quiet narrative going 0 → 2 pages nobody), `observed / expected ≥
 * minRatio` (the effect must be large, not just significant on big volumes) and `pValue ≤ maxPValue` (the effect
 * must be significant, not just large on tiny volumes: 2 vs 0.5 is ×4 but p ≈ 0.09). A quasi-Poisson dispersion
 * correction was tried on paper and rejected: a single evening burst in the baseline inflates the variance so much
 * that a real burst at 3 a.m. would no longer alert.
 *
 * ## Rising
 * Before volume thresholds are met, a narrative can still be climbing. Over the last N buckets (default six hours)
 * the detector computes Kendall's tau between time and count (Mann–Kendall: robust to one odd bucket), and the growth
 * from the first half to the second (with +0.5 smoothing so 0 → 1 is not infinite growth). A `rising` signal needs
 * a consistent trend, real growth, a minimum volume, and to beat the same window a day and a week earlier (an
 * evening ramp-up that happens every day is not rising).
 *
 * Missing buckets are zeros. Time is always a parameter; windows end at the last complete bucket before `now`.
 */
import { ValidationError, type MissionCode, type NarrativeKey } from '@vigie/contracts';
import { mannKendallTau, median, poissonUpperTail } from './poisson.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Milliseconds in each bucket resolution produced on write (see `timeBuckets` in contracts). */
export const BUCKET_MS = Object.freeze({ quarterHour: 15 * MINUTE_MS, hour: HOUR_MS });
export type Resolution = keyof typeof BUCKET_MS;

/** Count for one bucket, with optional breakdowns used to explain a detection. */
export interface BucketCount {
  /** Bucket start (UTC). Floored to the series' bucket size; two entries in one bucket are added up. */
  readonly start: Date;
  /** Items classified into this mission × narrative in the bucket. */
  readonly count: number;
  /** Matched lexicon terms → occurrences. */
  readonly terms?: Readonly<Record<string, number>>;
  /** Source id → items. */
  readonly sources?: Readonly<Record<string, number>>;
  /** Language code → items. */
  readonly languages?: Readonly<Record<string, number>>;
}

/** A sparse series: absent buckets are zeros. */
export interface CountSeries {
  readonly resolution: Resolution;
  readonly buckets: readonly BucketCount[];
  /**
   * When counting started for this mission. Windows before it are *unknown*, not zero: without it, the first days
   * of monitoring would compare everything against an empty past. Omit when the history is complete.
   */
  readonly since?: Date;
}

export interface SpikeInput {
  readonly mission: MissionCode;
  readonly narrative: NarrativeKey;
  /** Hourly buckets; needs at least 15 days (14-day baseline + 1 day) for the default day window. */
  readonly hourly: CountSeries;
  /** Quarter-hour buckets over at least the last 8 days; windows that prefer them fall back to hourly without. */
  readonly quarterHourly?: CountSeries;
}

/** One recent-vs-baseline comparison. */
export interface WindowThresholds {
  /** Stable name, shown in reasons and stored with the detection (`hour`, `day`). */
  readonly name: string;
  /** Series to read; `quarterHour` falls back to `hour` when the input has no quarter-hour series. */
  readonly resolution: Resolution;
  /** Length of the recent window, ms. */
  readonly recentMs: number;
  /** Length of the baseline window immediately before it, ms. */
  readonly baselineMs: number;
  /** Minimum observed items in the recent window. */
  readonly minCount: number;
  /** Minimum observed / expected. */
  readonly minRatio: number;
  /** Maximum Poisson upper-tail p-value. */
  readonly maxPValue: number;
  /** Floor on the expected count (items per recent window). */
  readonly minExpected: number;
  /** Fraction of the baseline window that must lie after `since`; below it the window is not judged. */
  readonly minBaselineCoverage: number;
}

export interface RisingThresholds {
  readonly resolution: Resolution;
  /** Number of trailing buckets examined. */
  readonly buckets: number;
  /** Minimum Kendall tau (time vs count), in [-1, 1]. */
  readonly minTau: number;
  /** Minimum (second-half mean + 0.5) / (first-half mean + 0.5); also the margin over day/week-earlier. */
  readonly minGrowth: number;
  /** Minimum items over the trailing buckets. */
  readonly minTotal: number;
  /** Minimum items in the last bucket (the trend must still be going). */
  readonly minLast: number;
}

export interface SpikeThresholds {
  readonly windows: readonly WindowThresholds[];
  readonly rising: RisingThresholds;
  /** Days back for the daily reference; their median is used. */
  readonly dailyReferenceDays: readonly number[];
  /** Weeks back for the weekly reference; their median is used. */
  readonly weeklyReferenceWeeks: readonly number[];
  /** Length of topTerms / topSources. */
  readonly topN: number;
}

/**
 * Defaults, tuned for the volumes a mission's monitored sources produce (tens to hundreds of items a day per
 * narrative):
 * - hour window: 1 h (quarter-hour resolution, so at most 15 min of delay) vs the previous 12 h; ≥ 5 items, ≥ ×3,
 *   p ≤ 0.001, expected ≥ 1 (5 items against an empty baseline is p ≈ 0.0037: not enough; 6 is);
 * - day window: 24 h vs the previous 14 days; ≥ 15 items, ≥ ×2 (a day that doubles is news), p ≤ 0.001,
 *   expected ≥ 3;
 * - rising: six hourly buckets, tau ≥ 0.6, growth ≥ ×2, ≥ 6 items in total, ≥ 2 in the last hour.
 */
export const DEFAULT_SPIKE_THRESHOLDS: SpikeThresholds = Object.freeze({
  windows: Object.freeze([
    Object.freeze({
      name: 'hour',
      resolution: 'quarterHour' as const,
      recentMs: HOUR_MS,
      baselineMs: 12 * HOUR_MS,
      minCount: 5,
      minRatio: 3,
      maxPValue: 0.001,
      minExpected: 1,
      minBaselineCoverage: 0.5,
    }),
    Object.freeze({
      name: 'day',
      resolution: 'hour' as const,
      recentMs: DAY_MS,
      baselineMs: 14 * DAY_MS,
      minCount: 15,
      minRatio: 2,
      maxPValue: 0.001,
      minExpected: 3,
      minBaselineCoverage: 0.5,
    }),
  ]),
  rising: Object.freeze({
    resolution: 'hour' as const,
    buckets: 6,
    minTau: 0.6,
    minGrowth: 2,
    minTotal: 6,
    minLast: 2,
  }),
  dailyReferenceDays: Object.freeze([1, 2, 3]),
  weeklyReferenceWeeks: Object.freeze([1]),
  topN: 5,
});

/**
 * Thresholds made easier to meet by `factor` ∈ (0, 1], used inside high-risk moments (see `thresholdFactorAt`).
 * Counts scale linearly (never below 2), ratios scale their excess over 1 (×3 at 0.5 → ×2), and p-value limits
 * scale on the log scale (0.001 at 0.5 → 0.032), which keeps "significant" meaningful instead of multiplying a
 * tiny number by a constant. Floors on the expected count and the trend's tau are not lowered: they guard
 * against noise, not against missing a risk. `factor = 1` returns equal thresholds.
 */
export function lowered(thresholds: SpikeThresholds, factor: number): SpikeThresholds {
  if (!(factor > 0 && factor <= 1)) {
    throw new ValidationError(`threshold factor must be in (0, 1], got ${factor}`, [
      { path: 'factor', message: 'must be greater than 0 and at most 1' },
    ]);
  }
  const count = (n: number, min: number): number => Math.max(min, Math.ceil(n * factor));
  const ratio = (r: number): number => 1 + (r - 1) * factor;
  return {
    ...thresholds,
    windows: thresholds.windows.map((w) => ({
      ...w,
      minCount: count(w.minCount, 2),
      minRatio: ratio(w.minRatio),
      maxPValue: w.maxPValue ** factor,
    })),
    rising: {
      ...thresholds.rising,
      minGrowth: ratio(thresholds.rising.minGrowth),
      minTotal: count(thresholds.rising.minTotal, 2),
      minLast: count(thresholds.rising.minLast, 1),
    },
  };
}

export type DetectionKind = 'spike' | 'rising' | 'none';

export interface RankedKey {
  readonly key: string;
  readonly count: number;
}

export interface DetectionWindow {
  /** `hour`, `day`, or `rising`. */
  readonly name: string;
  readonly resolution: Resolution;
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
  /** Baseline window (rising: the first half of the trailing buckets). */
  readonly baselineStart: Date;
  readonly baselineEnd: Date;
}

export interface Detection {
  readonly kind: DetectionKind;
  readonly mission: MissionCode;
  readonly narrative: NarrativeKey;
  readonly window: DetectionWindow;
  /** Items in the recent window. */
  readonly observed: number;
  /** max(baseline, day earlier, week earlier, floor), items per recent window. */
  readonly expected: number;
  /** observed / expected. */
  readonly ratio: number;
  /** Poisson P(X ≥ observed | expected) for windows; null for rising (too few buckets for a reliable test). */
  readonly pValue: number | null;
  /** Windows: −log10(pValue), capped at 300; rising: Kendall tau. Higher is stronger. */
  readonly score: number;
  /** The references behind `expected`, per recent window; null when not covered by data. */
  readonly references: {
    readonly baseline: number | null;
    readonly dayEarlier: number | null;
    readonly weekEarlier: number | null;
  };
  /** Human-readable (EN) explanation: the numbers, what passed, what did not. */
  readonly reasons: readonly string[];
  readonly topTerms: readonly RankedKey[];
  readonly topSources: readonly RankedKey[];
  /** Every language seen in the window, most frequent first. */
  readonly languages: readonly RankedKey[];
}

export interface SpikeReport {
  readonly mission: MissionCode;
  readonly narrative: NarrativeKey;
  readonly at: Date;
  /** `spike` if any window spiked, else `rising` if the trend test passed, else `none`. */
  readonly kind: DetectionKind;
  /** Strongest spike, else the rising detection, else the first window's (for dashboards). */
  readonly primary: Detection;
  /** Every window, then the rising evaluation. */
  readonly detections: readonly Detection[];
}

/**
 * Evaluates every window and the rising trend for one mission × narrative at `now`.
 * Throws `ValidationError` on malformed series (negative or non-finite counts).
 */
export function detectSpikes(
  input: SpikeInput,
  now: Date,
  thresholds: SpikeThresholds = DEFAULT_SPIKE_THRESHOLDS,
): SpikeReport {
  const hourly = indexSeries(input.hourly, 'hourly');
  const quarter = input.quarterHourly ? indexSeries(input.quarterHourly, 'quarterHourly') : null;
  const pick = (r: Resolution): IndexedSeries => (r === 'quarterHour' && quarter ? quarter : hourly);

  const windows = thresholds.windows.map((w) =>
    evaluateWindow(input, pick(w.resolution), now, w, thresholds),
  );
  const rising = evaluateRising(input, pick(thresholds.rising.resolution), now, thresholds);
  const spikes = windows.filter((d) => d.kind === 'spike').sort((a, b) => b.score - a.score);
  const first = windows[0] ?? rising;
  const primary = spikes[0] ?? (rising.kind === 'rising' ? rising : first);
  return {
    mission: input.mission,
    narrative: input.narrative,
    at: now,
    kind: primary.kind,
    primary,
    detections: [...windows, rising],
  };
}

interface IndexedSeries {
  readonly resolution: Resolution;
  readonly bucketMs: number;
  readonly byStart: ReadonlyMap<number, BucketCount[]>;
  readonly sinceMs: number;
}

function indexSeries(series: CountSeries, name: string): IndexedSeries {
  const bucketMs = BUCKET_MS[series.resolution];
  const byStart = new Map<number, BucketCount[]>();
  series.buckets.forEach((b, i) => {
    if (!Number.isFinite(b.count) || b.count < 0) {
      throw new ValidationError(`${name}: bucket ${i} has an invalid count`, [
        { path: `${name}.buckets.${i}.count`, message: 'must be a finite number ≥ 0' },
      ]);
    }
    const start = Math.floor(b.start.getTime() / bucketMs) * bucketMs;
    const list = byStart.get(start);
    if (list) list.push(b);
    else byStart.set(start, [b]);
  });
  return {
    resolution: series.resolution,
    bucketMs,
    byStart,
    sinceMs: series.since
      ? Math.floor(series.since.getTime() / bucketMs) * bucketMs
      : Number.NEGATIVE_INFINITY,
  };
}

function bucketsIn(s: IndexedSeries, from: number, to: number): BucketCount[] {
  const out: BucketCount[] = [];
  for (let t = from; t < to; t += s.bucketMs) {
    const list = s.byStart.get(t);
    if (list) out.push(...list);
  }
  return out;
}

function sum(s: IndexedSeries, from: number, to: number): number {
  return bucketsIn(s, from, to).reduce((acc, b) => acc + b.count, 0);
}

/** Sum over a window, or null when any of it lies before the series' coverage. */
function knownSum(s: IndexedSeries, from: number, to: number): number | null {
  return from < s.sinceMs ? null : sum(s, from, to);
}

function seasonalReferences(
  s: IndexedSeries,
  from: number,
  to: number,
  t: SpikeThresholds,
): { dayEarlier: number | null; weekEarlier: number | null } {
  const known = (offsets: readonly number[]): number | null => {
    const values = offsets.map((o) => knownSum(s, from - o, to - o)).filter((v): v is number => v !== null);
    return values.length > 0 ? median(values) : null;
  };
  return {
    dayEarlier: known(t.dailyReferenceDays.map((d) => d * DAY_MS)),
    weekEarlier: known(t.weeklyReferenceWeeks.map((w) => w * 7 * DAY_MS)),
  };
}

function rank(
  buckets: readonly BucketCount[],
  field: 'terms' | 'sources' | 'languages',
  limit: number,
): RankedKey[] {
  const totals = new Map<string, number>();
  for (const b of buckets) {
    for (const [key, n] of Object.entries(b[field] ?? {})) totals.set(key, (totals.get(key) ?? 0) + n);
  }
  return [...totals.entries()]
    .filter(([, count]) => count > 0)
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, limit);
}

function breakdowns(buckets: readonly BucketCount[], topN: number) {
  return {
    topTerms: rank(buckets, 'terms', topN),
    topSources: rank(buckets, 'sources', topN),
    languages: rank(buckets, 'languages', Number.POSITIVE_INFINITY),
  };
}

function evaluateWindow(
  input: SpikeInput,
  s: IndexedSeries,
  now: Date,
  w: WindowThresholds,
  t: SpikeThresholds,
): Detection {
  const end = Math.floor(now.getTime() / s.bucketMs) * s.bucketMs;
  const start = end - w.recentMs;
  const baselineStart = start - w.baselineMs;
  const recent = bucketsIn(s, start, end);
  const observed = recent.reduce((acc, b) => acc + b.count, 0);

  // Only the covered part of the baseline counts toward the rate, so a partial history is not diluted by zeros.
  const coveredFrom = Math.max(baselineStart, s.sinceMs);
  const coveredMs = Math.max(0, start - coveredFrom);
  const coverage = coveredMs / w.baselineMs;
  const baseline = coveredMs > 0 ? (sum(s, coveredFrom, start) * w.recentMs) / coveredMs : null;
  const { dayEarlier, weekEarlier } = seasonalReferences(s, start, end, t);

  const expected = Math.max(baseline ?? 0, dayEarlier ?? 0, weekEarlier ?? 0, w.minExpected);
  const ratio = observed / expected;
  const pValue = poissonUpperTail(observed, expected);
  const score = Math.min(300, -Math.log10(Math.max(pValue, 1e-300)));

  const span = duration(w.recentMs);
  const reasons: string[] = [
    `${observed} items in the last ${span} vs ${fmt(expected)} expected (×${fmt(ratio)}, p = ${fmtP(pValue)})`,
    baseline === null
      ? `no baseline: counting started ${duration(end - s.sinceMs)} ago`
      : `baseline: ${fmt(baseline)} per ${span} over the previous ${duration(w.baselineMs)}` +
        (coverage < 1 ? ` (${Math.round(coverage * 100)}% covered)` : ''),
  ];
  if (dayEarlier !== null)
    reasons.push(
      `same ${span} a day earlier: ${fmt(dayEarlier)} (median of ${t.dailyReferenceDays.join(', ')} days back)`,
    );
  if (weekEarlier !== null) reasons.push(`same ${span} a week earlier: ${fmt(weekEarlier)}`);

  const failures: string[] = [];
  if (coverage < w.minBaselineCoverage) {
    failures.push(`not judged: only ${Math.round(coverage * 100)}% of the baseline is covered by data`);
  }
  if (observed < w.minCount) failures.push(`below the minimum count (${observed} < ${w.minCount})`);
  if (ratio < w.minRatio) {
    const seasonal = Math.max(dayEarlier ?? 0, weekEarlier ?? 0);
    const usual =
      seasonal > (baseline ?? 0) && seasonal >= w.minExpected
        ? ` — usual for this time: ${fmt(seasonal)} at the same time ${seasonal === (dayEarlier ?? -1) ? 'on previous days' : 'a week earlier'}`
        : '';
    failures.push(`ratio ×${fmt(ratio)} below ×${fmt(w.minRatio)}${usual}`);
  }
  if (pValue > w.maxPValue) failures.push(`not significant (p = ${fmtP(pValue)} > ${fmtP(w.maxPValue)})`);

  const kind: DetectionKind = failures.length === 0 ? 'spike' : 'none';
  const detail = breakdowns(recent, t.topN);
  if (kind === 'spike') {
    reasons.unshift(
      `spike over the last ${span}: ${observed} items, ×${fmt(ratio)} the expected ${fmt(expected)}`,
    );
    explainBreakdowns(reasons, detail);
  } else {
    reasons.push(...failures);
  }
  return {
    kind,
    mission: input.mission,
    narrative: input.narrative,
    window: {
      name: w.name,
      resolution: s.resolution,
      start: new Date(start),
      end: new Date(end),
      baselineStart: new Date(baselineStart),
      baselineEnd: new Date(start),
    },
    observed,
    expected,
    ratio,
    pValue,
    score,
    references: { baseline, dayEarlier, weekEarlier },
    reasons,
    ...detail,
  };
}

function evaluateRising(input: SpikeInput, s: IndexedSeries, now: Date, t: SpikeThresholds): Detection {
  const r = t.rising;
  const end = Math.floor(now.getTime() / s.bucketMs) * s.bucketMs;
  const start = end - r.buckets * s.bucketMs;
  const counts: number[] = [];
  for (let b = start; b < end; b += s.bucketMs) counts.push(sum(s, b, b + s.bucketMs));
  const half = Math.floor(r.buckets / 2);
  const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const firstMean = mean(counts.slice(0, half));
  const secondMean = mean(counts.slice(r.buckets - half));
  const growth = (secondMean + 0.5) / (firstMean + 0.5);
  const tau = mannKendallTau(counts);
  const observed = counts.reduce((a, b) => a + b, 0);
  const last = counts[counts.length - 1] ?? 0;
  const { dayEarlier, weekEarlier } = seasonalReferences(s, start, end, t);
  const seasonal = Math.max(dayEarlier ?? 0, weekEarlier ?? 0);
  // What the window would hold had the first half's rate continued.
  const baseline = firstMean * r.buckets;
  const expected = Math.max(baseline, seasonal, 0.5);
  const ratio = observed / expected;

  const span = duration(r.buckets * s.bucketMs);
  const reasons: string[] = [
    `per-${s.resolution === 'hour' ? 'hour' : '15-min'} counts over the last ${span}: ${counts.join(', ')}`,
    `trend tau = ${fmt(tau)}, growth ×${fmt(growth)} from the first to the second half`,
  ];
  const failures: string[] = [];
  if (tau < r.minTau) failures.push(`no consistent growth (tau ${fmt(tau)} < ${fmt(r.minTau)})`);
  if (growth < r.minGrowth) failures.push(`growth ×${fmt(growth)} below ×${fmt(r.minGrowth)}`);
  if (observed < r.minTotal) failures.push(`below the minimum count (${observed} < ${r.minTotal})`);
  if (last < r.minLast) failures.push(`last bucket too small (${last} < ${r.minLast})`);
  if (seasonal > 0 && observed < seasonal * r.minGrowth) {
    failures.push(`usual for this time: ${fmt(seasonal)} in the same ${span} on earlier days`);
  }
  const kind: DetectionKind = failures.length === 0 ? 'rising' : 'none';
  const detail = breakdowns(bucketsIn(s, start, end), t.topN);
  if (kind === 'rising') {
    reasons.unshift(`rising: ${observed} items over the last ${span}, growing consistently`);
    explainBreakdowns(reasons, detail);
  } else {
    reasons.push(...failures);
  }
  return {
    kind,
    mission: input.mission,
    narrative: input.narrative,
    window: {
      name: 'rising',
      resolution: s.resolution,
      start: new Date(start),
      end: new Date(end),
      baselineStart: new Date(start),
      baselineEnd: new Date(start + half * s.bucketMs),
    },
    observed,
    expected,
    ratio,
    pValue: null,
    score: tau,
    references: { baseline, dayEarlier, weekEarlier },
    reasons,
    ...detail,
  };
}

function explainBreakdowns(reasons: string[], d: ReturnType<typeof breakdowns>): void {
  const list = (xs: readonly RankedKey[]): string => xs.map((x) => `${x.key} (${x.count})`).join(', ');
  if (d.topTerms.length) reasons.push(`top terms: ${list(d.topTerms)}`);
  if (d.topSources.length) reasons.push(`top sources: ${list(d.topSources)}`);
  if (d.languages.length) reasons.push(`languages: ${list(d.languages)}`);
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? String(n) : n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2);
}

function fmtP(p: number): string {
  return p >= 0.01 ? p.toFixed(2) : p.toExponential(1);
}

function duration(ms: number): string {
  if (ms % DAY_MS === 0) return ms === DAY_MS ? 'day' : `${ms / DAY_MS} days`;
  if (ms % HOUR_MS === 0) return ms === HOUR_MS ? 'hour' : `${ms / HOUR_MS} h`;
  return `${Math.round(ms / MINUTE_MS)} min`;
}
