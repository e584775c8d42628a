import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';

/** The decoded text of a feed and how it was decoded. */
export interface DecodedText {
  /** The text, without BOM. */
  text: string;
  /** The encoding used (iconv-lite name, lower-case), e.g. `utf-8`, `windows-1252`, `koi8-r`. */
  encoding: string;
  /** Why the result may be imperfect (lying declarations, guessed charsets, undecodable bytes). */
  warnings: string[];
}

const BOMS: Array<{ bytes: number[]; encoding: string }> = [
  // UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le' },
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
];

/** XML 1.0 Appendix F: without a BOM, the first `<?` (or `<`) tells the code-unit width and byte order. */
const WIDE_SIGNATURES: Array<{ bytes: number[]; encoding: string }> = [
  { bytes: [0x00, 0x00, 0x00, 0x3c], encoding: 'utf-32be' },
  { bytes: [0x3c, 0x00, 0x00, 0x00], encoding: 'utf-32le' },
  { bytes: [0x00, 0x3c, 0x00, 0x3f], encoding: 'utf-16be' },
  { bytes: [0x3c, 0x00, 0x3f, 0x00], encoding: 'utf-16le' },
  { bytes: [0x00, 0x3c], encoding: 'utf-16be' },
  { bytes: [0x3c, 0x00], encoding: 'utf-16le' },
];

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return bytes.length <= buf.length && bytes.every((b, i) => buf[i] === b);
}

/**
 * Maps a declared charset label to the iconv-lite encoding to use, or null if unknown. Follows the WHATWG
 * Encoding Standard where it matters: latin1 and ASCII labels decode as windows-1252, a superset whose
 * 0x80–0x9F smart quotes real "ISO-8859-1" feeds are full of.
 */
export function normaliseCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  const aliases: Record<string, string> = {
    'us-ascii': 'windows-1252',
    ascii: 'windows-1252',
    'iso-8859-1': 'windows-1252',
    'iso8859-1': 'windows-1252',
    latin1: 'windows-1252',
    'latin-1': 'windows-1252',
    'iso-8859-9': 'windows-1254',
    'x-sjis': 'shift_jis',
    gb2312: 'gbk',
    'x-mac-roman': 'macintosh',
    utf8: 'utf-8',
    'utf-16': 'utf-16',
    'utf-32': 'utf-32',
  };
  const name = aliases[l] ?? l;
  return iconv.encodingExists(name) ? name : null;
}

/** True when `buf` is well-formed UTF-8 (validated natively, without building a string). */
export function isValidUtf8(buf: Buffer): boolean {
  return isUtf8(buf);
}

function isAscii(buf: Buffer): boolean {
  for (const b of buf) if (b >= 0x80) return false;
  return true;
}

const SINGLE_BYTE = /^(windows-125\d|iso-8859-\d+|koi8-[ru]|macintosh|cp\d+)$/;

/** Reads `encoding="…"` from an XML declaration written in an ASCII-compatible encoding. */
function prologEncoding(buf: Buffer): string | null {
  const head = buf.toString('latin1', 0, Math.min(buf.length, 512)).trimStart();
  const m = /^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  return m?.[1] ?? null;
}

/**
 * Decodes UTF-8 that contains a few invalid bytes (feeds glued together from differently-encoded parts):
 * valid sequences stay UTF-8, each invalid byte is read as windows-1252. Never yields U+FFFD.
 */
function decodeMixedUtf8(buf: Buffer): string {
  let out = '';
  let i = 0;
  let runStart = 0;
  const flush = (end: number): void => {
    if (end > runStart) out += buf.toString('utf8', runStart, end);
  };
  while (i < buf.length) {
    const b = buf[i] as number;
    let len = 0;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) len = 3;
    else if (b >= 0xf0 && b <= 0xf4) len = 4;
    let valid = len > 0 && i + len <= buf.length;
    for (let k = 1; valid && k < len; k++) valid = ((buf[i + k] as number) & 0xc0) === 0x80;
    if (valid && len > 1 && !isValidUtf8(buf.subarray(i, i + len))) valid = false; // overlongs, surrogates
    if (valid) {
      i += len;
      continue;
    }
    flush(i);
    out += iconv.decode(buf.subarray(i, i + 1), 'windows-1252');
    i += 1;
    runStart = i;
  }
  flush(i);
  return out;
}

function hasMultibyteUtf8(buf: Buffer): boolean {
  for (let i = 0; i + 1 < buf.length; i++) {
    const b = buf[i] as number;
    if (b >= 0xc2 && b <= 0xf4 && ((buf[i + 1] as number) & 0xc0) === 0x80) return true;
  }
  return false;
}

