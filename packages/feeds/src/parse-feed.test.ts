import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from './charset.js';
import { FeedError } from './errors.js';
import { parseFeed } from './parse-feed.js';
import { corpusAvailable, readCorpusFile } from './test-support/corpus.js';

const FETCHED = new Date('2025-03-01T12:00:00Z');

async function parseError(text: string): Promise<FeedError> {
  try {
    await parseFeed(text);
  } catch (err) {
    if (err instanceof FeedError) return err;
    throw err;
  }
  throw new Error('parseFeed succeeded on hostile input');
}

const rss = (items: string, extra = ''): string =>
  `<?xml version="1.0"?><rss version="2.0" ${extra}><channel><title>T</title><link>https://news.example.org/</link>${items}</channel></rss>`;

describe('parseFeed on hostile input', () => {
  it('rejects an empty document as empty, not 0 items', async () => {
    expect((await parseError('')).code).toBe('empty');
    expect((await parseError('  \n ')).code).toBe('empty');
    expect((await parseError('<?xml version="1.0"?><!-- nothing -->')).code).toBe('empty');
  });

  it('rejects a truncated document', async () => {
    const full = rss('<item><title>A</title></item><item><title>B</title></item>');
    expect((await parseError(full.slice(0, full.length - 30))).code).toBe('parse_error');
  });

  it('never expands a billion-laughs DOCTYPE', async () => {
    const doc = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title><description>boom</description></item></channel></rss>`;
    const feed = await parseFeed(doc);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]?.title).toBe('&lol9;');
    expect(feed.warnings.join(' ')).toMatch(/DOCTYPE removed/);
  });

  it('never resolves an external entity', async () => {
    const doc = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>x</title><item><title>&xxe;</title></item></channel></rss>`;
    const feed = await parseFeed(doc);
    expect(feed.items[0]?.title).toBe('&xxe;');
    expect(JSON.stringify(feed)).not.toContain('root:');
  });

  it('refuses 20 MB of garbage as too_large without parsing it', async () => {
    const garbage = 'x<&'.repeat(7_000_000);
    expect((await parseError(garbage)).code).toBe('too_large');
  });

  it('classifies smaller garbage and binary data as not_a_feed', async () => {
    expect((await parseError('just some words, no markup at all')).code).toBe('not_a_feed');
    const binary = decodeFeedBytes(gzipSync(Buffer.from('hello')).subarray(2)).text;
    expect((await parseError(`\u0000\u0001PNG${binary}`)).code).toBe('not_a_feed');
  });

  it('classifies an HTML page as not_a_feed with advice', async () => {
    const err = await parseError('<!DOCTYPE html><html><head><title>News</title></head><body><p>hi</p></body></html>');
    expect(err.code).toBe('not_a_feed');
    expect(err.message).toMatch(/rss\+xml/);
  });

  it('survives a bare ampersand, HTML entities and control characters', async () => {
    const feed = await parseFeed(rss('<item><title>Tom & Jerry&nbsp;&eacute;t\u0001\u0008</title><link>https://e.org/a?x=1&y=2</link></item>'));
    expect(feed.items[0]?.title).toBe('Tom & Jerry ét');
    expect(feed.items[0]?.url).toBe('https://e.org/a?x=1&y=2');
  });

  it('recovers the other items when one Atom entry has a bad date and a link without href', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
      <entry><id>1</id><title>Good</title><link href="https://e.org/1"/><updated>2024-01-01T00:00:00Z</updated></entry>
      <entry><id>2</id><title>Bad date</title><link>https://e.org/2</link><published>not a date</published></entry></feed>`;
    const feed = await parseFeed(atom, { fetchedAt: FETCHED });
    expect(feed.format).toBe('atom');
    expect(feed.items.map((i) => i.title)).toEqual(['Good', 'Bad date']);
    expect(feed.items[1]?.publishedAt).toBeNull();
    expect(feed.items[1]?.warnings.join(' ')).toMatch(/unreadable date/);
    expect(feed.warnings.join(' ')).toMatch(/feedsmith/);
  });
});

