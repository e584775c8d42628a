import { describe, expect, it } from 'vitest';
import { allInside, quotedSpans } from './quoted-terms.js';

describe('quotedSpans', () => {
  it('finds passages in French, English and Arabic quotation marks', () => {
    const text = 'Appeler des voisins « serpents », ou "hyenas", ou ‘cockroaches’, ou “حشرات”';
    const quoted = quotedSpans(text).map(([s, e]) => text.slice(s, e).trim());
    expect(quoted).toEqual(['serpents', 'hyenas', 'cockroaches', 'حشرات']);
  });

  it('reads straight single quotes as quotes, but never an apostrophe', () => {
    const text = "l'ONU dit: calling them 'snakes' isn't patriotism";
    expect(quotedSpans(text).map(([s, e]) => text.slice(s, e))).toEqual(['snakes']);
    expect(quotedSpans("l'ONU et l'armée n'ont rien fait")).toEqual([]);
  });

  it('gives no span for an unclosed quote', () => {
    expect(quotedSpans('« ils sont des serpents et personne ne le dit')).toEqual([]);
  });
});

describe('allInside', () => {
  it('is true only when every term lies in a quoted passage', () => {
    const spans: [number, number][] = [[10, 20]];
    expect(allInside([{ start: 11, end: 15 }], spans)).toBe(true);
    expect(allInside([{ start: 11, end: 15 }, { start: 30, end: 35 }], spans)).toBe(false);
    expect(allInside([], spans)).toBe(false);
  });
});