function guessLegacy(buf: Buffer): string {
  // chardet's statistical guess; its confidence on short texts is low, so we only accept a few sane answers.
  const guess = normaliseCharset(chardet.detect(buf));
  if (guess && guess !== 'utf-8' && !guess.startsWith('utf-')) return guess;
  return 'windows-1252';
}

function decodeWith(buf: Buffer, encoding: string, skip: number): string {
  if (encoding === 'utf-8') return buf.toString('utf8', skip).replace(/^\uFEFF/, '');
  let text = iconv.decode(buf.subarray(skip), encoding, { stripBOM: true });
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

/**
 * Decodes feed bytes to text: BOM first, then the HTTP charset, then the XML prolog, then a guess. Bytes that
 * are valid UTF-8 (with at least one multi-byte sequence) stay UTF-8 even when a single-byte charset is
 * declared: publishers routinely mislabel UTF-8 as ISO-8859-1, while legacy text that happens to be valid
 * UTF-8 is vanishingly rare.
 *
 * @param httpCharset the `charset` parameter of the HTTP Content-Type, if any.
 */
export function decodeFeedBytes(buf: Buffer, httpCharset?: string | null): DecodedText {
  const warnings: string[] = [];

  for (const bom of BOMS) {
    if (startsWith(buf, bom.bytes)) {
      return { text: decodeWith(buf, bom.encoding, bom.bytes.length), encoding: bom.encoding, warnings };
    }
  }
  for (const sig of WIDE_SIGNATURES) {
    if (startsWith(buf, sig.bytes)) {
      return { text: decodeWith(buf, sig.encoding, 0), encoding: sig.encoding, warnings };
    }
  }

  const validUtf8 = isValidUtf8(buf);
  const ascii = validUtf8 && isAscii(buf);
  const declared: Array<{ source: string; label: string }> = [];
  if (httpCharset) declared.push({ source: 'HTTP charset', label: httpCharset });
  const prolog = prologEncoding(buf);
  if (prolog) declared.push({ source: 'XML prolog', label: prolog });

  for (const { source, label } of declared) {
    const encoding = normaliseCharset(label);
    if (!encoding) {
      warnings.push(`unknown charset "${label}" in ${source}; ignored`);
      continue;
    }
    if (ascii) return { text: buf.toString('latin1'), encoding, warnings };
    if (encoding === 'utf-16' || encoding === 'utf-32' || encoding.startsWith('utf-16') || encoding.startsWith('utf-32')) {
      // A wide encoding without BOM or wide signature contradicts the bytes we see; do not trust it.
      warnings.push(`${source} says ${label} but the bytes are not ${label}; ignored`);
      continue;
    }
    if (encoding === 'utf-8') {
      if (validUtf8) return { text: decodeWith(buf, 'utf-8', 0), encoding, warnings };
      if (hasMultibyteUtf8(buf)) {
        warnings.push(`${source} says UTF-8 but some bytes are not; those bytes were read as windows-1252`);
        return { text: decodeMixedUtf8(buf), encoding: 'utf-8', warnings };
      }
      const guess = guessLegacy(buf);
      warnings.push(`${source} says UTF-8 but the bytes are not UTF-8; decoded as ${guess} (guessed)`);
      return { text: decodeWith(buf, guess, 0), encoding: guess, warnings };
    }
    if (SINGLE_BYTE.test(encoding) && validUtf8) {
      warnings.push(`${source} says ${label} but the bytes are valid UTF-8; decoded as UTF-8`);
      return { text: decodeWith(buf, 'utf-8', 0), encoding: 'utf-8', warnings };
    }
    return { text: decodeWith(buf, encoding, 0), encoding, warnings };
  }

  if (validUtf8) return { text: decodeWith(buf, 'utf-8', 0), encoding: 'utf-8', warnings };
  if (hasMultibyteUtf8(buf) && mostlyUtf8(buf)) {
    warnings.push('undeclared charset, mostly UTF-8 with stray bytes; stray bytes read as windows-1252');
    return { text: decodeMixedUtf8(buf), encoding: 'utf-8', warnings };
  }
  const guess = guessLegacy(buf);
  warnings.push(`no charset declared and the bytes are not UTF-8; decoded as ${guess} (guessed)`);
  return { text: decodeWith(buf, guess, 0), encoding: guess, warnings };
}

/** More valid multi-byte sequences than stray high bytes. */
function mostlyUtf8(buf: Buffer): boolean {
  let good = 0;
  let bad = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b < 0x80) continue;
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    if (len > 0 && i + len <= buf.length && isValidUtf8(buf.subarray(i, i + len))) {
      good += 1;
      i += len - 1;
    } else bad += 1;
  }
  return good > bad;
}
