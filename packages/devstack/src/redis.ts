import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { freePort, redisPing, waitFor } from './net.js';
import type { Progress } from './ferretdb.js';

export interface RedisHandle {
  readonly url: string;
  /** True when we started the server ourselves (and so must stop it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

function parseRedisUrl(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) };
}

function redisServerBinary(progress: Progress): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  if (process.getuid?.() !== 0) {
    throw new Error('redis-server is not installed and no Redis answers at REDIS_URL: run `sudo apt-get install redis-server` or set REDIS_URL.');
  }
  progress('Installing redis-server from Debian packages…');
  const install = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server'], {
    stdio: 'inherit',
  });
  if (install.status !== 0) throw new Error('apt-get install redis-server failed');
  return '/usr/bin/redis-server';
}

/**
 * Uses the Redis at `url` when it answers; otherwise starts a private redis-server on a free port with AOF on
 * (so a crash of the local stack loses no queued job).
 */
export async function ensureRedis(options: { url?: string; dataDir: string; progress?: Progress }): Promise<RedisHandle> {
  const progress = options.progress ?? (() => {});
  const url = options.url ?? 'redis://127.0.0.1:6379';
  const { host, port } = parseRedisUrl(url);
  if (await redisPing(host, port)) {
    return { url, owned: false, stop: async () => {} };
  }
  progress(`No Redis answers at ${host}:${port}; starting a local redis-server…`);
  const binary = redisServerBinary(progress);
  mkdirSync(options.dataDir, { recursive: true });
  const ownPort = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(ownPort), '--bind', '127.0.0.1', '--dir', options.dataDir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(() => redisPing('127.0.0.1', ownPort), 15_000, 'redis-server');
  return {
    url: `redis://127.0.0.1:${ownPort}`,
    owned: true,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
