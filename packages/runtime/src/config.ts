import { z } from 'zod';

/** Thrown when the environment is invalid; `problems` lists every one of them, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` with a zod schema into a deeply frozen object. Each service's config.ts is the only place that
 * reads process.env, and it calls this once at start-up.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.join('.') || '(environment)';
        const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
        const shown = value === undefined ? 'not set' : isSecretName(key) ? 'set (hidden)' : JSON.stringify(value);
        return `${key}: ${issue.message} (currently ${shown})`;
      }),
    );
  }
  return deepFreeze(result.data);
}

function isSecretName(key: string): boolean {
  return /KEY|SECRET|PASSWORD|TOKEN/i.test(key);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Environment fragments every service shares, so names and defaults stay identical across services. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Redis for BullMQ. Production: AOF on and maxmemory-policy noeviction (infra/redis.conf). */
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  /** Prefix of every BullMQ key; lets several stacks (or test files) share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" or "-" only')
    .default('vigie'),
  MONGO_URL: z
    .string()
    .default('mongodb://127.0.0.1:27017/vigie')
    .refine((v) => /^mongodb(\+srv)?:\/\//.test(v), 'must start with mongodb:// or mongodb+srv://'),
  /** Database name; overrides the one in MONGO_URL. */
  MONGO_DB: z.string().regex(/^[a-zA-Z0-9_-]{1,63}$/).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(25_000),
} as const;

export const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
