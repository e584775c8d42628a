import { createHash } from 'node:crypto';

/** The job scheduler id of a source: stable, so upserts replace rather than duplicate. */
export function schedulerIdFor(sourceId: string): string {
  return `source:${sourceId}`;
}

/**
 * Poll interval with a deterministic per-source jitter of up to +10 %, so a few hundred sources imported at once
 * do not all hit the network in the same second, and a restart keeps each source's phase.
 */
export function jitteredIntervalMs(sourceId: string, pollIntervalSec: number): number {
  const base = pollIntervalSec * 1000;
  const spread = Math.floor(base * 0.1);
  if (spread === 0) return base;
  const h = createHash('sha1').update(sourceId).digest().readUInt32BE(0);
  return base + (h % spread);
}
