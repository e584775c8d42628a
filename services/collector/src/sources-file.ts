import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SourcesFile, ValidationError, type SourceInput } from '@vigie/contracts';
import { upsertSourcesByName, type Models } from '@vigie/db';

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

/** Upserts sources by name; health, HTTP and schedule state are kept (see @vigie/db upsertSourcesByName). */
export async function upsertSources(models: Models, sources: readonly SourceInput[]): Promise<{ created: number; updated: number }> {
  const { created, updated } = await upsertSourcesByName(models, sources);
  return { created, updated };
}
