import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { ConflictError, type MissionCode, type SourceInput } from '@vigie/contracts';
import type { Models } from '../models.js';
import { isDuplicateKeyError } from '../errors.js';

/** The name manual intake files pasted text under when none is given. */
export const DEFAULT_MANUAL_SOURCE_NAME = 'Manual intake';

/**
 * The configurable fields of a source, as stored (health, HTTP and schedule state are the collector's): what an
 * import compares and writes, and what the API's audit diff shows. Takes a source as parsed (`SourceInput`) or as
 * stored; the field types follow the argument's.
 */
export function sourceConfigFields<K extends string, M extends string, L extends string>(s: {
  kind: K;
  url?: string | null;
  missions: readonly M[];
  languages: readonly L[];
  pollIntervalSec: number;
  enabled: boolean;
  tags: readonly string[];
}) {
  return {
    kind: s.kind,
    url: s.url ?? null,
    missions: [...s.missions],
    languages: [...s.languages],
    pollIntervalSec: s.pollIntervalSec,
    enabled: s.enabled,
    tags: [...s.tags],
  };
}

export interface UpsertSourcesReport {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * Upserts sources by name (the unique key people use in files, imports and the CLI). Health, HTTP validators
 * and schedule state of existing sources are kept; a source whose URL changes loses its validators and redirect
 * state, which belonged to the old URL.
 */
export async function upsertSourcesByName(models: Models, sources: readonly SourceInput[]): Promise<UpsertSourcesReport> {
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  for (const s of sources) {
    const fields = sourceConfigFields(s);
    const before = await models.sources.findOne({ name: s.name }, { kind: 1, url: 1, missions: 1, languages: 1, pollIntervalSec: 1, enabled: 1, tags: 1 }).lean();
    // Compared here rather than trusting modifiedCount: mongoose's timestamps make every update "modify" updatedAt.
    if (before && JSON.stringify(sourceConfigFields({ ...s, ...before, url: before.url ?? null } as SourceInput)) === JSON.stringify(fields)) {
      unchanged++;
      continue;
    }
    const urlChanged = before !== null && before.url !== fields.url;
    const result = await models.sources.updateOne(
      { name: s.name },
      {
        $set: {
          ...fields,
          // A new revision token. The importer (CLI or sources file) has no Redis, so the token mirrored there is not
          // bumped: a collector holding this source in memory keeps its copy until its next scheduler sync re-reads
          // every enabled source (COLLECTOR_SYNC_INTERVAL_MS). API edits publish the token and apply at once.
          rev: randomUUID(),
          ...(urlChanged ? { 'http.etag': null, 'http.lastModified': null, 'http.bodyHash': null, 'http.redirectTo': null, 'http.redirectCount': 0 } : {}),
        },
      },
      { upsert: true },
    );
    if (result.upsertedId) created++;
    else updated++;
  }
  return { created, updated, unchanged };
}

/**
 * The id of the `manual` source called `name`, created on first use. A source of another kind with that name is
 * a conflict: pasted text is never filed under a feed.
 */
export async function ensureManualSource(models: Models, name: string = DEFAULT_MANUAL_SOURCE_NAME, missions: readonly MissionCode[] = []): Promise<string> {
  const existing = await models.sources.findOne({ name }, { _id: 1, kind: 1 }).lean();
  if (existing) {
    if (existing.kind !== 'manual') throw new ConflictError(`"${name}" is the name of a ${existing.kind} source; choose another source name for pasted text.`);
    return String(existing._id);
  }
  try {
    const created = await models.sources.create({ name, kind: 'manual', url: null, missions: [...missions], enabled: true, pollIntervalSec: 900 });
    return String(created._id);
  } catch (error) {
    // Two requests creating the same manual source: the loser reads the winner's.
    if (!isDuplicateKeyError(error)) throw error;
    const again = await models.sources.findOne({ name }, { _id: 1, kind: 1 }).lean().orFail();
    if (again.kind !== 'manual') throw new ConflictError(`"${name}" is the name of a ${again.kind} source; choose another source name for pasted text.`);
    return String(again._id);
  }
}

/** A source as exported (`vigie sources export`): exactly the fields of SourceInput, so export → import round-trips. */
export async function exportSources(models: Models): Promise<SourceInput[]> {
  const rows = await models.sources.find({}).sort({ name: 1 }).lean();
  return rows.map((r) => ({
    name: r.name,
    kind: r.kind,
    url: r.url ?? null,
    missions: r.missions as SourceInput['missions'],
    languages: r.languages as SourceInput['languages'],
    pollIntervalSec: r.pollIntervalSec,
    enabled: r.enabled,
    tags: r.tags,
  }));
}

/** Deletes the source document. Its items stay: they are evidence in alerts and keep their sourceId. */
export async function deleteSource(models: Models, sourceId: string): Promise<boolean> {
  const result = await models.sources.deleteOne({ _id: new Types.ObjectId(sourceId) });
  return result.deletedCount === 1;
}
