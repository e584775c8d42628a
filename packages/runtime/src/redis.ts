import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connection presets, per BullMQ's production guide: workers block on Redis and must retry forever
 * (maxRetriesPerRequest: null); producers (the API) must fail fast so a request never hangs on a dead Redis.
 */
export function createRedisConnection(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  const base: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: false }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000 };
  return new Redis(url, {
    ...base,
    lazyConnect: true,
    // Reconnect with capped backoff; the error listener (attached by the caller) logs one line per failure.
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 10_000),
    ...extra,
  });
}
