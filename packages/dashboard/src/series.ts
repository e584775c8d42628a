/**
 * The API's time series list only the buckets that have items; charts need the empty ones too, or a single
 * item would draw as a flat line at the top. These fill the gaps.
 */
export interface Point {
  t: number;
  v: number;
}

const HOUR = 3_600_000;

/** Every hour from `from` to `to` (UTC hour starts, as the API buckets them), 0 where the API had nothing. */
export function fillHours(data: readonly { start: string; count: number }[], from: string, to: string): Point[] {
  const counts = new Map(data.map((d) => [Date.parse(d.start), d.count]));
  const first = Math.floor(Date.parse(from) / HOUR) * HOUR;
  const last = Math.floor(Date.parse(to) / HOUR) * HOUR;
  const out: Point[] = [];
  for (let t = first; t <= last; t += HOUR) out.push({ t, v: counts.get(t) ?? 0 });
  return out;
}

/** Sums hourly points per calendar day in the viewer's time zone (local midnight), keeping empty days. */
export function sumByLocalDay(points: readonly Point[]): Point[] {
  const days = new Map<number, number>();
  for (const p of points) {
    const d = new Date(p.t);
    d.setHours(0, 0, 0, 0);
    days.set(d.getTime(), (days.get(d.getTime()) ?? 0) + p.v);
  }
  return [...days].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}
