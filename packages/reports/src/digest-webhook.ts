import { slackEscape, webhookLinkUrl } from '@vigie/contracts';
import type { Digest } from './digest.js';
import { narrativeLabel, t, type ReportLang } from './i18n.js';

/**
 * The weekly digest as a webhook message: Vigie JSON (summary, counts, links and the Markdown in both languages),
 * Slack (Block Kit) or Microsoft Teams (Adaptive Card). Pure; the classifier's digest job renders the body once
 * per delivery and the deliver-webhook job signs and sends it like any alert event.
 */

export type DigestWebhookFormat = 'json' | 'slack' | 'teams';

export interface DigestWebhookEvent {
  /** Unique per digest (mission × week): receivers deduplicate on it, deliveries are retried. */
  readonly id: string;
  readonly occurredAt: Date;
  /** The digest in each language (both are generated). */
  readonly digests: { readonly en: Digest; readonly fr: Digest };
  /** Where to read it: the stored digest per language (API, needs a key) and the dashboard screen. */
  readonly links: {
    readonly dashboard: string;
    readonly html: { readonly en: string; readonly fr: string };
    readonly markdown: { readonly en: string; readonly fr: string };
    readonly json: { readonly en: string; readonly fr: string };
  };
  readonly markdown: { readonly en: string; readonly fr: string };
}

/** Receivers' cap on one Markdown text in the JSON body (Slack and Teams get the summary and links only). */
export const DIGEST_WEBHOOK_MARKDOWN_MAX = 60_000;

interface DigestCounts {
  readonly new: number;
  readonly escalating: number;
  readonly declining: number;
  readonly recurring: number;
  readonly s1: number;
  readonly raised: number;
  readonly acknowledged: number;
  readonly resolved: number;
  readonly coverageGaps: number;
}

