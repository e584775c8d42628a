import { isSilenced, webhookEventTypeFor, type AlertEventType } from '@vigie/alerting';
import { alertEventKey, type AlertEventJob } from '@vigie/contracts';
import { activeSilences, isDuplicateKeyError, withAlertWriteLock } from '@vigie/db';
import type { JobContext } from '@vigie/runtime';
import { alertEventFor, fanOut, type NotifyDeps, type StoredAlert } from './notification-fanout.js';

/** Alert activity is grouped and rate-capped; human actions and escalations are rare and go out at once. */
const GROUPED_KINDS: ReadonlySet<AlertEventJob['type']> = new Set(['created', 'evidence', 'reopened']);

/** The sources and lexicon terms behind the evidence an event is about (what silences match on). */
async function evidenceContext(deps: NotifyDeps, alert: StoredAlert, payload: AlertEventJob) {
  if ((payload.type === 'created' || payload.type === 'evidence') && payload.ref && /^[a-f0-9]{24}$/.test(payload.ref)) {
    const item = await deps.models.items.findById(payload.ref, { sourceId: 1, classification: 1 }).lean();
    if (item) {
      const explanation = (item.classification as { explanation?: { matchedTerms?: { term?: unknown }[] } } | null)?.explanation;
      const terms = (explanation?.matchedTerms ?? []).map((t) => t.term).filter((t): t is string => typeof t === 'string');
      return { sources: [String(item.sourceId)], terms: terms.length ? terms : undefined };
    }
  }
  return { sources: (alert.sourceIds ?? []).map(String), terms: undefined };
}

/**
 * One alert event: evaluate silences (a silenced alert is marked, still counted, not notified), then either hold
 * the notification for grouping (alert activity) or send it now (transitions, escalations), and publish the event
 * on the live stream. Idempotent: held entries are unique per event key, deliveries per (webhook, event key).
 */
export async function processAlertEvent(deps: NotifyDeps, payload: AlertEventJob, ctx: JobContext) {
  const alert = (await deps.models.alerts.findById(payload.alertId).lean()) as StoredAlert | null;
  if (!alert) {
    ctx.log.warn({ alertId: payload.alertId }, 'alert no longer exists; nothing to notify');
    return { notified: false };
  }
  const key = alertEventKey(payload);
  const now = deps.now();
  const at = new Date(payload.at);

  let type: AlertEventType | null;
  let escalation: { level: number; target: string } | undefined;
  if (payload.type === 'transition') {
    const change = alert.history?.[Number(payload.ref ?? '0') - 1];
    type = webhookEventTypeFor('transition', change);
  } else if (payload.type === 'escalated') {
    const level = Number(payload.ref?.split('-')[1] ?? '0');
    // Acknowledged (or closed) since the scan: the escalation is moot, and not worth streaming either.
    if (alert.status !== 'open' || level < 1) {
      ctx.log.debug({ alertId: payload.alertId, status: alert.status }, 'escalation no longer due');
      return { notified: false };
    }
    type = 'alert.escalated';
    escalation = { level, target: deps.policy.escalation.levels[level - 1] ?? `level_${level}` };
  } else {
    type = webhookEventTypeFor(payload.type);
  }

  const context = await evidenceContext(deps, alert, payload);
  const silencedBy = isSilenced(
    { mission: alert.mission, narrative: alert.narrative, sources: context.sources, ...(context.terms ? { terms: context.terms } : {}) },
    await activeSilences(deps.models, now),
    now,
  );
  // Under the alert's write lock: on FerretDB v1 a concurrent evidence write would otherwise undo this (or this it).
  if (silencedBy.length > 0) {
    await withAlertWriteLock(deps.models, alert.dedupKey, () => deps.models.alerts.updateOne({ _id: alert._id }, { $set: { silencedBy, silencedAt: now } }));
    ctx.log.info({ alertId: payload.alertId, silencedBy, event: key }, 'notification silenced');
  } else if (type && (alert.silencedBy?.length ?? 0) > 0) {
    await withAlertWriteLock(deps.models, alert.dedupKey, () => deps.models.alerts.updateOne({ _id: alert._id }, { $set: { silencedBy: [], silencedAt: null } }));
  }

  if (type && silencedBy.length === 0) {
    if (GROUPED_KINDS.has(payload.type)) {
      try {
        await deps.models.pendingNotifications.create({
          key: alert.dedupKey,
          alertId: alert._id,
          severity: alert.severity,
          eventKey: key,
          eventType: type,
          queuedAt: now,
        });
      } catch (error) {
        // Already held (a retried event): nothing more to do for it.
        if (!isDuplicateKeyError(error)) throw error;
      }
      if (deps.policy.immediateSeverities.includes(alert.severity)) await deps.requestFlush();
    } else {
      await fanOut(deps, alert, alertEventFor(alert, { id: key, type, at, ...(escalation ? { escalation } : {}) }, deps.publicUrl), ctx.log);
    }
  }

  await deps.publish({
    id: key,
    alertId: payload.alertId,
    type: payload.type,
    at: payload.at,
    mission: alert.mission,
    narrative: alert.narrative,
    severity: alert.severity,
    status: alert.status,
    itemCount: alert.itemCount ?? 0,
    silenced: silencedBy.length > 0,
  });
  return { notified: Boolean(type) && silencedBy.length === 0, silencedBy };
}
