import type { Redis } from 'ioredis';
import { alertEventsChannel } from '@vigie/contracts';
import type { Types } from 'mongoose';
import type { AlertDoc, Models } from '@vigie/db';
import type { Logger } from '@vigie/runtime';
import { AlertListIndex, type AlertListSelection } from './alert-list.index.js';

type AlertLean = AlertDoc & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

export interface AlertListReadModelStats {
  /** List requests answered from memory. */
  readonly hits: number;
  /** List requests that went to the database (read model still loading). */
  readonly misses: number;
  /** Single alerts reloaded after an alert event or a write through this API. */
  readonly refreshes: number;
  /** Full rebuilds from the database (start-up, reconnects, the periodic safety net). */
  readonly rebuilds: number;
  readonly lastRebuildMs: number | null;
  readonly size: number;
}

export interface AlertListReadModel {
  /** True once the first rebuild finished; before that the route uses the database. */
  readonly ready: boolean;
  /** A page, or null when not ready (the caller queries the database instead). Counts the hit or miss. */
  page(selection: AlertListSelection): AlertLean[] | null;
  /** Reloads these alerts now (a write this process just made: read-your-writes without waiting for the event). */
  refresh(ids: readonly string[]): Promise<void>;
  /** Reloads everything from the database. */
  rebuild(): Promise<void>;
  stats(): AlertListReadModelStats;
  stop(): Promise<void>;
}

const OBJECT_ID = /^[a-f0-9]{24}$/;

/**
 * Keeps an AlertListIndex equal to the `alerts` collection:
 * - rebuilt from the database at start (in the background — the route falls back to the database until then),
 *   after the alert-event subscriber reconnects (events are pub/sub: missed ones are not replayed), and every
 *   `rebuildEveryMs` as a safety net for changes that raise no event;
 * - each alert event (published by the classifier's notifier for every created/evidence/transition/reopened/
 *   escalated change) reloads that one alert by `_id` — the one query FerretDB v1 pushes down on every backend;
 * - writes made through this API process are reloaded right after they succeed (refresh()).
 * Reloads of one alert are serialised, so an older read never overwrites a newer one; events that arrive during
 * a rebuild are re-applied after it (the rebuild's snapshot may predate them).
 */
export function startAlertListReadModel(deps: {
  models: Models;
  redis: Redis;
  queuePrefix: string;
  logger: Logger;
  rebuildEveryMs: number;
}): AlertListReadModel {
  const log = deps.logger.child({ component: 'alert-list-read-model' });
  const index = new AlertListIndex<AlertLean>();
  let ready = false;
  let stopped = false;
  let rebuilding: Promise<void> | null = null;
  const changedDuringRebuild = new Set<string>();
  const inflight = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let hits = 0;
  let misses = 0;
  let refreshes = 0;
  let rebuilds = 0;
  let lastRebuildMs: number | null = null;

  async function reloadOne(id: string): Promise<void> {
    const doc = (await deps.models.alerts.findById(id).lean()) as AlertLean | null;
    refreshes++;
    if (doc) index.upsert(doc);
    else index.remove(id);
  }

  function refreshOne(id: string): Promise<void> {
    if (rebuilding) changedDuringRebuild.add(id);
    const running = inflight.get(id);
    if (running) {
      again.add(id);
      return running;
    }
    const run = (async () => {
      try {
        do {
          again.delete(id);
          await reloadOne(id);
        } while (again.has(id) && !stopped);
      } finally {
        inflight.delete(id);
      }
    })();
    inflight.set(id, run);
    return run;
  }

  function rebuild(): Promise<void> {
    if (rebuilding) return rebuilding;
    rebuilding = (async () => {
      const started = performance.now();
      try {
        const docs = (await deps.models.alerts.find({}).lean()) as AlertLean[];
        if (stopped) return;
        index.replaceAll(docs);
        ready = true;
        rebuilds++;
        lastRebuildMs = Math.round(performance.now() - started);
        log.info({ alerts: index.size, ms: lastRebuildMs }, 'alert list read model rebuilt');
      } finally {
        rebuilding = null;
      }
      const changed = [...changedDuringRebuild];
      changedDuringRebuild.clear();
      await Promise.all(changed.map(refreshOne));
    })();
    return rebuilding;
  }

  function rebuildLogged(reason: string): void {
    rebuild().catch((error: unknown) => log.error({ err: error, reason }, 'alert list read model rebuild failed; lists use the database meanwhile'));
  }

  // Its own subscriber connection: a subscribed connection can do nothing else, and it must wait out Redis
  // outages rather than fail fast like the API's producer connection.
  const channel = alertEventsChannel(deps.queuePrefix);
  const sub = deps.redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: true });
  let connectedOnce = false;
  sub.on('error', (error) => log.warn({ err: error.message }, 'alert list read model subscriber connection error'));
  sub.on('ready', () => {
    // ioredis re-subscribes by itself; what was published while we were away is lost, so rebuild.
    if (connectedOnce) rebuildLogged('reconnected');
    connectedOnce = true;
  });
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let alertId: unknown;
    try {
      alertId = (JSON.parse(message) as { alertId?: unknown }).alertId;
    } catch {
      alertId = undefined;
    }
    if (typeof alertId !== 'string' || !OBJECT_ID.test(alertId)) {
      log.warn('ignoring an alert event without a valid alertId');
      return;
    }
    refreshOne(alertId).catch((error: unknown) => log.warn({ err: error, alertId }, 'could not reload an alert for the list read model; the next rebuild will'));
  });
  const subscribed = sub
    .connect()
    .then(() => sub.subscribe(channel))
    .catch((error: unknown) => log.error({ err: error }, 'alert list read model could not subscribe to alert events; it will retry'));
  // Subscribe first, then load: an event published during the load is then either in the snapshot or re-applied.
  void subscribed.then(() => rebuildLogged('start'));
  const timer = deps.rebuildEveryMs > 0 ? setInterval(() => rebuildLogged('periodic'), deps.rebuildEveryMs) : null;
  timer?.unref();

  return {
    get ready() {
      return ready;
    },
    page(selection) {
      if (!ready) {
        misses++;
        return null;
      }
      hits++;
      return index.page(selection);
    },
    async refresh(ids) {
      await Promise.all(ids.filter((id) => OBJECT_ID.test(id)).map(refreshOne));
    },
    rebuild,
    stats: () => ({ hits, misses, refreshes, rebuilds, lastRebuildMs, size: index.size }),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await subscribed;
      await sub.quit().catch(() => sub.disconnect());
      await Promise.allSettled([rebuilding, ...inflight.values()]);
    },
  };
}

const LOCALS_KEY = 'vigieAlertListReadModel';

/** The app's read model, when ALERT_READ_MODEL is on (set by startApi, read by the alerts router). */
export function alertListReadModelOf(app: { locals: Record<string, unknown> }): AlertListReadModel | undefined {
  return app.locals[LOCALS_KEY] as AlertListReadModel | undefined;
}

export function attachAlertListReadModel(app: { locals: Record<string, unknown> }, model: AlertListReadModel): void {
  app.locals[LOCALS_KEY] = model;
}
