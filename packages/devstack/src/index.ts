export { FERRETDB_VERSION, cacheDir, ferretDbBinaryPath } from './paths.js';
export { ensureFerretDbBinary, startFerretDb, type RunningFerretDb, type Progress } from './ferretdb.js';
export { ensureRedis, type RedisHandle } from './redis.js';
export { freePort, redisPing, tcpOpen, waitFor } from './net.js';
