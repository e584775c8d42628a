import { Types } from 'mongoose';
import type { Models } from '@vigie/db';

/**
 * Group commit for source health: the polls that finish within `maxWaitMs` of each other and record the same
 * patch (typically "304, nothing new, same interval") are written with one `updateMany`, their time fields set
 * at flush. On FerretDB v1 every update scans the collection, so one write per poll caps a collector at a few
 * dozen polls a second; grouped, a round of 1,000 mostly-304 feeds costs a few dozen writes. Each caller awaits
 * its flush, so a finished job still means its health is stored.
 */
export interface HealthWriter {
  /**
   * Records `set` for a source. `health.lastFetchAt` is set to the flush time and, unless `intervalSec` is
   * null, `health.nextFetchAt` to that time plus the interval.
   */
  write(sourceId: string, set: Record<string, unknown>, intervalSec: number | null): Promise<void>;
  /** Writes whatever is pending now. */
  flush(): Promise<void>;
}

interface Group {
  readonly set: Record<string, unknown>;
  readonly intervalSec: number | null;
  readonly ids: Types.ObjectId[];
  readonly waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

export function createHealthWriter(models: Models, options: { maxWaitMs?: number; maxBatch?: number; now?: () => Date } = {}): HealthWriter {
  const maxWaitMs = options.maxWaitMs ?? 50;
  const maxBatch = options.maxBatch ?? 200;
  const now = options.now ?? (() => new Date());
  let groups = new Map<string, Group>();
  let timer: NodeJS.Timeout | null = null;

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const pending = groups;
    groups = new Map();
    await Promise.all(
      [...pending.values()].map(async (g) => {
        const at = now();
        try {
          await models.sources.updateMany(
            { _id: { $in: g.ids } },
            { $set: { ...g.set, 'health.lastFetchAt': at, ...(g.intervalSec !== null ? { 'health.nextFetchAt': new Date(at.getTime() + g.intervalSec * 1000) } : {}) } },
          );
          for (const w of g.waiters) w.resolve();
        } catch (error) {
          for (const w of g.waiters) w.reject(error);
        }
      }),
    );
  }

  return {
    write(sourceId, set, intervalSec) {
      const key = JSON.stringify([set, intervalSec]);
      let group = groups.get(key);
      if (!group) {
        group = { set, intervalSec, ids: [], waiters: [] };
        groups.set(key, group);
      }
      group.ids.push(new Types.ObjectId(sourceId));
      const done = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
      if (group.ids.length >= maxBatch) void flush();
      else if (!timer) timer = setTimeout(() => void flush(), maxWaitMs);
      return done;
    },
    flush,
  };
}
