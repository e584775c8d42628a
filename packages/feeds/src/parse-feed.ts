import { parseFeed as feedsmithParse } from 'feedsmith';
import RssParser from 'rss-parser';
import { parseFeedDate } from './dates.js';
import { FeedError } from './errors.js';
import { htmlToLine } from './html-text.js';
import type { Language } from './language-id.js';
import { assignIds, normaliseRawItem, type RawItem } from './normalise-item.js';
import type { FeedFormat, MediaRef, ParsedFeed } from './types.js';
import { resolveUrl } from './url-canonical.js';
import { sanitiseXml } from './xml-sanitise.js';

/** Options of {@link parseFeed}. */
export interface ParseFeedOptions {
  /** URL the document was fetched from: the base for relative links when there is no xml:base. */
  feedUrl?: string | null;
  /** Fetch time; dates more than a day later are clamped to it. Default now. */
  fetchedAt?: Date;
  /** Documents longer than this many characters fail with `too_large`. Default 10 000 000. */
  maxChars?: number;
  /** Item text is truncated to this many characters. Default 100 000. */
  maxTextLength?: number;
  /** Language assumed when identification returns `und` (the source's declared language). */
  fallbackLanguage?: Language;
}

type LooseRecord = Record<string, unknown>;

const ITEM_FIELDS: Array<[string, string, { keepArray: boolean }]> = [
  ['$', 'x_attrs', { keepArray: true }],
  ['link', 'x_links', { keepArray: true }],
  ['guid', 'x_guid', { keepArray: true }],
  ['id', 'x_id', { keepArray: true }],
  ['title', 'x_title', { keepArray: true }],
  ['description', 'x_description', { keepArray: true }],
  ['content:encoded', 'x_encoded', { keepArray: true }],
  ['enclosure', 'x_enclosure', { keepArray: true }],
  ['enc:enclosure', 'x_encEnclosure', { keepArray: true }],
  ['media:content', 'x_mediaContent', { keepArray: true }],
  ['media:thumbnail', 'x_mediaThumbnail', { keepArray: true }],
  ['media:group', 'x_mediaGroup', { keepArray: true }],
  ['published', 'x_published', { keepArray: true }],
  ['updated', 'x_updated', { keepArray: true }],
  ['issued', 'x_issued', { keepArray: true }],
  ['modified', 'x_modified', { keepArray: true }],
  ['pubDate', 'x_pubDate', { keepArray: true }],
  ['dc:date', 'x_dcDate', { keepArray: true }],
  ['author', 'x_author', { keepArray: true }],
  ['dc:creator', 'x_dcCreator', { keepArray: true }],
];
const FEED_FIELDS: Array<[string, string, { keepArray: boolean }]> = [
  ['$', 'x_attrs', { keepArray: true }],
  ['link', 'x_links', { keepArray: true }],
];

// One parser instance: rss-parser builds its xml2js parser in the constructor and reuses it (xml2js resets
// between documents), which saves a measurable share of per-document time.
const rssParser = new RssParser<LooseRecord, LooseRecord>({
  defaultRSS: 2,
  customFields: { item: ITEM_FIELDS as unknown as string[], feed: FEED_FIELDS as unknown as string[] },
});

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is LooseRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of an xml2js node (string, `{_: text}`), or null. */
function nodeText(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (isObject(node)) {
    if (typeof node._ === 'string') return node._;
    if (typeof node.value === 'string') return node.value; // feedsmith's {value}
    if (typeof node.name === 'string') return node.name; // Atom <author><name>
    const name = asArray(node.name)[0];
    if (typeof name === 'string') return name;
  }
  return null;
}

function attrs(node: unknown): Record<string, string> {
  if (isObject(node) && isObject(node.$)) return node.$ as Record<string, string>;
  return {};
}

function firstText(value: unknown): string | null {
  for (const node of asArray(value)) {
    const t = nodeText(node);
    if (t !== null && t.trim()) return t;
  }
  return null;
}

