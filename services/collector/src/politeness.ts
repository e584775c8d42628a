import type { Redis } from 'ioredis';

/**
 * Per-host politeness shared by every collector process: at most `maxConcurrent` fetches in flight per host and
 * at most one request start per `minIntervalMs`, decided atomically in Redis (one Lua script, Redis' own clock).
 * A worker that cannot fetch now re-delays its job rather than dropping it or holding a worker slot.
 */
export interface PolitenessLimits {
  /** Fetches in flight per host across all workers. Default 2. */
  readonly maxConcurrent: number;
  /** Minimum time between two request starts on one host (ms). Default 2 000. */
  readonly minIntervalMs: number;
  /** A lease not released (crashed worker) frees itself after this long (ms): the fetch timeout plus margin. */
  readonly leaseTtlMs: number;
}

export type HostDecision =
  /** `at`: Redis' clock when the start was granted (ms since the epoch) — where the per-host interval is enforced. */
  | { readonly kind: 'granted'; readonly at: number }
  | { readonly kind: 'busy'; readonly waitMs: number }
  | { readonly kind: 'rate'; readonly waitMs: number };

// KEYS: leases (zset leaseId → expiry ms), next-allowed start (ms). ARGV: leaseId, maxConcurrent, minIntervalMs, leaseTtlMs.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local active = redis.call('ZCARD', KEYS[1])
if active >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, tonumber(first[2]) - now}
end
local nextAllowed = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nextAllowed then return {2, nextAllowed - now} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3])) end
return {0, now}
`;

export interface HostLimiter {
  tryAcquire(host: string, leaseId: string): Promise<HostDecision>;
  release(host: string, leaseId: string): Promise<void>;
}

export function createHostLimiter(redis: Redis, prefix: string, limits: PolitenessLimits): HostLimiter {
  const keys = (host: string) => [`${prefix}:politeness:${host}:leases`, `${prefix}:politeness:${host}:next`];
  return {
    async tryAcquire(host, leaseId) {
      // [0, grant time] or [1 busy | 2 rate, wait ms]
      const [code, value] = (await redis.eval(ACQUIRE, 2, ...keys(host), leaseId, limits.maxConcurrent, limits.minIntervalMs, limits.leaseTtlMs)) as [number, number];
      if (code === 0) return { kind: 'granted', at: value };
      return { kind: code === 1 ? 'busy' : 'rate', waitMs: Math.max(0, value) };
    },
    async release(host, leaseId) {
      await redis.zrem(keys(host)[0]!, leaseId);
    },
  };
}

/**
 * How long a job that was refused waits before trying again. A rate refusal knows exactly when the host frees
 * up; a busy host does not (a lease ends when its fetch does), so it retries soon, with jitter so the waiting
 * jobs of one host do not all come back in the same millisecond. Capped so a stuck lease cannot park a job for
 * its whole TTL.
 */
export function retryDelayMs(decision: Exclude<HostDecision, { kind: 'granted' }>, random: () => number = Math.random): number {
  const jitter = Math.floor(random() * 250);
  if (decision.kind === 'rate') return Math.min(decision.waitMs, 60_000) + 10 + jitter;
  return Math.min(decision.waitMs, 500) + 250 + jitter;
}

/** Waits shorter than this are slept through in-process; longer ones re-delay the job in BullMQ. */
export const IN_PROCESS_WAIT_MS = 300;
