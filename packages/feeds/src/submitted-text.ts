import { parseFeedDate } from './dates.js';
import { htmlToLine, htmlToText } from './html-text.js';
import { identifyLanguage, LANGUAGES, type Language } from './language-id.js';
import { normaliseDate, sha256, truncateText } from './normalise-item.js';
import { simhash64 } from './simhash.js';
import type { NormalisedItem } from './types.js';
import { canonicaliseUrl, resolveUrl } from './url-canonical.js';

/** A text pasted by an analyst: a forwarded message, a radio-transcript segment, a social post. */
export interface SubmittedText {
  text: string;
  title?: string | null;
  url?: string | null;
  /** Language given by the analyst; identified from the text when absent or unknown. */
  language?: string | null;
  /** When it was published or heard; an ISO string or a Date. */
  publishedAt?: string | Date | null;
}

/** Options of {@link normaliseSubmittedText}. */
export interface SubmittedTextOptions {
  /** Text is truncated to this many characters. Default 20 000. */
  maxTextLength?: number;
  /** Reference time for clamping future dates. Default now. */
  now?: Date;
}

/**
 * Brings pasted text into the {@link NormalisedItem} shape so manual intake shares dedup and classification with
 * collected items. HTML is stripped, forwarding noise ("Forwarded", "Transféré") removed from the start, the
 * length capped, and the id derived from the content (`m:` + hash of the normalised text), so the same rumour
 * pasted twice gets the same id however it was spaced.
 */
export function normaliseSubmittedText(input: SubmittedText, options: SubmittedTextOptions = {}): NormalisedItem {
  const warnings: string[] = [];
  const maxTextLength = options.maxTextLength ?? 20_000;
  const now = options.now ?? new Date();
  const stripped = htmlToText(input.text ?? '').replace(/^(?:(?:forwarded(?: many times)?|transféré(?: plusieurs fois)?|réexpédié)\s*:?\s*\n?)+/i, '');
  const { text, truncated } = truncateText(stripped, maxTextLength);
  if (truncated) warnings.push(`text truncated to ${maxTextLength} characters`);
  const title = input.title ? htmlToLine(input.title) : text.split('\n')[0]?.slice(0, 120) ?? '';
  const url = resolveUrl(input.url ?? null);
  if (input.url && !url) warnings.push(`"${input.url.slice(0, 80)}" is not an absolute URL; ignored`);
  const rawDate = input.publishedAt instanceof Date ? input.publishedAt.toISOString() : (input.publishedAt ?? null);
  const publishedAt = normaliseDate(rawDate, rawDate ? parseFeedDate(rawDate) : null, now, warnings);
  const declared = input.language?.trim().toLowerCase().slice(0, 2);
  const guess = identifyLanguage(text);
  let language: Language = guess.language;
  let languageConfidence = guess.confidence;
  if (declared && (LANGUAGES as readonly string[]).includes(declared)) {
    language = declared as Language;
    languageConfidence = 1;
  } else if (declared) warnings.push(`unknown language "${input.language}"; identified as ${guess.language}`);
  const key = text.toLowerCase().replace(/\s+/g, ' ');
  return {
    id: `m:${sha256(key).slice(0, 32)}`,
    guid: null,
    url,
    canonicalUrl: canonicaliseUrl(url),
    title,
    text,
    publishedAt,
    author: null,
    language,
    languageConfidence,
    media: [],
    contentHash: sha256(title, text),
    simhash: simhash64(`${title}\n${text}`),
    warnings,
  };
}
