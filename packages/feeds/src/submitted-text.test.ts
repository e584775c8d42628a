import { describe, expect, it } from 'vitest';
import { normaliseSubmittedText } from './submitted-text.js';

describe('normaliseSubmittedText', () => {
  it('gives the same id to the same message pasted with different spacing', () => {
    const a = normaliseSubmittedText({ text: 'Transféré\nLes casques bleus   ont tiré sur la foule à Goma' });
    const b = normaliseSubmittedText({ text: '<p>Les casques bleus ont tiré sur la foule à Goma</p>' });
    expect(a.id).toMatch(/^m:[0-9a-f]{32}$/);
    expect(a.id).toBe(b.id);
    expect(a.text).toBe('Les casques bleus ont tiré sur la foule à Goma');
    expect(a.language).toBe('fr');
    expect(a.simhash).toBe(b.simhash);
  });

  it('caps the length, honours a declared language and clamps future dates', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const item = normaliseSubmittedText({ text: 'mot '.repeat(10_000), language: 'ln', publishedAt: '2030-01-01T00:00:00Z', url: 'https://x.example/a?utm_source=wa&id=1' }, { now, maxTextLength: 1000 });
    expect(item.text.length).toBeLessThanOrEqual(1000);
    expect(item.language).toBe('ln');
    expect(item.publishedAt?.toISOString()).toBe(now.toISOString());
    expect(item.canonicalUrl).toBe('https://x.example/a?id=1');
    expect(item.warnings.join(' ')).toMatch(/truncated.*future|future.*truncated|truncated/);
  });
});
