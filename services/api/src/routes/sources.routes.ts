import { Router, type Request } from 'express';
import { Types, type QueryFilter } from 'mongoose';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ConflictError, ForbiddenError, MissionCode, NotFoundError, SOURCE_KIND_VALUES, SourceInput, ValidationError } from '@vigie/contracts';
import { decodeCursor, deleteSource, encodeCursor, isDuplicateKeyError, sourceConfigFields, type Models, type SourceDoc } from '@vigie/db';
import { mergeLiveness, newSourceRevision, publishSourceRevision, readSourceLiveness, type SourceLiveness } from '@vigie/runtime';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { csvEnum, missionsQuery, objectId } from './query.js';

/**
 * PATCH body: any subset of SourceInput's fields, unknown fields rejected, no defaults filled in (an absent
 * field stays as it is). The merged result is re-validated with SourceInput, so cross-field rules (an rss
 * source needs a url) hold after a patch too. Candidate for @vigie/contracts next to SourceInput.
 */
export const SourcePatch = z
  .object(
    Object.fromEntries(
      Object.entries(SourceInput.shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional()]),
    ) as { [K in keyof typeof SourceInput.shape]: z.ZodOptional<z.ZodType<z.output<(typeof SourceInput.shape)[K]>>> },
  )
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');
export type SourcePatch = z.infer<typeof SourcePatch>;

const listQuery = z
  .object({
    mission: missionsQuery,
    kind: csvEnum(z.enum(SOURCE_KIND_VALUES)).optional(),
    enabled: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    limit: z.coerce.number().int().min(1, 'must be at least 1').max(500, 'at most 500 per page').default(200),
    cursor: z.string().max(512).optional(),
  })
  .strict();

type SourceLean = SourceDoc & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * A source as the API shows it. `live` is the collector's record of its latest poll (Redis): a poll that changed
 * nothing material (a 304 from a quiet feed) is not written to the document, so the newer of the two times wins.
 * `live === 'unavailable'` (Redis could not be read) shows the stored times and says they may be behind.
 */
export function sourceToDto(s: SourceLean, live?: SourceLiveness | null | 'unavailable') {
  const h = s.health ?? {};
  const times = mergeLiveness({ lastFetchAt: h.lastFetchAt ?? null, nextFetchAt: h.nextFetchAt ?? null }, live === 'unavailable' ? null : live, s.enabled);
  return {
    id: String(s._id),
    name: s.name,
    kind: s.kind,
    url: s.url ?? null,
    missions: s.missions,
    languages: s.languages,
    pollIntervalSec: s.pollIntervalSec,
    enabled: s.enabled,
    tags: s.tags,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    health: {
      lastFetchAt: iso(times.lastFetchAt),
      lastStatus: h.lastStatus ?? null,
      consecutiveFailures: h.consecutiveFailures ?? 0,
      lastError: h.lastError ? { code: h.lastError.code ?? null, message: h.lastError.message ?? null, at: iso(h.lastError.at) } : null,
      itemsLastFetch: h.itemsLastFetch ?? 0,
      nextFetchAt: iso(times.nextFetchAt),
      /**
       * False when the collector's latest poll times could not be read (Redis unreachable): the times shown are
       * the stored ones, which a quiet feed refreshes at least daily.
       */
      pollTimesCurrent: live !== 'unavailable',
      disabledReason: h.disabledReason ?? null,
      /** The adaptive interval in use (seconds), or null before the first fetch. */
      effectiveIntervalSec: s.schedule?.intervalSec ?? null,
      /** A permanent redirect seen on recent fetches, adopted once it repeats. */
      pendingRedirect: s.http?.redirectTo ? { to: s.http.redirectTo, seen: s.http.redirectCount ?? 0 } : null,
    },
  };
}

/** What the API lets people change, as stored: used for the audit diff. */
function configOf(s: SourceLean | SourceInput) {
  return { name: s.name, ...sourceConfigFields(s) };
}

