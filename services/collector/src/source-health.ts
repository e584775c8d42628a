/**
 * What a fetch outcome does to a source's health record — pure, so the rules are unit-tested without Redis or
 * Mongo. The processor applies the returned patch.
 */
export interface HealthState {
  readonly consecutiveFailures: number;
}

export type FetchOutcome =
  | { readonly kind: 'ok'; readonly status: number; readonly items: number }
  | { readonly kind: 'not_modified' }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

export interface HealthPatch {
  readonly lastStatus: string;
  readonly consecutiveFailures: number;
  readonly itemsLastFetch: number;
  readonly lastError: { code: string; message: string } | null;
  /** Set when the source must stop being polled, with the reason shown to admins. */
  readonly disable: string | null;
  /** Whether the job should be retried by BullMQ (transient) or not (permanent, or success). */
  readonly retry: 'none' | 'transient' | 'permanent';
}

/** After this many failures in a row a source is disabled; an admin re-enables it once fixed. */
export const MAX_CONSECUTIVE_FAILURES = 20;

const PERMANENT = new Set(['http_gone', 'blocked_address', 'bad_scheme', 'not_a_feed', 'parse_error', 'empty', 'too_large', 'http_blocked', 'http_not_found', 'redirect_loop', 'too_many_redirects', 'bot_challenge']);

export function nextHealth(previous: HealthState, outcome: FetchOutcome): HealthPatch {
  if (outcome.kind === 'ok') {
    return { lastStatus: String(outcome.status), consecutiveFailures: 0, itemsLastFetch: outcome.items, lastError: null, disable: null, retry: 'none' };
  }
  if (outcome.kind === 'not_modified') {
    return { lastStatus: '304', consecutiveFailures: 0, itemsLastFetch: 0, lastError: null, disable: null, retry: 'none' };
  }
  const failures = previous.consecutiveFailures + 1;
  let disable: string | null = null;
  if (outcome.code === 'http_gone') disable = 'The server says this feed is gone for good (HTTP 410). Find its new address and update the source.';
  else if (outcome.code === 'blocked_address' || outcome.code === 'bad_scheme')
    disable = `The address is not allowed (${outcome.message}). Use a public http(s) URL, or enable private addresses for on-premise sources.`;
  else if (failures >= MAX_CONSECUTIVE_FAILURES) disable = `Failed ${failures} times in a row; last error: ${outcome.code} — ${outcome.message}`;
  return {
    lastStatus: outcome.code,
    consecutiveFailures: failures,
    itemsLastFetch: 0,
    lastError: { code: outcome.code, message: outcome.message },
    disable,
    retry: PERMANENT.has(outcome.code) ? 'permanent' : 'transient',
  };
}
