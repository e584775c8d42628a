import { homedir } from 'node:os';
import { join } from 'node:path';

/** FerretDB release the local stack runs; production runs MongoDB 7 (infra/compose.yaml). */
export const FERRETDB_VERSION = 'v1.24.2';

/**
 * Where built tools are cached across clones and runs, so the second start does not rebuild FerretDB.
 * VIGIE_CACHE_DIR overrides; otherwise the XDG cache folder.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIGIE_CACHE_DIR) return env.VIGIE_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'vigie');
}

export function ferretDbBinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}
