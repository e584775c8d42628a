/**
 * Every way a fetch or a parse can fail, as one closed list. The collector maps these to retry decisions and
 * source health; the CLI prints them. Values are persisted in source health records: never rename one.
 */
export const FEED_ERROR_CODES = [
  'timeout',
  'too_large',
  'blocked_address',
  'bad_scheme',
  'fetch_error',
  'http_not_found',
  'http_gone',
  'http_blocked',
  'rate_limited',
  'http_server_error',
  'bot_challenge',
  'redirect_loop',
  'too_many_redirects',
  'parse_error',
  'not_a_feed',
  'empty',
] as const;

/** One of {@link FEED_ERROR_CODES}. */
export type FeedErrorCode = (typeof FEED_ERROR_CODES)[number];

/** A classified failure thrown by the parsing functions (fetching returns a result instead of throwing). */
export class FeedError extends Error {
  override readonly name = 'FeedError';
  constructor(
    readonly code: FeedErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `value` is a {@link FeedError}, with the given code if one is passed. */
export function isFeedError(value: unknown, code?: FeedErrorCode): value is FeedError {
  return value instanceof FeedError && (code === undefined || value.code === code);
}
