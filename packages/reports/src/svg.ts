import { escapeHtml } from './escape.js';

/**
 * Small hand-rolled SVG charts: inline, no scripts, no fonts or images to fetch, fixed sizes so they print
 * and survive e-mail clients that keep inline SVG. Every label is escaped.
 */

export interface BarPoint {
  readonly label: string;
  readonly value: number;
}

const AXIS = '#6b7280';
const BAR = '#1d4ed8';

/** Vertical bars over time (hourly or daily volume), with the max value and first/last labels. */
export function columnChart(points: readonly BarPoint[], options: { width?: number; height?: number; title: string; color?: string } = { title: '' }): string {
  const width = options.width ?? 560;
  const height = options.height ?? 120;
  const pad = { top: 14, bottom: 18, left: 28, right: 4 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...points.map((p) => p.value));
  const n = Math.max(1, points.length);
  const step = innerW / n;
  const barW = Math.max(1, step * 0.8);
  const bars = points
    .map((p, i) => {
      const h = (p.value / max) * innerH;
      const x = pad.left + i * step + (step - barW) / 2;
      const y = pad.top + innerH - h;
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${options.color ?? BAR}"><title>${escapeHtml(p.label)}: ${p.value}</title></rect>`;
    })
    .join('');
  const first = points[0]?.label ?? '';
  const last = points.at(-1)?.label ?? '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">` +
    `<title>${escapeHtml(options.title)}</title>` +
    `<line x1="${pad.left}" y1="${pad.top + innerH}" x2="${width - pad.right}" y2="${pad.top + innerH}" stroke="${AXIS}" stroke-width="1"/>` +
    `<text x="${pad.left - 4}" y="${pad.top + 4}" text-anchor="end" fill="${AXIS}">${max}</text>` +
    `<text x="${pad.left - 4}" y="${pad.top + innerH}" text-anchor="end" fill="${AXIS}">0</text>` +
    bars +
    `<text x="${pad.left}" y="${height - 4}" fill="${AXIS}">${escapeHtml(first)}</text>` +
    `<text x="${width - pad.right}" y="${height - 4}" text-anchor="end" fill="${AXIS}">${escapeHtml(last)}</text>` +
    `</svg>`
  );
}

/** Horizontal bars with labels and values (share by language, top sources). */
export function barChart(points: readonly BarPoint[], options: { width?: number; title: string; unit?: string }): string {
  const width = options.width ?? 560;
  const rowH = 18;
  const labelW = 160;
  const valueW = 60;
  const height = Math.max(1, points.length) * rowH + 4;
  const max = Math.max(1, ...points.map((p) => p.value));
  const rows = points
    .map((p, i) => {
      const y = i * rowH + 2;
      const w = ((width - labelW - valueW) * p.value) / max;
      const label = p.label.length > 28 ? `${p.label.slice(0, 27)}…` : p.label;
      return (
        `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${escapeHtml(label)}</text>` +
        `<rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${BAR}"/>` +
        `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 12}" fill="${AXIS}">${escapeHtml(String(p.value))}${escapeHtml(options.unit ?? '')}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">` +
    `<title>${escapeHtml(options.title)}</title>${rows}</svg>`
  );
}

/** A tiny inline sparkline (one narrative's weekly volume in a table cell). */
export function sparkline(values: readonly number[], title: string, width = 120, height = 24): string {
  const max = Math.max(1, ...values);
  const n = Math.max(1, values.length);
  const step = width / n;
  const bars = values
    .map((v, i) => {
      const h = (v / max) * (height - 2);
      return `<rect x="${(i * step + 1).toFixed(1)}" y="${(height - h).toFixed(1)}" width="${Math.max(1, step - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${BAR}"/>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${escapeHtml(title)}</title>${bars}</svg>`;
}
