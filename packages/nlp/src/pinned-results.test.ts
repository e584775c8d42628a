import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';

/**
 * Full results for a handful of texts, pinned: the speed work (interning, grouped feature sums, model bank) must not
 * change a single field. After a deliberate change of catalogue, model or scoring, check the difference on the whole
 * dev set first (`npx vigie classify` before and after), then refresh with `npx vitest run -u src/pinned-results.test.ts`.
 */
const TEXTS = [
  'La MONUSCO arme les rebelles du M23 à Rutshuru, tout le monde le sait.',
  'Demain à 8h rendez-vous au rond-point, brûlons la base de la MONUSCO à Goma !',
  'UN helicopters are supplying the ADF in Beni, according to local sources who spoke to reporters.',
  'اليونيفيل تتجسس على الجنوب وتنقل المعلومات للعدو الإسرائيلي',
  'La MONUSCO dément avoir fourni des rations aux ADF ; ces accusations sont sans fondement.',
  'Walinda amani wa Umoja wa Mataifa wanashirikiana na waasi huko Beni, hatutaki MONUSCO.',
  'yalla unifil barra, 3am yesta3mlo el kameret',
  "Encore 40 morts à Beni et les casques bleus n'ont rien fait. À quoi sert la MONUSCO ?",
  'M.O.N.U.S.C.O dégaaaage, casqu3s bl3us',
  '<p>Sud-Kivu : des affrontements entre milices &amp; Maï-Maï</p>',
];

describe('pinned classification results', () => {
  const classifier = createClassifier();

  it('classifies the pinned texts exactly as before, also when repeated and interleaved (per-token memos)', () => {
    const results = TEXTS.map((text, i) => classifier.classify({ id: `p${i}`, text }));
    expect(results).toMatchSnapshot();
    const again = [...TEXTS].reverse().map((text, i) => classifier.classify({ id: `p${TEXTS.length - 1 - i}`, text }));
    expect(again.reverse()).toEqual(results);
  });
});
