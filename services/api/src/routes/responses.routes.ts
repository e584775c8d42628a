import { Router, type Request } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '@vigie/contracts';
import { RESPONSE_CHANNELS, RESPONSE_STATUSES, type Models, type ResponseDoc } from '@vigie/db';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { isoDate, objectId } from './query.js';

/**
 * Responses to alerts: draft → approved → published.
 *
 * Roles (decided here, documented in the README): an **analyst** drafts and edits (only while `draft`) and
 * records publication of an approved text; an **admin** approves — approval is the clearance by the mission's
 * communications lead, so it sits with the higher role. Every write is audited. Moving the alert to
 * `responding` stays with `POST /alerts/:id/respond {responseId}` (the alert lifecycle owns that).
 *
 * Status changes are conditional updates on the expected status; FerretDB v1 does not run those atomically,
 * so two admins approving at the same instant both "win" — harmless, the end state is the same.
 */
export const ResponseChannel = z.enum(RESPONSE_CHANNELS);
export const ResponseCreateBody = z.object({ channel: ResponseChannel, text: z.string().trim().min(1, 'must not be empty').max(20_000) }).strict();
export const ResponsePatchBody = z
  .object({ channel: ResponseChannel.optional(), text: z.string().trim().min(1, 'must not be empty').max(20_000).optional() })
  .strict()
  .refine((b) => b.channel !== undefined || b.text !== undefined, { message: 'send `channel`, `text` or both' });
export const ResponsePublishBody = z
  .object({ publishedAt: isoDate.optional() })
  .strict()
  .refine((b) => !b.publishedAt || b.publishedAt.getTime() <= Date.now() + 5 * 60_000, { message: 'cannot be in the future', path: ['publishedAt'] });

