import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from './errors.js';

/**
 * Per-document write lock for FerretDB v1, whose updates are read-modify-write of the whole document outside any
 * transaction: two concurrent updates of one document lose one of them (measured on the SQLite and PostgreSQL
 * backends; pinned in tests/integration/db-compat.test.ts). MongoDB updates a document atomically, so there the
 * lock is a no-op and never touches the database.
 *
 * The lock is a document in `document_locks` whose `_id` is the key: a unique `_id` insert is atomic on FerretDB
 * (the alert transitions rely on it too). A lock whose `expiresAt` has passed belonged to a crashed holder and is
 * taken over. Locks are not re-entrant: never take a key inside a function that already holds it.
 */
export const DOCUMENT_LOCKS_COLLECTION = 'document_locks';

/** `auto`: on when the server is FerretDB (buildInfo has `ferretdbVersion`), off on MongoDB. */
export const DOCUMENT_LOCK_MODES = ['auto', 'on', 'off'] as const;
export type DocumentLockMode = (typeof DOCUMENT_LOCK_MODES)[number];

export interface DocumentLockDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
  acquiredAt: Date;
}

/** The part of a driver collection the lock uses (a fake in unit tests). */
export interface DocumentLockStore {
  insertOne(doc: DocumentLockDoc): Promise<unknown>;
  findOne(filter: { _id: string }): Promise<DocumentLockDoc | null>;
  deleteOne(filter: { _id: string; owner: string }): Promise<{ deletedCount: number }>;
  updateOne(filter: { _id: string; owner: string }, update: { $set: { expiresAt: Date } }): Promise<unknown>;
}

export interface DocumentLockOptions {
  /** How long a lock lives without its holder releasing it (a crashed holder), in ms. Default 60 000. */
  readonly ttlMs?: number;
  /** How long to wait for a held lock before throwing DocumentLockTimeoutError, in ms. Default 30 000. */
  readonly waitMs?: number;
  /** Clock (ms since epoch); tests inject one. */
  readonly now?: () => number;
  /** Pause between attempts; tests inject one. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Calls `renew` every `everyMs` until the returned function is called; tests inject one. Default setInterval. */
  readonly every?: (renew: () => void, everyMs: number) => () => void;
}

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_WAIT_MS = 30_000;
/** Jittered backoff between attempts: 5 ms doubling to 100 ms — holders keep a lock for a few writes. */
const FIRST_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 100;

/**
 * Thrown when a lock stays held past the wait deadline. Not an UnrecoverableError: the job retries with its
 * backoff, by which time the holder has finished or its lock has expired.
 */
export class DocumentLockTimeoutError extends Error {
  constructor(
    readonly key: string,
    readonly waitedMs: number,
    readonly holder: string | null,
  ) {
    super(
      `document lock ${key} still held by ${holder ?? 'another writer'} after ${waitedMs} ms; retry later`,
    );
    this.name = 'DocumentLockTimeoutError';
  }
}

const modes = new WeakMap<Connection, DocumentLockMode>();
const detected = new WeakMap<Connection, Promise<boolean>>();

/** Sets the lock mode of a connection (connectMongo does this from its `documentLocks` option). */
export function setDocumentLockMode(connection: Connection, mode: DocumentLockMode): void {
  modes.set(connection, mode);
}

/** True when the server is FerretDB: its buildInfo carries `ferretdbVersion` (v1.24.2 does; MongoDB never). */
export async function isFerretDb(connection: Connection): Promise<boolean> {
  let pending = detected.get(connection);
  if (!pending) {
    const db = connection.db;
    if (!db) throw new Error('isFerretDb: the connection is not open');
    pending = db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => typeof info.ferretdbVersion === 'string');
    // A failed probe is not cached: the next call asks again.
    pending.catch(() => detected.delete(connection));
    detected.set(connection, pending);
  }
  return pending;
}

/** Whether writes through this connection take document locks (mode, else server detection, cached). */
export async function documentLocksEnabled(connection: Connection): Promise<boolean> {
  const mode = modes.get(connection) ?? 'auto';
  if (mode !== 'auto') return mode === 'on';
  return isFerretDb(connection);
}

/**
 * Runs `fn` while holding the write lock `key` — on FerretDB; on MongoDB it just runs `fn`. Every writer of a
 * document must use the same key for it. Throws DocumentLockTimeoutError when the lock stays held longer than
 * `waitMs`.
 */
