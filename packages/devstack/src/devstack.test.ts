import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, ferretDbBinaryPath } from './paths.js';
import { freePort, redisPing, tcpOpen, waitFor } from './net.js';
import { withLock } from './lock.js';

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

describe('paths', () => {
  it('caches under VIGIE_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cacheDir({ VIGIE_CACHE_DIR: '/x' })).toBe('/x');
    expect(cacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/vigie');
    expect(ferretDbBinaryPath({ VIGIE_CACHE_DIR: '/x' })).toBe('/x/ferretdb-v1.24.2/ferretdb');
  });
});

describe('net helpers', () => {
  it('tells a fake Redis that answers PONG from a port that says something else', async () => {
    const pong = createServer((s) => s.on('data', () => s.end('+PONG\r\n')));
    const other = createServer((s) => s.on('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    servers.push(pong, other);
    const [p1, p2] = [await freePort(), await freePort()];
    await new Promise<void>((r) => pong.listen(p1, '127.0.0.1', r));
    await new Promise<void>((r) => other.listen(p2, '127.0.0.1', r));
    expect(await redisPing('127.0.0.1', p1)).toBe(true);
    expect(await redisPing('127.0.0.1', p2)).toBe(false);
    expect(await tcpOpen('127.0.0.1', p2)).toBe(true);
    const closed = await freePort();
    expect(await redisPing('127.0.0.1', closed)).toBe(false);
  });

  it('waitFor reports what did not become ready', async () => {
    await expect(waitFor(async () => false, 300, 'the thing')).rejects.toThrow('the thing did not become ready');
  });
});

describe('withLock', () => {
  it('serialises holders and releases on error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-lock-'));
    const lock = join(dir, 'x.lock');
    const order: string[] = [];
    await Promise.all([
      withLock(lock, 60_000, async () => {
        order.push('a-start');
        await new Promise((r) => setTimeout(r, 50));
        order.push('a-end');
      }),
      withLock(lock, 60_000, async () => {
        order.push('b-start');
        order.push('b-end');
      }),
    ]);
    expect(order.indexOf('a-end') === order.indexOf('a-start') + 1 || order.indexOf('b-end') === order.indexOf('b-start') + 1).toBe(true);
    expect(order).toHaveLength(4);
    await expect(withLock(lock, 60_000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
