import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContextHandles } from './stack.js';

const main = fileURLToPath(new URL('../../packages/cli/src/main.ts', import.meta.url));

/** Runs `vigie …` as a real process against the test file's isolated database and queue prefix. */
export function runVigie(ctx: TestContextHandles, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', main, ...args], {
      env: { ...process.env, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: ctx.queuePrefix, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
