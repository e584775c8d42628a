/**
 * @vigie/reports — pure report builders (no I/O): response briefs, response effect and the weekly digest, with
 * Markdown / HTML (self-contained, print- and e-mail-friendly, inline SVG) / JSON renderers in FR and EN.
 * Callers load the data (see @vigie/db reports.repository) and scope it to the missions a key may see.
 */
export { escapeHtml, escapeMarkdown, safeUrl, langTag } from './escape.js';
export { median, changePct, formatDuration } from './stats.js';
export { isoWeekStart, weeksEndingWith, previousIsoWeek, digestWindow, ISO_WEEK_PATTERN } from './week.js';
export { REPORT_LANGS, t, term, type ReportLang, type MessageKey } from './i18n.js';
export { columnChart, barChart, sparkline, type BarPoint } from './svg.js';
export { responseEffect, EFFECT_WINDOWS, type EffectSeriesRow, type EffectRow, type ResponseEffect, type WindowFigures, type EffectWindowKey } from './effect.js';
export { buildBrief, spreadSeries, type Brief, type BriefData, type BriefItemInput, type NarrativeInfo, type ResponseInput, type RelatedAlertInput, type EarlyWarningInput } from './brief.js';
export { renderBriefMarkdown, renderBriefHtml } from './render-brief.js';
export { buildPrebunkBrief, PREBUNK_DAYS, type PrebunkBrief, type PrebunkData, type PrebunkNarrative, type PrebunkNarrativeInput, type PrebunkPastAlert } from './prebunk.js';
export { renderPrebunkMarkdown, renderPrebunkHtml } from './render-prebunk.js';
export {
  buildDigest,
  narrativeTrend,
  NARRATIVE_TRENDS,
  FAILING_AFTER,
  type Digest,
  type DigestData,
  type DigestAlertInput,
  type DigestSignalInput,
  type DigestResponseInput,
  type DigestSourceInput,
  type NarrativeChange,
  type NarrativeTrend,
} from './digest.js';
export { renderDigestHtml, renderDigestMarkdown, digestToJson } from './render-digest.js';
export {
  renderDigestWebhookBody,
  digestSummary,
  DIGEST_WEBHOOK_MARKDOWN_MAX,
  type DigestWebhookEvent,
  type DigestWebhookFormat,
} from './digest-webhook.js';