describe('parseFeed normalisation', () => {
  it('gives guid-less, link-less items a deterministic content id', async () => {
    const doc = rss('<item><title>Rumeur</title><description>Texte</description><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item>');
    const [a, b] = await Promise.all([parseFeed(doc), parseFeed(doc)]);
    expect(a.items[0]?.id).toMatch(/^h:[0-9a-f]{32}$/);
    expect(a.items[0]?.id).toBe(b.items[0]?.id);
  });

  it('does not merge distinct items that share a guid', async () => {
    const doc = rss('<item><guid>same</guid><title>One</title></item><item><guid>same</guid><title>Two</title></item><item><guid>same</guid><title>One</title></item>');
    const feed = await parseFeed(doc);
    expect(feed.items.map((i) => i.id)).toEqual(['same', 'same#2', 'same']);
  });

  it('resolves relative links against xml:base, then the feed URL', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/posts/"><title>A</title>
      <entry><id>1</id><title>x</title><link href="one.html"/></entry>
      <entry xml:base="/other/"><id>2</id><title>y</title><link href="two.html"/></entry></feed>`;
    const feed = await parseFeed(atom, { feedUrl: 'https://feeds.example.org/atom.xml' });
    expect(feed.items.map((i) => i.url)).toEqual(['https://blog.example.org/posts/one.html', 'https://blog.example.org/other/two.html']);
    const plain = await parseFeed(rss('<item><title>z</title><link>/a/b.html?utm_source=x&amp;id=3</link></item>'), { feedUrl: 'https://radio.example.cd/rss' });
    expect(plain.items[0]?.url).toBe('https://radio.example.cd/a/b.html?utm_source=x&id=3');
    expect(plain.items[0]?.canonicalUrl).toBe('https://radio.example.cd/a/b.html?id=3');
  });

  it('keeps enclosures, media:content and media:thumbnail', async () => {
    const doc = rss(
      `<item><title>m</title><enclosure url="https://e.org/a.mp3" type="audio/mpeg" length="1"/>
       <media:content url="https://e.org/v.mp4" type="video/mp4" medium="video"><media:thumbnail url="https://e.org/v.jpg"/></media:content>
       <media:thumbnail url="https://e.org/t.jpg"/></item>`,
      'xmlns:media="http://search.yahoo.com/mrss/"',
    );
    const feed = await parseFeed(doc);
    expect(feed.items[0]?.media).toEqual([
      { url: 'https://e.org/a.mp3', type: 'audio/mpeg' },
      { url: 'https://e.org/v.mp4', type: 'video/mp4', medium: 'video', thumbnail: 'https://e.org/v.jpg' },
      { url: 'https://e.org/t.jpg', medium: 'image' },
    ]);
  });

  it('reduces HTML to clean text and parses dates to UTC, clamping the future', async () => {
    const doc = rss(
      `<item><title>a</title><description><![CDATA[<p onclick="evil()">Les <b>casques</b> bleus&nbsp;&amp; la MONUSCO</p><script>alert(1)</script><style>p{}</style><p>Deuxième</p>]]></description>
       <pubDate>Thu,28 Jul 2022 4:35:5 GMT+9</pubDate></item>
       <item><title>b</title><pubDate>Sat, 01 Jan 2100 00:00:00 GMT</pubDate></item>
       <item><title>c</title><pubDate>sometime soon</pubDate></item>`,
    );
    const feed = await parseFeed(doc, { fetchedAt: FETCHED });
    const [a, b, c] = feed.items;
    expect(a?.text).toBe('Les casques bleus & la MONUSCO\nDeuxième');
    expect(a?.summaryHtml).toContain('<script>');
    expect(a?.publishedAt?.toISOString()).toBe('2022-07-27T19:35:05.000Z');
    expect(a?.language).toBe('fr');
    expect(b?.publishedAt?.toISOString()).toBe(FETCHED.toISOString());
    expect(b?.warnings.join(' ')).toMatch(/future/);
    expect(c?.publishedAt).toBeNull();
    expect(c?.warnings.join(' ')).toMatch(/unreadable date/);
  });

  it.skipIf(!corpusAvailable)('reads xml:base scoped on an RSS item (corpus file)', async () => {
    const text = decodeFeedBytes(readCorpusFile('nodefeedparser__rss-with-item-scoped-html-base.xml')).text;
    const feed = await parseFeed(text, { feedUrl: 'https://feeds.example.com/rss' });
    expect(feed.items.map((i) => i.url)).toEqual(['https://example.com/first/first', 'https://feeds.example.com/second']);
  });
});