/** Atom/RSS link nodes → the alternate (or first usable) href / text. */
function pickLink(value: unknown): string | null {
  let fallback: string | null = null;
  for (const node of asArray(value)) {
    const a = attrs(node);
    const href = a.href ?? (isObject(node) && typeof node.href === 'string' ? node.href : null);
    const rel = a.rel ?? (isObject(node) && typeof node.rel === 'string' ? node.rel : undefined);
    if (href) {
      if (!rel || rel === 'alternate') return href;
      if (!fallback && rel !== 'self' && rel !== 'enclosure' && rel !== 'replies' && rel !== 'edit') fallback = href;
      continue;
    }
    // RSS <link>text</link>; an Atom <link> with text but no href is recovered the same way.
    const t = nodeText(node);
    if (t && t.trim()) return t.trim();
  }
  return fallback;
}

function mediaFromNodes(item: LooseRecord): MediaRef[] {
  const out: MediaRef[] = [];
  const addContent = (node: unknown, groupThumb?: string): void => {
    const a = attrs(node);
    const url = a.url;
    if (!url) return;
    const ref: MediaRef = { url };
    if (a.type) ref.type = a.type;
    if (a.medium) ref.medium = a.medium;
    const thumb = isObject(node) ? attrs(asArray(node['media:thumbnail'])[0]).url : undefined;
    if (thumb ?? groupThumb) ref.thumbnail = (thumb ?? groupThumb) as string;
    out.push(ref);
  };
  for (const n of asArray(item.x_enclosure)) {
    const a = attrs(n);
    if (a.url) out.push(a.type ? { url: a.url, type: a.type } : { url: a.url });
  }
  for (const n of asArray(item.x_encEnclosure)) {
    const a = attrs(n);
    const url = a['rdf:resource'] ?? a.url;
    if (url) out.push(a['enc:type'] ? { url, type: a['enc:type'] } : { url });
  }
  for (const n of asArray(item.x_links)) {
    const a = attrs(n);
    if (a.rel === 'enclosure' && a.href) out.push(a.type ? { url: a.href, type: a.type } : { url: a.href });
  }
  for (const n of asArray(item.x_mediaContent)) addContent(n);
  for (const g of asArray(item.x_mediaGroup)) {
    if (!isObject(g)) continue;
    const groupThumb = attrs(asArray(g['media:thumbnail'])[0]).url;
    const contents = asArray(g['media:content']);
    for (const c of contents) addContent(c, groupThumb);
    if (contents.length === 0 && groupThumb) out.push({ url: groupThumb, medium: 'image' });
  }
  for (const n of asArray(item.x_mediaThumbnail)) {
    const url = attrs(n).url;
    if (url && !out.some((m) => m.thumbnail === url)) out.push({ url, medium: 'image' });
  }
  return out;
}

function contentText(value: unknown): string | null {
  for (const node of asArray(value)) {
    const t = nodeText(node);
    if (t !== null) return t;
    if (isObject(node)) {
      // xhtml content: rss-parser's getContent re-serialises it; do the same through the builder it uses.
      return null;
    }
  }
  return null;
}

function rawFromRssParser(item: LooseRecord, format: FeedFormat): RawItem {
  const a = isObject(item.x_attrs) ? (item.x_attrs as Record<string, string>) : {};
  const guid = format === 'atom' ? firstText(item.x_id) : (firstText(item.x_guid) ?? a['rdf:about'] ?? null);
  const date =
    format === 'atom'
      ? (firstText(item.x_published) ?? firstText(item.x_issued) ?? firstText(item.x_updated) ?? firstText(item.x_modified))
      : (firstText(item.x_pubDate) ?? firstText(item.x_dcDate));
  // rss-parser's `content` is the description (RSS) or the serialised Atom content (xhtml included).
  const body = format === 'atom' ? (typeof item.content === 'string' ? item.content : contentText(item.x_description)) : (firstText(item.x_encoded) ?? null);
  const summary = format === 'atom' ? (typeof item.summary === 'string' ? item.summary : null) : (contentText(item.x_description) ?? (typeof item.content === 'string' ? item.content : null));
  const author = firstText(item.x_dcCreator) ?? authorName(item.x_author);
  return {
    guid,
    link: pickLink(item.x_links),
    title: typeof item.title === 'string' ? item.title : firstText(item.x_title),
    content: body,
    summary,
    date,
    author,
    base: a['xml:base'] ?? null,
    media: mediaFromNodes(item),
  };
}

