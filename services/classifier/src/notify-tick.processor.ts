import {
  applyRateCaps,
  dueEscalations,
  groupEventType,
  planGroupFlush,
  type AlertEventType,
  type RateCapState,
} from '@vigie/alerting';
import { SEVERITY_RANK, type AlertEventJob, type Severity } from '@vigie/contracts';
import { withAlertWriteLock, type PendingNotificationDoc } from '@vigie/db';
import type { Types } from 'mongoose';
import type { Logger } from '@vigie/runtime';
import { alertEventFor, fanOut, type NotifyDeps, type StoredAlert } from './notification-fanout.js';

type PendingRow = PendingNotificationDoc & { _id: Types.ObjectId };

/** At most this many held notifications are planned per tick; the rest wait for the next one. */
const FLUSH_BATCH = 5_000;

/** One grouped message: the latest alert of the group, named after its most significant member. */
async function sendGroup(deps: NotifyDeps, groupId: string, rows: readonly PendingRow[], dropped: number, log: Logger) {
  const latest = rows.reduce((a, b) => (b.queuedAt.getTime() >= a.queuedAt.getTime() ? b : a));
  const alert = (await deps.models.alerts.findById(latest.alertId).lean()) as StoredAlert | null;
  if (!alert) return 0;
  const type = groupEventType(rows.map((r) => r.eventType as AlertEventType));
  const event = alertEventFor(alert, { id: groupId, type, at: latest.queuedAt, droppedSinceLastSend: dropped }, deps.publicUrl);
  return fanOut(deps, alert, event, log);
}

/**
 * Flushes due notification groups, under the deployment-wide lock. Groups a previous flush claimed but did not
 * finish go first, as the same message (same id: deliveries deduplicate). For the rest: plan (planGroupFlush),
 * cap (applyRateCaps, state per key in notification_keys), then for each message claim its entries → record the
 * send in the key's window → fan out → delete the entries. Dropped groups add to the key's dropped count before
 * their entries go, so a crash can over-count a drop but never lose one.
 */
export async function flushGroups(deps: NotifyDeps, log: Logger): Promise<{ sent: number; dropped: number; skipped: boolean }> {
  const result = await deps.withFlushLock(async () => {
    const { models } = deps;
    const now = deps.now();
    const rows = (await models.pendingNotifications.find().sort({ queuedAt: 1 }).limit(FLUSH_BATCH).lean()) as PendingRow[];
    let sent = 0;
    let dropped = 0;

    const claimed = new Map<string, PendingRow[]>();
    for (const r of rows) if (r.flushedAs) claimed.set(r.flushedAs, [...(claimed.get(r.flushedAs) ?? []), r]);
    for (const [groupId, items] of claimed) {
      await sendGroup(deps, groupId, items, items[0]?.reportDropped ?? 0, log);
      await models.pendingNotifications.deleteMany({ flushedAs: groupId });
      sent++;
    }

    const fresh = rows.filter((r) => !r.flushedAs);
    const byId = new Map(fresh.map((r) => [String(r._id), r]));
    const plan = planGroupFlush(
      fresh.map((r) => ({ id: String(r._id), key: r.key, alertId: String(r.alertId), severity: r.severity as Severity, queuedAt: r.queuedAt })),
      now,
      deps.policy,
    );
    if (plan.flush.length === 0) return { sent, dropped };

    const keys = [...new Set(plan.flush.map((g) => g.key))];
    const stateDocs = await models.notificationKeys.find({ _id: { $in: keys } }).lean();
    const state: RateCapState = {
      sent: stateDocs.flatMap((d) => (d.sent ?? []).map((at) => ({ key: d._id, at }))),
      dropped: Object.fromEntries(stateDocs.filter((d) => (d.dropped ?? 0) > 0).map((d) => [d._id, d.dropped])),
    };
    const capped = applyRateCaps(plan.flush, state, now, deps.policy);

    for (const d of capped.dropped) {
      await models.notificationKeys.updateOne(
        { _id: d.key },
        { $inc: { dropped: d.count, droppedTotal: d.count }, $set: { lastDroppedAt: now } },
        { upsert: true },
      );
      await models.pendingNotifications.deleteMany({ _id: { $in: d.group.items.map((i) => byId.get(i.id)!._id) } });
      log.warn({ key: d.key, count: d.count, droppedSinceLastSend: d.droppedSinceLastSend, retryAfter: d.retryAfter }, 'notifications dropped by the rate cap');
      dropped += d.count;
    }

    for (const s of capped.send) {
      const items = s.group.items.map((i) => byId.get(i.id)!);
      const groupId = `g.${items[0]!.eventKey}`;
      await models.pendingNotifications.updateMany(
        { _id: { $in: items.map((i) => i._id) } },
        { $set: { flushedAs: groupId, reportDropped: s.droppedSinceLastSend } },
      );
      const window = capped.state.sent.filter((x) => x.key === s.group.key).map((x) => x.at);
      await models.notificationKeys.updateOne({ _id: s.group.key }, { $set: { sent: window, dropped: 0 } }, { upsert: true });
      await sendGroup(deps, groupId, items, s.droppedSinceLastSend, log);
      await models.pendingNotifications.deleteMany({ flushedAs: groupId });
      sent++;
    }
    return { sent, dropped };
  });
  return result ? { ...result, skipped: false } : { sent: 0, dropped: 0, skipped: true };
}

