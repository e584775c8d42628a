import mongoose, { type Connection } from 'mongoose';
import { isFerretDb, setDocumentLockMode, type DocumentLockMode } from './document-lock.js';

// Queries must never silently drop unknown filter keys: strictQuery rejects them at the model level, which is
// also a guard against operator injection through unexpected fields.
mongoose.set('strictQuery', true);

/**
 * Opens a dedicated mongoose connection (never the global one, so tests can hold several). Fails fast when the
 * server does not answer; callers wrap this in connectWithRetry. Asks the server once whether it is FerretDB,
 * which decides whether alert writes take document locks (`documentLocks`, default `auto`; see document-lock.ts).
 */
export async function connectMongo(
  url: string,
  options: { dbName?: string; appName: string; documentLocks?: DocumentLockMode },
): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    dbName: options.dbName,
    appName: options.appName,
    serverSelectionTimeoutMS: 5_000,
    // FerretDB v1 and MongoDB 7 both speak OP_MSG; retryable writes need a replica set, which FerretDB is not.
    retryWrites: false,
    autoIndex: false,
  });
  try {
    await connection.asPromise();
    setDocumentLockMode(connection, options.documentLocks ?? 'auto');
    if ((options.documentLocks ?? 'auto') === 'auto') await isFerretDb(connection);
  } catch (error) {
    await connection.close().catch(() => {});
    throw error;
  }
  return connection;
}

/** True when the server answers a ping; used by /readyz. */
export async function pingMongo(connection: Connection): Promise<boolean> {
  try {
    if (connection.readyState !== 1 || !connection.db) return false;
    await connection.db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
