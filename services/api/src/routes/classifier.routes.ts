import { Router, type Request } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ConflictError, ForbiddenError, JOBS, MissionCode, NarrativeKey, NotFoundError, ValidationError, classifierActivationChannel } from '@vigie/contracts';
import {
  activateClassifierVersion,
  activeClassifierPointer,
  createReclassifyRun,
  findClassifierVersion,
  findReclassifyRun,
  listClassifierVersions,
  loadTriageDecisions,
  type ClassifierVersionLean,
  type Models,
  type ReclassifyRunLean,
} from '@vigie/db';
import {
  BundleValidationError,
  CatalogueChangeError,
  CatalogueChanges,
  activationProblems,
  applyCatalogueChanges,
  buildVersionedClassifier,
  describeChange,
  partHash,
  termPrecision,
  type VersionFigures,
} from '@vigie/nlp';
import { createTypedQueue, type Logger } from '@vigie/runtime';
import type { Classification } from '@vigie/contracts';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import type { ClassifierVersions } from '../classifier-versions.js';
import { isoDate, objectId } from './query.js';

/** POST /narratives/versions: a draft made of changes applied to a base version (default: the active one). */
export const VersionCreateBody = z
  .object({
    /** The version the changes apply to; default the active version. */
    base: objectId.optional(),
    notes: z.string().trim().max(2000).optional(),
    changes: CatalogueChanges,
  })
  .strict();

/** POST /narratives/versions/:id/activate. */
export const ActivateBody = z
  .object({
    /** Activate even when the dev-set check fails; needs a reason, recorded in the audit log. */
    force: z.boolean().default(false),
    reason: z.string().trim().min(10, 'say why (at least 10 characters)').max(2000).optional(),
  })
  .strict()
  .refine((b) => !b.force || b.reason, { message: 'forcing an activation needs a reason', path: ['reason'] });

/** POST /classifier/reclassify. */
export const ReclassifyBody = z
  .object({
    missions: z.array(MissionCode).min(1).max(20).optional(),
    /** Only items collected at or after this date. */
    since: isoDate.optional(),
    /** Only items whose current top narrative is this one. */
    narrative: NarrativeKey.optional(),
    /** Only items whose stored result came from another version than the active one. */
    olderOnly: z.boolean().default(false),
  })
  .strict();

export const TermPrecisionQuery = z
  .object({
    /** Only terms with at least this many decisions. */
    minDecisions: z.coerce.number().int().min(1).max(10_000).default(1),
    limit: z.coerce.number().int().min(1).max(1_000).default(200),
  })
  .strict();

export const VersionFiguresDto = z.object({
  harmfulF1: z.number(),
  harmfulPrecision: z.number(),
  harmfulRecall: z.number(),
  s1Recall: z.number().nullable(),
  narrativeMacroF1: z.number(),
  falseAlarmRate: z.number().nullable(),
  n: z.number(),
});

export const ClassifierVersionDto = z.object({
  id: z.string(),
  label: z.string().describe('stored as `classifierVersion` on every result this version produces'),
  hash: z.string(),
  catalogueVersion: z.string(),
  status: z.enum(['draft', 'active', 'retired']),
  source: z.enum(['builtin', 'edit', 'train']),
  parentId: z.string().nullable(),
  author: z.string(),
  notes: z.string(),
  changes: z.array(z.string()),
  figures: VersionFiguresDto.nullable(),
  trainedOn: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  activatedAt: z.string().nullable(),
});

export const ReclassifyRunDto = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  filter: z.object({ missions: z.array(z.string()), since: z.string().nullable(), narrative: z.string().nullable(), olderOnly: z.boolean() }),
  total: z.number(),
  done: z.number(),
  changed: z.number(),
  errors: z.number(),
  versions: z.array(z.string()),
  lastError: z.string().nullable(),
  requestedBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function versionToDto(v: ClassifierVersionLean & { status?: 'draft' | 'active' | 'retired'; activatedAt?: Date | null }, activeId: string | null) {
  return {
    id: String(v._id),
    label: v.label,
    hash: v.hash,
    catalogueVersion: v.catalogueVersion,
    status: v.status ?? (String(v._id) === activeId ? 'active' : 'draft'),
    source: v.source,
    parentId: v.parentId ? String(v.parentId) : null,
    author: v.author,
    notes: v.notes ?? '',
    changes: [...(v.changes ?? [])],
    figures: (v.figures as VersionFigures | null) ?? null,
    trainedOn: (v.trainedOn as Record<string, unknown> | null) ?? null,
    createdAt: v.createdAt.toISOString(),
    activatedAt: iso(v.activatedAt ?? null),
  };
}

