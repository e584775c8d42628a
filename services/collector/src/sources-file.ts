import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SourcesFile, ValidationError, type SourceInput } from '@vigie/contracts';
import type { Models } from '@vigie/db';

/** Reads a YAML or JSON sources file (`sources: [...]`), reporting every invalid field with its path. */
export function readSourcesFile(path: string): SourceInput[] {
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 50 });
  } catch (error) {
    throw new ValidationError(`Cannot read sources file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = SourcesFile.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      `Sources file ${path} is invalid`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data.sources;
}

/** Upserts sources by name; returns how many were created and updated. Health and HTTP state are kept. */
export async function upsertSources(models: Models, sources: readonly SourceInput[]): Promise<{ created: number; updated: number }> {
  let created = 0;
  let updated = 0;
  for (const s of sources) {
    const result = await models.sources.updateOne(
      { name: s.name },
      { $set: { kind: s.kind, url: s.url ?? null, missions: s.missions, languages: s.languages, pollIntervalSec: s.pollIntervalSec, enabled: s.enabled, tags: s.tags } },
      { upsert: true },
    );
    if (result.upsertedId) created++;
    else if (result.modifiedCount) updated++;
  }
  return { created, updated };
}
