import { isoWeekKey } from '@vigie/contracts';

/** `YYYY-Www` with a week number that exists in that year. */
export const ISO_WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

/** Start (Monday 00:00 UTC) of an ISO week; null when the key is malformed or the week does not exist. */
export function isoWeekStart(week: string): Date | null {
  const m = ISO_WEEK_PATTERN.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || n > 53 || year < 2000 || year > 2100) return null;
  // Week 1 contains 4 January.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday1 = jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * 86_400_000;
  const start = new Date(monday1 + (n - 1) * 7 * 86_400_000);
  return isoWeekKey(start) === week ? start : null;
}

/** The ISO week keys of the `count` weeks ending with `week` (oldest first). */
export function weeksEndingWith(week: string, count: number): string[] {
  const start = isoWeekStart(week);
  if (!start) throw new RangeError(`invalid ISO week ${week}`);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(isoWeekKey(new Date(start.getTime() - i * 7 * 86_400_000)));
  return out;
}

/** The ISO week before the one containing `at` (what a Monday-morning digest reports on). */
export function previousIsoWeek(at: Date): string {
  return isoWeekKey(new Date(at.getTime() - 7 * 86_400_000));
}

/** What the digest loader needs to cover an ISO week: the week, the 8 weeks ending with it and its bounds. */
export function digestWindow(week: string): { week: string; weeks: string[]; weekStart: Date; weekEnd: Date } {
  const weekStart = isoWeekStart(week);
  if (!weekStart) throw new RangeError(`invalid ISO week ${week}`);
  return { week, weeks: weeksEndingWith(week, 8), weekStart, weekEnd: new Date(weekStart.getTime() + 7 * 86_400_000) };
}
