import { z } from 'zod';
import { commonEnv, parseEnv } from '@vigie/runtime';

const schema = z
  .object({ MONGO_URL: commonEnv.MONGO_URL, MONGO_DB: commonEnv.MONGO_DB, REDIS_URL: commonEnv.REDIS_URL, QUEUE_PREFIX: commonEnv.QUEUE_PREFIX })
  .transform((env) => ({ mongo: { url: env.MONGO_URL, dbName: env.MONGO_DB }, redis: { url: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX } }));

export type CliConfig = ReturnType<typeof loadCliConfig>;

/** The only place the CLI reads process.env (database commands only; pure commands need nothing). */
export function loadCliConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv(schema, env);
}