function authorName(value: unknown): string | null {
  for (const node of asArray(value)) {
    if (isObject(node) && node.name !== undefined) {
      const n = firstText(node.name);
      if (n) return n;
    }
    const t = nodeText(node);
    if (t && t.trim()) return t;
  }
  return null;
}

/** Maps feedsmith's output (used only when rss-parser rejects the document) to {@link RawItem}s. */
function rawFromFeedsmith(item: LooseRecord, format: FeedFormat): RawItem {
  const dc = isObject(item.dc) ? item.dc : {};
  const content = isObject(item.content) ? item.content : undefined;
  const media: MediaRef[] = [];
  const pushMedia = (m: unknown, thumb?: string): void => {
    if (!isObject(m) || typeof m.url !== 'string') return;
    const ref: MediaRef = { url: m.url };
    if (typeof m.type === 'string') ref.type = m.type;
    if (typeof m.medium === 'string') ref.medium = m.medium;
    if (thumb) ref.thumbnail = thumb;
    media.push(ref);
  };
  for (const e of asArray(item.enclosures)) pushMedia(e);
  for (const l of asArray(item.links)) {
    if (isObject(l) && l.rel === 'enclosure' && typeof l.href === 'string') pushMedia({ url: l.href, type: l.type });
  }
  if (isObject(item.media)) {
    for (const c of asArray(item.media.contents)) pushMedia(c);
    for (const g of asArray(item.media.groups)) {
      if (!isObject(g)) continue;
      const thumb = asArray(g.thumbnails).find(isObject)?.url;
      for (const c of asArray(g.contents)) pushMedia(c, typeof thumb === 'string' ? thumb : undefined);
    }
    for (const t of asArray(item.media.thumbnails)) if (isObject(t) && typeof t.url === 'string') media.push({ url: t.url, medium: 'image' });
  }
  const xmlAttrs = isObject(item.xml) ? item.xml : {};
  if (format === 'atom') {
    return {
      guid: nodeText(item.id),
      link: pickLink(item.links),
      title: nodeText(item.title),
      content: nodeText(item.content),
      summary: nodeText(item.summary),
      date: nodeText(item.published) ?? nodeText(item.updated),
      author: nodeText(asArray(item.authors)[0]),
      base: typeof xmlAttrs.base === 'string' ? xmlAttrs.base : null,
      media,
    };
  }
  const rdf = isObject(item.rdf) ? item.rdf : {};
  return {
    guid: nodeText(item.guid) ?? (typeof rdf.about === 'string' ? rdf.about : null),
    link: typeof item.link === 'string' ? item.link : null,
    title: nodeText(item.title),
    content: content && typeof content.encoded === 'string' ? content.encoded : null,
    summary: nodeText(item.description),
    date: nodeText(item.pubDate) ?? nodeText(asArray(dc.dates)[0]) ?? nodeText(dc.date),
    author: nodeText(asArray(dc.creators)[0]) ?? nodeText(asArray(item.authors)[0]),
    base: null,
    media,
  };
}

function formatOfRoot(root: string): FeedFormat | null {
  const local = root.includes(':') ? root.slice(root.indexOf(':') + 1) : root;
  if (local === 'rss') return 'rss';
  if (local === 'feed') return 'atom';
  if (local === 'RDF') return 'rdf';
  return null;
}

const TRUNCATION_ERRORS = /unclosed root tag|unexpected end|unclosed cdata|unclosed comment|text data outside of root node/i;

/**
 * Parses RSS 0.9x/1.0/2.0, RDF and Atom text into a normalised feed. rss-parser (`parseString`) is the parser,
 * fed text cleaned by `sanitiseXml` (no DOCTYPE, so no entity expansion; no bare `&`; no invalid characters).
 * Where rss-parser still rejects a complete document (a bad date or link in one entry, a prefixed root), feedsmith
 * recovers the items and a warning says so. Truncated, empty, HTML and non-feed documents throw a
 * {@link FeedError} (`parse_error`, `empty`, `not_a_feed`, `too_large`) instead of yielding 0 items.
 */
