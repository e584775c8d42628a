import type { Language } from './language-id.js';

/** A media reference kept from enclosures, media:content, media:group and media:thumbnail. */
export interface MediaRef {
  url: string;
  /** MIME type when the feed gives one. */
  type?: string;
  /** Media RSS `medium` (image, video, audio…) when given. */
  medium?: string;
  /** Thumbnail URL attached to this media, when given. */
  thumbnail?: string;
}

/**
 * One collected item in the form every later stage uses, whether it came from a feed, a web page or a pasted
 * message.
 */
export interface NormalisedItem {
  /** Stable id within its source: the guid, else the link, else a hash of title+date+text (see parse-feed). */
  id: string;
  /** The feed's own guid / Atom id, or null. */
  guid: string | null;
  /** Absolute link to the item (resolved against xml:base or the feed URL), or null. */
  url: string | null;
  /** {@link url} without tracking parameters and fragment; the cross-source dedup key. */
  canonicalUrl: string | null;
  title: string;
  /** Plain text of the body (HTML removed), or of the summary when there is no body. */
  text: string;
  /** The body or summary HTML as published, when it was HTML. Never rendered unsanitised. */
  summaryHtml?: string;
  /** UTC; null when absent or unreadable. */
  publishedAt: Date | null;
  author: string | null;
  language: Language;
  languageConfidence: number;
  media: MediaRef[];
  /** SHA-256 (hex) of normalised title + text: detects edits under the same id. */
  contentHash: string;
  /** {@link simhash64} of title + text: detects near-duplicates across items. */
  simhash: string;
  warnings: string[];
}

/** Feed formats as reported by {@link parseFeed}; RSS 0.9x and 2.0 are both `rss`, RSS 1.0/0.90 is `rdf`. */
export type FeedFormat = 'rss' | 'atom' | 'rdf';

/** A parsed, normalised feed. */
export interface ParsedFeed {
  format: FeedFormat;
  title: string;
  /** Site link (absolute) or null. */
  link: string | null;
  items: NormalisedItem[];
  /** Document-level warnings (pre-cleaning done, fallback parser used, charset doubts…). */
  warnings: string[];
}
