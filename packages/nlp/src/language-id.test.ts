import { describe, expect, it } from 'vitest';
import { identifyLanguage } from './language-id.js';
import { setTokenInterningLimit, tokenise } from './normaliser.js';

const SAMPLES: [string, string][] = [
  ['Les casques bleus sont arrivés dans la ville et ils ne sont pas partis', 'fr'],
  ['The peacekeepers are in the town and they have not left', 'en'],
  // A headline: "UN" folds to French « un », so "to" alone tied with it.
  ['Zelensky tells UN: Act now to stop Russia or dissolve yourself', 'en'],
  ['Walinda amani wa Umoja wa Mataifa wako hapa na sisi hatutaki', 'sw'],
  ['Bato ya MONUSCO bazali awa te, biso tozali kaka', 'ln'],
  ['An bɛ jamana kɔnɔ, u ka kan ka taa', 'bm'],
  ['قوات اليونيفيل في الجنوب', 'ar'],
  ['yalla unifil barra, 3am yesta3mlo el kameret', 'ar'],
  // Urdu (BBC Urdu headline style): Arabic script, not Arabic.
  ['امریکہ پاکستان سے چاہتا کیا ہے؟ امریکی وزیر خارجہ اسلام آباد پہنچ گئے', 'und'],
  ['MONUSCO 2024', 'und'],
  ['', 'und'],
];

describe('identifyLanguage', () => {
  const run = (): string[] => SAMPLES.map(([text]) => identifyLanguage(tokenise(text)));

  it('recognises the watched languages and says und with too little to go on', () => {
    expect(run()).toEqual(SAMPLES.map(([, lang]) => lang));
  });

  it('gives the same answers from its per-token memo, also after the token table rolls over', () => {
    const first = run();
    expect(run()).toEqual(first);
    setTokenInterningLimit(20);
    try {
      identifyLanguage(tokenise(Array.from({ length: 40 }, (_, i) => `mot${i}`).join(' ')));
      expect([...SAMPLES].reverse().map(([text]) => identifyLanguage(tokenise(text))).reverse()).toEqual(first);
    } finally {
      setTokenInterningLimit(Infinity);
    }
  });
});
