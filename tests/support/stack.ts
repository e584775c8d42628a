import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Connection } from 'mongoose';
import { Redis } from 'ioredis';
import { connectMongo, createModels, ensureIndexes, type Models } from '@vigie/db';
import { createLogger, type Logger } from '@vigie/runtime';

/**
 * Per-test-file isolation: a fresh database name and queue prefix, so files run in parallel against one
 * server without cleaning up after each other.
 */
export interface TestContextHandles {
  readonly id: string;
  readonly redisUrl: string;
  readonly mongoUrl: string;
  readonly dbName: string;
  readonly queuePrefix: string;
  readonly connection: Connection;
  readonly models: Models;
  readonly redis: Redis;
  readonly logger: Logger;
  close(): Promise<void>;
}

export async function openTestContext(label: string): Promise<TestContextHandles> {
  const id = `${label.replace(/[^a-z0-9]/gi, '').slice(0, 12)}_${randomBytes(4).toString('hex')}`;
  const redisUrl = inject('redisUrl');
  const mongoUrl = inject('mongoUrl');
  const dbName = `vigie_test_${id}`;
  const connection = await connectMongo(mongoUrl, { dbName, appName: `test-${label}` });
  const models = createModels(connection);
  await ensureIndexes(models);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const logger = createLogger({ service: `test-${label}`, version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  return {
    id,
    redisUrl,
    mongoUrl,
    dbName,
    queuePrefix: `vigietest:${id}`,
    connection,
    models,
    redis,
    logger,
    async close() {
      await dropTestDatabase(connection, dbName);
      await connection.close();
      redis.disconnect();
    },
  };
}

/** Refuses to drop anything that is not a test database. */
async function dropTestDatabase(connection: Connection, dbName: string): Promise<void> {
  if (!dbName.startsWith('vigie_test_')) throw new Error(`refusing to drop non-test database ${dbName}`);
  await connection.dropDatabase();
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. No sleeps in tests. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, deadlineMs = 30_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  let lastError: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/**
 * The environment a service started in-process by a test needs: this file's Redis, database and queue prefix, logs
 * silent unless TEST_LOG_LEVEL is set. Spread it into the service's `loadConfig({ ...serviceEnv(ctx), … })`.
 */
export function serviceEnv(ctx: TestContextHandles) {
  return { REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, QUEUE_PREFIX: ctx.queuePrefix, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' };
}
