/**
 * Response effect: a narrative's volume, spread and harmful share before vs after a published response.
 *
 * Input is the narrative's hourly volume split by source (what `items` gives with one `$group` on
 * hour × source × harmful). Windows are aligned on hour buckets: the pivot is the start of the hour the response
 * was published in, and that hour counts as "after" (the response was out for part of it). Before = [pivot − W,
 * pivot), after = [pivot, min(pivot + W, now)). When `now` falls inside the after-window it is truncated and
 * flagged `complete: false`; compare the per-hour rates then, not the raw totals.
 */

export interface EffectSeriesRow {
  /** Start of the UTC hour bucket. */
  readonly hour: Date;
  readonly sourceId: string;
  /** Items counted towards the narrative's volume (endorsements and reports; debunks excluded). */
  readonly count: number;
  /** How many of them the classifier judged harmful. */
  readonly harmful: number;
}

export const EFFECT_WINDOWS = [
  { key: '24h', hours: 24 },
  { key: '72h', hours: 72 },
  { key: '7d', hours: 168 },
] as const;
export type EffectWindowKey = (typeof EFFECT_WINDOWS)[number]['key'];

export interface WindowFigures {
  /** Items in the window. */
  readonly volume: number;
  /** Distinct sources with at least one item. */
  readonly sources: number;
  /** Harmful items ÷ volume, 3 decimals; null when the volume is 0. */
  readonly harmfulShare: number | null;
  /** Hours the window covers (the after-window may be truncated at now). */
  readonly hours: number;
  /** volume ÷ hours, 3 decimals. */
  readonly perHour: number;
}

export interface EffectRow {
  readonly window: EffectWindowKey;
  readonly before: WindowFigures;
  readonly after: WindowFigures;
  /** False when the after-window ends after `now` (figures so far). */
  readonly complete: boolean;
  /** Change of the hourly rate, in percent (1 decimal); null when the before-volume is 0. */
  readonly volumeChangePct: number | null;
  readonly sourcesChange: number;
  /** Change of the harmful share in percentage points (1 decimal); null when either side has no volume. */
  readonly harmfulShareChangePts: number | null;
}

export interface ResponseEffect {
  readonly publishedAt: Date;
  readonly pivot: Date;
  readonly now: Date;
  readonly rows: EffectRow[];
}

const HOUR = 3_600_000;

function figures(rows: readonly EffectSeriesRow[], from: number, to: number): WindowFigures {
  let volume = 0;
  let harmful = 0;
  const sources = new Set<string>();
  for (const row of rows) {
    const t = row.hour.getTime();
    if (t < from || t >= to || row.count <= 0) continue;
    volume += row.count;
    harmful += row.harmful;
    sources.add(row.sourceId);
  }
  const hours = Math.max(0, (to - from) / HOUR);
  return {
    volume,
    sources: sources.size,
    harmfulShare: volume > 0 ? Math.round((harmful / volume) * 1000) / 1000 : null,
    hours: Math.round(hours * 100) / 100,
    perHour: hours > 0 ? Math.round((volume / hours) * 1000) / 1000 : 0,
  };
}

function rateChange(before: WindowFigures, after: WindowFigures): number {
  const b = before.volume / before.hours;
  const a = after.volume / after.hours;
  return Math.round(((a - b) / b) * 1000) / 10;
}

/** Before/after figures for the 24 h, 72 h and 7-day windows around `publishedAt`. Pure. */
export function responseEffect(series: readonly EffectSeriesRow[], publishedAt: Date, now: Date = new Date()): ResponseEffect {
  const pivot = Math.floor(publishedAt.getTime() / HOUR) * HOUR;
  const nowMs = now.getTime();
  const rows = EFFECT_WINDOWS.map(({ key, hours }): EffectRow => {
    const span = hours * HOUR;
    const before = figures(series, pivot - span, pivot);
    const afterEnd = Math.max(pivot, Math.min(pivot + span, nowMs));
    const after = figures(series, pivot, afterEnd);
    return {
      window: key,
      before,
      after,
      complete: nowMs >= pivot + span,
      volumeChangePct: before.volume > 0 && after.hours > 0 ? rateChange(before, after) : null,
      sourcesChange: after.sources - before.sources,
      harmfulShareChangePts:
        before.harmfulShare !== null && after.harmfulShare !== null ? Math.round((after.harmfulShare - before.harmfulShare) * 1000) / 10 : null,
    };
  });
  return { publishedAt, pivot: new Date(pivot), now, rows };
}
