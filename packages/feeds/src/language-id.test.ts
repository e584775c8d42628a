import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { identifyLanguage, type Language } from './language-id.js';
import { DATASETS_DIR } from './test-support/corpus.js';

const TESTSET = `${DATASETS_DIR}langid_testset/langid_testset.jsonl`;
const CODES: Record<string, Language> = { eng: 'en', fra: 'fr', ara: 'ar', swa: 'sw', lin: 'ln', sag: 'sg', bam: 'bm' };

/**
 * Floors a little under what the cascade measured on the shared set (3,430 short texts). Measured when written:
 * en 0.970, fr 0.983, ar 0.977, sw 0.957, ln 0.966, sg 0.995, bm 0.949.
 */
const FLOORS: Record<Language, number> = { en: 0.95, fr: 0.96, ar: 0.95, sw: 0.93, ln: 0.94, sg: 0.97, bm: 0.92, und: 0 };

describe('identifyLanguage', () => {
  it('handles clear cases and refuses to guess on nothing', () => {
    expect(identifyLanguage('Les casques bleus de la MONUSCO ont quitté Bunia ce matin.').language).toBe('fr');
    expect(identifyLanguage('Peacekeepers left the base this morning after the attack.').language).toBe('en');
    expect(identifyLanguage('قوات حفظ السلام غادرت القاعدة هذا الصباح').language).toBe('ar');
    expect(identifyLanguage('Kila mtu ana haki ya kuishi, uhuru na usalama wa maisha yake.').language).toBe('sw');
    expect(identifyLanguage('!!')).toEqual({ language: 'und', confidence: 0 });
  });

  it.skipIf(!existsSync(TESTSET))('reaches the per-language floors on the shared test set', () => {
    const tally = new Map<Language, { n: number; ok: number }>();
    for (const line of readFileSync(TESTSET, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { lang: string; text: string };
      const expected = CODES[row.lang];
      if (!expected) continue;
      const t = tally.get(expected) ?? { n: 0, ok: 0 };
      t.n += 1;
      if (identifyLanguage(row.text).language === expected) t.ok += 1;
      tally.set(expected, t);
    }
    const accuracy = Object.fromEntries([...tally].map(([lang, t]) => [lang, Math.round((t.ok / t.n) * 1000) / 1000]));
    console.log('language-id accuracy', accuracy);
    for (const [lang, t] of tally) expect(t.ok / t.n, lang).toBeGreaterThanOrEqual(FLOORS[lang]);
    expect(tally.size).toBe(7);
  });
});
