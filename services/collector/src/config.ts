import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { booleanFromEnv, commonEnv, parseEnv } from '@vigie/runtime';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const schema = z
  .object({
    ...commonEnv,
    /** Feeds fetched in parallel by this process. */
    COLLECTOR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Allow sources on private/loopback addresses (on-premise sources, the demo, tests). Off by default: SSRF. */
    COLLECTOR_ALLOW_PRIVATE_ADDRESSES: booleanFromEnv.default(false),
    /** Total time for one fetch, including redirects and the body. */
    COLLECTOR_FETCH_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(20_000),
    /** Cap on the decompressed body of one fetch, in bytes. */
    COLLECTOR_MAX_BYTES: z.coerce.number().int().min(10_000).max(200_000_000).default(10_000_000),
    /** A YAML or JSON file of sources loaded (upserted by name) at start. */
    COLLECTOR_SOURCES_FILE: z.string().optional(),
    /** How often the scheduler re-reads the source list to add, change or drop job schedulers. */
    COLLECTOR_SYNC_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
    COLLECTOR_USER_AGENT: z.string().max(200).optional(),
    /** Fetches in flight per host across every collector process. */
    COLLECTOR_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
    /** Minimum milliseconds between two requests to one host, across every collector process. */
    COLLECTOR_HOST_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
    /** Items still pending this long after their last write are re-enqueued for classification (crash safety). */
    COLLECTOR_SWEEP_AFTER_MS: z.coerce.number().int().min(10_000).max(7 * 86_400_000).default(10 * 60_000),
  })
  .transform((env) => ({
    env: env.NODE_ENV,
    version: pkg.version,
    logLevel: env.LOG_LEVEL,
    redis: { url: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX },
    mongo: { url: env.MONGO_URL, dbName: env.MONGO_DB },
    concurrency: env.COLLECTOR_CONCURRENCY,
    fetch: {
      allowPrivateAddresses: env.COLLECTOR_ALLOW_PRIVATE_ADDRESSES,
      totalTimeoutMs: env.COLLECTOR_FETCH_TIMEOUT_MS,
      maxBytes: env.COLLECTOR_MAX_BYTES,
      userAgent: env.COLLECTOR_USER_AGENT,
    },
    politeness: {
      maxConcurrent: env.COLLECTOR_HOST_CONCURRENCY,
      minIntervalMs: env.COLLECTOR_HOST_MIN_INTERVAL_MS,
      // A lease outlives the longest fetch, so a crashed worker's slot frees itself.
      leaseTtlMs: env.COLLECTOR_FETCH_TIMEOUT_MS + 10_000,
    },
    sweepAfterMs: env.COLLECTOR_SWEEP_AFTER_MS,
    sourcesFile: env.COLLECTOR_SOURCES_FILE ?? null,
    syncIntervalMs: env.COLLECTOR_SYNC_INTERVAL_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  }));

export type CollectorConfig = ReturnType<typeof loadConfig>;

/** The only place the collector reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv(schema, env);
}
