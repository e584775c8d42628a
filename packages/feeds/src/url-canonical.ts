/**
 * Query parameters that only track where a click came from. Removing them makes the same article shared from
 * different campaigns compare equal. Matched case-insensitively; entries ending in `_` are prefixes.
 */
const TRACKING_PARAMS = [
  'utm_', 'fbclid', 'gclid', 'gclsrc', 'dclid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'igshid', 'mc_cid', 'mc_eid',
  'mkt_tok', '_hsenc', '_hsmi', 'hsctatracking', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'wickedid', 'rb_clickid',
  'ncid', 'cmpid', 'ocid', 'sr_share', 'at_medium', 'at_campaign', 'at_custom1', 'ito', 'xtor', '__twitter_impression',
  's_cid', 'ref_src', 'ref_url', 'spm', 'soc_src', 'soc_trk', 'cmp', 'icid', 'feature', 'share', 'rss', 'from',
];
const EXACT = new Set(TRACKING_PARAMS.filter((p) => !p.endsWith('_')));
const PREFIXES = TRACKING_PARAMS.filter((p) => p.endsWith('_'));
// Generic words like `from`, `feature`, `share`, `rss` are only tracking on hosts known to use them that way.
const GENERIC = new Set(['feature', 'share', 'rss', 'from', 'cmp', 'spm', 'ito']);

function isTrackingParam(name: string, host: string): boolean {
  const n = name.toLowerCase();
  if (PREFIXES.some((p) => n.startsWith(p))) return true;
  if (!EXACT.has(n)) return false;
  if (!GENERIC.has(n)) return true;
  return (n === 'feature' && /(^|\.)youtube\.com$/.test(host)) || (n === 'ito' && /(^|\.)bbc\.co\.uk$/.test(host)) || (n === 'spm' && /(^|\.)aliexpress\.com$/.test(host));
}

/**
 * The canonical form of a URL for deduplication across sources: http(s) only, lower-case host without
 * trailing dot, default port and fragment removed, tracking parameters (utm_*, fbclid, gclid, mc_cid, …)
 * removed, remaining parameters kept in order. Returns null for anything that is not an absolute http(s) URL.
 */
export function canonicaliseUrl(raw: string | null | undefined, base?: string | null): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = base ? new URL(raw.trim(), base) : new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  url.hostname = url.hostname.replace(/\.$/, '');
  const kept = [...url.searchParams].filter(([k]) => !isTrackingParam(k, url.hostname));
  url.search = '';
  for (const [k, v] of kept) url.searchParams.append(k, v);
  if (url.pathname === '') url.pathname = '/';
  return url.href;
}

/** Resolves `raw` against `base` (xml:base or the feed URL); returns null when neither makes it absolute. */
export function resolveUrl(raw: string | null | undefined, base?: string | null): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  if (!trimmed) return null;
  try {
    return new URL(trimmed, base ?? undefined).href;
  } catch {
    return null;
  }
}

/**
 * The key per-host politeness limits are counted under: the lower-cased host (with port when not default).
 * Returns null for unparseable URLs.
 */
export function hostKey(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase().replace(/\.$/, '') || null;
  } catch {
    return null;
  }
}
