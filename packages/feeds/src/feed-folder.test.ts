import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFeedFolder, parseFeedFolder } from './feed-folder.js';

const rss = (titles: string[]): string =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example.org/</link>${titles
    .map((t, i) => `<item><title>${t}</title><link>https://news.example.org/${i}</link><description>About ${t}.</description></item>`)
    .join('')}</channel></rss>`;
const atom = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2025-01-01T00:00:00Z</updated><entry><title>Gzipped entry</title><id>urn:a:1</id><updated>2025-01-01T00:00:00Z</updated><summary>Text</summary></entry></feed>`;

describe('parseFeedFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-feed-folder-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses the files a MANIFEST lists, in its order, gunzipping and reporting the broken ones', async () => {
    writeFileSync(join(dir, 'b.xml'), rss(['Second one', 'Third one']));
    writeFileSync(join(dir, 'a.xml.gz'), gzipSync(atom));
    writeFileSync(join(dir, 'page.html'), '<!doctype html><html><body>not a feed</body></html>');
    writeFileSync(join(dir, 'unlisted.xml'), rss(['Never read']));
    writeFileSync(join(dir, 'MANIFEST.tsv'), 'file\tsource\nb.xml\tx\na.xml.gz\tx\npage.html\tx\nmissing.xml\tx\n');

    const folder = await parseFeedFolder(dir);

    expect(folder.items.map(({ file, item }) => `${file}: ${item.title}`)).toEqual(['b.xml: Second one', 'b.xml: Third one', 'a.xml.gz: Gzipped entry']);
    expect(folder.failed.map((f) => f.file)).toEqual(['page.html', 'missing.xml']);
    expect(folder.failed.every((f) => f.reason.length > 0)).toBe(true);
  });

  it('lists every file, sorted, when there is no MANIFEST', () => {
    writeFileSync(join(dir, 'z.xml'), rss(['Z']));
    writeFileSync(join(dir, 'm.rss'), rss(['M']));
    writeFileSync(join(dir, '.hidden'), 'x');
    expect(listFeedFolder(dir)).toEqual(['m.rss', 'z.xml']);
  });
});
