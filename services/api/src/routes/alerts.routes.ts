import { Router } from 'express';
import { Types, type QueryFilter } from 'mongoose';
import { z } from 'zod';
import { NarrativeKey, NotFoundError, Severity, SEVERITY_RANK, type MissionCode } from '@vigie/contracts';
import { ALERT_STATUSES, decodeCursor, encodeCursor, type AlertDoc, type AlertStatus, type Models } from '@vigie/db';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { AlertActionName, BulkActionBody, performAlertAction } from './alert-actions.js';
import { csvEnum, isoDate, missionsQuery, objectId, paginationQuery } from './query.js';
import { alertListReadModelOf } from '../read-models/alert-list.sync.js';
import type { AlertListSelection, AlertListSort } from '../read-models/alert-list.index.js';
import type { AlertEventRelay } from '../alert-events.js';

export const AlertListQuery = z
  .object({
    mission: missionsQuery,
    narrative: csvEnum(NarrativeKey).optional(),
    status: csvEnum(z.enum(ALERT_STATUSES)).optional(),
    severity: csvEnum(Severity).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** `recent` (last seen, newest first) or `triage` (most severe first, then most recent). */
    sort: z.enum(['recent', 'triage']).default('recent'),
    ...paginationQuery,
  })
  .strict();

type AlertLean = AlertDoc & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

type EvidenceRow = AlertLean['evidence'][number];

function evidenceToDto(e: EvidenceRow) {
  return {
    itemId: String(e.itemId),
    sourceId: String(e.sourceId),
    title: e.title ?? '',
    url: e.url ?? null,
    language: e.language ?? 'und',
    score: e.score ?? 0,
    severity: e.severity ?? null,
    stance: e.stance ?? null,
    addedAt: e.addedAt ? e.addedAt.toISOString() : null,
  };
}

/** Everything about an alert but its evidence list and history (the list and the single alert share these). */
function alertFields(a: AlertLean) {
  return {
    id: String(a._id),
    dedupKey: a.dedupKey,
    mission: a.mission,
    narrative: a.narrative,
    status: a.status,
    severity: a.severity,
    itemCount: a.itemCount,
    sourceCount: a.sourceCount,
    languages: a.languages,
    firstSeenAt: a.firstSeenAt.toISOString(),
    lastSeenAt: a.lastSeenAt.toISOString(),
    openedAt: a.openedAt ? a.openedAt.toISOString() : null,
    ownerId: a.ownerId ?? null,
    responseId: a.responseId ?? null,
    outcome: a.outcome ?? null,
    acknowledgedAt: a.acknowledgedAt ? a.acknowledgedAt.toISOString() : null,
    resolvedAt: a.resolvedAt ? a.resolvedAt.toISOString() : null,
    dismissedAt: a.dismissedAt ? a.dismissedAt.toISOString() : null,
    timeToAcknowledgeMs: a.timeToAcknowledgeMs ?? null,
    timeToResolveMs: a.timeToResolveMs ?? null,
    reopenCount: a.reopenCount ?? 0,
    escalationLevel: a.escalationLevel ?? 0,
    /** Silences that muted its latest notification: it still counts and shows in lists and digests. */
    silencedBy: a.silencedBy ?? [],
    createdAt: a.createdAt?.toISOString() ?? null,
    updatedAt: a.updatedAt?.toISOString() ?? null,
  };
}

/** One alert with its inline evidence (up to 50 newest rows; alert_items has them all) and its history. */
export function alertToDto(a: AlertLean) {
  return {
    ...alertFields(a),
    evidence: a.evidence.map(evidenceToDto),
    history: (a.history ?? []).map((h) => ({
      at: h.at.toISOString(),
      actor: h.actor,
      actorRole: h.actorRole,
      action: h.action,
      from: h.from,
      to: h.to,
      reason: h.reason ?? null,
      detail: (h.detail ?? {}) as Record<string, string | null>,
    })),
  };
}

/** How many of an alert's newest evidence rows a list shows. */
export const LIST_EVIDENCE_ROWS = 3;

/**
 * An alert as lists show it: its newest evidence rows (newest first) instead of all of them, and no history. A
 * triage page of 50 alerts with 50 rows each was about a megabyte — too much for a field office's link; the alert
 * itself (GET /alerts/:id) has everything.
 */
export function alertSummaryToDto(a: AlertLean) {
  return { ...alertFields(a), latestEvidence: a.evidence.slice(-LIST_EVIDENCE_ROWS).reverse().map(evidenceToDto) };
}

/** A list cursor as a position in the chosen order (`recent` cursors carry no rank). */
function cursorPosition(sort: AlertListSort, cursor: string): NonNullable<AlertListSelection['after']> {
  const c = decodeCursor(cursor);
  if (sort === 'triage') {
    const [rank, seen] = String(c.v).split('|');
    return { rank: Number(rank), seen: new Date(Number(seen)).getTime(), id: c.id };
  }
  return { rank: 0, seen: new Date(Number(c.v)).getTime(), id: c.id };
}

