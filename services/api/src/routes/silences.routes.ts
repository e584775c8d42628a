import { Router, type Request } from 'express';
import { Types, type QueryFilter } from 'mongoose';
import { z } from 'zod';
import { parseSilence } from '@vigie/alerting';
import { MissionCode, NarrativeKey, NotFoundError } from '@vigie/contracts';
import { decodeCursor, encodeCursor, type Models, type SilenceDoc } from '@vigie/db';
import { requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { assertWithinScope, scopePrefilter, withinScope } from './notify-scope.js';
import { isoDate, objectId, paginationQuery } from './query.js';

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(200).optional();

/**
 * POST /silences. The author is the API key's name, never taken from the body. `startsAt` defaults to now.
 * Cross-field rules (a matcher, end after start, at most 90 days, not already over) are @vigie/alerting's
 * parseSilence.
 */
export const SilenceBody = z
  .object({
    missions: list(MissionCode),
    narratives: list(NarrativeKey),
    /** Source ids. */
    sources: list(objectId),
    /** Lexicon terms, as the classifier matches them. */
    terms: list(z.string().trim().min(1).max(200)),
    startsAt: isoDate.optional(),
    endsAt: z.string({ error: 'say when the silence ends (an ISO-8601 date, e.g. 2026-11-26T18:00:00Z)' }).pipe(isoDate),
    reason: z.string({ error: 'a silence needs a reason' }).trim().min(3, 'say why (at least 3 characters)').max(2000),
  })
  .strict();

const listQuery = z
  .object({
    /** `active` (default): in force now or later; `all`: including ended ones. */
    state: z.enum(['active', 'all']).default('active'),
    ...paginationQuery,
  })
  .strict();

type SilenceLean = SilenceDoc & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function silenceToDto(s: SilenceLean, now: Date) {
  return {
    id: String(s._id),
    missions: s.missions ?? [],
    narratives: s.narratives ?? [],
    sources: s.sources ?? [],
    terms: s.terms ?? [],
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    active: s.startsAt.getTime() <= now.getTime() && now.getTime() < s.endsAt.getTime(),
    author: s.author,
    reason: s.reason,
    expiredAt: iso(s.expiredAt),
    expiredBy: s.expiredBy ?? null,
    createdAt: iso(s.createdAt),
  };
}

/**
 * Silences mute notifications, never the record. Viewers read; analysts create and end them (muting a noisy key
 * is triage). Scoped keys see and manage only silences wholly inside their missions, and must name missions.
 */
export function silencesRouter(models: Models): Router {
  const router = Router();

  async function loadVisible(req: Request, id: string): Promise<SilenceLean> {
    const silence = (await models.silences.findById(id).lean()) as SilenceLean | null;
    if (!silence || !withinScope(req.principal!, silence.missions ?? [])) throw new NotFoundError(`No silence ${id}.`);
    return silence;
  }

  router.get('/', requireRole('viewer'), async (req, res) => {
    const q = listQuery.parse(req.query);
    const now = new Date();
    const filter: QueryFilter<SilenceDoc> = { ...scopePrefilter(req.principal!) };
    if (q.state === 'active') filter.endsAt = { $gt: now };
    const and: QueryFilter<SilenceDoc>[] = [filter];
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const t = new Date(Number(c.v));
      and.push({ $or: [{ createdAt: { $lt: t } }, { createdAt: t, _id: { $lt: new Types.ObjectId(c.id) } }] });
    }
    const rows = (await models.silences
      .find(and.length > 1 ? { $and: and } : filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(q.limit + 1)
      .lean()) as SilenceLean[];
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > q.limit && last?.createdAt ? encodeCursor({ v: last.createdAt.getTime(), id: String(last._id) }) : null;
    res.json({ data: page.filter((s) => withinScope(req.principal!, s.missions ?? [])).map((s) => silenceToDto(s, now)), nextCursor });
  });

  router.get('/:id', requireRole('viewer'), async (req, res) => {
    res.json(silenceToDto(await loadVisible(req, objectId.parse(req.params.id)), new Date()));
  });

  router.post('/', requireRole('analyst'), async (req, res) => {
    const body = SilenceBody.parse(req.body);
    assertWithinScope(req.principal!, body.missions ?? [], 'silence');
    const now = new Date();
    const id = new Types.ObjectId();
    const silence = parseSilence({ ...body, startsAt: body.startsAt ?? now, author: req.principal!.name }, String(id), now);
    const { id: _id, ...fields } = silence;
    await models.silences.create({
      _id: id,
      startsAt: fields.startsAt,
      endsAt: fields.endsAt,
      author: fields.author,
      reason: fields.reason,
      ...(fields.missions ? { missions: [...fields.missions] } : {}),
      ...(fields.narratives ? { narratives: [...fields.narratives] } : {}),
      ...(fields.sources ? { sources: [...fields.sources] } : {}),
      ...(fields.terms ? { terms: [...fields.terms] } : {}),
      createdByKeyId: req.principal!.id,
    });
    await auditWrite(models, req, {
      action: 'silence.create',
      targetType: 'silence',
      targetId: String(id),
      changes: Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'reason').map(([k, v]) => [k, { from: null, to: v }])),
      reason: silence.reason,
    });
    res.status(201).json(silenceToDto((await models.silences.findById(id).lean().orFail()) as SilenceLean, now));
  });

  /** Ends a silence now. The record stays: alerts it muted keep saying so, and the audit log keeps who ended it. */
  router.delete('/:id', requireRole('analyst'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const silence = await loadVisible(req, id);
    const now = new Date();
    if (silence.endsAt.getTime() > now.getTime()) {
      await models.silences.updateOne(
        { _id: silence._id },
        { $set: { endsAt: new Date(Math.max(now.getTime(), silence.startsAt.getTime())), expiredAt: now, expiredBy: req.principal!.name } },
      );
      await auditWrite(models, req, { action: 'silence.expire', targetType: 'silence', targetId: id, changes: { endsAt: { from: silence.endsAt, to: now } } });
    }
    res.status(204).end();
  });

  return router;
}
