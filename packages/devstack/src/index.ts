export { FERRETDB_VERSION, cacheDir, ferretDbBinaryPath } from './paths.js';
export { ensureFerretDbBinary, startFerretDb, type RunningFerretDb, type Progress } from './ferretdb.js';
export { ensureRedis, type RedisHandle } from './redis.js';
export { freePort, redisPing, tcpOpen, waitFor } from './net.js';
export { ensureSqliteIdIndexes, keepSqliteIdIndexes, tablesWithoutIdIndex, SQLITE_ID_INDEX_SUFFIX, type IdIndexKeeper } from './sqlite-id-index.js';
