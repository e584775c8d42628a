import { Router } from 'express';
import { Types, type QueryFilter } from 'mongoose';
import { z } from 'zod';
import { Language, NarrativeKey, NotFoundError, Severity, Stance } from '@vigie/contracts';
import { decodeCursor, encodeCursor, type ItemDoc, type Models } from '@vigie/db';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { csvEnum, isoDate, missionsQuery, objectId, paginationQuery } from './query.js';

export const ItemListQuery = z
  .object({
    mission: missionsQuery,
    narrative: csvEnum(NarrativeKey).optional(),
    severity: csvEnum(Severity).optional(),
    language: csvEnum(Language).optional(),
    harmful: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    sourceId: objectId.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    ...paginationQuery,
  })
  .strict();

type ItemLean = ItemDoc & { _id: Types.ObjectId };

export function itemToDto(i: ItemLean) {
  return {
    id: String(i._id),
    sourceId: String(i.sourceId),
    guid: i.guid,
    url: i.url,
    title: i.title,
    text: i.text,
    author: i.author,
    language: i.language,
    publishedAt: i.publishedAt ? i.publishedAt.toISOString() : null,
    collectedAt: i.collectedAt.toISOString(),
    status: i.status,
    missions: i.missions,
    topNarrative: i.topNarrative,
    harmful: i.harmful,
    severity: i.severity,
    nearDuplicateOf: i.nearDuplicateOf ? String(i.nearDuplicateOf) : null,
    classification: i.classification ?? null,
    media: i.media,
    warnings: i.warnings,
  };
}

export function itemsRouter(models: Models): Router {
  const router = Router();

  router.get('/', requireRole('viewer'), async (req, res) => {
    const q = ItemListQuery.parse(req.query);
    const missions = allowedMissions(req.principal!, q.mission);
    const filter: QueryFilter<ItemDoc> = {};
    if (missions) filter.missions = { $in: missions };
    if (q.narrative?.length) filter.topNarrative = { $in: q.narrative };
    if (q.severity?.length) filter.severity = { $in: q.severity };
    if (q.language?.length) filter.language = { $in: q.language };
    if (q.harmful !== undefined) filter.harmful = q.harmful;
    if (q.sourceId) filter.sourceId = new Types.ObjectId(q.sourceId);
    if (q.from || q.to) filter.collectedAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
    const and: QueryFilter<ItemDoc>[] = [filter];
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const t = new Date(Number(c.v));
      const id = new Types.ObjectId(c.id);
      and.push({ $or: [{ collectedAt: { $lt: t } }, { collectedAt: t, _id: { $lt: id } }] });
    }
    const rows = (await models.items
      .find(and.length > 1 ? { $and: and } : filter)
      .sort({ collectedAt: -1, _id: -1 })
      .limit(q.limit + 1)
      .lean()) as ItemLean[];
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > q.limit && last ? encodeCursor({ v: last.collectedAt.getTime(), id: String(last._id) }) : null;
    res.json({ data: page.map(itemToDto), nextCursor });
  });

  router.get('/:id', requireRole('viewer'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const item = (await models.items.findById(id).lean()) as ItemLean | null;
    const missions = allowedMissions(req.principal!);
    if (!item || (missions && !item.missions.some((m) => missions.includes(m as never)))) throw new NotFoundError(`No item ${id}.`);
    res.json(itemToDto(item));
  });

  // An officer's verdict on one item: the classifier learns from these (`vigie train`).
  router.post('/:id/label', requireRole('analyst'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const body = LabelBody.parse(req.body);
    const item = (await models.items.findById(id).lean()) as ItemLean | null;
    const missions = allowedMissions(req.principal!);
    if (!item || (missions && !item.missions.some((m) => missions.includes(m as never)))) throw new NotFoundError(`No item ${id}.`);
    const classification = item.classification as { classifierVersion?: string } | null;
    await models.labels.updateOne(
      { itemId: item._id, actorKeyId: req.principal!.id },
      {
        $set: {
          verdict: body.verdict,
          narrative: body.narrative ?? null,
          stance: body.stance ?? null,
          via: 'feedback',
          classifierVersion: classification?.classifierVersion ?? null,
          at: new Date(),
        },
      },
      { upsert: true },
    );
    await auditWrite(models, req, { action: 'item.label', targetType: 'item', targetId: id, changes: { verdict: { from: null, to: body.verdict } }, reason: body.note ?? null });
    res.status(201).json({ itemId: id, ...body });
  });

  return router;
}

export const LabelBody = z
  .object({
    verdict: z.enum(['true_positive', 'false_positive']),
    /** The narrative the item really carries, when the classifier got it wrong (null: none). */
    narrative: NarrativeKey.nullable().optional(),
    stance: Stance.optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
