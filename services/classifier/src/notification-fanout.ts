import {
  channelsFor,
  renderWebhookBody,
  subscriptionMatches,
  type AlertEvent,
  type AlertEventType,
  type NotificationPolicy,
  type WebhookBodyFormat,
} from '@vigie/alerting';
import type { Severity, StreamAlertEvent } from '@vigie/contracts';
import { ensureDelivery, type AlertDoc, type Models } from '@vigie/db';
import type { Types } from 'mongoose';
import type { Logger } from '@vigie/runtime';

export type StoredAlert = AlertDoc & { _id: Types.ObjectId };

/** What the notifier needs from its process: stores, policy, clock, and the queues it feeds. */
export interface NotifyDeps {
  readonly models: Models;
  readonly policy: NotificationPolicy;
  readonly now: () => Date;
  /** Base URL for links to alerts. */
  readonly publicUrl: string;
  /** Enqueues the deliver-webhook job of a delivery record (deterministic job id). */
  readonly enqueueDelivery: (deliveryId: string) => Promise<void>;
  /** Asks for a group flush now (immediate severities). */
  readonly requestFlush: () => Promise<void>;
  /** Publishes a processed event to the live stream (Redis pub/sub). */
  readonly publish: (event: StreamAlertEvent) => Promise<void>;
  /** Runs `fn` while holding the deployment-wide flush lock; null when another process holds it. */
  readonly withFlushLock: <T>(fn: () => Promise<T>) => Promise<T | null>;
}

/** The message handed to the formatters for one alert. */
export function alertEventFor(
  alert: StoredAlert,
  event: {
    readonly id: string;
    readonly type: AlertEventType;
    readonly at: Date;
    readonly escalation?: { level: number; target: string };
    readonly droppedSinceLastSend?: number;
  },
  publicUrl: string,
): AlertEvent {
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.at,
    alert: {
      id: String(alert._id),
      mission: alert.mission,
      narrative: alert.narrative,
      severity: alert.severity,
      status: alert.status,
      itemCount: alert.itemCount ?? 0,
      sourceCount: alert.sourceCount ?? 0,
      languages: alert.languages ?? [],
      firstSeenAt: alert.firstSeenAt,
      lastSeenAt: alert.lastSeenAt,
      url: `${publicUrl}/api/v1/alerts/${String(alert._id)}`,
    },
    ...(event.escalation ? { escalation: event.escalation } : {}),
    ...(event.droppedSinceLastSend ? { droppedSinceLastSend: event.droppedSinceLastSend } : {}),
  };
}

/**
 * Sends one message about `alert` to every matching enabled webhook: one delivery record per (webhook, event id),
 * created once, then its deliver-webhook job. A repeated call (a retried job, a re-run flush) finds the records
 * and only re-enqueues those still pending — the job id dedupes those already queued. Returns deliveries created.
 */
export async function fanOut(deps: NotifyDeps, alert: StoredAlert, event: AlertEvent, log: Logger): Promise<number> {
  const channels = channelsFor(alert);
  const hooks = await deps.models.webhooks.find({ enabled: true }).lean();
  const escalationLevel = event.type === 'alert.escalated' ? (event.escalation?.level ?? 0) : 0;
  let created = 0;
  for (const hook of hooks) {
    const target = { type: event.type, mission: alert.mission, severity: alert.severity, channels, escalationLevel };
    if (!subscriptionMatches({ ...hook, minSeverity: hook.minSeverity as Severity }, target)) continue;
    const delivery = await ensureDelivery(deps.models, {
      webhookId: String(hook._id),
      eventKey: event.id,
      eventType: event.type,
      alertId: String(alert._id),
      body: renderWebhookBody(hook.format as WebhookBodyFormat, event),
    });
    if (delivery.created) created++;
    if (delivery.status === 'pending') await deps.enqueueDelivery(delivery.id);
  }
  log.debug({ alertId: String(alert._id), eventId: event.id, type: event.type, deliveries: created }, 'notification fanned out');
  return created;
}
