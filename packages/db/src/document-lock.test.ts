import { describe, expect, it } from 'vitest';
import {
  DocumentLockTimeoutError,
  acquireLock,
  releaseLock,
  withStoreLock,
  type DocumentLockDoc,
  type DocumentLockStore,
} from './document-lock.js';

/** An in-memory store with the one guarantee the lock relies on: inserting an existing _id fails with E11000. */
function memoryStore() {
  const docs = new Map<string, DocumentLockDoc>();
  const store: DocumentLockStore = {
    async insertOne(doc) {
      if (docs.has(doc._id)) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      docs.set(doc._id, { ...doc });
    },
    async findOne({ _id }) {
      const doc = docs.get(_id);
      return doc ? { ...doc } : null;
    },
    async deleteOne({ _id, owner }) {
      const doc = docs.get(_id);
      if (!doc || doc.owner !== owner) return { deletedCount: 0 };
      docs.delete(_id);
      return { deletedCount: 1 };
    },
    async updateOne({ _id, owner }, { $set }) {
      const doc = docs.get(_id);
      if (doc && doc.owner === owner) doc.expiresAt = $set.expiresAt;
    },
  };
  return { store, docs };
}

/** A manual clock: sleeping advances it, so deadlines are reached without waiting. */
function manualClock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('document lock', () => {
  it('acquires a free key and releases it', async () => {
    const { store, docs } = memoryStore();
    const clock = manualClock();
    await acquireLock(store, 'alert:k', 'a', { ...clock, ttlMs: 1_000 });
    expect(docs.get('alert:k')).toMatchObject({ owner: 'a', expiresAt: new Date(clock.now() + 1_000) });
    expect(await releaseLock(store, 'alert:k', 'a')).toBe(true);
    expect(docs.size).toBe(0);
  });

  it('releases only for its owner', async () => {
    const { store, docs } = memoryStore();
    await acquireLock(store, 'alert:k', 'a');
    expect(await releaseLock(store, 'alert:k', 'b')).toBe(false);
    expect(docs.get('alert:k')?.owner).toBe('a');
    expect(await releaseLock(store, 'alert:k', 'a')).toBe(true);
  });

  it('throws DocumentLockTimeoutError naming the holder when a live lock outlasts the wait', async () => {
    const { store } = memoryStore();
    const clock = manualClock();
    await acquireLock(store, 'alert:k', 'holder', { ...clock, ttlMs: 60_000 });
    const attempt = acquireLock(store, 'alert:k', 'waiter', { ...clock, ttlMs: 60_000, waitMs: 2_000 });
    await expect(attempt).rejects.toBeInstanceOf(DocumentLockTimeoutError);
    await expect(acquireLock(store, 'alert:k', 'waiter', { ...clock, waitMs: 500 })).rejects.toThrow(
      /alert:k still held by holder after \d+ ms/,
    );
    // The deadline was honoured: about waitMs passed, not the lock's ttl.
    expect(clock.now() - 1_000_000).toBeLessThan(60_000);
  });

  it('takes over a lock whose holder crashed (expiresAt passed), and the old holder cannot release it', async () => {
    const { store, docs } = memoryStore();
    const clock = manualClock();
    await acquireLock(store, 'alert:k', 'crashed', { ...clock, ttlMs: 1_000 });
    clock.advance(1_001);
    await acquireLock(store, 'alert:k', 'next', { ...clock, ttlMs: 1_000, waitMs: 10 });
    expect(docs.get('alert:k')?.owner).toBe('next');
    // No takeover claim is left behind.
    expect([...docs.keys()]).toEqual(['alert:k']);
    expect(await releaseLock(store, 'alert:k', 'crashed')).toBe(false);
    expect(docs.get('alert:k')?.owner).toBe('next');
  });

  it('waits for a lock to expire, then takes it over', async () => {
    const { store, docs } = memoryStore();
    const clock = manualClock();
    await acquireLock(store, 'alert:k', 'crashed', { ...clock, ttlMs: 300 });
    await acquireLock(store, 'alert:k', 'next', { ...clock, ttlMs: 300, waitMs: 5_000 });
    expect(docs.get('alert:k')?.owner).toBe('next');
    expect(clock.now() - 1_000_000).toBeGreaterThanOrEqual(300);
  });

  it('clears a takeover claim left by a contender that crashed mid-takeover, once it expires', async () => {
    const { store, docs } = memoryStore();
    const clock = manualClock();
    await acquireLock(store, 'alert:k', 'crashed', { ...clock, ttlMs: 1_000 });
    docs.set('alert:k#takeover:crashed', {
      _id: 'alert:k#takeover:crashed',
      owner: 'also-crashed',
      expiresAt: new Date(clock.now() + 2_000),
      acquiredAt: new Date(clock.now()),
    });
    clock.advance(1_001);
    await acquireLock(store, 'alert:k', 'next', { ...clock, ttlMs: 1_000, waitMs: 5_000 });
    expect(docs.get('alert:k')?.owner).toBe('next');
    expect(docs.has('alert:k#takeover:crashed')).toBe(false);
  });

  it('serialises concurrent read-modify-write sections on one key and releases after an error', async () => {
    const { store, docs } = memoryStore();
    let value = 0;
    let inside = 0;
    let maxInside = 0;
    const section = () =>
      withStoreLock(store, 'alert:k', async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        const read = value;
        await new Promise((r) => setTimeout(r, 1));
        value = read + 1;
        inside--;
      });
    await Promise.all(Array.from({ length: 10 }, section));
    expect(value).toBe(10);
    expect(maxInside).toBe(1);
    await expect(
      withStoreLock(store, 'alert:k', async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(docs.size).toBe(0);
  });

  it('keeps a slow holder\'s lock alive, so a contender cannot take it over while the holder still writes', async () => {
    const { store, docs } = memoryStore();
    const clock = manualClock();
    const renewals: (() => void)[] = [];
    let stopped = false;
    const every = (renew: () => void) => {
      renewals.push(renew);
      return () => {
        stopped = true;
      };
    };
    const result = await withStoreLock(
      store,
      'alert:slow',
      async () => {
        // The holder's writes take 2.5 lifetimes; the timer renews every third of one.
        for (let step = 0; step < 8; step++) {
          clock.advance(333);
          renewals[0]!();
          await Promise.resolve();
        }
        const contender = acquireLock(store, 'alert:slow', 'b', { ...clock, ttlMs: 1_000, waitMs: 500 });
        await expect(contender).rejects.toBeInstanceOf(DocumentLockTimeoutError);
        return docs.get('alert:slow')?.owner;
      },
      { ...clock, ttlMs: 1_000, every },
    );
    expect(result).not.toBe('b');
    expect(stopped).toBe(true);
    expect(docs.size).toBe(0);
  });

  it('lets a stalled holder\'s lock expire (no renewal) and be taken over', async () => {
    const { store, docs } = memoryStore();
    const clock = manualClock();
    await withStoreLock(
      store,
      'alert:stalled',
      async () => {
        clock.advance(1_001);
        await acquireLock(store, 'alert:stalled', 'b', { ...clock, ttlMs: 1_000 });
        expect(docs.get('alert:stalled')?.owner).toBe('b');
      },
      { ...clock, ttlMs: 1_000, every: () => () => undefined },
    );
    // The stalled holder's release deletes nothing: the lock is b's now.
    expect(docs.get('alert:stalled')?.owner).toBe('b');
  });
});
