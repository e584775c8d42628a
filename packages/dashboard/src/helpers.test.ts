import { describe, expect, it } from 'vitest';
import { CATALOGUES, evidenceText, pickLocale, reasonText, translator } from './i18n.js';
import { formatDateTime } from './format.js';
import { highlightSegments } from './highlight.js';
import { compareTriage } from './severity.js';
import { parseSseBlock } from './sse.js';

describe('message catalogue', () => {
  it('has every English key in French, non-empty, with the same placeholders', () => {
    const en = CATALOGUES.en;
    const fr = CATALOGUES.fr;
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const frText = fr[key as keyof typeof fr];
      expect(frText.trim().length, key).toBeGreaterThan(0);
      const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(vars(frText), key).toEqual(vars(text));
    }
  });

  it('translates and fills placeholders', () => {
    expect(translator('fr')('queue.selected', { n: 3 })).toBe('3 sélectionnée(s)');
    expect(translator('en')('nav.queue')).toBe('Triage queue');
  });

  it('writes mission evidence in the UI language, the words found as written, and unknown kinds as they came', () => {
    const fr = translator('fr');
    const en = translator('en');
    expect(evidenceText(fr, 'patrol "dawriye"')).toBe('patrouille "dawriye"');
    expect(evidenceText(fr, 'their installation "leur camp"')).toBe('base ou convoi que le message dit « le leur » : "leur camp"');
    expect(evidenceText(fr, 'installation "base de"')).toBe('base désignée par son site : "base de"');
    expect(evidenceText(en, 'called target "le pont"')).toBe('a call to act against "le pont" in its area, no armed group named');
    expect(evidenceText(en, 'generic "casques bleus", "ONU"')).toBe('peacekeepers or the UN: "casques bleus", "ONU"');
    expect(evidenceText(fr, 'mission area (hate speech)')).toBe('zone de la mission seulement (discours de haine)');
    expect(evidenceText(fr, 'satellite "image"')).toBe('satellite "image"');
  });

  it('writes the classifier’s reasons as sentences: narrative labels, percentages, local numbers; null for unknown codes', () => {
    const fr = translator('fr');
    const en = translator('en');
    expect(reasonText(fr, 'fr', { code: 'severity.tier', values: { narrative: 'incitement_violence' } })).toBe('Gravité de « Incitation à la violence » dans la taxonomie.');
    expect(reasonText(en, 'en', { code: 'severity.model_target', values: { p: 0.567, target: 'the camp' } })).toBe('S1 escalation: the escalation model reads a call to act (57%) aimed at a target (“the camp”).');
    expect(reasonText(en, 'en', { code: 'note.truncated', values: { limit: 20000 } })).toBe('Long text: only the first 20,000 characters were read.');
    expect(reasonText(fr, 'fr', { code: 'note.truncated', values: { limit: 20000 } })).toMatch(/^Texte long : seuls les 20\s000 premiers caractères ont été lus\.$/);
    expect(reasonText(fr, 'fr', { code: 'stance.endorse' })).toBe('L’auteur reprend l’allégation à son compte.');
    expect(reasonText(en, 'en', { code: 'severity.from_a_newer_classifier' })).toBeNull();
  });

  it('prefers French when the browser asks for it before English, and a stored choice above all', () => {
    expect(pickLocale(['fr-CD', 'en-US'])).toBe('fr');
    expect(pickLocale(['ar', 'fr'])).toBe('fr');
    expect(pickLocale(['en-GB', 'fr'])).toBe('en');
    expect(pickLocale(['sw'])).toBe('en');
    expect(pickLocale(['fr-FR'], 'en')).toBe('en');
  });
});

describe('dates in the user time zone', () => {
  const iso = '2026-11-26T06:30:00.000Z';
  it('shows the same instant as local time in Kinshasa and Juba', () => {
    expect(formatDateTime(iso, 'en-GB', 'Africa/Kinshasa')).toBe('26 Nov 2026, 07:30');
    expect(formatDateTime(iso, 'en-GB', 'Africa/Juba')).toBe('26 Nov 2026, 08:30');
  });
  it('uses French formats in French', () => {
    expect(formatDateTime(iso, 'fr', 'Africa/Kinshasa')).toBe('26 nov. 2026, 07:30');
  });
  it('shows a dash for missing or invalid dates', () => {
    expect(formatDateTime(null, 'en')).toBe('—');
    expect(formatDateTime('not a date', 'en')).toBe('—');
  });
});

describe('matched-term highlighting', () => {
  it('marks every occurrence, case-insensitively, and keeps the text intact', () => {
    const text = 'Les Casques bleus livrent des armes. casques bleus dehors !';
    const segs = highlightSegments(text, ['casques bleus', 'armes']);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs.filter((s) => s.match).map((s) => s.text)).toEqual(['Casques bleus', 'armes', 'casques bleus']);
  });
  it('merges overlapping surfaces and ignores empty ones', () => {
    const segs = highlightSegments('MONUSCO dégage', ['MONUSCO', 'MONUSCO dégage', '', undefined]);
    expect(segs).toEqual([{ text: 'MONUSCO dégage', match: true }]);
  });
  it('works on Arabic text', () => {
    const segs = highlightSegments('قوات اليونيفيل تتجسس على الجنوب', ['تتجسس']);
    expect(segs.find((s) => s.match)?.text).toBe('تتجسس');
  });
  it('returns the plain text when nothing matches', () => {
    expect(highlightSegments('rien', ['autre'])).toEqual([{ text: 'rien', match: false }]);
  });
});

describe('triage order', () => {
  it('puts the most severe first, then the most recent', () => {
    const rows = [
      { id: 'a', severity: 'S3', lastSeenAt: '2026-11-26T10:00:00Z' },
      { id: 'b', severity: 'S1', lastSeenAt: '2026-11-20T10:00:00Z' },
      { id: 'c', severity: 'S1', lastSeenAt: '2026-11-25T10:00:00Z' },
      { id: 'd', severity: 'S2', lastSeenAt: '2026-11-26T09:00:00Z' },
    ];
    expect([...rows].sort(compareTriage).map((r) => r.id)).toEqual(['c', 'b', 'd', 'a']);
  });
});

describe('SSE parsing', () => {
  it('reads event, id and multi-line data; skips comments', () => {
    expect(parseSseBlock('event: alert\nid: 7\ndata: {"a":1}\ndata: x')).toEqual({ event: 'alert', id: '7', data: '{"a":1}\nx' });
    expect(parseSseBlock(': keep-alive')).toBeNull();
  });
});

describe('time series gaps', () => {
  it('fills every hour between from and to with zeros', async () => {
    const { fillHours } = await import('./series.js');
    const points = fillHours([{ start: '2026-11-26T02:00:00.000Z', count: 3 }], '2026-11-26T00:30:00.000Z', '2026-11-26T04:10:00.000Z');
    expect(points.map((p) => p.v)).toEqual([0, 0, 3, 0, 0]);
    expect(new Date(points[0]!.t).toISOString()).toBe('2026-11-26T00:00:00.000Z');
  });
});
