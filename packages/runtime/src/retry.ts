import type { Logger } from './logger.js';

/**
 * Retries `connect` with capped exponential backoff, logging one line per failure instead of a stack trace:
 * a dependency that is down at start-up is an expected state, not a crash loop.
 */
export async function connectWithRetry<T>(
  what: string,
  connect: () => Promise<T>,
  logger: Logger,
  options: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const { maxAttempts = Infinity, baseDelayMs = 500, maxDelayMs = 15_000 } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= maxAttempts || options.signal?.aborted) throw error;
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      logger.warn({ attempt, retryInMs: delay }, `${what} unavailable (${message}); retrying`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
