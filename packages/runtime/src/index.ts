export { ConfigError, parseEnv, deepFreeze, commonEnv, booleanFromEnv } from './config.js';
export { createLogger, redactUrl, REDACT_PATHS, type Logger } from './logger.js';
export { createRedisConnection } from './redis.js';
export { createTypedQueue, createTypedWorker, UnrecoverableError, type TypedQueue, type JobContext, type EnqueueOptions } from './queues.js';
export { createShutdown, onSignals, type ShutdownStep } from './shutdown.js';
export { connectWithRetry } from './retry.js';
export { runMain, type RunningService } from './main.js';
export { startPeriodicTask, type PeriodicTask, type PeriodicTaskOptions } from './periodic.js';
export {
  recordSourceLiveness,
  readSourceLiveness,
  mergeLiveness,
  newSourceRevision,
  publishSourceRevision,
  readSourceRevision,
  repairSourceRevision,
  type SourceLiveness,
} from './source-liveness.js';
