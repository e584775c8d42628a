import { createHash } from 'node:crypto';
import { htmlToLine, htmlToText } from './html-text.js';
import { identifyLanguage, type Language } from './language-id.js';
import { simhash64 } from './simhash.js';
import type { MediaRef, NormalisedItem } from './types.js';
import { canonicaliseUrl, resolveUrl } from './url-canonical.js';

/** An item as read from a feed, before normalisation; both parsers are mapped to this shape. */
export interface RawItem {
  guid: string | null;
  link: string | null;
  title: string | null;
  /** Full body (content:encoded, Atom content), HTML or text. */
  content: string | null;
  /** Summary (description, Atom summary), HTML or text. */
  summary: string | null;
  date: string | null;
  author: string | null;
  /** Item-level xml:base, if any. */
  base: string | null;
  media: MediaRef[];
}

/** Context shared by the items of one document. */
export interface NormaliseContext {
  /** Base for relative links: feed-level xml:base, else the feed URL. */
  base: string | null;
  /** Time of the fetch: dates more than a day later are clamped to it. */
  fetchedAt: Date;
  /** Maximum length of `text`, in characters. */
  maxTextLength: number;
  /** Language to use when identification is unsure (the source's declared language). */
  fallbackLanguage?: Language;
}

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

/** SHA-256 hex of the given parts joined by a separator that cannot occur in them. */
export function sha256(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function looksLikeHtml(s: string): boolean {
  return /<\/?[a-z][\s\S]*?>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i.test(s);
}

/** Truncates at a word boundary near `max` characters. */
export function truncateText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return { text: (space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd(), truncated: true };
}

/** Applies the date rules: unreadable → null + warning; more than a day ahead → clamped + warning. */
export function normaliseDate(raw: string | null, parsed: Date | null, fetchedAt: Date, warnings: string[]): Date | null {
  if (raw && !parsed) warnings.push(`unreadable date "${raw.slice(0, 60)}"`);
  if (parsed && parsed.getTime() > fetchedAt.getTime() + ONE_DAY_MS) {
    warnings.push(`date ${parsed.toISOString()} is in the future; clamped to fetch time`);
    return new Date(fetchedAt.getTime());
  }
  return parsed;
}

/**
 * Turns a {@link RawItem} into a {@link NormalisedItem} except for `id` (assigned per document, see
 * `assignIds`): resolves links, strips HTML, parses the date, identifies the language, hashes.
 */
export function normaliseRawItem(raw: RawItem, ctx: NormaliseContext, parseDate: (s: string | null) => Date | null): Omit<NormalisedItem, 'id'> {
  const warnings: string[] = [];
  const base = raw.base ? (resolveUrl(raw.base, ctx.base) ?? ctx.base) : ctx.base;
  const url = resolveUrl(raw.link, base);
  if (raw.link && !url) warnings.push(`link "${raw.link.slice(0, 80)}" is not a URL`);
  const title = raw.title ? htmlToLine(raw.title) : '';
  const bodySource = raw.content?.trim() ? raw.content : raw.summary;
  const bodyHtml = bodySource && looksLikeHtml(bodySource) ? bodySource : undefined;
  const full = bodySource ? htmlToText(bodySource) : '';
  const { text, truncated } = truncateText(full, ctx.maxTextLength);
  if (truncated) warnings.push(`text truncated to ${ctx.maxTextLength} characters`);
  const publishedAt = normaliseDate(raw.date, parseDate(raw.date), ctx.fetchedAt, warnings);
  const lang = identifyLanguage(`${title}\n${text}`);
  const language = lang.language === 'und' && ctx.fallbackLanguage ? ctx.fallbackLanguage : lang.language;
  const media: MediaRef[] = [];
  const seen = new Set<string>();
  for (const m of raw.media) {
    const abs = resolveUrl(m.url, base);
    if (!abs || seen.has(abs)) continue;
    seen.add(abs);
    const ref: MediaRef = { url: abs };
    if (m.type) ref.type = m.type;
    if (m.medium) ref.medium = m.medium;
    if (m.thumbnail) {
      const t = resolveUrl(m.thumbnail, base);
      if (t) ref.thumbnail = t;
    }
    media.push(ref);
  }
  const item: Omit<NormalisedItem, 'id'> = {
    guid: raw.guid?.trim() || null,
    url,
    canonicalUrl: canonicaliseUrl(url),
    title,
    text,
    publishedAt,
    author: raw.author ? htmlToLine(raw.author) || null : null,
    language,
    languageConfidence: lang.confidence,
    media,
    contentHash: sha256(title, text),
    simhash: simhash64(`${title}\n${text}`),
    warnings,
  };
  if (bodyHtml !== undefined) item.summaryHtml = bodyHtml;
  return item;
}

/**
 * Gives each item its id: the guid, else the URL, else `h:` + a hash of title, date and text. A key that occurs
 * more than once in the document (duplicate guids are common) is kept for its first item only when the items
 * really differ; later distinct items get `key#n` with n their occurrence number, so re-parsing the same document
 * yields the same ids and distinct items never merge. Exact duplicates keep the same id (the store dedups them).
 */
export function assignIds(items: Array<Omit<NormalisedItem, 'id'>>): NormalisedItem[] {
  const firstHash = new Map<string, string>();
  const occurrences = new Map<string, number>();
  return items.map((item) => {
    const key = item.guid ?? item.url ?? `h:${sha256(item.title, item.publishedAt?.toISOString() ?? '', item.text).slice(0, 32)}`;
    const n = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, n);
    const first = firstHash.get(key);
    if (first === undefined) {
      firstHash.set(key, item.contentHash);
      return { id: key, ...item };
    }
    if (first === item.contentHash) return { id: key, ...item, warnings: [...item.warnings, 'exact duplicate of an earlier item'] };
    return { id: `${key}#${n}`, ...item, warnings: [...item.warnings, `duplicate id "${key.slice(0, 80)}" in the document; disambiguated`] };
  });
}