export async function parseFeed(text: string, options: ParseFeedOptions = {}): Promise<ParsedFeed> {
  const maxChars = options.maxChars ?? 10_000_000;
  if (text.length > maxChars) throw new FeedError('too_large', `document has ${text.length} characters, more than the ${maxChars} allowed; is this really a feed?`);
  if (!text.trim()) throw new FeedError('empty', 'the document is empty; the server sent no content');
  // A NUL among the first bytes means binary data (an image, a zip…), not text of any XML encoding we decoded.
  if (text.slice(0, 1024).includes('\u0000')) throw new FeedError('not_a_feed', 'the document is binary data, not a feed; check the URL');

  const clean = sanitiseXml(text);
  const warnings = [...clean.warnings];
  if (clean.root === null) {
    if (/^\s*(?:<[!?][^>]*>\s*)*$/.test(text) || !/<[A-Za-z]/.test(text)) {
      if (!/<[A-Za-z]/.test(text) && /\S/.test(text.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, ''))) {
        throw new FeedError('not_a_feed', 'the document is not XML (no element found); check that the URL points to an RSS or Atom feed');
      }
      throw new FeedError('empty', 'the document has no root element (empty feed); the publisher sent an empty file');
    }
    throw new FeedError('not_a_feed', 'no XML root element found; check that the URL points to an RSS or Atom feed');
  }
  const format = formatOfRoot(clean.root);
  if (format === null) {
    if (/^html$/i.test(clean.root)) throw new FeedError('not_a_feed', 'this is an HTML page, not a feed; look for the <link rel="alternate" type="application/rss+xml"> URL on that page');
    throw new FeedError('not_a_feed', `root element <${clean.root}> is not RSS, RDF or Atom; check the URL`);
  }
  if (clean.truncated) throw new FeedError('parse_error', `the document is truncated (the <${clean.root}> root is never closed); the download was cut short or the publisher's feed is broken`);

  let feedTitle = '';
  let feedLink: string | null = null;
  let feedBase: string | null = null;
  let rawItems: RawItem[];
  try {
    const parsed = await rssParser.parseString(clean.xml);
    const fa = isObject(parsed.x_attrs) ? (parsed.x_attrs as Record<string, string>) : {};
    feedBase = fa['xml:base'] ?? null;
    feedTitle = typeof parsed.title === 'string' ? parsed.title : '';
    feedLink = typeof parsed.link === 'string' ? parsed.link : pickLink(parsed.x_links);
    rawItems = asArray(parsed.items).filter(isObject).map((it) => rawFromRssParser(it, format));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (format === 'rss' && !/<(?:\w+:)?channel[\s>]/.test(clean.xml)) {
      throw new FeedError('empty', 'the <rss> element has no <channel>: the feed is empty; check it in a browser', { cause: err });
    }
    if (TRUNCATION_ERRORS.test(message)) throw new FeedError('parse_error', `the document is truncated or malformed (${firstLine(message)}); the download was cut short or the feed is broken`, { cause: err });
    let fallback: ReturnType<typeof feedsmithParse>;
    try {
      fallback = feedsmithParse(clean.xml);
    } catch (err2) {
      throw new FeedError('parse_error', `not well-formed XML (${firstLine(message)}); the publisher's feed is broken`, { cause: err2 });
    }
    warnings.push(`rss-parser rejected the document (${firstLine(message)}); items recovered with feedsmith`);
    const feed = fallback.feed as unknown as LooseRecord;
    const fbFormat: FeedFormat = fallback.format === 'atom' ? 'atom' : fallback.format === 'rdf' ? 'rdf' : 'rss';
    feedTitle = nodeText(feed.title) ?? '';
    feedLink = typeof feed.link === 'string' ? feed.link : pickLink(feed.links);
    rawItems = asArray(feed.items ?? feed.entries).filter(isObject).map((it) => rawFromFeedsmith(it, fbFormat));
  }

  const base = resolveUrl(feedBase, options.feedUrl ?? null) ?? options.feedUrl ?? null;
  const fetchedAt = options.fetchedAt ?? new Date();
  const ctx = { base, fetchedAt, maxTextLength: options.maxTextLength ?? 100_000, fallbackLanguage: options.fallbackLanguage };
  const items = assignIds(rawItems.map((raw) => normaliseRawItem(raw, ctx, parseFeedDate)));
  return { format, title: htmlToLine(feedTitle), link: resolveUrl(feedLink, base), items, warnings };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.slice(0, 160) ?? message;
}
