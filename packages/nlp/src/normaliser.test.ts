import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MAX_TEXT_CHARS, arabiziSkeleton, arabicSkeleton, cleanText, deLeet, normaliseArabic, normaliseText, normaliseTokenByRules, plainWordForm, squeezeElongation, tokenise } from './normaliser.js';

describe('plainWordForm (the regex-free path for plain ASCII words)', () => {
  it('gives exactly what the rules give, for every word of the labelled sets in four casings', () => {
    const texts = ['train.jsonl', 'dev.jsonl', 'general-news.jsonl'].flatMap((f) =>
      readFileSync(new URL(`../data/${f}`, import.meta.url), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { text: string }).text),
    );
    const words = new Set(texts.flatMap((t) => t.match(/[\p{L}\p{M}\p{N}@$€]+/gu) ?? []));
    const variants = [...words].flatMap((w) => [w, w.toLowerCase(), w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1).toLowerCase()]);
    let fast = 0;
    for (const w of variants) {
      const plain = plainWordForm(w);
      if (plain === null) continue;
      fast++;
      expect(normaliseTokenByRules(w), w).toEqual({ norm: plain, alts: [], script: 'latin' });
    }
    // Most words take the fast path; the check above covers them all.
    expect(fast).toBeGreaterThan(variants.length / 2);
  });

  it('leaves accents, digits, camel case and elongations to the rules', () => {
    expect(plainWordForm('Goma')).toBe('goma');
    expect(plainWordForm('MONUSCO')).toBe('monusco');
    for (const w of ['dégage', 'm0nusco', 'M23', 'MonuscoOut', 'UNmission', 'aaargh', 'AaArgh', 'دگاج', '', 'casques-bleus']) expect(plainWordForm(w), w).toBeNull();
  });
});

describe('normaliseText', () => {
  it('folds case and French accents', () => {
    expect(normaliseText('Écœurant : DÉGAGEZ, Sévaré!')).toBe('ecoeurant degagez sevare');
  });

  it('squeezes elongations but keeps legitimate double letters', () => {
    expect(normaliseText('dégaaaage')).toBe('degage');
    expect(normaliseText('attaquons chassez Abyei')).toBe('attaquons chassez abyei');
    expect(squeezeElongation('helllllo', 2)).toBe('hello');
    expect(normaliseText('ارحلوااااا')).toBe('ارحلوا');
  });

  it('repairs leetspeak, dotted, hyphenated and spaced acronyms', () => {
    expect(normaliseText('m0nusc0')).toBe('monusco');
    expect(normaliseText('M.O.N.U.S.C.O')).toBe('monusco');
    expect(normaliseText('m-o-n-u-s-c-o')).toBe('monusco');
    expect(normaliseText('M O N U S C O')).toBe('monusco');
    expect(normaliseText('casqu3s bl3us')).toBe('casques bleus');
  });

  it('gives a camel-cased hashtag its parts as alternative forms, and plain words none', () => {
    const forms = (t: string) => tokenise(t).tokens.map((x) => [x.norm, ...x.alts]);
    expect(forms('#MonuscoOut')).toEqual([['monuscoout', 'monusco', 'out']]);
    expect(forms('#ByeByeMonusco #FINULDehors')).toEqual([['byebyemonusco', 'bye', 'monusco'], ['finuldehors', 'finul', 'dehors']]);
    expect(forms('Monusco out, casques bleus')).toEqual([['monusco'], ['out'], ['casques'], ['bleus']]);
  });

  it('leaves codes and ordinary single letters alone', () => {
    expect(deLeet('m23')).toBe('m23');
    expect(deLeet('3r')).toBe('3r');
    expect(normaliseText('il y a un M23 à Bria')).toBe('il y a un m23 a bria');
  });

  it('normalises Arabic: hamza forms, ta marbuta, alef maqsura, diacritics, tatweel, Eastern digits', () => {
    expect(normaliseArabic('أإآٱ')).toBe('اااا');
    expect(normaliseArabic('مكتبة')).toBe('مكتبه');
    expect(normaliseArabic('إلى')).toBe('الي');
    expect(normaliseArabic('اُطْرُدُوهُمْ')).toBe('اطردوهم');
    expect(normaliseArabic('الـــقوات')).toBe('القوات');
    expect(normaliseArabic('٣٤ ۵')).toBe('34 5');
    expect(normaliseArabic('مسؤول')).toBe('مسوول');
  });

  it('detects Arabizi and gives Latin tokens the Arabic consonant skeleton', () => {
    const t = tokenise('yalla unifil barra, 3am ye7ko');
    expect(t.arabizi).toBe(true);
    expect(t.tokens.find((x) => x.norm === 'barra')?.arabizi).toBe(arabicSkeleton(normaliseArabic('برّا')));
    expect(arabiziSkeleton('unifil')).toBe(arabicSkeleton('يونيفيل'));
    expect(tokenise('The UN mission in Beni').arabizi).toBe(false);
  });

  it('does not read a long text as Arabizi for two chance signals, and still reads a long Arabizi post', () => {
    // "al" and "3am" (a version code) in 80 words of English release notes: chance, not Arabizi.
    const notes = `${'The new editor ships block patterns, a redesigned site navigation and faster loading for every theme. '.repeat(5)}Thanks to Al and the 3am build team.`;
    expect(tokenise(notes).arabizi).toBe(false);
    const post = `${'wallah el unifil 3am tsawwer kel bet bl day3a w ma 7ada 3am yes2al, '.repeat(6)}khalas ba2a`;
    expect(tokenise(post).arabizi).toBe(true);
  });

  it('keeps offsets into the cleaned text for highlighting', () => {
    const t = tokenise('Les <b>casques</b> bleus');
    const tok = t.tokens.find((x) => x.norm === 'casques')!;
    expect(t.cleaned.slice(tok.start, tok.end)).toBe('casques');
  });
});

