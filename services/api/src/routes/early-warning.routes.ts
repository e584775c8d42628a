import { Router } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { Moment, MOMENT_KINDS, likelyNarratives, prebunkTaskKey } from '@vigie/alerting';
import { ForbiddenError, MissionCode, NarrativeKey, NotFoundError } from '@vigie/contracts';
import { countSeries, type Models } from '@vigie/db';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { csvEnum, isoDate, missionsQuery, objectId } from './query.js';

export const EarlyWarningListQuery = z
  .object({ mission: missionsQuery, narrative: csvEnum(NarrativeKey).optional(), from: isoDate.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();

export const MomentBody = Moment.omit({ id: true }).strict();

/**
 * PATCH /moments/:id: any of the moment's fields; `thresholdFactor: null` goes back to the default lowering.
 * The merged moment is validated as a whole (MomentBody), so the rules are the same as on creation.
 */
export const MomentPatchBody = z
  .record(z.string(), z.unknown())
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

const DAY_MS = 86_400_000;

export const TimeseriesQuery = z
  .object({
    mission: MissionCode,
    narrative: NarrativeKey.optional(),
    bucket: z.enum(['hour', 'quarterHour']).default('hour'),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: '`from` must be before `to`', path: ['from'] })
  .refine((q) => !q.from || (q.to ?? new Date()).getTime() - q.from.getTime() <= 92 * 86_400_000, { message: 'at most 92 days per request', path: ['from'] });

function assertMissionAllowed(missions: MissionCode[] | null, mission: MissionCode) {
  if (missions && !missions.includes(mission)) throw new ForbiddenError(`Your key is limited to ${missions.join(', ')}.`);
}

/** Early-warning signals, the high-risk moments calendar, prebunk tasks and volume time series. */
export function earlyWarningRouter(models: Models): Router {
  const router = Router();

  router.get('/early-warnings', requireRole('viewer'), async (req, res) => {
    const q = EarlyWarningListQuery.parse(req.query);
    const missions = allowedMissions(req.principal!, q.mission);
    const filter: Record<string, unknown> = {};
    if (missions) filter.mission = { $in: missions };
    if (q.narrative?.length) filter.narrative = { $in: q.narrative };
    if (q.from) filter.detectedAt = { $gte: q.from };
    const rows = await models.earlyWarnings.find(filter).sort({ detectedAt: -1 }).limit(q.limit).lean();
    res.json({
      data: rows.map((w) => ({
        id: String(w._id),
        mission: w.mission,
        narrative: w.narrative,
        kind: w.kind,
        window: { name: w.windowName, start: w.windowStart.toISOString(), end: w.windowEnd.toISOString() },
        observed: w.observed,
        expected: w.expected,
        ratio: w.ratio,
        pValue: w.pValue,
        reasons: w.reasons,
        topTerms: w.topTerms,
        topSources: w.topSources,
        languages: w.languages,
        thresholdFactor: w.thresholdFactor,
        detectedAt: w.detectedAt.toISOString(),
        alertId: w.alertId ? String(w.alertId) : null,
      })),
    });
  });

  router.get('/stats/timeseries', requireRole('viewer'), async (req, res) => {
    const q = TimeseriesQuery.parse(req.query);
    assertMissionAllowed(allowedMissions(req.principal!), q.mission);
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 14 * 86_400_000);
    const rows = await countSeries(models, q.mission, q.narrative ?? null, q.bucket, from, to);
    res.json({ mission: q.mission, narrative: q.narrative ?? null, bucket: q.bucket, from: from.toISOString(), to: to.toISOString(), data: rows.map((r) => ({ start: r.start.toISOString(), count: r.count })) });
  });

  router.get('/moments', requireRole('viewer'), async (req, res) => {
    const q = z.object({ mission: missionsQuery, from: isoDate.optional(), to: isoDate.optional() }).strict().parse(req.query);
    const missions = allowedMissions(req.principal!, q.mission);
    const filter: Record<string, unknown> = {};
    if (missions) filter.mission = { $in: missions };
    if (q.from || q.to) filter.date = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
    const rows = await models.moments.find(filter).sort({ date: 1 }).limit(500).lean();
    res.json({ data: rows.map(momentToDto), kinds: MOMENT_KINDS });
  });

  router.post('/moments', requireRole('admin'), async (req, res) => {
    const body = MomentBody.parse(req.body);
    assertMissionAllowed(allowedMissions(req.principal!), body.mission);
    const doc = await models.moments.create({ ...body, thresholdFactor: body.thresholdFactor ?? null, createdBy: req.principal!.name });
    await auditWrite(models, req, { action: 'moment.create', targetType: 'moment', targetId: String(doc._id), changes: { date: { from: null, to: body.date.toISOString() } } });
    res.status(201).json(momentToDto(doc.toObject()));
  });

  router.patch('/moments/:id', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const patch = MomentPatchBody.parse(req.body ?? {});
    const missions = allowedMissions(req.principal!);
    const before = await models.moments.findById(id).lean();
    if (!before || (missions && !missions.includes(before.mission))) throw new NotFoundError(`No moment ${id}.`);
    const { id: _id, ...current } = momentToDto(before);
    const merged: Record<string, unknown> = { ...current, ...patch };
    if (merged.thresholdFactor === null) delete merged.thresholdFactor;
    const next = MomentBody.parse(merged);
    assertMissionAllowed(missions, next.mission);
    const set = { ...next, thresholdFactor: next.thresholdFactor ?? null };
    await models.moments.updateOne({ _id: before._id }, { $set: set });
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const after = momentToDto({ ...before, ...set });
    for (const [k, v] of Object.entries(after)) {
      const was = (current as Record<string, unknown>)[k];
      if (k !== 'id' && JSON.stringify(was) !== JSON.stringify(v)) changes[k] = { from: was ?? null, to: v };
    }
    // The prebunk task already opened for this moment follows it while it is open (date, lead, narratives).
    await models.tasks.updateOne(
      { key: prebunkTaskKey(id), status: 'open' },
      { $set: { mission: next.mission, title: `Prebunk: ${next.title}`, momentDate: next.date, dueAt: new Date(next.date.getTime() - next.prebunkLeadDays * DAY_MS), narratives: [...likelyNarratives(next)] } },
    );
    await auditWrite(models, req, { action: 'moment.update', targetType: 'moment', targetId: id, changes });
    res.json(after);
  });

  router.delete('/moments/:id', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const moment = await models.moments.findById(id).lean();
    const missions = allowedMissions(req.principal!);
    if (!moment || (missions && !missions.includes(moment.mission))) throw new NotFoundError(`No moment ${id}.`);
    await models.moments.deleteOne({ _id: new Types.ObjectId(id) });
    await auditWrite(models, req, { action: 'moment.delete', targetType: 'moment', targetId: id });
    res.status(204).end();
  });

  router.get('/tasks', requireRole('viewer'), async (req, res) => {
    const q = z.object({ mission: missionsQuery, status: z.enum(['open', 'done', 'cancelled']).optional() }).strict().parse(req.query);
    const missions = allowedMissions(req.principal!, q.mission);
    const filter: Record<string, unknown> = {};
    if (missions) filter.mission = { $in: missions };
    if (q.status) filter.status = q.status;
    const rows = await models.tasks.find(filter).sort({ dueAt: 1 }).limit(200).lean();
    res.json({
      data: rows.map((t) => ({
        id: String(t._id),
        type: t.type,
        mission: t.mission,
        title: t.title,
        status: t.status,
        dueAt: t.dueAt.toISOString(),
        momentDate: t.momentDate ? t.momentDate.toISOString() : null,
        narratives: t.narratives,
        counterMessages: t.counterMessages,
      })),
    });
  });

  router.post('/tasks/:id/:status', requireRole('analyst'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const status = z.enum(['done', 'cancelled']).parse(req.params.status);
    const task = await models.tasks.findById(id).lean();
    const missions = allowedMissions(req.principal!);
    if (!task || (missions && !missions.includes(task.mission))) throw new NotFoundError(`No task ${id}.`);
    await models.tasks.updateOne({ _id: task._id }, { $set: { status } });
    await auditWrite(models, req, { action: `task.${status}`, targetType: 'task', targetId: id, changes: { status: { from: task.status, to: status } } });
    res.json({ id, status });
  });

  return router;
}

function momentToDto(m: { _id: unknown; mission: string; title: string; kind: string; date: Date; windowBeforeDays?: number | null; windowAfterDays?: number | null; prebunkLeadDays?: number | null; narratives?: string[]; thresholdFactor?: number | null }) {
  return {
    id: String(m._id),
    mission: m.mission,
    title: m.title,
    kind: m.kind,
    date: m.date.toISOString(),
    windowBeforeDays: m.windowBeforeDays ?? 3,
    windowAfterDays: m.windowAfterDays ?? 2,
    prebunkLeadDays: m.prebunkLeadDays ?? 7,
    narratives: m.narratives ?? [],
    thresholdFactor: m.thresholdFactor ?? null,
  };
}
