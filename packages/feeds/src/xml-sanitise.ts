import { decodeHTML } from 'entities';

/** The outcome of {@link sanitiseXml}. */
export interface SanitisedXml {
  /** Cleaned XML text, safe to hand to a strict XML parser: no DOCTYPE, no undefined entities, no bare `&`. */
  xml: string;
  /** Qualified name of the root element (e.g. `rss`, `feed`, `rdf:RDF`, `a:feed`), or null if there is none. */
  root: string | null;
  /** The document ends before its root element is closed (or inside a comment/CDATA/tag). */
  truncated: boolean;
  warnings: string[];
}

const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
// Characters XML 1.0 forbids anywhere (even in CDATA): C0 controls except TAB/LF/CR, U+FFFE/U+FFFF and lone
// surrogates. One of them makes a strict parser drop the whole feed.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITY_OR_AMP = /&(?:(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9._-]{0,31});)?/g;

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function escapeXmlChar(ch: string): string {
  switch (ch) {
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '&':
      return '&amp;';
    case '"':
      return '&quot;';
    case "'":
      return '&apos;';
    default:
      return ch;
  }
}

/**
 * Fixes entity references in markup text (outside CDATA and comments): XML's five predefined entities and
 * valid character references stay; HTML named entities (`&nbsp;`, `&eacute;`, which RSS is full of and which
 * only a DTD could define) become their characters; anything else, including entities a stripped DOCTYPE
 * declared, is shown literally as `&amp;name;` — never expanded.
 */
function fixEntities(segment: string, counters: { bareAmp: number; htmlEntity: number; unknownEntity: number }): string {
  if (!segment.includes('&')) return segment;
  return segment.replace(ENTITY_OR_AMP, (match, ref: string | undefined) => {
    if (ref === undefined) {
      counters.bareAmp += 1;
      return '&amp;';
    }
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return isXmlChar(cp) ? match : '';
    }
    if (XML_PREDEFINED.has(ref)) return match;
    const decoded = decodeHTML(match);
    if (decoded !== match) {
      counters.htmlEntity += 1;
      return Array.from(decoded, escapeXmlChar).join('');
    }
    counters.unknownEntity += 1;
    return `&amp;${ref};`;
  });
}

/**
 * Prepares feed text for a strict XML parser without ever expanding entities: removes the BOM, leading
 * whitespace, DOCTYPE declarations (internal subsets included, so billion-laughs and external entities cannot
 * fire), invalid characters, bare ampersands and undefined entities. Also finds the root element and whether
 * the document was cut short, which a lenient parser would otherwise report as a feed with 0 items.
 */
export function sanitiseXml(input: string): SanitisedXml {
  const warnings: string[] = [];
  let text = input.replace(/^\uFEFF/, '').trimStart();
  const invalidCount = (text.match(INVALID_XML_CHARS) ?? []).length;
  if (invalidCount > 0) {
    text = text.replace(INVALID_XML_CHARS, '');
    warnings.push(`removed ${invalidCount} characters that XML forbids`);
  }
  const counters = { bareAmp: 0, htmlEntity: 0, unknownEntity: 0 };
  const out: string[] = [];
  let root: string | null = null;
  let truncated = false;
  let i = 0;
  let segStart = 0;
  const flushText = (end: number): void => {
    if (end > segStart) out.push(fixEntities(text.slice(segStart, end), counters));
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      flushText(lt);
      if (end < 0) {
        truncated = true;
        segStart = i = text.length;
        break;
      }
      out.push(text.slice(lt, end + 3));
      segStart = i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      flushText(lt);
      if (end < 0) {
        truncated = true;
        segStart = i = text.length;
        break;
      }
      out.push(text.slice(lt, end + 3));
      segStart = i = end + 3;
    } else if (/^<!DOCTYPE/i.test(text.slice(lt, lt + 9))) {
      flushText(lt);
      const end = doctypeEnd(text, lt);
      if (end < 0) {
        truncated = true;
        segStart = i = text.length;
        break;
      }
      warnings.push('DOCTYPE removed (entities are never expanded)');
      segStart = i = end;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      flushText(lt);
      if (end < 0) {
        truncated = true;
        segStart = i = text.length;
        break;
      }
      out.push(text.slice(lt, end + 2));
      segStart = i = end + 2;
    } else {
      if (root === null) {
        const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(lt, lt + 200));
        if (m?.[1]) root = m[1];
      }
      i = lt + 1;
    }
  }
  flushText(text.length);
  const xml = out.join('');

  if (!truncated && root !== null) truncated = !endsWithRootClose(xml, root);
  if (counters.bareAmp) warnings.push(`escaped ${counters.bareAmp} bare "&"`);
  if (counters.htmlEntity) warnings.push(`decoded ${counters.htmlEntity} HTML named entities`);
  if (counters.unknownEntity) warnings.push(`left ${counters.unknownEntity} undefined entities unexpanded`);
  return { xml, root, truncated, warnings };
}

/** End index (exclusive) of a DOCTYPE starting at `start`, skipping its internal subset; -1 if unterminated. */
function doctypeEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let j = start + 9; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth += 1;
    else if (c === ']') depth -= 1;
    else if (c === '>' && depth <= 0) return j + 1;
  }
  return -1;
}

function endsWithRootClose(xml: string, root: string): boolean {
  let tail = xml.trimEnd();
  // Trailing comments and processing instructions after the root are legal.
  for (;;) {
    if (tail.endsWith('-->')) {
      const k = tail.lastIndexOf('<!--');
      if (k < 0) return false;
      tail = tail.slice(0, k).trimEnd();
    } else if (tail.endsWith('?>')) {
      const k = tail.lastIndexOf('<?');
      if (k < 0) return false;
      tail = tail.slice(0, k).trimEnd();
    } else break;
  }
  if (tail.endsWith('/>')) {
    // A self-closing root (`<rss/>`): complete, if empty.
    const open = tail.lastIndexOf('<');
    return tail.slice(open + 1).startsWith(root);
  }
  const m = /<\/\s*([A-Za-z_][\w.:-]*)\s*>$/.exec(tail.slice(-300));
  return m?.[1] === root;
}
