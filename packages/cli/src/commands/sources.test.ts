import { describe, expect, it } from 'vitest';
import { detectFormat, parseOpml, parseSourcesDocument, toOpml, type ImportEntry } from './sources.js';

const ok = (entries: ImportEntry[]) => entries.filter((e): e is Extract<ImportEntry, { ok: true }> => e.ok).map((e) => e.source);
const bad = (entries: ImportEntry[]) => entries.filter((e): e is Extract<ImportEntry, { ok: false }> => !e.ok);

const READER_EXPORT = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY boom "&xxe;&xxe;">]>
<opml version="1.0">
  <head><title>Subscriptions in Feedly</title></head>
  <body>
    <outline text="RDC" title="RDC">
      <outline text="Radio" title="Radio">
        <outline type="rss" text="Radio Okapi" title="Radio Okapi" xmlUrl="https://www.radiookapi.net/rss.xml" htmlUrl="https://www.radiookapi.net"/>
      </outline>
      <outline type="rss" text="Actualité.cd" title="Actualit&#xE9;.cd &amp; co" xmlUrl="https://actualite.cd/feed?x=1&amp;y=2"/>
      <outline text="Actualités" xmlUrl="https://a.example/rss"/>
      <outline text="Actualités" xmlUrl="https://b.example/rss"/>
    </outline>
    <outline type="rss" text="&boom;" xmlUrl="https://boom.example/feed" category="/Liban/Presse,urgent"/>
    <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
    <outline type="rss" text="No URL"/>
  </body>
</opml>`;

describe('parseOpml', () => {
  it('reads feeds at any depth, turns enclosing categories into tags and decodes entities', () => {
    const entries = parseOpml(READER_EXPORT, { missions: ['MONUSCO'], languages: ['fr'] });
    const sources = ok(entries);
    expect(sources.find((s) => s.url === 'https://www.radiookapi.net/rss.xml')).toMatchObject({ name: 'Radio Okapi', kind: 'rss', tags: ['RDC', 'Radio'], missions: ['MONUSCO'], languages: ['fr'] });
    expect(sources.find((s) => s.url === 'https://actualite.cd/feed?x=1&y=2')).toMatchObject({ name: 'Actualité.cd & co', tags: ['RDC'] });
  });

  it('keeps two feeds with the same title as two sources', () => {
    const names = ok(parseOpml(READER_EXPORT)).filter((s) => s.name.startsWith('Actualités')).map((s) => s.name);
    expect(names).toEqual(['Actualités', 'Actualités (b.example)']);
  });

  it('never expands DTD entities and reads OPML 2.0 category paths', () => {
    const boom = ok(parseOpml(READER_EXPORT)).find((s) => s.url === 'https://boom.example/feed');
    expect(boom?.name).not.toContain('root:');
    expect(boom?.tags).toEqual(['Liban', 'Presse', 'urgent']);
  });

  it('reports invalid feeds with the reason instead of importing them', () => {
    const invalid = bad(parseOpml(READER_EXPORT));
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ name: 'Local file' });
    expect(invalid[0]!.errors.join()).toMatch(/http/);
  });

  it('says so when the file is not OPML', () => {
    expect(bad(parseOpml('<html><body>hi</body></html>'))[0]!.errors[0]).toMatch(/not an OPML/);
    expect(bad(parseOpml(''))).toHaveLength(1);
  });

  it('round-trips through toOpml', () => {
    const sources = ok(parseOpml(READER_EXPORT));
    const again = ok(parseOpml(toOpml(sources)));
    expect(again.map((s) => [s.name, s.url, [...s.tags].sort()]).sort()).toEqual(sources.map((s) => [s.name, s.url, [...s.tags].sort()]).sort());
  });
});

describe('parseSourcesDocument', () => {
  it('validates each entry on its own and reports the others with their position', () => {
    const yaml = `sources:\n  - name: Radio Okapi\n    url: https://www.radiookapi.net/rss.xml\n    missions: [MONUSCO]\n  - name: Typo\n    url: https://t.example/rss\n    mision: [MONUSCO]\n  - name: Radio Okapi\n    url: https://other.example/rss\n  - name: Page\n    kind: web\n`;
    const entries = parseSourcesDocument(yaml, 'yaml');
    expect(ok(entries)).toHaveLength(0);
    const invalid = bad(entries);
    expect(invalid.map((e) => e.at)).toEqual(['sources[0]', 'sources[1]', 'sources[2]', 'sources[3]']);
    expect(invalid[1]!.errors.join()).toMatch(/mision/);
    expect(invalid[0]!.errors.join()).toMatch(/more than once/);
    expect(invalid[3]!.errors.join()).toMatch(/needs a url/);
  });

  it('accepts JSON and rejects a wrong outer shape or bad syntax clearly', () => {
    expect(ok(parseSourcesDocument(JSON.stringify({ sources: [{ name: 'A', url: 'https://a.example/rss' }] }), 'json'))).toHaveLength(1);
    expect(bad(parseSourcesDocument('[1,2]', 'json'))[0]!.errors.join()).toMatch(/sources:/);
    expect(bad(parseSourcesDocument('{"sources": [', 'json'))[0]!.errors.join()).toMatch(/cannot parse JSON/);
    // YAML alias bombs are refused by the alias cap.
    const bomb = `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nsources: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`;
    expect(bad(parseSourcesDocument(bomb, 'yaml'))).toHaveLength(1);
  });
});

describe('detectFormat', () => {
  it('uses the extension, else the first character', () => {
    expect(detectFormat('subs.OPML', '')).toBe('opml');
    expect(detectFormat('x.json', '')).toBe('json');
    expect(detectFormat('x', '\uFEFF  <?xml')).toBe('opml');
    expect(detectFormat('x', '{"sources":[]}')).toBe('json');
    expect(detectFormat('x', 'sources: []')).toBe('yaml');
  });
});
