import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { VigieError } from '@vigie/contracts';

export class RateLimitedError extends VigieError {
  constructor(readonly retryAfterSec: number) {
    super(`Too many requests for this API key; retry in ${retryAfterSec} s.`, 'rate_limited');
  }
}

/**
 * Per-API-key request budget, shared by every API process through Redis. When Redis is unreachable a
 * per-process memory limiter takes over, so an outage of Redis neither blocks the API nor lifts the limit.
 */
export function rateLimitPerKey(redis: Redis, prefix: string, perMinute: number): RequestHandler {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:ratelimit`,
    points: perMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
  });
  return async (req, res, next) => {
    const key = req.principal?.id ?? req.ip ?? 'anonymous';
    try {
      const result = await limiter.consume(key);
      res.setHeader('RateLimit-Limit', String(perMinute));
      res.setHeader('RateLimit-Remaining', String(result.remainingPoints));
      next();
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const retry = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        res.setHeader('Retry-After', String(retry));
        return next(new RateLimitedError(retry));
      }
      next(error);
    }
  };
}
