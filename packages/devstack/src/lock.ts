import { mkdirSync, rmSync, statSync } from 'node:fs';

/**
 * A cross-process lock on a directory name (mkdir is atomic). Stale locks older than `staleMs` are broken, so a
 * build killed half-way never blocks the next run forever.
 */
export async function withLock<T>(lockPath: string, staleMs: number, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockPath);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > staleMs) rmSync(lockPath, { recursive: true, force: true });
      } catch {
        // the other holder released it between our two calls; try again
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockPath, { recursive: true, force: true });
  }
}
