import { Agent, request } from 'undici';
import { checkUrl, createGuardedLookup } from '@vigie/feeds';

/** Outcome of one POST: the receiver's status, or a failure before one arrived. */
export type WebhookPostResult =
  | { readonly ok: true; readonly statusCode: number; readonly latencyMs: number }
  | { readonly ok: false; readonly permanent: boolean; readonly error: string; readonly latencyMs: number };

export interface WebhookClient {
  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookPostResult>;
  close(): Promise<void>;
}

/** The code @vigie/feeds' guarded lookup puts on a refused address. */
const BLOCKED = 'VIGIE_BLOCKED_ADDRESS';

/** Error codes along the cause chain (undici wraps connect errors). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if ('code' in e && typeof e.code === 'string') codes.push(e.code);
    e = 'cause' in e ? e.cause : undefined;
  }
  return codes;
}

/**
 * POSTs webhook bodies: undici, one keep-alive Agent per process, the SSRF guard on every connection, a total
 * timeout, redirects not followed, response bodies drained and discarded (never logged).
 */
export function createWebhookClient(options: { allowPrivateAddresses: boolean; timeoutMs: number }): WebhookClient {
  const agent = new Agent({
    // The same connect-time guard as feed fetching: the address checked is the address dialled.
    connect: { lookup: createGuardedLookup({ allowPrivateAddresses: options.allowPrivateAddresses }), timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return {
    async post(url, body, headers) {
      const started = performance.now();
      const latency = () => Math.round(performance.now() - started);
      const check = checkUrl(url, options.allowPrivateAddresses);
      if (!check.ok) return { ok: false, permanent: true, error: check.message, latencyMs: 0 };
      try {
        const res = await request(check.url, {
          method: 'POST',
          body,
          headers,
          dispatcher: agent,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
        return { ok: true, statusCode: res.statusCode, latencyMs: latency() };
      } catch (error) {
        const codes = errorCodes(error);
        const message = error instanceof Error ? error.message : String(error);
        if (codes.includes(BLOCKED)) return { ok: false, permanent: true, error: message, latencyMs: latency() };
        return { ok: false, permanent: false, error: codes[0] ? `${codes[0]}: ${message}` : message, latencyMs: latency() };
      }
    },
    close: () => agent.close(),
  };
}
