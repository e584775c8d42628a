import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Why an address is refused, or `null` when it is a public unicast address that a feed may live on.
 *
 * Only addresses that ipaddr.js classifies as plain `unicast` pass: loopback, RFC 1918, link-local (which holds
 * the cloud metadata endpoint 169.254.169.254), CGNAT, multicast, broadcast, 0.0.0.0/8, documentation and
 * benchmarking nets, ULA, discard and Teredo are all refused. IPv6 forms that embed an IPv4 address
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the embedded IPv4 address, so `::ffff:127.0.0.1`
 * is loopback like `127.0.0.1`.
 */
export function blockedAddressReason(address: string): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // Zone ids (fe80::1%eth0) are link-local by construction.
  if (bare.includes('%')) return 'link-local address with a zone id';
  if (!ipaddr.isValid(bare)) return 'not an IP address';
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') {
    const range = parsed.range();
    return range === 'unicast' ? null : `${range} IPv4 address`;
  }
  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIpv4(v6);
  if (embedded) {
    const reason = blockedAddressReason(embedded);
    return reason === null ? null : `${reason} embedded in IPv6 ${v6.range()} address`;
  }
  const range = v6.range();
  return range === 'unicast' ? null : `${range} IPv6 address`;
}

/** True when connecting to `address` is refused under the default (SSRF-safe) policy. */
export function isBlockedAddress(address: string): boolean {
  return blockedAddressReason(address) !== null;
}

function embeddedIpv4(v6: ipaddr.IPv6): string | null {
  const range = v6.range();
  const bytes = v6.toByteArray();
  const last4 = bytes.slice(12).join('.');
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return last4;
  if (range === '6to4') return bytes.slice(2, 6).join('.');
  // ::a.b.c.d (IPv4-compatible, deprecated) is classified `unicast` by ipaddr.js; catch the whole ::/96.
  if (bytes.slice(0, 12).every((b) => b === 0)) return last4;
  return null;
}

/** The refusal raised by {@link createGuardedLookup}; `code` lets callers tell it apart from DNS failures. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'VIGIE_BLOCKED_ADDRESS';
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${hostname} resolves to ${address} (${reason}); refusing to connect`);
  }
}

/** A DNS resolver with the shape of `dns.lookup(hostname, { all: true })`, injectable for tests. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo), as {@link ResolveHost}. */
export const systemResolve: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

/** The `lookup` signature that `net.connect` calls (with `all` true when happy-eyeballs is on). */
export type ConnectLookup = (
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * A `lookup` for `net.connect` (and so for an undici Agent's `connect` options) that resolves the name and
 * refuses the connection if ANY resolved address is blocked. Validating inside the connect path, rather than
 * resolving once beforehand, is what defeats DNS rebinding: the address checked is the address dialled.
 * Refusing when any address is bad (not just the first) stops a name that mixes public and private records.
 *
 * @param onBlocked called with the refusal before the callback fires, so callers can classify the failure
 *   even if the HTTP client wraps the error.
 */
export function createGuardedLookup(options: {
  /** A boolean, or a getter consulted at each lookup (lets a caller trust one redirect hop but not the next). */
  allowPrivateAddresses: boolean | (() => boolean);
  resolve?: ResolveHost;
  onBlocked?: (error: BlockedAddressError) => void;
}): ConnectLookup {
  const resolve = options.resolve ?? systemResolve;
  return (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const family = Number(lookupOptions.family ?? 0);
        const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) {
          const err: NodeJS.ErrnoException = new Error(`${hostname} has no usable address`);
          err.code = 'ENOTFOUND';
          callback(err, []);
          return;
        }
        const allow = typeof options.allowPrivateAddresses === 'function' ? options.allowPrivateAddresses() : options.allowPrivateAddresses;
        if (!allow) {
          for (const { address } of usable) {
            const reason = blockedAddressReason(address);
            if (reason !== null) {
              const blocked = new BlockedAddressError(hostname, address, reason);
              options.onBlocked?.(blocked);
              callback(blocked, []);
              return;
            }
          }
        }
        const first = usable[0] as LookupAddress;
        if (lookupOptions.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}

/** The result of checking a URL before any network activity. */
export type UrlCheck =
  | { ok: true; url: URL }
  | { ok: false; code: 'bad_scheme' | 'blocked_address' | 'fetch_error'; message: string };

/**
 * Checks what can be checked without DNS: the scheme, and the host when it is an IP literal (the WHATWG URL
 * parser has already normalised `0x7f.1`, `2130706433` and `017700000001` to `127.0.0.1`). Literals must be
 * checked here because `net.connect` skips `lookup` for them.
 */
export function checkUrl(raw: string | URL, allowPrivateAddresses: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'fetch_error', message: `"${String(raw)}" is not a valid absolute URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'bad_scheme', message: `${url.protocol} URLs are not fetched; use http: or https:` };
  }
  if (url.username || url.password) {
    // Credentials in URLs leak into logs and redirects; on-prem sources needing auth are a separate feature.
    return { ok: false, code: 'bad_scheme', message: 'URLs with embedded credentials are refused' };
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!allowPrivateAddresses && isIP(host) !== 0) {
    const reason = blockedAddressReason(host);
    if (reason !== null) {
      return {
        ok: false,
        code: 'blocked_address',
        message: `${host} is a ${reason}; private and internal addresses are refused (allowPrivateAddresses enables them for on-premise sources)`,
      };
    }
  }
  return { ok: true, url };
}
