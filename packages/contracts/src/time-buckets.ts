/**
 * Bucket keys precomputed on write. FerretDB v1 has no $dateTrunc, so every time series Vigie shows is a
 * $group on one of these fields. All keys are UTC.
 */
export interface TimeBuckets {
  /** Start of the UTC quarter-hour. */
  readonly quarterHour: Date;
  /** Start of the UTC hour. */
  readonly hour: Date;
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  /** ISO-8601 week, `YYYY-Www` (UTC). */
  readonly week: string;
}

export function timeBuckets(at: Date): TimeBuckets {
  const ms = at.getTime();
  const quarter = 15 * 60_000;
  return {
    quarterHour: new Date(Math.floor(ms / quarter) * quarter),
    hour: new Date(Math.floor(ms / 3_600_000) * 3_600_000),
    day: at.toISOString().slice(0, 10),
    week: isoWeekKey(at),
  };
}

export function isoWeekKey(at: Date): string {
  // ISO weeks belong to the year of their Thursday.
  const date = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const dayOfWeek = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - dayOfWeek);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