function digestCounts(d: Digest): DigestCounts {
  return {
    new: d.new.length,
    escalating: d.escalating.length,
    declining: d.declining.length,
    recurring: d.recurring.length,
    s1: d.s1.length,
    raised: d.handling.raised,
    acknowledged: d.handling.acknowledged,
    resolved: d.handling.resolved,
    coverageGaps: d.coverage.failing.length + d.coverage.silent.length + d.coverage.missingLanguages.length,
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Title line: "Weekly digest — MONUSCO — 2026-W40". */
function digestHeadline(d: Digest): string {
  return `${t(d.lang, 'digestTitle')} — ${d.mission ?? t(d.lang, 'allMissions')} — ${d.week}`;
}

/** One paragraph that says what changed, with the narratives named (the first three of each trend). */
export function digestSummary(d: Digest): string {
  const c = digestCounts(d);
  const names = (list: Digest['new']) => (list.length ? ` (${list.slice(0, 3).map((n) => narrativeLabel(n.narrative)).join(', ')}${list.length > 3 ? ', …' : ''})` : '');
  const fr = d.lang === 'fr';
  const parts = fr
    ? [
        `${plural(c.new, 'nouveau récit', 'nouveaux récits')}${names(d.new)}`,
        `${plural(c.escalating, 'en hausse', 'en hausse')}${names(d.escalating)}`,
        `${plural(c.declining, 'en baisse', 'en baisse')}${names(d.declining)}`,
        `${plural(c.recurring, 'récurrent', 'récurrents')}${names(d.recurring)}`,
        plural(c.s1, 'incident S1', 'incidents S1'),
        `alertes : ${c.raised} ouvertes, ${c.acknowledged} prises en charge, ${c.resolved} résolues`,
        plural(c.coverageGaps, 'lacune de couverture', 'lacunes de couverture'),
      ]
    : [
        `${plural(c.new, 'new narrative', 'new narratives')}${names(d.new)}`,
        `${c.escalating} escalating${names(d.escalating)}`,
        `${c.declining} declining${names(d.declining)}`,
        `${c.recurring} recurring${names(d.recurring)}`,
        plural(c.s1, 'S1 incident', 'S1 incidents'),
        `alerts: ${c.raised} raised, ${c.acknowledged} acknowledged, ${c.resolved} resolved`,
        plural(c.coverageGaps, 'coverage gap', 'coverage gaps'),
      ];
  return `${parts.join('; ')}.`;
}

const cap = (s: string) => (s.length > DIGEST_WEBHOOK_MARKDOWN_MAX ? `${s.slice(0, DIGEST_WEBHOOK_MARKDOWN_MAX)}\n\n…` : s);

/** The Vigie JSON payload (schema version 1). */
function toDigestJson(e: DigestWebhookEvent) {
  const en = e.digests.en;
  return {
    schemaVersion: 1 as const,
    id: e.id,
    type: 'digest.published' as const,
    occurredAt: e.occurredAt.toISOString(),
    digest: {
      mission: en.mission,
      week: en.week,
      weekStart: en.weekStart.toISOString(),
      weekEnd: en.weekEnd.toISOString(),
      counts: digestCounts(en),
      title: { en: digestHeadline(en), fr: digestHeadline(e.digests.fr) },
      summary: { en: digestSummary(en), fr: digestSummary(e.digests.fr) },
      links: e.links,
      markdown: { en: cap(e.markdown.en), fr: cap(e.markdown.fr) },
    },
  };
}

const BUTTONS: readonly { lang: ReportLang; text: string }[] = [
  { lang: 'en', text: 'Read (EN)' },
  { lang: 'fr', text: 'Lire (FR)' },
];

function toDigestSlack(e: DigestWebhookEvent): { text: string; blocks: Record<string, unknown>[] } {
  const { en, fr } = e.digests;
  const buttons = BUTTONS.map((b) => ({ ...b, url: webhookLinkUrl(e.links.html[b.lang]) })).filter((b) => b.url);
  const dashboard = webhookLinkUrl(e.links.dashboard);
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(digestHeadline(en))}*\n${slackEscape(digestSummary(en))}` } },
    { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(digestHeadline(fr))}*\n${slackEscape(digestSummary(fr))}` } },
  ];
  const elements = [
    ...buttons.map((b) => ({ type: 'button', text: { type: 'plain_text', text: b.text }, url: b.url })),
    ...(dashboard ? [{ type: 'button', text: { type: 'plain_text', text: 'Dashboard / Tableau de bord' }, url: dashboard }] : []),
  ];
  if (elements.length) blocks.push({ type: 'actions', elements });
  return { text: `${digestHeadline(en)} | ${digestHeadline(fr)}`, blocks };
}

function toDigestTeams(e: DigestWebhookEvent): Record<string, unknown> {
  const { en, fr } = e.digests;
  const c = digestCounts(en);
  const actions = [
    ...BUTTONS.map((b) => ({ title: b.text, url: webhookLinkUrl(e.links.html[b.lang]) })),
    { title: 'Dashboard / Tableau de bord', url: webhookLinkUrl(e.links.dashboard) },
  ]
    .filter((a): a is { title: string; url: string } => a.url !== null)
    .map((a) => ({ type: 'Action.OpenUrl', ...a }));
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: digestHeadline(en), weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: digestSummary(en), wrap: true },
      { type: 'TextBlock', text: digestHeadline(fr), weight: 'Bolder', wrap: true, spacing: 'Medium' },
      { type: 'TextBlock', text: digestSummary(fr), wrap: true, isSubtle: true },
      {
        type: 'FactSet',
        facts: [
          { title: 'New / Nouveaux', value: String(c.new) },
          { title: 'Escalating / En hausse', value: String(c.escalating) },
          { title: 'Declining / En baisse', value: String(c.declining) },
          { title: 'S1', value: String(c.s1) },
          { title: 'Alerts raised / Alertes ouvertes', value: String(c.raised) },
          { title: 'Resolved / Résolues', value: String(c.resolved) },
        ],
      },
    ],
    actions,
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** The exact body sent to a webhook of `format`, rendered once per delivery so every retry sends the same bytes. */
export function renderDigestWebhookBody(format: DigestWebhookFormat, event: DigestWebhookEvent): string {
  if (format === 'slack') return JSON.stringify(toDigestSlack(event));
  if (format === 'teams') return JSON.stringify(toDigestTeams(event));
  return JSON.stringify(toDigestJson(event));
}
