/** HTML-escapes text and attribute values (`&<>"'`): every user-supplied string goes through this. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A URL is only ever rendered as a link when it is http(s); anything else (javascript:, data:) becomes plain text. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  return /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
}

/**
 * Escapes Markdown inline syntax so a hostile title cannot inject links, images, HTML or table breaks, and
 * collapses newlines (a title must stay on its line).
 */
export function escapeMarkdown(value: unknown): string {
  return String(value ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1');
}

/** A language tag safe to put in a `lang` attribute (BCP 47-ish), else `und`. */
export function langTag(value: string | null | undefined): string {
  return value && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/.test(value) ? value : 'und';
}