export async function withDocumentLock<T>(
  models: { readonly connection: Connection },
  key: string,
  fn: () => Promise<T>,
  options: DocumentLockOptions = {},
): Promise<T> {
  if (!(await documentLocksEnabled(models.connection))) return fn();
  const db = models.connection.db;
  if (!db) throw new Error('withDocumentLock: the connection is not open');
  return withStoreLock(db.collection<DocumentLockDoc>(DOCUMENT_LOCKS_COLLECTION), key, fn, options);
}

/** The lock itself, over any store (exported for unit tests). */
export async function withStoreLock<T>(
  store: DocumentLockStore,
  key: string,
  fn: () => Promise<T>,
  options: DocumentLockOptions = {},
): Promise<T> {
  const owner = newOwner();
  await acquireLock(store, key, owner, options);
  // A holder extends its lock every third of its lifetime, so only a crashed holder's lock expires — not that of a
  // holder whose writes are slow (on a large FerretDB collection a single filtered write can take many seconds).
  // A failed renewal is left to the next one; if the holder stalls past the lifetime, the lock can be taken over.
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const every = options.every ?? defaultEvery;
  const stopRenewing = every(() => {
    store.updateOne({ _id: key, owner }, { $set: { expiresAt: new Date(now() + ttlMs) } }).catch(() => undefined);
  }, Math.max(10, Math.floor(ttlMs / 3)));
  try {
    return await fn();
  } finally {
    stopRenewing();
    // A failed release is not rethrown: the guarded write has happened (or its own error is propagating), and
    // the lock expires after ttlMs — the recovery path built for crashed holders.
    await releaseLock(store, key, owner).catch(() => undefined);
  }
}

/** Takes `key` for `owner`, waiting (jittered backoff) up to waitMs; takes over a lock past its expiresAt. */
export async function acquireLock(
  store: DocumentLockStore,
  key: string,
  owner: string,
  options: DocumentLockOptions = {},
): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const started = now();
  let backoff = FIRST_BACKOFF_MS;
  for (;;) {
    const at = now();
    if (
      await tryInsert(store, { _id: key, owner, expiresAt: new Date(at + ttlMs), acquiredAt: new Date(at) })
    )
      return;
    const current = await store.findOne({ _id: key });
    if (!current) continue; // released between our insert and read: try again at once
    if (current.expiresAt.getTime() <= now()) {
      if (await takeOver(store, key, current, owner, ttlMs, now)) continue;
    }
    const waited = now() - started;
    if (waited >= waitMs) throw new DocumentLockTimeoutError(key, waited, current.owner);
    await sleep(Math.min(backoff, waitMs - waited) * (0.5 + Math.random() / 2));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

/** Deletes the lock only if `owner` still holds it (a holder whose lock was taken over deletes nothing). */
export async function releaseLock(store: DocumentLockStore, key: string, owner: string): Promise<boolean> {
  const result = await store.deleteOne({ _id: key, owner });
  return result.deletedCount > 0;
}

/**
 * Removes an expired lock so the caller can compete for `key` again. FerretDB's delete is also find-then-delete,
 * so two contenders deleting "the expired lock of X" could delete a fresh lock one of them had meanwhile taken:
 * the right to delete a given expired lock is itself claimed by a unique insert (`<key>#takeover:<owner>`), and
 * the claim is dropped once the stale lock is gone (a late contender's delete then matches nothing). Returns
 * true when the stale lock was removed.
 */
async function takeOver(
  store: DocumentLockStore,
  key: string,
  stale: DocumentLockDoc,
  owner: string,
  ttlMs: number,
  now: () => number,
): Promise<boolean> {
  const claimId = `${key}#takeover:${stale.owner}`;
  const at = now();
  if (
    !(await tryInsert(store, {
      _id: claimId,
      owner,
      expiresAt: new Date(at + ttlMs),
      acquiredAt: new Date(at),
    }))
  ) {
    // Someone else is taking it over. A claim left by a contender that crashed mid-takeover expires like a lock.
    const claim = await store.findOne({ _id: claimId });
    if (claim && claim.expiresAt.getTime() <= now())
      await store.deleteOne({ _id: claimId, owner: claim.owner });
    return false;
  }
  try {
    await store.deleteOne({ _id: key, owner: stale.owner });
    return true;
  } finally {
    await store.deleteOne({ _id: claimId, owner });
  }
}

async function tryInsert(store: DocumentLockStore, doc: DocumentLockDoc): Promise<boolean> {
  try {
    await store.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

function defaultEvery(renew: () => void, everyMs: number): () => void {
  const timer = setInterval(renew, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
}
