import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureRedis, startFerretDb, type RedisHandle, type RunningFerretDb } from '@vigie/devstack';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    mongoUrl: string;
    mongoServer: string;
  }
}

let redis: RedisHandle | undefined;
let ferret: RunningFerretDb | undefined;
let dataDir: string | undefined;

/**
 * Starts what the tests need, the same way `npm run demo` does: the Redis at TEST_REDIS_URL/REDIS_URL when it
 * answers (else a private redis-server), and FerretDB on SQLite in a temporary folder unless TEST_MONGO_URL
 * points at a MongoDB server.
 */
export async function setup(project: TestProject): Promise<void> {
  const log = (m: string) => process.stderr.write(`[test stack] ${m}\n`);
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-test-stack-'));
  redis = await ensureRedis({ url: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL, dataDir: join(dataDir, 'redis'), progress: log });
  let mongoUrl = process.env.TEST_MONGO_URL;
  let mongoServer = 'MongoDB (TEST_MONGO_URL)';
  if (!mongoUrl) {
    ferret = await startFerretDb({ dataDir: join(dataDir, 'ferretdb'), progress: log });
    mongoUrl = ferret.url;
    mongoServer = 'FerretDB v1.24.2 (SQLite)';
  }
  log(`Redis ${redis.url}${redis.owned ? ' (started for tests)' : ''}; ${mongoServer} at ${mongoUrl}`);
  project.provide('redisUrl', redis.url);
  project.provide('mongoUrl', mongoUrl);
  project.provide('mongoServer', mongoServer);
}

export async function teardown(): Promise<void> {
  await ferret?.stop();
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
