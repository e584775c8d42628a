/**
 * Notification hygiene, Alertmanager/PagerDuty style, as pure planning functions: what to send now, what to hold,
 * what the rate cap drops (counted, and reported with the next message), which alerts must escalate, and to which
 * channels. The caller owns the clock, the queue and the persistence of `RateCapState`.
 */
import { z } from 'zod';
import {
  SEVERITY_RANK,
  Severity,
  mostSevere,
  type NarrativeKey,
  type Severity as SeverityT,
} from '@vigie/contracts';
import type { AlertStatus } from './alert-lifecycle.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Where notifications go. `victim_centred`: the conduct-and-discipline / victims' rights channel (SEA). */
export const NOTIFICATION_CHANNELS = ['comms', 'security', 'victim_centred'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Policy, parsed from configuration. */
export const NotificationPolicy = z.object({
  /** How long notifications for one key are held to be sent together, ms. Default 2 min. */
  groupWaitMs: z.number().int().min(0).max(HOUR_MS),
  /** Severities sent without waiting (S1: incitement alerts immediately). Default ['S1']. */
  immediateSeverities: z.array(Severity),
  /** Messages per key per rolling hour. Default 6. */
  maxPerHour: z.number().int().min(1),
  /** Severities never rate-capped: an incitement storm is exactly when security must hear. Default ['S1']. */
  capExemptSeverities: z.array(Severity),
  escalation: z.object({
    /** Per severity: unacknowledged for this long (ms) → next level; level k is due at k × afterMs. */
    afterMs: z.partialRecord(Severity, z.number().int().min(MINUTE_MS)),
    /** Escalation targets, level 1 first (e.g. duty officer, head of strategic comms, chief of staff). */
    levels: z.array(z.string().min(1)).min(1),
  }),
});
export type NotificationPolicy = z.infer<typeof NotificationPolicy>;

/**
 * Defaults: group for 2 minutes (long enough to merge a burst of near-duplicates, short enough for early warning);
 * 6 messages per key per hour; S1 immediate and never capped; S1 escalates after 10 minutes without acknowledgement,
 * S2 after 30, each further level after the same interval again.
 */
export const DEFAULT_NOTIFICATION_POLICY: NotificationPolicy = Object.freeze({
  groupWaitMs: 2 * MINUTE_MS,
  immediateSeverities: ['S1'],
  maxPerHour: 6,
  capExemptSeverities: ['S1'],
  escalation: {
    afterMs: { S1: 10 * MINUTE_MS, S2: 30 * MINUTE_MS },
    levels: ['duty_officer', 'head_of_strategic_comms', 'chief_of_staff'],
  },
}) as NotificationPolicy;

/** A notification waiting to be sent. */
export interface PendingNotification {
  readonly id: string;
  /** Grouping and rate-cap key: the alert's dedup key (mission × narrative, or per target for S1). */
  readonly key: string;
  readonly alertId: string;
  readonly severity: SeverityT;
  readonly queuedAt: Date;
}

export interface NotificationGroup {
  readonly key: string;
  /** Oldest first. */
  readonly items: readonly PendingNotification[];
  /** Most severe among items. */
  readonly severity: SeverityT;
  /** When the group may be sent: first item + groupWait (0 for immediate severities). */
  readonly dueAt: Date;
}

export interface GroupFlushPlan {
  /** Groups to send now. */
  readonly flush: readonly NotificationGroup[];
  /** Groups still waiting. */
  readonly hold: readonly NotificationGroup[];
  /** When to look again (earliest held dueAt), or null when nothing is held. */
  readonly nextFlushAt: Date | null;
}

/** Groups pending notifications by key and splits them into due now and held. Groups come out most severe first. */
export function planGroupFlush(
  pending: readonly PendingNotification[],
  now: Date,
  policy: NotificationPolicy = DEFAULT_NOTIFICATION_POLICY,
): GroupFlushPlan {
  const byKey = new Map<string, PendingNotification[]>();
  for (const p of pending) {
    const list = byKey.get(p.key);
    if (list) list.push(p);
    else byKey.set(p.key, [p]);
  }
  const groups: NotificationGroup[] = [...byKey.entries()].map(([key, items]) => {
    const sorted = [...items].sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime());
    const severity = sorted.reduce<SeverityT | null>((s, i) => mostSevere(s, i.severity), null) ?? 'S4';
    const first = sorted[0]?.queuedAt.getTime() ?? now.getTime();
    const wait = policy.immediateSeverities.includes(severity) ? 0 : policy.groupWaitMs;
    return { key, items: sorted, severity, dueAt: new Date(first + wait) };
  });
  groups.sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.dueAt.getTime() - b.dueAt.getTime(),
  );
  const flush = groups.filter((g) => g.dueAt.getTime() <= now.getTime());
  const hold = groups.filter((g) => g.dueAt.getTime() > now.getTime());
  const next = hold.reduce<number | null>(
    (m, g) => (m === null ? g.dueAt.getTime() : Math.min(m, g.dueAt.getTime())),
    null,
  );
  return { flush, hold, nextFlushAt: next === null ? null : new Date(next) };
}

/** What the rate cap remembers between calls; persist it per key (or whole) between runs. */
export interface RateCapState {
  /** Messages sent in (about) the last hour. */
  readonly sent: readonly { readonly key: string; readonly at: Date }[];
  /** Notifications dropped per key since that key's last sent message. */
  readonly dropped: Readonly<Record<string, number>>;
}

