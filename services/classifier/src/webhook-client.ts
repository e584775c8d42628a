import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, request } from 'undici';
import { blockedAddressReason, checkUrl } from '@vigie/feeds';

/** Outcome of one POST: the receiver's status, or a failure before one arrived. */
export type WebhookPostResult =
  | { readonly ok: true; readonly statusCode: number; readonly latencyMs: number }
  | { readonly ok: false; readonly permanent: boolean; readonly error: string; readonly latencyMs: number };

export interface WebhookClient {
  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookPostResult>;
  close(): Promise<void>;
}

const BLOCKED = 'VIGIE_BLOCKED_ADDRESS';

/**
 * A lookup for the Agent's connect options that refuses private, loopback, link-local… addresses unless allowed,
 * checking every resolved address at connect time (the address checked is the address dialled: no DNS
 * rebinding). Built on @vigie/feeds' exported `blockedAddressReason`; its `createGuardedLookup` is not exported
 * from the package — exporting it would remove this copy.
 */
function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const family = Number(options.family ?? 0);
      const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
      if (usable.length === 0) {
        const e: NodeJS.ErrnoException = new Error(`${hostname} has no usable address`);
        e.code = 'ENOTFOUND';
        return callback(e, []);
      }
      if (!allowPrivate) {
        for (const { address } of usable) {
          const reason = blockedAddressReason(address);
          if (reason !== null) {
            const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${address} (${reason}); refusing to connect`);
            e.code = BLOCKED;
            return callback(e, []);
          }
        }
      }
      const first = usable[0]!;
      if (options.all) callback(null, usable);
      else callback(null, first.address, first.family);
    });
  };
}

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
    connect: { lookup: guardedLookup(options.allowPrivateAddresses), timeout: options.timeoutMs },
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
