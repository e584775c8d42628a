import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Types, type QueryFilter } from 'mongoose';
import { ConflictError, NotFoundError } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';
import type { ClassifierVersionDoc, ClassifierVersionSource, ReclassifyRunDoc } from '../schemas/classifier-version.schema.js';
import type { ItemDoc } from '../schemas/item.schema.js';

/** Chunk size of stored blobs (gzipped bytes): well under the 16 MB BSON document limit. */
export const BLOB_CHUNK_BYTES = 4 * 1024 * 1024;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Store a part (its JSON text) under its sha256. Idempotent: chunks have deterministic ids, so a second write of the
 * same content, or a retry after a crash half-way, inserts only what is missing. Returns the hash.
 */
export async function putClassifierBlob(models: Models, json: string, chunkBytes = BLOB_CHUNK_BYTES): Promise<string> {
  const hash = sha256(json);
  const gz = gzipSync(Buffer.from(json, 'utf8'));
  const count = Math.max(1, Math.ceil(gz.length / chunkBytes));
  const existing = await models.classifierBlobs.countDocuments({ hash });
  if (existing === count) return hash;
  for (let n = 0; n < count; n++) {
    try {
      await models.classifierBlobs.create({ _id: `${hash}.${n}`, hash, n, count, data: gz.subarray(n * chunkBytes, (n + 1) * chunkBytes) });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  return hash;
}

/** A chunk's bytes: lean reads give a BSON Binary (bytes in `.buffer`), hydrated documents a Buffer. */
function chunkBytes(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const inner = (data as { buffer?: unknown } | null)?.buffer;
  if (inner instanceof Uint8Array) return Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  throw new Error('a classifier blob chunk holds no binary data: save the version again');
}

/** Read a part back; throws when chunks are missing or the content does not match its hash (never half a model). */
export async function getClassifierBlob(models: Models, hash: string): Promise<string> {
  const chunks = await models.classifierBlobs.find({ hash }).sort({ n: 1 }).lean();
  const count = chunks[0]?.count ?? 0;
  if (chunks.length === 0 || chunks.length !== count || chunks.some((c, i) => c.n !== i)) {
    throw new Error(`classifier part ${hash.slice(0, 12)} is incomplete in the database (${chunks.length}/${count} chunks): save the version again`);
  }
  const json = gunzipSync(Buffer.concat(chunks.map((c) => chunkBytes(c.data)))).toString('utf8');
  if (sha256(json) !== hash) throw new Error(`classifier part ${hash.slice(0, 12)} does not match its hash: the stored copy is corrupt, save the version again`);
  return json;
}

export type ClassifierVersionLean = ClassifierVersionDoc & { _id: Types.ObjectId };

export interface NewClassifierVersion {
  readonly hash: string;
  readonly label: string;
  readonly catalogueVersion: string;
  readonly parts: { catalogue: string; model: string | null; hateModel: string | null };
  readonly source: ClassifierVersionSource;
  readonly parentId?: string | null;
  readonly author: string;
  readonly notes?: string;
  readonly changes?: readonly string[];
  readonly figures?: Record<string, unknown> | null;
  readonly trainedOn?: Record<string, unknown> | null;
  readonly at: Date;
}

/** Insert a version (its blobs must be stored first). Same content as an existing version: that one is returned. */
export async function createClassifierVersion(models: Models, v: NewClassifierVersion): Promise<{ version: ClassifierVersionLean; created: boolean }> {
  try {
    const doc = await models.classifierVersions.create({
      hash: v.hash,
      label: v.label,
      catalogueVersion: v.catalogueVersion,
      parts: v.parts,
      source: v.source,
      parentId: v.parentId ? new Types.ObjectId(v.parentId) : null,
      author: v.author,
      notes: v.notes ?? '',
      changes: [...(v.changes ?? [])],
      figures: v.figures ?? null,
      trainedOn: v.trainedOn ?? null,
      createdAt: v.at,
    });
    return { version: doc.toObject() as ClassifierVersionLean, created: true };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const existing = (await models.classifierVersions.findOne({ hash: v.hash }).lean()) as ClassifierVersionLean | null;
    if (!existing) throw error;
    return { version: existing, created: false };
  }
}

export async function findClassifierVersion(models: Models, id: string): Promise<ClassifierVersionLean | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return (await models.classifierVersions.findById(id).lean()) as ClassifierVersionLean | null;
}

/** Records dev-set figures on a version (computed lazily at its first activation check). */
export async function setClassifierVersionFigures(models: Models, id: string, figures: Record<string, unknown>): Promise<void> {
  await models.classifierVersions.updateOne({ _id: new Types.ObjectId(id) }, { $set: { figures } });
}

/** Just the pointer (cheap enough to poll): the latest activation's sequence number and version id. */
export async function activeClassifierPointer(models: Models): Promise<{ seq: number; versionId: string } | null> {
  const last = await models.classifierActivations.find({}, { _id: 1, versionId: 1 }).sort({ _id: -1 }).limit(1).lean();
  return last[0] ? { seq: last[0]._id, versionId: String(last[0].versionId) } : null;
}

export interface ActivationInput {
  readonly versionId: string;
  readonly by: string;
  readonly forced?: boolean;
  readonly reason?: string | null;
  readonly figures?: Record<string, unknown> | null;
  /** The sequence number the caller's decision was based on (null: none yet); a newer activation → conflict. */
  readonly expectedSeq: number | null;
  readonly at: Date;
}

/**
 * Make a version live: insert activation `expectedSeq + 1`. A concurrent activation that got there first makes the
 * insert fail on the unique `_id`, reported as a conflict (nothing half-applied).
 */
export async function activateClassifierVersion(models: Models, input: ActivationInput): Promise<{ seq: number }> {
  const version = await findClassifierVersion(models, input.versionId);
  if (!version) throw new NotFoundError(`No classifier version ${input.versionId}.`);
  const seq = (input.expectedSeq ?? 0) + 1;
  try {
    await models.classifierActivations.create({
      _id: seq,
      versionId: version._id,
      label: version.label,
      at: input.at,
      by: input.by,
      forced: input.forced ?? false,
      reason: input.reason ?? null,
      figures: input.figures ?? null,
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ConflictError('Another version was activated at the same time. Reload the versions and try again.');
    throw error;
  }
  return { seq };
}

export type ClassifierVersionStatus = 'draft' | 'active' | 'retired';

/** Versions, newest first, with their status derived from the activation log. */
export async function listClassifierVersions(models: Models, limit = 50): Promise<(ClassifierVersionLean & { status: ClassifierVersionStatus; activatedAt: Date | null })[]> {
  const [versions, activations] = await Promise.all([
    models.classifierVersions.find().sort({ createdAt: -1, _id: -1 }).limit(limit).lean() as Promise<ClassifierVersionLean[]>,
    models.classifierActivations.find({}, { _id: 1, versionId: 1, at: 1 }).sort({ _id: 1 }).lean(),
  ]);
  const activeId = activations.length ? String(activations[activations.length - 1]!.versionId) : null;
  const lastActivated = new Map(activations.map((a) => [String(a.versionId), a.at]));
  return versions.map((v) => ({
    ...v,
    status: String(v._id) === activeId ? 'active' : lastActivated.has(String(v._id)) ? 'retired' : 'draft',
    activatedAt: lastActivated.get(String(v._id)) ?? null,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Training data and per-term precision from triage labels

/** One triage label joined to its item (text and stored classification). */
export interface TriageDecisionRow {
  readonly itemId: string;
  readonly verdict: 'true_positive' | 'false_positive';
  readonly narrative: string | null;
  readonly stance: string | null;
  readonly at: Date;
  readonly text: string;
  readonly title: string | null;
  readonly language: string | null;
  readonly missions: string[];
  readonly classification: Record<string, unknown> | null;
}

/**
 * Every triage label with its item's text and classification, optionally only for items in `missions`. Two
 * queries (labels, then their items by `_id $in` in batches): FerretDB v1 has no $lookup. Labels of deleted items
 * are left out.
 */
export async function loadTriageDecisions(models: Models, opts: { missions?: readonly string[] | null } = {}): Promise<TriageDecisionRow[]> {
  const labels = await models.labels.find({}, { itemId: 1, verdict: 1, narrative: 1, stance: 1, at: 1 }).sort({ at: 1 }).lean();
  const ids = [...new Set(labels.map((l) => String(l.itemId)))];
  const items = new Map<string, Pick<ItemDoc, 'text' | 'title' | 'language' | 'missions' | 'classification'>>();
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500).map((id) => new Types.ObjectId(id));
    const found = await models.items.find({ _id: { $in: batch } }, { text: 1, title: 1, language: 1, missions: 1, classification: 1 }).lean();
    for (const it of found) items.set(String(it._id), it);
  }
  const scope = opts.missions && opts.missions.length ? new Set(opts.missions) : null;
  const rows: TriageDecisionRow[] = [];
  for (const l of labels) {
    const item = items.get(String(l.itemId));
    if (!item) continue;
    if (scope && !(item.missions ?? []).some((m) => scope.has(m))) continue;
    rows.push({
      itemId: String(l.itemId),
      verdict: l.verdict as TriageDecisionRow['verdict'],
      narrative: l.narrative ?? null,
      stance: l.stance ?? null,
      at: l.at,
      text: item.text ?? '',
      title: item.title || null,
      language: item.language ?? null,
      missions: [...(item.missions ?? [])],
      classification: (item.classification as Record<string, unknown> | null) ?? null,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Re-classification runs

export type ReclassifyRunLean = ReclassifyRunDoc & { _id: Types.ObjectId };

export interface ReclassifyFilter {
  readonly missions?: readonly string[];
  readonly since?: Date | null;
  readonly narrative?: string | null;
  readonly olderOnly?: boolean;
}

/** The item query of a run (without the cursor). `activeLabel` is needed for `olderOnly`. */
export function reclassifyItemQuery(filter: ReclassifyFilter, activeLabel: string): QueryFilter<ItemDoc> {
  const q: QueryFilter<ItemDoc> = {};
  if (filter.missions && filter.missions.length) q.missions = { $in: [...filter.missions] };
  if (filter.since) q.collectedAt = { $gte: filter.since };
  if (filter.narrative) q.topNarrative = filter.narrative;
  if (filter.olderOnly) q['classification.classifierVersion'] = { $ne: activeLabel };
  return q;
}

export async function createReclassifyRun(models: Models, input: { filter: ReclassifyFilter; requestedBy: string; at: Date }): Promise<ReclassifyRunLean> {
  const doc = await models.reclassifyRuns.create({
    status: 'queued',
    filter: { missions: [...(input.filter.missions ?? [])], since: input.filter.since ?? null, narrative: input.filter.narrative ?? null, olderOnly: input.filter.olderOnly ?? false },
    requestedBy: input.requestedBy,
    createdAt: input.at,
  });
  return doc.toObject() as ReclassifyRunLean;
}

export async function findReclassifyRun(models: Models, id: string): Promise<ReclassifyRunLean | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return (await models.reclassifyRuns.findById(id).lean()) as ReclassifyRunLean | null;
}

/** Marks a run started (first attempt only keeps its start time) with the number of items it will walk. */
export async function startReclassifyRun(models: Models, id: string, total: number, at: Date): Promise<void> {
  const run = await findReclassifyRun(models, id);
  await models.reclassifyRuns.updateOne({ _id: new Types.ObjectId(id) }, { $set: { status: 'running', total, startedAt: run?.startedAt ?? at } });
}

/**
 * Saves a finished batch: cursor and counters in one single-document `$set`, so after a crash they agree and the
 * next attempt redoes at most the batch in flight (whose writes are idempotent).
 */
export async function saveReclassifyProgress(
  models: Models,
  id: string,
  p: { cursor: Types.ObjectId; done: number; changed: number; failedItems: number; version: string; lastError?: string | null },
): Promise<void> {
  await models.reclassifyRuns.updateOne(
    { _id: new Types.ObjectId(id) },
    { $set: { cursor: p.cursor, done: p.done, changed: p.changed, failedItems: p.failedItems, ...(p.lastError ? { lastError: p.lastError } : {}) }, $addToSet: { versions: p.version } },
  );
}

export async function finishReclassifyRun(models: Models, id: string, status: 'completed' | 'failed', at: Date, lastError?: string): Promise<void> {
  await models.reclassifyRuns.updateOne({ _id: new Types.ObjectId(id) }, { $set: { status, finishedAt: at, ...(lastError ? { lastError } : {}) } });
}

// ---------------------------------------------------------------------------------------------------------------
// A version's three parts

export interface ClassifierPartHashes {
  readonly catalogue: string;
  readonly model: string | null;
  readonly hateModel: string | null;
}

/** Stores a version's parts (canonical JSON text each) and returns their hashes. */
export async function storeClassifierParts(models: Models, parts: { catalogue: string; model: string | null; hateModel: string | null }): Promise<ClassifierPartHashes> {
  return {
    catalogue: await putClassifierBlob(models, parts.catalogue),
    model: parts.model === null ? null : await putClassifierBlob(models, parts.model),
    hateModel: parts.hateModel === null ? null : await putClassifierBlob(models, parts.hateModel),
  };
}

/**
 * Saves a classifier version: stores its parts (canonical JSON texts, each once, content-addressed), names it from
 * their hashes with `identify` (@vigie/nlp's bundleHash and versionLabel: db does not depend on nlp), then inserts
 * it — idempotent on content (an existing version with the same parts is returned, `created` false). `describe`
 * gives the version's other fields and may use the label first (the CLI evaluates the candidate under it).
 */
export async function saveClassifierVersion(
  models: Models,
  parts: { catalogue: string; model: string | null; hateModel: string | null },
  identify: (hashes: ClassifierPartHashes) => { hash: string; label: string },
  describe: (identity: { hash: string; label: string }) => Omit<NewClassifierVersion, 'hash' | 'label' | 'parts'>,
): Promise<{ version: ClassifierVersionLean; created: boolean; hash: string; label: string }> {
  const hashes = await storeClassifierParts(models, parts);
  const identity = identify(hashes);
  const { version, created } = await createClassifierVersion(models, { ...describe(identity), ...identity, parts: hashes });
  return { version, created, ...identity };
}

/** Loads a version's parts as parsed JSON (unvalidated: @vigie/nlp validates them when it builds the classifier). */
export async function loadClassifierParts(models: Models, hashes: ClassifierPartHashes): Promise<{ catalogue: unknown; model: unknown; hateModel: unknown }> {
  const read = async (h: string | null) => (h === null ? null : (JSON.parse(await getClassifierBlob(models, h)) as unknown));
  const [catalogue, model, hateModel] = await Promise.all([read(hashes.catalogue), read(hashes.model), read(hashes.hateModel)]);
  return { catalogue, model, hateModel };
}

/** A stored version's part hashes (a version without a catalogue hash is corrupt). */
export function classifierPartsOf(v: ClassifierVersionLean): ClassifierPartHashes {
  if (!v.parts?.catalogue) throw new Error(`classifier version ${String(v._id)} has no catalogue part: save it again`);
  return { catalogue: v.parts.catalogue, model: v.parts.model ?? null, hateModel: v.parts.hateModel ?? null };
}
