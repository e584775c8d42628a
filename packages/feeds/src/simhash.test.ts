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

  // Measured when the threshold was chosen: re-paste with noise 4, credit suffix 3, accents stripped 0, long
  // syndicated copy with byline and footer 4, long copy with a clause dropped 6; same-topic different story 22,
  // English translation 35. Known miss: a SHORT text (~40 words) with a one-sentence byline prepended measures 8,
  // as few features dilute less; exact-content and canonical-URL dedup still catch verbatim copies.
  const LONG = `${ORIGINAL} Le porte-parole de la mission a rappelé que toute livraison d'armes est interdite par le mandat et que les patrouilles conjointes avec les FARDC se poursuivent dans le territoire de Beni. Des habitants interrogés par notre rédaction disent avoir vu des camions blancs mais aucun témoin n'a pu confirmer la présence d'armes. La société civile appelle au calme et demande une enquête indépendante.`;
  it(`puts syndicated copies and re-pasted rumours within ${NEAR_DUPLICATE_DISTANCE}`, () => {
    const pairs: Array<[string, string]> = [
      // Same text re-pasted with forwarding noise, emoji and different spacing/case.
      [ORIGINAL, `Transféré ⚠️⚠️ ${ORIGINAL.toUpperCase()}   Partagez!!`],
      // Agency credit appended.
      [ORIGINAL, `${ORIGINAL} (AFP)`],
      // Accents stripped, as on some phones.
      [ORIGINAL, ORIGINAL.normalize('NFKD').replace(/\p{M}/gu, '')],
      // Syndicated copy of a longer article with a byline and a "read also" footer.
      [LONG, `Par notre correspondant à Goma. ${LONG} Lire aussi : le retrait de la MONUSCO.`],
      // Copy with a clause dropped.
      [LONG, LONG.replace(' diffusée sur les réseaux sociaux', '')],
    ];
    for (const [a, b] of pairs) expect(hammingDistance(simhash64(a), simhash64(b)), b.slice(0, 40)).toBeLessThanOrEqual(NEAR_DUPLICATE_DISTANCE);
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
