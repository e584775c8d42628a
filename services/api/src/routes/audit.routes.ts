import { Router } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { decodeCursor, encodeCursor, type Models } from '@vigie/db';
import { requireRole } from '../middleware/auth.js';
import { paginationQuery } from './query.js';

export const AuditListQuery = z
  .object({
    targetType: z.string().regex(/^[a-z_]{1,40}$/).optional(),
    targetId: z.string().regex(/^[\w:-]{1,80}$/).optional(),
    action: z.string().regex(/^[a-z_.]{1,60}$/).optional(),
    ...paginationQuery,
  })
  .strict();

export function auditRouter(models: Models): Router {
  const router = Router();
  router.get('/', requireRole('admin'), async (req, res) => {
    const q = AuditListQuery.parse(req.query);
    const filter: Record<string, unknown> = {};
    if (q.targetType) filter.targetType = q.targetType;
    if (q.targetId) filter.targetId = q.targetId;
    if (q.action) filter.action = q.action;
    const conditions: Record<string, unknown>[] = [filter];
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const at = new Date(Number(c.v));
      conditions.push({ $or: [{ at: { $lt: at } }, { at, _id: { $lt: new Types.ObjectId(c.id) } }] });
    }
    const rows = await models.audit.find({ $and: conditions }).sort({ at: -1, _id: -1 }).limit(q.limit + 1).lean();
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    res.json({
      data: page.map((e) => ({
        id: String(e._id),
        at: e.at.toISOString(),
        actor: { keyId: e.actorKeyId, name: e.actorName },
        action: e.action,
        target: { type: e.targetType, id: e.targetId },
        changes: e.changes,
        reason: e.reason,
        requestId: e.requestId,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ v: last.at.getTime(), id: String(last._id) }) : null,
    });
  });
  return router;
}
