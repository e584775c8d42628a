const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const ZONES: Record<string, number> = { UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420, CET: 60, CEST: 120, BST: 60, IST: 330, JST: 540, KST: 540, WAT: 60, CAT: 120, EAT: 180 };

/**
 * Parses the dates feeds actually contain — RFC 822/1123 (with sloppy spacing, single-digit times, named or
 * `GMT+9` zones), ISO 8601 / RFC 3339 — to a UTC Date, or null. Zone-less dates are read as UTC.
 */
export function parseFeedDate(raw: string | null | undefined): Date | null {
  if (!raw) return null;
  const s = raw.trim().replace(/\s+/g, ' ');
  if (!s) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)? ?(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/i.exec(s);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '0', zone] = iso;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Number(frac.slice(0, 3).padEnd(3, '0')));
    return valid(ms - zoneOffset(zone ?? 'Z') * 60_000);
  }
  const rfc = /^(?:[A-Za-z]{2,9},? ?)?(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{2,4}) (\d{1,2}):(\d{1,2})(?::(\d{1,2}))? ?(.*)$/.exec(s.replace(/,(?=\S)/, ', '));
  if (rfc) {
    const [, d, mon, yRaw, h, mi, sec = '0', zoneRaw = ''] = rfc;
    const month = MONTHS[(mon ?? '').toLowerCase()];
    if (month === undefined) return fallback(s);
    let y = Number(yRaw);
    if (y < 100) y += y < 50 ? 2000 : 1900;
    const ms = Date.UTC(y, month, Number(d), Number(h), Number(mi), Number(sec));
    return valid(ms - zoneOffset(zoneRaw.trim() || 'Z') * 60_000);
  }
  return fallback(s);
}

function fallback(s: string): Date | null {
  // Last resort: V8's parser (handles "March 3, 2024" and friends). It reads zone-less dates as local time, so
  // refuse them rather than depend on the machine's TZ.
  if (!/(?:Z|GMT|UTC|[+-]\d{2}:?\d{2})\b/i.test(s) && !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function valid(ms: number): Date | null {
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/** Minutes east of UTC for `Z`, `+0200`, `-05:00`, `GMT+9`, `EST`…; 0 when unknown. */
function zoneOffset(zone: string): number {
  const z = zone.trim().toUpperCase();
  const named = ZONES[z];
  if (named !== undefined) return named;
  const m = /^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$/.exec(z);
  if (!m) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}