export function runToDto(r: ReclassifyRunLean) {
  return {
    id: String(r._id),
    status: r.status,
    filter: { missions: [...(r.filter?.missions ?? [])], since: iso(r.filter?.since), narrative: r.filter?.narrative ?? null, olderOnly: r.filter?.olderOnly ?? false },
    total: r.total,
    done: r.done,
    changed: r.changed,
    errors: r.failedItems,
    versions: [...(r.versions ?? [])],
    lastError: r.lastError ?? null,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** The catalogue is shared by every mission: only keys without a mission scope may change it. */
function assertGlobal(req: Request, what: string): void {
  const scope = req.principal!.missions;
  if (scope.length > 0) {
    throw new ForbiddenError(`Your key is limited to ${scope.join(', ')}; ${what} affects every mission, so it needs an admin key without a mission scope.`);
  }
}

/**
 * The edited catalogue's `version` field: the base's year and month, and a number derived from the edited content.
 * Deterministic on purpose: saving the same edits on the same base twice yields the same version (same hash)
 * instead of a copy. The label stored with results carries the content hash anyway.
 */
function editedCatalogueVersion(base: string, edited: unknown): string {
  const [year, month] = base.split('.');
  return `${year}.${month}.${parseInt(partHash(edited).slice(0, 8), 16) % 1_000_000}`;
}

export interface ClassifierRouterDeps {
  readonly models: Models;
  readonly redis: Redis;
  readonly queuePrefix: string;
  readonly logger: Logger;
  readonly versions: ClassifierVersions;
  /** How far harmful F1 / S1 recall on dev may drop below the active version's before activation is refused. */
  readonly margins: { harmfulF1: number; s1Recall: number };
}

/**
 * Classifier versions and catalogue edits under /narratives, re-classification under /classifier. Reading is for
 * every role; editing, activating and re-classifying are admin work, and the catalogue (shared by all missions)
 * can only be changed by an admin key without a mission scope.
 */
export function classifierRouter(deps: ClassifierRouterDeps): { narratives: Router; classifier: Router } {
  const { models, versions } = deps;
  const narratives = Router();
  const classifier = Router();
  const reclassifyQueue = createTypedQueue(JOBS.reclassifyItems, deps.redis, deps.queuePrefix, deps.logger);

  narratives.get('/versions', requireRole('viewer'), async (_req, res) => {
    const [list, pointer] = await Promise.all([listClassifierVersions(models, 100), activeClassifierPointer(models)]);
    const active = await versions.active();
    res.json({ active: { label: active.label, versionId: pointer?.versionId ?? null, builtin: pointer === null }, data: list.map((v) => versionToDto(v, pointer?.versionId ?? null)) });
  });

  narratives.get('/versions/:id', requireRole('viewer'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const version = await findClassifierVersion(models, id);
    if (!version) throw new NotFoundError(`No classifier version ${id}.`);
    const list = await listClassifierVersions(models, 1000);
    const withStatus = list.find((v) => String(v._id) === id) ?? version;
    res.json(versionToDto(withStatus, (await activeClassifierPointer(models))?.versionId ?? null));
  });

  narratives.post('/versions', requireRole('admin'), async (req, res) => {
    assertGlobal(req, 'editing the catalogue');
    const body = VersionCreateBody.parse(req.body);
    let base: ClassifierVersionLean;
    if (body.base) {
      const found = await findClassifierVersion(models, body.base);
      if (!found) throw new ValidationError(`No classifier version ${body.base} to start from.`, [{ path: 'base', message: 'unknown version id' }]);
      base = found;
    } else {
      const active = await versions.active();
      base = active.versionId ? (await findClassifierVersion(models, active.versionId))! : await versions.ensureBuiltin();
    }
    const bundle = await versions.bundleOf(base);
    let catalogue;
    try {
      const edited = applyCatalogueChanges(bundle.catalogue, body.changes, bundle.catalogue.version);
      catalogue = { ...edited, version: editedCatalogueVersion(bundle.catalogue.version, edited) };
    } catch (error) {
      if (error instanceof CatalogueChangeError) throw new ValidationError('Some changes cannot be applied; see `errors`.', error.issues);
      throw error;
    }
    const changes = body.changes.map(describeChange);
    const { version, created } = await versions.save({ ...bundle, catalogue }, { source: 'edit', parentId: String(base._id), author: req.principal!.name, notes: body.notes ?? '', changes });
    await auditWrite(models, req, {
      action: 'classifier.version.create',
      targetType: 'classifier_version',
      targetId: String(version._id),
      changes: { catalogue: { from: base.label, to: version.label }, edits: { from: null, to: changes.slice(0, 50) } },
      reason: body.notes ?? null,
    });
    res.status(created ? 201 : 200).json(versionToDto(version, (await activeClassifierPointer(models))?.versionId ?? null));
  });

  narratives.post('/versions/:id/activate', requireRole('admin'), async (req, res) => {
    assertGlobal(req, 'activating a classifier version');
    const id = objectId.parse(req.params.id);
    const body = ActivateBody.parse(req.body ?? {});
    const version = await findClassifierVersion(models, id);
    if (!version) throw new NotFoundError(`No classifier version ${id}.`);
    const pointer = await activeClassifierPointer(models);
    if (pointer?.versionId === id) throw new ConflictError(`Version ${version.label} is already active.`);
    let candidate;
    try {
      candidate = buildVersionedClassifier(await versions.bundleOf(version), version.label);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof BundleValidationError || /incomplete|corrupt|JSON/.test(message)) {
        throw new ValidationError(`Version ${version.label} cannot be loaded, so it was not activated: ${message}`, [{ path: 'id', message }]);
      }
      throw error;
    }
    const activeVersion = pointer ? await findClassifierVersion(models, pointer.versionId) : null;
    const [figures, activeFigures] = await Promise.all([versions.figures(version, candidate), versions.figures(activeVersion)]);
    const problems = activationProblems(figures, activeFigures, deps.margins);
    if (problems.length && !body.force) {
      throw new ValidationError(`The dev-set check failed: ${problems.join('; ')}. Fix the version, or send {"force": true, "reason": "…"} to activate it anyway.`, problems.map((message) => ({ path: 'figures', message })));
    }
    const { seq } = await activateClassifierVersion(models, { versionId: id, by: req.principal!.name, forced: problems.length > 0, reason: body.reason ?? null, figures: { ...figures }, expectedSeq: pointer?.seq ?? null, at: new Date() });
    // The nudge; workers also poll the pointer, so a lost message only delays the swap.
    await deps.redis.publish(classifierActivationChannel(deps.queuePrefix), String(seq)).catch((error: unknown) => deps.logger.warn({ err: String(error) }, 'activation message not published; workers will pick the version up at their next poll'));
    await auditWrite(models, req, {
      action: problems.length ? 'classifier.version.activate.forced' : 'classifier.version.activate',
      targetType: 'classifier_version',
      targetId: id,
      changes: { active: { from: activeVersion?.label ?? 'builtin', to: version.label }, ...(problems.length ? { failedChecks: { from: null, to: problems } } : {}) },
      reason: body.reason ?? null,
    });
    res.json({ activation: seq, version: versionToDto({ ...version, status: 'active', activatedAt: new Date() }, id), figures, previous: { label: activeVersion?.label ?? (await versions.active()).label, figures: activeFigures }, forced: problems.length > 0, problems });
  });

  narratives.get('/terms/precision', requireRole('viewer'), async (req, res) => {
    const q = TermPrecisionQuery.parse(req.query);
    const missions = allowedMissions(req.principal!);
    const rows = await loadTriageDecisions(models, { missions });
    const classifications = new Map(rows.filter((r) => r.classification).map((r) => [r.itemId, r.classification as unknown as Classification]));
    const report = termPrecision(rows.map((r) => ({ itemId: r.itemId, verdict: r.verdict })), classifications).filter((t) => t.truePositives + t.falsePositives >= q.minDecisions);
    res.json({ decisions: rows.length, data: report.slice(0, q.limit) });
  });

  classifier.post('/reclassify', requireRole('admin'), async (req, res) => {
    const body = ReclassifyBody.parse(req.body ?? {});
    const scope = req.principal!.missions;
    if (scope.length > 0) {
      if (!body.missions || body.missions.some((m) => !scope.includes(m))) {
        throw new ForbiddenError(`Your key is limited to ${scope.join(', ')}: name the missions to re-classify, all of them among those.`);
      }
    }
    const run = await createReclassifyRun(models, { filter: { missions: body.missions ?? [], since: body.since ?? null, narrative: body.narrative ?? null, olderOnly: body.olderOnly }, requestedBy: req.principal!.name, at: new Date() });
    await reclassifyQueue.enqueue({ runId: String(run._id) }, { jobId: `reclassify-${String(run._id)}` });
    await auditWrite(models, req, { action: 'classifier.reclassify', targetType: 'reclassify_run', targetId: String(run._id), changes: { filter: { from: null, to: runToDto(run).filter } } });
    res.status(202).location(`/api/v1/classifier/reclassify/${String(run._id)}`).json(runToDto(run));
  });

  classifier.get('/reclassify/:runId', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.runId);
    const run = await findReclassifyRun(models, id);
    const scope = req.principal!.missions;
    // A scoped admin sees only runs wholly inside its missions.
    if (!run || (scope.length > 0 && (!run.filter?.missions?.length || run.filter.missions.some((m) => !scope.includes(m as MissionCode))))) throw new NotFoundError(`No re-classification run ${id}.`);
    res.json(runToDto(run));
  });

  return { narratives, classifier };
}
