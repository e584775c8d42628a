import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { commonEnv, parseEnv } from '@vigie/runtime';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const schema = z
  .object({
    ...commonEnv,
    /** Items classified in parallel. Classification is CPU-bound: more than 2 per core rarely helps. */
    CLASSIFIER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Minimum score of the top narrative for a harmful item to count as alert evidence. */
    ALERT_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.25),
    /** Hours after resolution during which a returning narrative reopens its alert instead of opening a new one. */
    ALERT_REOPEN_WINDOW_HOURS: z.coerce.number().min(0).max(24 * 90).default(72),
  })
  .transform((env) => ({
    env: env.NODE_ENV,
    version: pkg.version,
    logLevel: env.LOG_LEVEL,
    redis: { url: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX },
    mongo: { url: env.MONGO_URL, dbName: env.MONGO_DB },
    concurrency: env.CLASSIFIER_CONCURRENCY,
    alertMinScore: env.ALERT_MIN_SCORE,
    reopenWindowMs: env.ALERT_REOPEN_WINDOW_HOURS * 3_600_000,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  }));

export type ClassifierConfig = ReturnType<typeof loadConfig>;

/** The only place the classifier reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv(schema, env);
}
