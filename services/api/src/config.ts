import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { booleanFromEnv, commonEnv, parseEnv } from '@vigie/runtime';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const schema = z
  .object({
    ...commonEnv,
    PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    HOST: z.string().default('127.0.0.1'),
    /** A known first admin key for deployments and scripts (vk_<12 hex>_<secret>). Optional. */
    VIGIE_BOOTSTRAP_ADMIN_KEY: z
      .string()
      .regex(/^vk_[a-f0-9]{12}_[A-Za-z0-9_-]{20,64}$/, 'must look like vk_<12 hex>_<20-64 url-safe chars>; generate one with `npx vigie keys generate`')
      .optional(),
    /** Comma-separated origins allowed by CORS; empty = same-origin only. */
    CORS_ORIGINS: z.string().default(''),
    /** Maximum JSON body size. */
    BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default('256kb'),
    /**
     * How long a verified API key is trusted without asking the database again, seconds (0: ask every request).
     * Revocations through the API take effect at once in every API process; one made directly in the database
     * takes at most this long.
     */
    API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(10),
    /** Requests per minute per API key. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
    /** Set when behind a reverse proxy, so client IPs in the audit log are right. */
    TRUST_PROXY: z.string().default('loopback'),
    /** Accept webhooks on private/loopback addresses (on-premise receivers, demo, tests only: SSRF guard). */
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: booleanFromEnv.default(false),
    /** Base URL of this Vigie, for links in notifications (the "send test" message). */
    VIGIE_PUBLIC_URL: z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL').default('http://127.0.0.1:8080'),
    /** Interval of the SSE heartbeat comment on /stream, ms. */
    SSE_HEARTBEAT_MS: z.coerce.number().int().min(1_000).max(120_000).default(15_000),
    /** Reconnection delay advertised to SSE clients (`retry:`), ms. */
    SSE_RETRY_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    /** Concurrent /stream clients per API process; more get 503. */
    SSE_MAX_CLIENTS: z.coerce.number().int().min(1).max(100_000).default(500),
    /** Activation check: how far harmful F1 on the dev set may drop below the active version's (0.02 = 2 points). */
    ACTIVATION_MAX_F1_DROP: z.coerce.number().min(0).max(1).default(0.02),
    /** Activation check: how far S1 recall on the dev set may drop below the active version's. */
    ACTIVATION_MAX_S1_DROP: z.coerce.number().min(0).max(1).default(0.02),
    /**
     * Serve GET /alerts from an in-memory read model kept fresh by alert events. For FerretDB, which cannot use an
     * index for a sorted page; leave off on MongoDB 7, whose indexes serve the query directly.
     */
    ALERT_READ_MODEL: booleanFromEnv.default(false),
    /** Full rebuild of that read model from the database every N minutes (0: only at start and after reconnects). */
    ALERT_READ_MODEL_REBUILD_MINUTES: z.coerce.number().min(0).max(1_440).default(15),
  })
  .transform((env) => ({
    env: env.NODE_ENV,
    version: pkg.version,
    logLevel: env.LOG_LEVEL,
    http: {
      port: env.PORT,
      host: env.HOST,
      corsOrigins: env.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
      bodyLimit: env.BODY_LIMIT,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      keyCacheMs: Math.round(env.API_KEY_CACHE_SECONDS * 1_000),
      trustProxy: env.TRUST_PROXY,
    },
    redis: { url: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX },
    mongo: { url: env.MONGO_URL, dbName: env.MONGO_DB },
    bootstrapAdminKey: env.VIGIE_BOOTSTRAP_ADMIN_KEY ?? null,
    webhooks: { allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES, publicUrl: env.VIGIE_PUBLIC_URL.replace(/\/+$/, '') },
    stream: { heartbeatMs: env.SSE_HEARTBEAT_MS, retryMs: env.SSE_RETRY_MS, maxClients: env.SSE_MAX_CLIENTS },
    classifier: { activationMargins: { harmfulF1: env.ACTIVATION_MAX_F1_DROP, s1Recall: env.ACTIVATION_MAX_S1_DROP } },
    alertReadModel: { enabled: env.ALERT_READ_MODEL, rebuildEveryMs: Math.round(env.ALERT_READ_MODEL_REBUILD_MINUTES * 60_000) },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  }));

export type ApiConfig = ReturnType<typeof loadConfig>;

/** The only place the API reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv(schema, env);
}
