import { Router } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { ForbiddenError, MissionCode, NotFoundError } from '@vigie/contracts';
import { ROLES, createApiKey, type Models } from '@vigie/db';
import { requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { objectId } from './query.js';

export const CreateKeyBody = z
  .object({
    name: z.string().trim().min(1, 'give the key a name people will recognise, e.g. "Goma comms cell"').max(200),
    role: z.enum(ROLES),
    /** Missions the key may see; omit or [] for all missions. */
    missions: z.array(MissionCode).max(11).default([]),
  })
  .strict();

function keyToDto(k: { _id: Types.ObjectId; name: string; prefix: string; role: string; missions: string[]; createdBy?: string | null; lastUsedAt?: Date | null; revokedAt?: Date | null; createdAt?: Date }) {
  return {
    id: String(k._id),
    name: k.name,
    prefix: `vk_${k.prefix}_…`,
    role: k.role,
    missions: k.missions,
    createdBy: k.createdBy ?? null,
    createdAt: k.createdAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

export interface KeysRouterDeps {
  /** Called after a key is revoked, so no API process keeps trusting it from its verified-key cache. */
  readonly onKeyChanged: () => Promise<void>;
}

export function keysRouter(models: Models, { onKeyChanged }: KeysRouterDeps): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.get('/', async (req, res) => {
    const scope = req.principal!.missions;
    const rows = await models.apiKeys.find(scope.length ? { missions: { $all: scope } } : {}).sort({ createdAt: -1 }).limit(500).lean();
    // A mission-scoped admin sees only keys inside its own scope.
    const visible = scope.length ? rows.filter((k) => k.missions.length > 0 && k.missions.every((m) => scope.includes(m as MissionCode))) : rows;
    res.json({ data: visible.map(keyToDto) });
  });

  router.post('/', async (req, res) => {
    const body = CreateKeyBody.parse(req.body);
    const scope = req.principal!.missions;
    // An admin limited to some missions cannot mint a key that sees more than it does.
    if (scope.length && (body.missions.length === 0 || body.missions.some((m) => !scope.includes(m)))) {
      throw new ForbiddenError(`Your key is limited to ${scope.join(', ')}; the new key must be limited to those missions too.`);
    }
    const created = await createApiKey(models, { ...body, createdBy: req.principal!.name });
    await auditWrite(models, req, {
      action: 'key.create',
      targetType: 'api_key',
      targetId: created.id,
      changes: { role: { from: null, to: body.role }, missions: { from: null, to: body.missions } },
    });
    const doc = await models.apiKeys.findById(created.id).lean().orFail();
    res.status(201).json({ ...keyToDto(doc), key: created.key, note: 'Store this key now: it is shown only once.' });
  });

  router.delete('/:id', async (req, res) => {
    const id = objectId.parse(req.params.id);
    const key = await models.apiKeys.findById(id).lean();
    const scope = req.principal!.missions;
    if (!key || (scope.length && !key.missions.every((m) => scope.includes(m as MissionCode)))) throw new NotFoundError(`No API key ${id}.`);
    if (!key.revokedAt) {
      await models.apiKeys.updateOne({ _id: key._id }, { $set: { revokedAt: new Date() } });
      await onKeyChanged();
      await auditWrite(models, req, { action: 'key.revoke', targetType: 'api_key', targetId: id, changes: { revokedAt: { from: null, to: 'now' } } });
    }
    res.status(204).end();
  });

  return router;
}
