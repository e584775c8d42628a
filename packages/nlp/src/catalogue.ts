import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CatalogueSchema, type Catalogue } from './catalogue.schema.js';

/** Raised when a catalogue does not validate; `issues` lists every problem with its JSON path. */
export class CatalogueError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'CatalogueError';
  }
}

/** The shipped catalogue; resolved relative to this module so it works from src/ (tsx, vitest) and dist/. */
export const DEFAULT_CATALOGUE_URL = new URL('../data/catalogue.json', import.meta.url);

/**
 * Validate an unknown value as a catalogue. Throws {@link CatalogueError} listing each issue as `path: message`,
 * so an admin editing the catalogue through the API sees exactly what to fix.
 */
export function parseCatalogue(value: unknown): Catalogue {
  const result = CatalogueSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new CatalogueError(`invalid catalogue: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`, issues);
  }
  return result.data;
}

/** Load and validate a catalogue from a JSON file (default: the shipped `data/catalogue.json`). */
export function loadCatalogue(path: string | URL = DEFAULT_CATALOGUE_URL): Catalogue {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CatalogueError(`cannot read catalogue ${String(path)}: ${(err as Error).message}`, []);
  }
  return parseCatalogue(raw);
}

export { CatalogueSchema, type Catalogue };
export type CatalogueIssue = z.core.$ZodIssue;