function diff(before: Record<string, unknown> | null, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, to] of Object.entries(after)) {
    const from = before ? before[k] : null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from, to };
  }
  return out;
}

/**
 * A mission-scoped key sees sources concerning at least one of its missions. It may write only sources whose
 * missions are all inside its scope (and not empty: an unscoped source concerns every mission).
 */
function canRead(req: Request, s: { missions: string[] }): boolean {
  const scope = allowedMissions(req.principal!);
  return !scope || s.missions.some((m) => scope.includes(m as MissionCode));
}

function assertWritableMissions(req: Request, missions: readonly string[]): void {
  const scope = req.principal!.missions;
  if (scope.length && (missions.length === 0 || missions.some((m) => !scope.includes(m as MissionCode)))) {
    throw new ForbiddenError(`Your key is limited to ${scope.join(', ')}; a source you manage must concern only those missions (and name at least one).`);
  }
}

async function loadVisible(models: Models, req: Request, id: string): Promise<SourceLean> {
  const source = (await models.sources.findById(id).lean()) as SourceLean | null;
  if (!source || !canRead(req, source)) throw new NotFoundError(`No source ${id}.`);
  return source;
}

function nameConflict(name: string): ConflictError {
  return new ConflictError(`A source named "${name}" already exists; names identify sources in imports and the CLI.`);
}

/** Where the collector records poll times (the same Redis and queue prefix as the collector). */
export interface SourceLivenessReader {
  readonly redis: Redis;
  readonly prefix: string;
}

