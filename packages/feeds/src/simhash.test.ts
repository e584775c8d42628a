import { describe, expect, it } from 'vitest';
import { hammingDistance, NEAR_DUPLICATE_DISTANCE, simhash64 } from './simhash.js';

const ORIGINAL =
  "Des sources locales affirment que des casques bleus de la MONUSCO auraient livré des armes aux rebelles près de Beni la nuit dernière. La mission dément formellement et parle d'une rumeur sans fondement diffusée sur les réseaux sociaux.";

describe('simhash64', () => {
  it('is 16 hex characters and deterministic', () => {
    expect(simhash64(ORIGINAL)).toMatch(/^[0-9a-f]{16}$/);
    expect(simhash64(ORIGINAL)).toBe(simhash64(ORIGINAL));
    expect(hammingDistance(simhash64(ORIGINAL), simhash64(ORIGINAL))).toBe(0);
  });

  it(`puts syndicated copies and re-pasted rumours within ${NEAR_DUPLICATE_DISTANCE}`, () => {
    const variants = [
      // Same text re-pasted with forwarding noise, emoji and different spacing/case.
      `Transféré ⚠️⚠️ ${ORIGINAL.toUpperCase()}   Partagez!!`,
      // Syndicated copy with a byline and a dropped clause.
      `Par notre correspondant à Goma. ${ORIGINAL.replace(' diffusée sur les réseaux sociaux', '')}`,
      // Accents stripped, as on some phones.
      ORIGINAL.normalize('NFKD').replace(/\p{M}/gu, ''),
    ];
    for (const v of variants) expect(hammingDistance(simhash64(ORIGINAL), simhash64(v)), v.slice(0, 40)).toBeLessThanOrEqual(NEAR_DUPLICATE_DISTANCE);
  });

  it('keeps different stories on the same topic far apart', () => {
    const other =
      "La MONUSCO a annoncé mardi le retrait de ses troupes de la base de Kamanyola d'ici la fin du mois, dans le cadre du désengagement progressif convenu avec le gouvernement congolais.";
    const english = 'Local sources claim that MONUSCO peacekeepers delivered weapons to rebels near Beni last night; the mission denies it.';
    expect(hammingDistance(simhash64(ORIGINAL), simhash64(other))).toBeGreaterThan(NEAR_DUPLICATE_DISTANCE * 2);
    expect(hammingDistance(simhash64(ORIGINAL), simhash64(english))).toBeGreaterThan(NEAR_DUPLICATE_DISTANCE * 2);
  });

  it('rejects malformed hashes', () => {
    expect(() => hammingDistance('xyz', '0000000000000000')).toThrow(TypeError);
  });
});
