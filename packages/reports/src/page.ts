import { escapeHtml, langTag } from './escape.js';

/** Print-friendly page styles, inline: the page must render with no network (e-mail, PDF via the browser). */
const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Naskh Arabic",sans-serif;color:#111827;max-width:900px;margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:22px 0 6px;border-bottom:1px solid #d1d5db;padding-bottom:2px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #d1d5db;padding:4px 6px;text-align:start;vertical-align:top;font-size:.92em}
th{background:#f3f4f6}.meta{color:#4b5563;font-size:.9em}.badge{display:inline-block;padding:1px 6px;border-radius:3px;background:#111827;color:#fff;font-weight:600}
.S1{background:#b91c1c}.S2{background:#c2410c}.S3{background:#a16207}.S4{background:#4b5563}.warn{color:#92400e}
blockquote{margin:4px 0;padding:4px 10px;border-inline-start:3px solid #1d4ed8;background:#f8fafc}
svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:inherit;text-decoration:none}a[href]::after{content:" (" attr(href) ")";font-size:8pt;color:#4b5563;word-break:break-all}h2{break-after:avoid}table,svg,blockquote{break-inside:avoid}.noprint{display:none}}
`;

export function htmlPage(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${langTag(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** User text (titles, draft texts) in its own language and direction: Arabic renders right-to-left. */
export function userText(text: string, lang?: string | null): string {
  return `<span lang="${langTag(lang)}" dir="auto">${escapeHtml(text)}</span>`;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  // Cells are already-escaped HTML; headers are escaped here.
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function mdTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