export function sourcesRouter(models: Models, liveness: SourceLivenessReader): Router {
  const router = Router();
  // One MGET per response. Without Redis the sources are still listed, with their stored times marked as such
  // (health.pollTimesCurrent: false): an officer checking sources during an outage needs them most.
  const withLiveness = async (req: Request, rows: SourceLean[]) => {
    let live: Map<string, SourceLiveness> | null = null;
    try {
      live = await readSourceLiveness(liveness.redis, liveness.prefix, rows.map((r) => String(r._id)));
    } catch (error) {
      req.log.warn({ err: error }, 'could not read poll times from Redis; showing the stored ones');
    }
    return rows.map((r) => sourceToDto(r, live ? live.get(String(r._id)) : 'unavailable'));
  };
  const one = async (req: Request, row: SourceLean) => (await withLiveness(req, [row]))[0]!;
  // Every change gets a new revision, mirrored in Redis after the write: collectors drop their memory copy. The
  // change is saved (and audited) even when Redis cannot be told: collectors then see it at their next scheduler
  // sync, as they do for changes made by the CLI.
  const changed = async (req: Request, id: string, rev: string) => {
    try {
      await publishSourceRevision(liveness.redis, liveness.prefix, id, rev);
    } catch (error) {
      req.log.warn({ err: error, sourceId: id }, 'could not announce a source change in Redis; collectors will see it at their next sync');
    }
  };

  router.get('/', requireRole('viewer'), async (req, res) => {
    const q = listQuery.parse(req.query);
    const missions = allowedMissions(req.principal!, q.mission);
    const filter: QueryFilter<SourceDoc> = {};
    if (missions) filter.missions = { $in: missions };
    if (q.kind?.length) filter.kind = { $in: q.kind };
    if (q.enabled !== undefined) filter.enabled = q.enabled;
    const and: QueryFilter<SourceDoc>[] = [filter];
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const name = String(c.v ?? '');
      and.push({ $or: [{ name: { $gt: name } }, { name, _id: { $gt: new Types.ObjectId(c.id) } }] });
    }
    const rows = (await models.sources
      .find(and.length > 1 ? { $and: and } : filter)
      .sort({ name: 1, _id: 1 })
      .limit(q.limit + 1)
      .lean()) as SourceLean[];
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > q.limit && last ? encodeCursor({ v: last.name, id: String(last._id) }) : null;
    res.json({ data: await withLiveness(req, page), nextCursor });
  });

  router.get('/:id', requireRole('viewer'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    res.json(await one(req, await loadVisible(models, req, id)));
  });

  router.post('/', requireRole('admin'), async (req, res) => {
    const body = SourceInput.parse(req.body);
    assertWritableMissions(req, body.missions);
    let created;
    try {
      created = await models.sources.create(configOf(body));
    } catch (error) {
      if (isDuplicateKeyError(error)) throw nameConflict(body.name);
      throw error;
    }
    await auditWrite(models, req, { action: 'source.create', targetType: 'source', targetId: String(created._id), changes: diff(null, configOf(body)) });
    const doc = (await models.sources.findById(created._id).lean().orFail()) as SourceLean;
    res.status(201).json(sourceToDto(doc));
  });

  router.patch('/:id', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const patch = SourcePatch.parse(req.body);
    const before = await loadVisible(models, req, id);
    assertWritableMissions(req, before.missions);
    const merged = SourceInput.safeParse({ ...configOf(before), ...patch });
    if (!merged.success) {
      throw new ValidationError(
        'The source would be invalid after this change.',
        merged.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
      );
    }
    const after = configOf(merged.data);
    assertWritableMissions(req, after.missions);
    const changes = diff(configOf(before), after);
    if (Object.keys(changes).length > 0) {
      const rev = newSourceRevision();
      const set: Record<string, unknown> = { ...after, rev };
      // New URL: the validators, body hash and redirect state belonged to the old one.
      if (changes.url) Object.assign(set, { 'http.etag': null, 'http.lastModified': null, 'http.bodyHash': null, 'http.redirectTo': null, 'http.redirectCount': 0 });
      // Re-enabling clears the reason it was disabled and the failure streak that led there.
      if (changes.enabled && after.enabled) Object.assign(set, { 'health.disabledReason': null, 'health.consecutiveFailures': 0, 'schedule.notBefore': null });
      // Checked first: FerretDB v1 reports a unique violation on update as code 1, not E11000.
      if (changes.name && (await models.sources.exists({ name: after.name, _id: { $ne: before._id } }))) throw nameConflict(after.name);
      try {
        await models.sources.updateOne({ _id: before._id }, { $set: set });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw nameConflict(after.name);
        throw error;
      }
      await changed(req, id, rev);
      await auditWrite(models, req, { action: 'source.update', targetType: 'source', targetId: id, changes });
    }
    res.json(await one(req, (await models.sources.findById(id).lean().orFail()) as SourceLean));
  });

  for (const action of ['disable', 'enable'] as const) {
    router.post(`/:id/${action}`, requireRole('admin'), async (req, res) => {
      const id = objectId.parse(req.params.id);
      const reasonBody = z.object({ reason: z.string().trim().max(500).optional() }).strict();
      const { reason } = reasonBody.parse(req.body ?? {});
      const before = await loadVisible(models, req, id);
      assertWritableMissions(req, before.missions);
      const enabled = action === 'enable';
      if (before.enabled !== enabled) {
        const rev = newSourceRevision();
        const set = enabled
          ? { enabled: true, 'health.disabledReason': null, 'health.consecutiveFailures': 0, 'schedule.notBefore': null, rev }
          : { enabled: false, 'health.disabledReason': `Disabled by ${req.principal!.name}${reason ? `: ${reason}` : ''}`, rev };
        await models.sources.updateOne({ _id: before._id }, { $set: set });
        await changed(req, id, rev);
        await auditWrite(models, req, { action: `source.${action}`, targetType: 'source', targetId: id, changes: { enabled: { from: before.enabled, to: enabled } }, reason: reason ?? null });
      }
      res.json(await one(req, (await models.sources.findById(id).lean().orFail()) as SourceLean));
    });
  }

  router.delete('/:id', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const before = await loadVisible(models, req, id);
    assertWritableMissions(req, before.missions);
    if (await deleteSource(models, id)) {
      await changed(req, id, newSourceRevision());
      await auditWrite(models, req, { action: 'source.delete', targetType: 'source', targetId: id, changes: { source: { from: configOf(before), to: null } } });
    }
    res.status(204).end();
  });

  return router;
}
