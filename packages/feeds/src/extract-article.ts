import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { parseFeedDate } from './dates.js';
import { htmlToLine, htmlToText } from './html-text.js';
import { identifyLanguage, type Language } from './language-id.js';

/** The main content of a web article page. */
export interface ExtractedArticle {
  title: string;
  /** Plain text of the main content (navigation, ads, scripts removed). */
  text: string;
  byline: string | null;
  /** UTC; from article metadata (JSON-LD, `article:published_time`, `<time>`), null when absent. */
  publishedAt: Date | null;
  language: Language;
  siteName: string | null;
  /** The page's canonical URL when it declares one, else the URL given. */
  canonicalUrl: string;
}

function meta(document: ReturnType<typeof parseHTML>['document'], selectors: string[]): string | null {
  for (const sel of selectors) {
    const el = document.querySelector(sel);
    const v = el?.getAttribute('content') ?? el?.getAttribute('datetime') ?? el?.getAttribute('href');
    if (v && v.trim()) return v.trim();
  }
  return null;
}

/**
 * Extracts the article from an HTML page, Firefox-Reader-View style (@mozilla/readability over linkedom: no
 * browser, no install scripts). Falls back to the whole body text when Readability finds no article.
 *
 * @param url the page URL, used to resolve the canonical link.
 */
export function extractArticle(html: string, url: string): ExtractedArticle {
  const { document } = parseHTML(html);
  // Read metadata before Readability, which mutates the document.
  const publishedRaw = meta(document, [
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[name="date"]',
    'meta[name="dc.date"]',
    'meta[name="DC.date.issued"]',
    'time[datetime]',
  ]);
  const canonicalRaw = meta(document, ['link[rel="canonical"]', 'meta[property="og:url"]']);
  const htmlLang = document.documentElement?.getAttribute('lang') ?? null;
  const fallbackText = htmlToText(document.body?.innerHTML ?? html);
  const fallbackTitle = document.querySelector('title')?.textContent ?? '';

  let article: ReturnType<Readability['parse']> = null;
  try {
    article = new Readability(document, { charThreshold: 200 }).parse();
  } catch {
    article = null;
  }
  const text = article?.content ? htmlToText(article.content) : fallbackText;
  const title = htmlToLine(article?.title ?? fallbackTitle);
  const publishedAt = parseFeedDate(article?.publishedTime ?? publishedRaw);
  const lang = identifyLanguage(`${title}\n${text}`);
  let canonicalUrl = url;
  if (canonicalRaw) {
    try {
      canonicalUrl = new URL(canonicalRaw, url).href;
    } catch {
      // Keep the given URL when the page's canonical link is unusable.
    }
  }
  let language = lang.language;
  if (language === 'und' && htmlLang) {
    const l = htmlLang.slice(0, 2).toLowerCase();
    if (l === 'en' || l === 'fr' || l === 'ar' || l === 'sw' || l === 'ln' || l === 'sg' || l === 'bm') language = l;
  }
  return {
    title,
    text,
    byline: article?.byline ? htmlToLine(article.byline) : null,
    publishedAt,
    language,
    siteName: article?.siteName ?? meta(document, ['meta[property="og:site_name"]']),
    canonicalUrl,
  };
}
