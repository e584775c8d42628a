import { describe, expect, it } from 'vitest';
import type { Models } from '@vigie/db';
import { createHealthWriter } from './health-writer.js';

function fakeModels() {
  const calls: { ids: string[]; set: Record<string, unknown> }[] = [];
  const models = {
    sources: {
      updateMany: async (filter: { _id: { $in: unknown[] } }, update: { $set: Record<string, unknown> }) => {
        calls.push({ ids: filter._id.$in.map(String), set: update.$set });
        return { modifiedCount: filter._id.$in.length };
      },
    },
  } as unknown as Models;
  return { models, calls };
}

const A = '0123456789abcdef01234567';
const B = '0123456789abcdef01234568';
const C = '0123456789abcdef01234569';

describe('createHealthWriter', () => {
  it('writes identical patches of concurrent polls in one update, times set at flush', async () => {
    const { models, calls } = fakeModels();
    const at = new Date('2026-03-01T10:00:00Z');
    const writer = createHealthWriter(models, { maxWaitMs: 5, now: () => at });
    const same = { 'health.lastStatus': '304', 'schedule.intervalSec': 900 };
    await Promise.all([writer.write(A, same, 900), writer.write(B, { ...same }, 900), writer.write(C, { 'health.lastStatus': '200' }, 900)]);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ ids: [A, B], set: { ...same, 'health.lastFetchAt': at, 'health.nextFetchAt': new Date('2026-03-01T10:15:00Z') } });
    expect(calls[1]!.ids).toEqual([C]);
  });

  it('flushes at the batch cap and on demand, and reports write failures to every waiter', async () => {
    const { models, calls } = fakeModels();
    const writer = createHealthWriter(models, { maxWaitMs: 60_000, maxBatch: 2 });
    await Promise.all([writer.write(A, {}, null), writer.write(B, {}, null)]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.set).not.toHaveProperty('health.nextFetchAt');
    const pending = writer.write(C, {}, null);
    await writer.flush();
    await pending;
    expect(calls).toHaveLength(2);

    const broken = createHealthWriter({ sources: { updateMany: async () => Promise.reject(new Error('db down')) } } as unknown as Models, { maxWaitMs: 1 });
    await expect(Promise.all([broken.write(A, {}, 60), broken.write(B, {}, 60)])).rejects.toThrow('db down');
  });
});
