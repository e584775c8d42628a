import { Parser } from 'htmlparser2';

// Elements whose content is never reader-visible text. Event-handler attributes vanish with all attributes.
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'head', 'select', 'button']);
const BLOCK = new Set([
  'p', 'div', 'br', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre',
  'section', 'article', 'header', 'footer', 'aside', 'figure', 'figcaption', 'hr', 'dd', 'dt', 'dl', 'nav', 'main', 'address',
]);

/**
 * Reduces an HTML fragment to plain text with htmlparser2: scripts, styles and other non-text elements dropped,
 * entities decoded, block boundaries kept as line breaks, runs of spaces collapsed. Also accepts plain text
 * (it comes out with entities decoded and whitespace collapsed).
 */
export function htmlToText(html: string): string {
  if (!html) return '';
  if (!/[<&]/.test(html)) return collapse(html);
  const parts: string[] = [];
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIP.has(name)) skipDepth += 1;
        else if (BLOCK.has(name)) parts.push('\n');
      },
      onclosetag(name, isImplied) {
        if (SKIP.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        else if (BLOCK.has(name) && !isImplied) parts.push('\n');
      },
      ontext(data) {
        if (skipDepth === 0) parts.push(data);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return collapse(parts.join(''));
}

/** Collapses whitespace inside lines and blank-line runs, trims, and drops zero-width/soft-hyphen clutter. */
function collapse(text: string): string {
  return text
    .replace(/[\u00AD\u200B\u200C\u200D\u2060\uFEFF]/g, '')
    .replace(/[ \t\f\v\u00A0\u2000-\u200A\u202F\u205F\u3000]+/g, ' ')
    .replace(/ *\r?\n[ \r\n]*/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** Single-line version of {@link htmlToText}, for titles and authors. */
export function htmlToLine(html: string): string {
  return htmlToText(html).replace(/\s*\n\s*/g, ' ').trim();
}
