/**
 * Webhook delivery decisions, pure: which event type a happening becomes, which subscriptions receive it, how a
 * message is rendered for a format, and how a receiver's answer is classified (delivered, retry later, give up).
 */
import { SEVERITY_RANK, type AlertEventKind, type MissionCode, type Severity } from '@vigie/contracts';
import type { NotificationChannel } from './notification-policy.js';
import {
  ALERT_EVENT_TYPES,
  toJsonEvent,
  toSlackMessage,
  toTeamsMessage,
  type AlertEvent,
  type AlertEventType,
} from './webhook-signing.js';

export const WEBHOOK_BODY_FORMATS = ['json', 'slack', 'teams'] as const;
export type WebhookBodyFormat = (typeof WEBHOOK_BODY_FORMATS)[number];

/** The exact body sent to a webhook of `format`. Rendered once per delivery so every retry sends the same bytes. */
export function renderWebhookBody(format: WebhookBodyFormat, event: AlertEvent): string {
  switch (format) {
    case 'slack':
      return JSON.stringify(toSlackMessage(event));
    case 'teams':
      return JSON.stringify(toTeamsMessage(event));
    default:
      return JSON.stringify(toJsonEvent(event));
  }
}

/**
 * The webhook event type for an alert event, or null when it is worth streaming but not paging anyone: notes and
 * assignments (a transition whose status does not change). `transition` needs the history entry it refers to.
 */
export function webhookEventTypeFor(
  kind: AlertEventKind,
  change?: { readonly action: string; readonly from: string; readonly to: string },
): AlertEventType | null {
  switch (kind) {
    case 'created':
      return 'alert.opened';
    case 'evidence':
      return 'alert.updated';
    case 'reopened':
      return 'alert.reopened';
    case 'escalated':
      return 'alert.escalated';
    case 'transition': {
      if (!change) return null;
      if (change.action === 'reopen') return 'alert.reopened';
      if (change.to === 'resolved') return 'alert.resolved';
      if (change.to === 'dismissed') return 'alert.dismissed';
      return change.from !== change.to ? 'alert.updated' : null;
    }
  }
}

/** The event type of a grouped message: an opening wins over a reopening, which wins over updates. */
export function groupEventType(types: readonly AlertEventType[]): AlertEventType {
  if (types.includes('alert.opened')) return 'alert.opened';
  if (types.includes('alert.reopened')) return 'alert.reopened';
  return 'alert.updated';
}

/** The weekly digest's event type. Opt-in: only webhooks listing it receive digests (never an empty `events`). */
export const DIGEST_PUBLISHED = 'digest.published';

/** Every event type a webhook may list in `events`: the alert events, and the weekly digest. */
export const WEBHOOK_EVENT_TYPES = [...ALERT_EVENT_TYPES, DIGEST_PUBLISHED] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * Whether a subscription receives the digest of `mission` (null = the overall digest). It must list
 * `digest.published` explicitly: a subscription with an empty `events` list asked for alerts, not for a weekly
 * report. Mission scoping as for alerts: a webhook limited to MONUSCO gets MONUSCO's digest only, and the overall
 * digest, which covers every mission, goes only to webhooks that are not limited to some missions.
 */
export function digestSubscriptionMatches(sub: Pick<WebhookSubscription, 'enabled' | 'missions' | 'events'>, mission: MissionCode | null): boolean {
  if (!sub.enabled || !sub.events.includes(DIGEST_PUBLISHED)) return false;
  if (sub.missions.length === 0) return true;
  return mission !== null && sub.missions.includes(mission);
}

/** What a subscription filters on. Empty lists mean "any". */
export interface WebhookSubscription {
  readonly enabled: boolean;
  readonly missions: readonly string[];
  readonly events: readonly string[];
  readonly channels: readonly string[];
  readonly minSeverity: Severity;
  readonly minEscalationLevel: number;
}

/** What is being notified. */
export interface NotificationTarget {
  readonly type: AlertEventType;
  readonly mission: MissionCode;
  readonly severity: Severity;
  /** From channelsFor(alert). */
  readonly channels: readonly NotificationChannel[];
  /** The escalation level of an `alert.escalated` event; 0 for everything else. */
  readonly escalationLevel: number;
}

/**
 * Whether a subscription receives a notification: mission, event type, channel (any overlap), severity at least
 * `minSeverity`, and escalation level at least `minEscalationLevel` — so a level-2 subscription (head of strategic
 * comms) hears only level-2-and-above escalations, while a level-0 one hears everything including escalations.
 */
export function subscriptionMatches(sub: WebhookSubscription, target: NotificationTarget): boolean {
  if (!sub.enabled) return false;
  if (sub.missions.length > 0 && !sub.missions.includes(target.mission)) return false;
  if (sub.events.length > 0 && !sub.events.includes(target.type)) return false;
  if (sub.channels.length > 0 && !target.channels.some((c) => sub.channels.includes(c))) return false;
  if (SEVERITY_RANK[target.severity] > SEVERITY_RANK[sub.minSeverity]) return false;
  return target.escalationLevel >= sub.minEscalationLevel;
}

export type DeliveryOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'permanent'; readonly reason: string };

/**
 * A receiver's HTTP status → what to do. 2xx delivered. 408 and 429 are the receiver asking us to come back;
 * other 4xx will not change by retrying (wrong URL, gone, refused signature) — permanent. 3xx is permanent too:
 * redirects are not followed (a webhook URL must be the final one; following would also bypass the address
 * check). 5xx and anything else: retry with backoff.
 */
export function classifyDeliveryStatus(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 408 || status === 429) return { kind: 'retry', reason: `HTTP ${status}` };
  if (status >= 400 && status < 500) return { kind: 'permanent', reason: `HTTP ${status}` };
  if (status >= 300 && status < 400) return { kind: 'permanent', reason: `HTTP ${status}: redirects are not followed` };
  return { kind: 'retry', reason: `HTTP ${status}` };
}