export const ResponseDto = z.object({
  id: z.string(),
  alertId: z.string(),
  mission: z.string(),
  narrative: z.string(),
  channel: ResponseChannel,
  text: z.string(),
  status: z.enum(RESPONSE_STATUSES),
  publishedAt: z.string().nullable(),
  author: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

type ResponseLean = ResponseDoc & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

export function responseToDto(r: ResponseLean): z.infer<typeof ResponseDto> {
  return {
    id: String(r._id),
    alertId: String(r.alertId),
    mission: r.mission,
    narrative: r.narrative,
    channel: r.channel,
    text: r.text,
    status: r.status ?? 'draft',
    publishedAt: r.publishedAt ? r.publishedAt.toISOString() : null,
    author: r.author,
    approvedBy: r.approvedBy ?? null,
    approvedAt: r.approvedAt ? r.approvedAt.toISOString() : null,
    publishedBy: r.publishedBy ?? null,
    createdAt: r.createdAt?.toISOString() ?? null,
    updatedAt: r.updatedAt?.toISOString() ?? null,
  };
}

async function alertInScope(models: Models, req: Request, id: string) {
  const alert = await models.alerts.findById(id, { mission: 1, narrative: 1 }).lean();
  const missions = allowedMissions(req.principal!);
  if (!alert || (missions && !missions.includes(alert.mission))) throw new NotFoundError(`No alert ${id}.`);
  return alert;
}

async function responseInScope(models: Models, req: Request, id: string): Promise<ResponseLean> {
  const doc = (await models.responses.findById(id).lean()) as ResponseLean | null;
  const missions = allowedMissions(req.principal!);
  if (!doc || (missions && !missions.includes(doc.mission))) throw new NotFoundError(`No response ${id}.`);
  return doc;
}

export function responsesRouter(models: Models): Router {
  const router = Router();

  router.post('/alerts/:id/responses', requireRole('analyst'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const body = ResponseCreateBody.parse(req.body);
    const alert = await alertInScope(models, req, id);
    const doc = await models.responses.create({ alertId: alert._id, mission: alert.mission, narrative: alert.narrative, channel: body.channel, text: body.text, status: 'draft', author: req.principal!.name });
    await auditWrite(models, req, { action: 'response.create', targetType: 'response', targetId: String(doc._id), changes: { status: { from: null, to: 'draft' }, alertId: { from: null, to: id } } });
    res.status(201).location(`/api/v1/responses/${String(doc._id)}`).json(responseToDto(doc.toObject() as ResponseLean));
  });

  router.get('/alerts/:id/responses', requireRole('viewer'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    z.object({}).strict().parse(req.query);
    const alert = await alertInScope(models, req, id);
    const rows = (await models.responses.find({ alertId: alert._id }).sort({ createdAt: 1 }).limit(200).lean()) as ResponseLean[];
    res.json({ data: rows.map(responseToDto) });
  });

  router.get('/responses/:id', requireRole('viewer'), async (req, res) => {
    res.json(responseToDto(await responseInScope(models, req, objectId.parse(req.params.id))));
  });

  router.patch('/responses/:id', requireRole('analyst'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const body = ResponsePatchBody.parse(req.body);
    const current = await responseInScope(models, req, id);
    if (current.status !== 'draft') throw new ConflictError(`This response is ${current.status}; only drafts can be edited. Draft a new response instead.`);
    const updated = (await models.responses.findOneAndUpdate({ _id: current._id, status: 'draft' }, { $set: body }, { returnDocument: 'after' }).lean()) as ResponseLean | null;
    if (!updated) throw new ConflictError('This response changed while you were editing it; reload it and try again.');
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (body.channel !== undefined) changes.channel = { from: current.channel, to: body.channel };
    if (body.text !== undefined) changes.text = { from: `${current.text.length} chars`, to: `${body.text.length} chars` };
    await auditWrite(models, req, { action: 'response.update', targetType: 'response', targetId: id, changes });
    res.json(responseToDto(updated));
  });

  router.post('/responses/:id/approve', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    z.object({}).strict().parse(req.body ?? {});
    const current = await responseInScope(models, req, id);
    if (current.status !== 'draft') throw new ConflictError(`This response is already ${current.status}.`);
    const updated = (await models.responses
      .findOneAndUpdate({ _id: current._id, status: 'draft' }, { $set: { status: 'approved', approvedBy: req.principal!.name, approvedAt: new Date() } }, { returnDocument: 'after' })
      .lean()) as ResponseLean | null;
    if (!updated) throw new ConflictError('This response changed while you were approving it; reload it and try again.');
    await auditWrite(models, req, { action: 'response.approve', targetType: 'response', targetId: id, changes: { status: { from: 'draft', to: 'approved' } } });
    res.json(responseToDto(updated));
  });

  router.post('/responses/:id/publish', requireRole('analyst'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const body = ResponsePublishBody.parse(req.body ?? {});
    const current = await responseInScope(models, req, id);
    if (current.status === 'draft') throw new ConflictError('This response is still a draft: an admin must approve it before it is published.');
    if (current.status === 'published') throw new ConflictError('This response is already published.');
    const publishedAt = body.publishedAt ?? new Date();
    if (current.approvedAt && publishedAt < current.approvedAt) throw new ValidationError('publishedAt is before the approval', [{ path: 'publishedAt', message: 'must not be before the approval time' }]);
    const updated = (await models.responses
      .findOneAndUpdate({ _id: current._id, status: 'approved' }, { $set: { status: 'published', publishedAt, publishedBy: req.principal!.name } }, { returnDocument: 'after' })
      .lean()) as ResponseLean | null;
    if (!updated) throw new ConflictError('This response changed while you were publishing it; reload it and try again.');
    await auditWrite(models, req, { action: 'response.publish', targetType: 'response', targetId: id, changes: { status: { from: 'approved', to: 'published' }, publishedAt: { from: null, to: publishedAt.toISOString() } } });
    res.json(responseToDto(updated));
  });

  return router;
}