/**
 * Escalation scan: open (unacknowledged) alerts past their severity's delay get one `escalated` event per newly due
 * level, then their escalationLevel is raised — guarded on the level it was computed from and on `open`. Events
 * first: their keys (`<reopenCount>-<level>`) are deterministic, so a crash before the bump, or two scanners, send
 * each level once; a bump without its event cannot happen.
 */
export async function scanEscalations(
  deps: NotifyDeps,
  emit: (event: AlertEventJob) => Promise<void>,
  log: Logger,
): Promise<{ escalated: number }> {
  const now = deps.now();
  const delays = Object.entries(deps.policy.escalation.afterMs).filter((e): e is [Severity, number] => typeof e[1] === 'number');
  if (delays.length === 0) return { escalated: 0 };
  const minDelay = Math.min(...delays.map(([, ms]) => ms));
  const rows = (await deps.models.alerts
    .find({
      status: 'open',
      severityRank: { $in: delays.map(([s]) => SEVERITY_RANK[s]) },
      openedAt: { $lte: new Date(now.getTime() - minDelay) },
    })
    .sort({ openedAt: 1 })
    .limit(1_000)
    .lean()) as StoredAlert[];
  const due = dueEscalations(
    rows.map((a) => ({ id: String(a._id), severity: a.severity, status: a.status, openedAt: a.openedAt, escalationLevel: a.escalationLevel ?? 0 })),
    now,
    deps.policy,
  );
  for (const d of due) {
    const alert = rows.find((a) => String(a._id) === d.alertId)!;
    const cycle = alert.reopenCount ?? 0;
    for (const level of d.levels) {
      await emit({ alertId: d.alertId, type: 'escalated', at: now.toISOString(), ref: `${cycle}-${level}` });
    }
    const from = alert.escalationLevel ?? 0;
    // The guard is atomic on FerretDB v1 only under the alert's write lock (its updates are read-modify-write).
    await withAlertWriteLock(deps.models, alert.dedupKey, () =>
      deps.models.alerts.updateOne(
        { _id: alert._id, status: 'open', escalationLevel: from === 0 ? { $in: [0, null] } : from },
        { $set: { escalationLevel: d.level } },
      ),
    );
    log.info({ alertId: d.alertId, levels: d.levels, targets: d.targets, overdueMs: d.overdueMs }, 'alert escalated');
  }
  return { escalated: due.length };
}