export const EMPTY_RATE_CAP_STATE: RateCapState = Object.freeze({ sent: [], dropped: {} });

export interface OutboundNotification {
  readonly group: NotificationGroup;
  /** Notifications the cap dropped for this key since its last message: say "+N held back" in the message. */
  readonly droppedSinceLastSend: number;
}

export interface DroppedNotification {
  readonly key: string;
  readonly group: NotificationGroup;
  /** Notifications dropped in this call (the group's size). */
  readonly count: number;
  /** Dropped for this key since its last message, including these. */
  readonly droppedSinceLastSend: number;
  /** When the key has room again. */
  readonly retryAfter: Date;
}

export interface RateCapResult {
  readonly send: readonly OutboundNotification[];
  /** Never silently lost: log them, count them in the digest and metrics. */
  readonly dropped: readonly DroppedNotification[];
  readonly state: RateCapState;
}

/**
 * Applies `maxPerHour` per key over a rolling hour. One group = one message. Dropped groups are returned and their
 * item count carried in `state.dropped` until the key's next message reports them.
 */
export function applyRateCaps(
  groups: readonly NotificationGroup[],
  state: RateCapState,
  now: Date,
  policy: NotificationPolicy = DEFAULT_NOTIFICATION_POLICY,
): RateCapResult {
  const horizon = now.getTime() - HOUR_MS;
  const sent = state.sent.filter((s) => s.at.getTime() > horizon);
  const dropped: Record<string, number> = { ...state.dropped };
  const send: OutboundNotification[] = [];
  const droppedOut: DroppedNotification[] = [];
  for (const group of groups) {
    const inWindow = sent.filter((s) => s.key === group.key);
    const exempt = policy.capExemptSeverities.includes(group.severity);
    if (exempt || inWindow.length < policy.maxPerHour) {
      send.push({ group, droppedSinceLastSend: dropped[group.key] ?? 0 });
      delete dropped[group.key];
      sent.push({ key: group.key, at: now });
    } else {
      const total = (dropped[group.key] ?? 0) + group.items.length;
      dropped[group.key] = total;
      // Room comes back when the oldest message in the window leaves it.
      const oldest = Math.min(...inWindow.map((s) => s.at.getTime()));
      droppedOut.push({
        key: group.key,
        group,
        count: group.items.length,
        droppedSinceLastSend: total,
        retryAfter: new Date(oldest + HOUR_MS),
      });
    }
  }
  return { send, dropped: droppedOut, state: { sent, dropped } };
}

/** The fields escalation looks at. */
export interface EscalationCandidate {
  readonly id: string;
  readonly severity: SeverityT;
  readonly status: AlertStatus;
  /** Start of the current cycle (creation or reopen). */
  readonly openedAt: Date;
  /** Levels already notified in this cycle (0 = none). */
  readonly escalationLevel: number;
}

export interface DueEscalation {
  readonly alertId: string;
  /** Levels newly due (1-based), in order: notify each target once, then set escalationLevel to `level`. */
  readonly levels: readonly number[];
  readonly targets: readonly string[];
  /** Highest level now due. */
  readonly level: number;
  /** When that level became due. */
  readonly dueAt: Date;
  readonly overdueMs: number;
}

/**
 * Alerts still `open` (not acknowledged) past their severity's escalation delay. Level k is due at
 * openedAt + k × afterMs[severity]; a worker that was down catches up by returning every missed level at once, so
 * nobody in the chain is skipped. Severities without a delay (S3, S4 by default) never escalate.
 */
export function dueEscalations(
  alerts: readonly EscalationCandidate[],
  now: Date,
  policy: NotificationPolicy = DEFAULT_NOTIFICATION_POLICY,
): DueEscalation[] {
  const out: DueEscalation[] = [];
  const maxLevel = policy.escalation.levels.length;
  for (const a of alerts) {
    const after = policy.escalation.afterMs[a.severity];
    if (a.status !== 'open' || after === undefined || a.escalationLevel >= maxLevel) continue;
    const elapsed = now.getTime() - a.openedAt.getTime();
    const reached = Math.min(maxLevel, Math.floor(elapsed / after));
    if (reached <= a.escalationLevel) continue;
    const levels = Array.from({ length: reached - a.escalationLevel }, (_, i) => a.escalationLevel + i + 1);
    const dueAt = a.openedAt.getTime() + reached * after;
    out.push({
      alertId: a.id,
      levels,
      targets: levels.map((l) => policy.escalation.levels[l - 1] ?? `level_${l}`),
      level: reached,
      dueAt: new Date(dueAt),
      overdueMs: now.getTime() - dueAt,
    });
  }
  return out.sort((x, y) => x.dueAt.getTime() - y.dueAt.getTime());
}

/**
 * Channels for an alert. Every alert goes to `comms`, and S1 also to `security` (mission security acts on threats).
 * Sexual exploitation and abuse is the exception the taxonomy requires: it goes to the victim-centred channel
 * *instead of* the broad comms channel, to protect identities — it is routed, never suppressed.
 */
export function channelsFor(alert: {
  readonly severity: SeverityT;
  readonly narrative: NarrativeKey;
}): NotificationChannel[] {
  const channels: NotificationChannel[] =
    alert.narrative === 'sexual_exploitation_abuse' ? ['victim_centred'] : ['comms'];
  if (alert.severity === 'S1') channels.push('security');
  return channels;
}