describe('cleanText', () => {
  it('strips HTML, entities, null bytes and zero-width characters', () => {
    const r = cleanText('<script>x()</script><p>MONU\u200bSCO &amp; co\u0000!</p>');
    expect(r.cleaned.trim()).toBe('MONUSCO & co !');
    expect(r.notes).toContain('HTML markup removed');
  });

  it('truncates huge inputs and says so', () => {
    const r = cleanText('a '.repeat(2_500_000));
    expect(r.truncated).toBe(true);
    expect(r.cleaned.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(r.notes.join(' ')).toMatch(/truncated/);
  });
});

describe('tokenise (scanner)', () => {
  const TOKEN_RE = /[\p{L}\p{M}\p{N}@$€]+/gu;
  const spans = (text: string) => tokenise(text).tokens.map((t) => text.slice(t.start, t.end));

  it('splits exactly where the token regex does, on mixed scripts, marks, emoji, astral letters and lone surrogates', () => {
    const samples = [
      'La MONUSCO, à Goma! 3am yesta3mlo — @user $5 10€',
      'اُطْرُدُوهُمْ من الجنوب، ١٢٣',
      'e\u0301te\u0301 😀🔥 𝐁𝐥𝐮𝐞 𝟏𝟐 \ud800 x\udc00y',
      'tab\tnew\nline\u00a0nbsp',
    ];
    let seed = 42;
    // No '.', '-', '_', '*', '·', '•' or space: they can glue single letters into one spelled-out token (M.O.N.U.S.C.O).
    const pool = 'aé,\t@$€1٣ا\u064b😀𝐁\ud800\udc00\u200b';
    for (let i = 0; i < 200; i++) {
      let s = '';
      for (let j = 0; j < 30; j++) s += pool[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % pool.length];
      samples.push(s);
    }
    for (const text of samples) {
      const { cleaned } = cleanText(text);
      const expected = [...cleaned.matchAll(TOKEN_RE)].map((m) => m[0]);
      // Spelled-out runs merge several regex tokens into one; none of the samples has one.
      expect(tokenise(text).tokens.map((t) => cleaned.slice(t.start, t.end)), JSON.stringify(text)).toEqual(expected.filter((w) => tokenise(w).tokens.length));
    }
    expect(spans('a😀b')).toEqual(['a', 'b']);
  });

  it('merges spelled-out runs only with four letters or more, one separator, and capitals when spaced', () => {
    expect(normaliseText('U.N.I.F.I.L et M-O-N-U-S-C-O')).toBe('unifil et monusco');
    expect(normaliseText('A.B.C x')).toBe('a b c x');
    expect(normaliseText('y a t i l')).toBe('y a t i l');
    expect(normaliseText('M.O-N.U')).toBe('m o n u');
    expect(tokenise('x M.O.N.U.S.C.O y').tokens.map((t) => [t.start, t.end])).toEqual([[0, 1], [2, 15], [16, 17]]);
  });

  it('reads the dialect letters گ ڭ as ق, چ as ك, ڤ as ف and پ as ب, and drops the tatweel before spelled-out runs', () => {
    expect(normaliseArabic('احرگوا')).toBe('احرقوا');
    expect(normaliseArabic('ڭالو')).toBe('قالو');
    expect(normaliseArabic('باچر')).toBe('باكر');
    expect(normaliseArabic('ڤيديو')).toBe('فيديو');
    expect(tokenise('يـ.و.نـ.يـ.فـ.يـ.ل برّا').tokens.map((t) => t.norm)).toEqual(['يونيفيل', 'برا']);
    expect(cleanText('قـــاعدة').cleaned).toBe('قاعدة');
  });

  it('reads a $ between two Arabic letters as س, and leaves every other $ alone', () => {
    expect(normaliseText('مينو$كا')).toBe('مينوسكا');
    expect(normaliseText('$مينوسكا 5$')).toBe('$مينوسكا 5$');
  });

  it('ends a spaced run before the first lower-case letter, so a one-letter word after the acronym stays a word', () => {
    // Arabizi « w » (and) after the acronym: the run had taken it in, was no longer all capitals, and was dropped.
    expect(normaliseText('el U N D O F w nkasser')).toBe('el undof w nkasser');
    expect(normaliseText('M O N U S C O a menti')).toBe('monusco a menti');
    // Still four capitals at least, and never a run that starts with a lower-case letter.
    expect(normaliseText('U N D o f')).toBe('u n d o f');
    expect(normaliseText('y A B C D')).toBe('y abcd');
  });

  it('gives tokens of the same surface the same lexeme id, and spelled-out runs none', () => {
    const t = tokenise('MONUSCO monusco MONUSCO M.O.N.U.S.C.O');
    const [a, b, c, d] = t.tokens;
    expect(a!.lexeme).toBe(c!.lexeme);
    expect(a!.lexeme).not.toBe(b!.lexeme);
    expect(d!.lexeme).toBe(-1);
    expect(d!.norm).toBe('monusco');
  });
});
