/**
 * Outbound webhooks: Stripe-style HMAC signatures, and the message formats receivers expect (Vigie JSON, Slack,
 * Microsoft Teams). Pure: `node:crypto` computes, nothing is sent.
 *
 * Signature scheme: header `Vigie-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Signing the timestamp with the body lets a receiver refuse replays older than the tolerance; several `v1=` entries
 * may appear while a secret is rotated (one per active secret).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { slackEscape, webhookLinkUrl, type MissionCode, type NarrativeKey, type Severity } from '@vigie/contracts';
import type { AlertStatus } from './alert-lifecycle.js';
import type { DetectionKind } from './spike-detector.js';

/** Header carrying the signature. */
export const SIGNATURE_HEADER = 'Vigie-Signature';
/** Default replay tolerance, seconds. */
export const DEFAULT_TOLERANCE_SEC = 300;

/** `v1=<hex>`: HMAC-SHA256 over `${timestamp}.${body}`. `timestamp` is in Unix seconds; `body` is the exact raw body. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `v1=${hmacHex(secret, timestamp, body)}`;
}

/** The full header value, `t=<timestamp>,v1=<hex>[,v1=<hex>…]`, one `v1` per secret (rotation). */
export function signatureHeader(
  secrets: string | readonly string[],
  timestamp: number,
  body: string,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${timestamp}`, ...list.map((s) => signPayload(s, timestamp, body))].join(',');
}

export type VerifyResult =
  | { readonly ok: true; readonly timestamp: number }
  | {
      readonly ok: false;
      readonly reason: 'malformed_header' | 'timestamp_outside_tolerance' | 'signature_mismatch';
    };

/**
 * Checks a received header against the raw body. Accepts if any `v1` matches any of `secrets` (rotation) and the
 * timestamp is within `toleranceSec` of `now`, in either direction (a receiver's clock may be behind). Comparisons
 * are constant-time, and every candidate is compared, so timing reveals neither the signature nor which secret
 * matched.
 */
export function verifySignature(
  secrets: string | readonly string[],
  header: string,
  body: string,
  now: Date,
  toleranceSec: number = DEFAULT_TOLERANCE_SEC,
): VerifyResult {
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || signatures.length === 0) return { ok: false, reason: 'malformed_header' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSec)
    return { ok: false, reason: 'timestamp_outside_tolerance' };
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  let matched = false;
  for (const secret of list) {
    const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
    for (const sig of signatures) {
      // Both are 32 bytes (checked by the regex above), as timingSafeEqual requires.
      if (timingSafeEqual(expected, sig)) matched = true;
    }
  }
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'signature_mismatch' };
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// Message formats

export const ALERT_EVENT_TYPES = [
  'alert.opened',
  'alert.updated',
  'alert.escalated',
  'alert.reopened',
  'alert.resolved',
  'alert.dismissed',
  'webhook.test',
] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/** What happened to an alert, as handed to the formatters. */
export interface AlertEvent {
  /** Unique per event: receivers deduplicate on it (deliveries are retried). */
  readonly id: string;
  readonly type: AlertEventType;
  readonly occurredAt: Date;
  readonly alert: {
    readonly id: string;
    readonly mission: MissionCode;
    readonly narrative: NarrativeKey;
    readonly severity: Severity;
    readonly status: AlertStatus;
    readonly itemCount: number;
    readonly sourceCount: number;
    readonly languages: readonly string[];
    readonly firstSeenAt: Date;
    readonly lastSeenAt: Date;
    /** Link to the alert in Vigie; only http(s) links are rendered as buttons. */
    readonly url: string;
  };
  /** The detection that opened or updated the alert. */
  readonly detection?: {
    readonly kind: DetectionKind;
    /** `hour`, `day` or `rising`. */
    readonly window: string;
    readonly observed: number;
    readonly expected: number;
    readonly ratio: number;
    readonly reasons: readonly string[];
  };
  readonly topTerms?: readonly string[];
  readonly escalation?: { readonly level: number; readonly target: string };
  /** Notifications the rate cap held back for this key since the last message. */
  readonly droppedSinceLastSend?: number;
}

/** Short EN / FR labels for narratives (the catalogue has the full definitions). */
export const NARRATIVE_LABELS: Readonly<Record<NarrativeKey, { readonly en: string; readonly fr: string }>> =
  Object.freeze({
    collusion_armed_groups: { en: 'Collusion with armed groups', fr: 'Collusion avec des groupes armés' },
    covert_arms_transport: { en: 'Covert arms transport', fr: "Transport clandestin d'armes" },
    resource_plunder: { en: 'Resource plunder', fr: 'Pillage des ressources' },
    failure_to_protect: { en: 'Failure to protect', fr: 'Manquement à protéger' },
    expulsion_demand: { en: 'Expulsion demand', fr: "Appel à l'expulsion" },
    incitement_violence: { en: 'Incitement to violence', fr: 'Incitation à la violence' },
    espionage: { en: 'Espionage', fr: 'Espionnage' },
    partiality_contingent: { en: 'Partiality of a contingent', fr: "Partialité d'un contingent" },
    sovereignty_partition: { en: 'Sovereignty / partition', fr: 'Souveraineté / balkanisation' },
    false_flag: { en: 'False flag', fr: 'Fausse bannière' },
    disease_health: { en: 'Disease and health', fr: 'Maladies et santé' },
    sexual_exploitation_abuse: {
      en: 'Sexual exploitation and abuse',
      fr: 'Exploitation et atteintes sexuelles',
    },
    forged_media: { en: 'Forged media', fr: 'Faux documents et médias' },
    geopolitical_proxy: { en: 'Geopolitical proxy', fr: 'Instrument géopolitique' },
    hate_speech: { en: 'Hate speech', fr: 'Discours de haine' },
  });

const SEVERITY_LABELS: Readonly<Record<Severity, { en: string; fr: string }>> = {
  S1: { en: 'incitement / threat', fr: 'incitation / menace' },
  S2: { en: 'high-harm false narrative', fr: 'fausse information à haut risque' },
  S3: { en: 'reputational', fr: 'réputationnel' },
  S4: { en: 'grievance', fr: 'doléance' },
};

const EVENT_LABELS: Readonly<Record<AlertEventType, { en: string; fr: string }>> = {
  'alert.opened': { en: 'New alert', fr: 'Nouvelle alerte' },
  'alert.updated': { en: 'Alert updated', fr: 'Alerte mise à jour' },
  'alert.escalated': { en: 'Escalated', fr: 'Escalade' },
  'alert.reopened': { en: 'Alert reopened', fr: 'Alerte rouverte' },
  'alert.resolved': { en: 'Alert resolved', fr: 'Alerte résolue' },
  'alert.dismissed': { en: 'Alert dismissed', fr: 'Alerte écartée' },
  'webhook.test': { en: 'Test message', fr: 'Message de test' },
};

const WINDOW_LABELS: Readonly<Record<string, { en: string; fr: string }>> = {
  hour: { en: 'in the last hour', fr: 'dans la dernière heure' },
  day: { en: 'in the last 24 h', fr: 'sur les dernières 24 h' },
  rising: { en: 'over the last hours', fr: 'ces dernières heures' },
};

const KIND_LABELS: Readonly<Record<DetectionKind, { en: string; fr: string }>> = {
  spike: { en: 'spike', fr: 'pic' },
  rising: { en: 'rising', fr: 'en hausse' },
  none: { en: 'activity', fr: 'activité' },
};

export interface BilingualText {
  /** One-line summary. */
  readonly en: string;
  readonly fr: string;
  /** Counts line. */
  readonly countsEn: string;
  readonly countsFr: string;
}

const num = (n: number, lang: 'en' | 'fr'): string => {
  const s = Number.isInteger(n) ? String(n) : n.toFixed(1);
  return lang === 'fr' ? s.replace('.', ',') : s;
};

/** The EN and FR lines every format shows: what, where, how severe, how much. */
export function describeEvent(event: AlertEvent): BilingualText {
  const a = event.alert;
  const label = NARRATIVE_LABELS[a.narrative];
  const ev = EVENT_LABELS[event.type];
  const esc = event.escalation
    ? {
        en: ` (level ${event.escalation.level}: ${event.escalation.target})`,
        fr: ` (niveau ${event.escalation.level} : ${event.escalation.target})`,
      }
    : { en: '', fr: '' };
  const d = event.detection;
  const w = d ? (WINDOW_LABELS[d.window] ?? { en: `(${d.window})`, fr: `(${d.window})` }) : null;
  const det =
    d && w
      ? {
          en: ` — ${KIND_LABELS[d.kind].en}: ${d.observed} items ${w.en} (×${num(d.ratio, 'en')} vs ${num(d.expected, 'en')} expected)`,
          fr: ` — ${KIND_LABELS[d.kind].fr} : ${d.observed} éléments ${w.fr} (×${num(d.ratio, 'fr')} contre ${num(d.expected, 'fr')} attendus)`,
        }
      : { en: '', fr: '' };
  const sev = SEVERITY_LABELS[a.severity];
  const en = `${ev.en}${esc.en} · [${a.severity} ${sev.en}] ${a.mission} · ${label.en}${det.en}`;
  const fr = `${ev.fr}${esc.fr} · [${a.severity} ${sev.fr}] ${a.mission} · ${label.fr}${det.fr}`;
  const langs = a.languages.length ? a.languages.join(', ') : '—';
  const terms = event.topTerms?.length ? event.topTerms.join(', ') : null;
  const dropped = event.droppedSinceLastSend ? event.droppedSinceLastSend : 0;
  const countsEn = [
    `${a.itemCount} items · ${a.sourceCount} sources · languages: ${langs}`,
    terms ? `top terms: ${terms}` : null,
    dropped ? `+${dropped} notifications held back by the rate limit` : null,
  ]
    .filter((x): x is string => x !== null)
    .join(' · ');
  const countsFr = [
    `${a.itemCount} éléments · ${a.sourceCount} sources · langues : ${langs}`,
    terms ? `termes principaux : ${terms}` : null,
    dropped ? `+${dropped} notifications retenues par la limite de débit` : null,
  ]
    .filter((x): x is string => x !== null)
    .join(' · ');
  return { en, fr, countsEn, countsFr };
}

/** The Vigie JSON payload (schema version 1): dates as ISO strings, plus the EN/FR text. */
export interface JsonAlertEvent {
  readonly schemaVersion: 1;
  readonly id: string;
  readonly type: AlertEventType;
  readonly occurredAt: string;
  readonly alert: Omit<AlertEvent['alert'], 'firstSeenAt' | 'lastSeenAt' | 'languages'> & {
    readonly firstSeenAt: string;
    readonly lastSeenAt: string;
    readonly languages: string[];
  };
  readonly detection:
    (Omit<NonNullable<AlertEvent['detection']>, 'reasons'> & { readonly reasons: string[] }) | null;
  readonly topTerms: string[];
  readonly escalation: AlertEvent['escalation'] | null;
  readonly droppedSinceLastSend: number;
  readonly text: BilingualText;
}

export function toJsonEvent(event: AlertEvent): JsonAlertEvent {
  const a = event.alert;
  return {
    schemaVersion: 1,
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    alert: {
      ...a,
      languages: [...a.languages],
      firstSeenAt: a.firstSeenAt.toISOString(),
      lastSeenAt: a.lastSeenAt.toISOString(),
    },
    detection: event.detection ? { ...event.detection, reasons: [...event.detection.reasons] } : null,
    topTerms: [...(event.topTerms ?? [])],
    escalation: event.escalation ?? null,
    droppedSinceLastSend: event.droppedSinceLastSend ?? 0,
    text: describeEvent(event),
  };
}

/** A Slack incoming-webhook message (Block Kit), `text` as the notification fallback. */
export function toSlackMessage(event: AlertEvent): { text: string; blocks: Record<string, unknown>[] } {
  const t = describeEvent(event);
  const url = webhookLinkUrl(event.alert.url);
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(t.en)}*\n${slackEscape(t.fr)}` } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${slackEscape(t.countsEn)}\n${slackEscape(t.countsFr)}` }],
    },
  ];
  if (event.detection?.reasons.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: event.detection.reasons
            .slice(0, 4)
            .map((r) => `• ${slackEscape(r)}`)
            .join('\n'),
        },
      ],
    });
  }
  if (url) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in Vigie / Ouvrir dans Vigie' },
          url,
          style: event.alert.severity === 'S1' ? 'danger' : 'primary',
        },
      ],
    });
  }
  return { text: `${t.en} | ${t.fr}`, blocks };
}

/**
 * A Microsoft Teams message carrying an Adaptive Card (1.4), the format Teams Workflows webhooks accept; the legacy
 * Office 365 connector MessageCard is being retired.
 */
export function toTeamsMessage(event: AlertEvent): Record<string, unknown> {
  const t = describeEvent(event);
  const a = event.alert;
  const url = webhookLinkUrl(a.url);
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: t.en,
      weight: 'Bolder',
      wrap: true,
      color: a.severity === 'S1' ? 'Attention' : a.severity === 'S2' ? 'Warning' : 'Default',
    },
    { type: 'TextBlock', text: t.fr, wrap: true, isSubtle: true },
    {
      type: 'FactSet',
      facts: [
        { title: 'Mission', value: a.mission },
        {
          title: 'Narrative / Narratif',
          value: `${NARRATIVE_LABELS[a.narrative].en} / ${NARRATIVE_LABELS[a.narrative].fr}`,
        },
        { title: 'Severity / Gravité', value: a.severity },
        { title: 'Status / Statut', value: a.status },
        { title: 'Items / Éléments', value: String(a.itemCount) },
        { title: 'Sources', value: String(a.sourceCount) },
        { title: 'Languages / Langues', value: a.languages.join(', ') || '—' },
      ],
    },
    { type: 'TextBlock', text: `${t.countsEn}\n\n${t.countsFr}`, wrap: true, size: 'Small' },
  ];
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    actions: url ? [{ type: 'Action.OpenUrl', title: 'Open in Vigie / Ouvrir dans Vigie', url }] : [],
  };
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}
