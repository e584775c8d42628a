import { describe, expect, it } from 'vitest';
import { blockedAddressReason, checkUrl, createGuardedLookup } from './ssrf-guard.js';

describe('blockedAddressReason', () => {
  const blocked = [
    '127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '0.1.2.3', '255.255.255.255', '224.0.0.1', '239.255.255.250', '192.0.2.1', '198.18.0.1', '240.0.0.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe', '::127.0.0.1', '::7f00:1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', '2001:db8::1', 'fe80::1%eth0', '[::1]',
  ];
  const allowed = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'];
  it.each(blocked)('refuses %s', (ip) => expect(blockedAddressReason(ip)).not.toBeNull());
  it.each(allowed)('allows %s', (ip) => expect(blockedAddressReason(ip)).toBeNull());
});

describe('checkUrl', () => {
  it.each([
    ['http://127.0.0.1/feed', 'blocked_address'],
    ['http://0x7f.1/', 'blocked_address'],
    ['http://2130706433/', 'blocked_address'],
    ['http://017700000001/', 'blocked_address'],
    ['http://[::1]:8080/', 'blocked_address'],
    ['http://[::ffff:169.254.169.254]/latest/meta-data', 'blocked_address'],
    ['http://169.254.169.254/latest/meta-data/', 'blocked_address'],
    ['file:///etc/passwd', 'bad_scheme'],
    ['gopher://example.org/', 'bad_scheme'],
    ['ftp://example.org/feed.xml', 'bad_scheme'],
    ['http://user:pw@example.org/', 'bad_scheme'],
    ['not a url', 'fetch_error'],
  ])('%s → %s', (url, code) => {
    const r = checkUrl(url, false);
    expect(r.ok ? 'ok' : r.code).toBe(code);
  });

  it('allows public hosts and, with the switch, private ones', () => {
    expect(checkUrl('https://news.example.org/rss', false).ok).toBe(true);
    expect(checkUrl('http://127.0.0.1:8080/rss', true).ok).toBe(true);
  });
});

describe('createGuardedLookup', () => {
  const lookupWith = (addresses: Array<{ address: string; family: number }>) =>
    createGuardedLookup({ allowPrivateAddresses: false, resolve: async () => addresses });

  it('refuses a name if any resolved address is private (mixed records)', async () => {
    const lookup = lookupWith([{ address: '8.8.8.8', family: 4 }, { address: '10.0.0.5', family: 4 }]);
    const err = await new Promise<unknown>((resolve) => lookup('mixed.example', { all: true }, (e) => resolve(e)));
    expect(err).toMatchObject({ code: 'VIGIE_BLOCKED_ADDRESS', address: '10.0.0.5' });
  });

  it('returns public addresses in both callback shapes', async () => {
    const lookup = lookupWith([{ address: '93.184.216.34', family: 4 }]);
    const all = await new Promise((resolve) => lookup('ok.example', { all: true }, (_e, a) => resolve(a)));
    expect(all).toEqual([{ address: '93.184.216.34', family: 4 }]);
    const one = await new Promise((resolve) => lookup('ok.example', {}, (_e, a, f) => resolve([a, f])));
    expect(one).toEqual(['93.184.216.34', 4]);
  });
});