/** A list selection as the validated query gives it (the read model takes any strings; the database query is typed). */
type AlertQuerySelection = AlertListSelection & {
  readonly missions: readonly MissionCode[] | null;
  readonly narratives?: readonly NarrativeKey[] | undefined;
  readonly statuses?: readonly AlertStatus[] | undefined;
  readonly severities?: readonly Severity[] | undefined;
};

/** The database's answer to a list selection: the same filters, order and keyset as the read model's. */
async function findAlertPage(models: Models, s: AlertQuerySelection): Promise<AlertLean[]> {
  const filter: QueryFilter<AlertDoc> = {};
  if (s.missions) filter.mission = { $in: [...s.missions] };
  if (s.narratives?.length) filter.narrative = { $in: [...s.narratives] };
  if (s.statuses?.length) filter.status = { $in: [...s.statuses] };
  if (s.severities?.length) filter.severity = { $in: [...s.severities] };
  if (s.from || s.to) filter.lastSeenAt = { ...(s.from ? { $gte: s.from } : {}), ...(s.to ? { $lte: s.to } : {}) };

  const and: QueryFilter<AlertDoc>[] = [];
  if (s.after) {
    const id = new Types.ObjectId(s.after.id);
    const t = new Date(s.after.seen);
    if (s.sort === 'triage') {
      const r = s.after.rank;
      and.push({
        $or: [{ severityRank: { $gt: r } }, { severityRank: r, lastSeenAt: { $lt: t } }, { severityRank: r, lastSeenAt: t, _id: { $lt: id } }],
      });
    } else {
      and.push({ $or: [{ lastSeenAt: { $lt: t } }, { lastSeenAt: t, _id: { $lt: id } }] });
    }
  }
  const sort: Record<string, 1 | -1> = s.sort === 'triage' ? { severityRank: 1, lastSeenAt: -1, _id: -1 } : { lastSeenAt: -1, _id: -1 };
  return (await models.alerts
    .find(and.length ? { $and: [filter, ...and] } : filter)
    .sort(sort)
    .limit(s.limit)
    .lean()) as AlertLean[];
}

export function alertsRouter(models: Models, options: { relay?: Pick<AlertEventRelay, 'kick'> } = {}): Router {
  const router = Router();

  router.get('/', requireRole('viewer'), async (req, res) => {
    const q = AlertListQuery.parse(req.query);
    const selection: AlertQuerySelection = {
      missions: allowedMissions(req.principal!, q.mission),
      narratives: q.narrative,
      statuses: q.status,
      severities: q.severity,
      from: q.from,
      to: q.to,
      sort: q.sort,
      after: q.cursor ? cursorPosition(q.sort, q.cursor) : undefined,
      limit: q.limit + 1,
    };
    // The in-memory read model (ALERT_READ_MODEL, for FerretDB) answers the same selection once it is loaded.
    const rows = alertListReadModelOf(req.app)?.page(selection) ?? (await findAlertPage(models, selection));
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > q.limit && last
        ? encodeCursor({
            v: q.sort === 'triage' ? `${last.severityRank}|${last.lastSeenAt.getTime()}` : last.lastSeenAt.getTime(),
            id: String(last._id),
          })
        : null;
    res.json({ data: page.map(alertSummaryToDto), nextCursor });
  });

  // Read model: a change made through this process shows in its next list at once (the alert event comes later).
  router.use((req, res, next) => {
    const readModel = alertListReadModelOf(req.app);
    if (readModel && req.method === 'POST') {
      res.once('finish', () => {
        if (res.statusCode >= 300) return;
        const body = req.body as { ids?: unknown } | undefined;
        const ids = req.path === '/bulk' ? (Array.isArray(body?.ids) ? body.ids.map(String) : []) : [req.path.split('/')[1] ?? ''];
        readModel.refresh(ids).catch((error: unknown) => req.log.warn({ err: error }, 'alert list read model not refreshed after a write; the alert event will'));
      });
    }
    next();
  });

  router.get('/:id', requireRole('viewer'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const alert = (await models.alerts.findById(id).lean()) as AlertLean | null;
    const missions = allowedMissions(req.principal!);
    // Out-of-scope alerts are reported as not found: a scoped key must not learn they exist.
    if (!alert || (missions && !missions.includes(alert.mission))) throw new NotFoundError(`No alert ${id}.`);
    res.json(alertToDto(alert));
  });

  // Bulk first, so "bulk" is never taken for an alert id.
  router.post('/bulk', requireRole('analyst'), async (req, res) => {
    const body = BulkActionBody.parse(req.body);
    const results = [];
    for (const id of body.ids) {
      try {
        const updated = (await performAlertAction(models, req, id, body.action, body.input, options.relay)) as AlertLean;
        results.push({ id, ok: true, status: updated.status });
      } catch (error) {
        results.push({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    res.json({ results, succeeded: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length });
  });

  router.post('/:id/:action', requireRole('analyst'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    // `notes` reads better in a URL; the lifecycle calls the action `note`.
    const action = AlertActionName.parse(req.params.action === 'notes' ? 'note' : req.params.action);
    const updated = (await performAlertAction(models, req, id, action, req.body, options.relay)) as AlertLean;
    res.json(alertToDto(updated));
  });

  return router;
}

export { SEVERITY_RANK };
