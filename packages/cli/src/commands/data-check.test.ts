import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenise } from '@vigie/feeds';
import { DEFAULT_ARABIZI_URL, DEFAULT_DEV_URL, DEFAULT_GENERAL_NEWS_URL, DEFAULT_HOLDOUT_URL, DEFAULT_TRAIN_URL, readLabelledJsonl } from '@vigie/nlp';
import { checkBatch, labelProblems, OverlapIndex } from './data-check.js';

const base = {
  id: 'b-0001',
  text: 'Hatutaki MONUSCO hapa Beni, waondoke sasa.',
  language: 'sw',
  missions: ['MONUSCO'],
  narratives: ['expulsion_demand'],
  topNarrative: 'expulsion_demand',
  stance: 'endorse',
  harmful: true,
  severity: 'S3',
  hardNegative: null,
  target: null,
};
const line = (patch: Record<string, unknown>) => JSON.stringify({ ...base, ...patch });

describe('labelProblems', () => {
  it('finds no broken rule in any shipped set', () => {
    for (const url of [DEFAULT_DEV_URL, DEFAULT_TRAIN_URL, DEFAULT_HOLDOUT_URL, DEFAULT_ARABIZI_URL, DEFAULT_GENERAL_NEWS_URL]) {
      if (!existsSync(url)) continue;
      const { examples, errors } = readLabelledJsonl(url);
      expect(errors, String(url)).toEqual([]);
      const broken = examples.map((e) => ({ id: e.id, problems: labelProblems(e) })).filter((x) => x.problems.length > 0);
      expect(broken, String(url)).toEqual([]);
    }
  });

  it('names each rule an item breaks', () => {
    const check = (patch: Record<string, unknown>) => labelProblems(JSON.parse(line(patch)));
    expect(check({})).toEqual([]);
    expect(check({ harmful: false })).toEqual([expect.stringContaining('harmful must be true')]);
    expect(check({ topNarrative: 'hate_speech' })).toEqual([expect.stringContaining('narratives[0]')]);
    expect(check({ severity: 'S1' })).toEqual([expect.stringContaining('names its target')]);
    expect(check({ target: 'Beni base' })).toEqual([expect.stringContaining('names its target')]);
    expect(check({ narratives: ['failure_to_protect'], topNarrative: 'failure_to_protect', harmful: false })).toEqual([expect.stringContaining('always S4')]);
    expect(check({ stance: 'counter', harmful: false, hardNegative: 'debunk' })).toEqual([expect.stringContaining('needs stance endorse')]);
    expect(check({ hardNegative: 'conflict_no_un' })).toEqual(expect.arrayContaining([expect.stringContaining('never harmful'), expect.stringContaining('no mission')]));
    expect(check({ stance: 'none', harmful: false, severity: null })).toEqual([expect.stringContaining('stance "none"')]);
    // Victim-channel SEA keeps S2 and is not harmful, whatever the stance.
    expect(check({ narratives: ['sexual_exploitation_abuse'], topNarrative: 'sexual_exploitation_abuse', stance: 'report', severity: 'S2', harmful: false })).toEqual([]);
  });
});

describe('tokenise, as the overlap check reads words', () => {
  it('folds case, accents and punctuation, keeps Arabic and digits', () => {
    expect(tokenise('« Protège-MOI » — la MONUSCO, à 18h !')).toEqual(['protege', 'moi', 'la', 'monusco', 'a', '18h']);
    expect(tokenise('اليونيفيل ٣ مرات')).toEqual(['اليونيفيل', '٣', 'مرات']);
    expect(tokenise('🔥🔥 … !!')).toEqual([]);
  });
});

describe('checkBatch', () => {
  const evaluationText = 'Non, la MONUSCO n’a pas livré d’armes au M23 à Rutshuru la semaine dernière, selon le porte-parole.';
  const index = () => new OverlapIndex().add('dev', [evaluationText]);

  it('drops an item that shares eight consecutive words with a protected set, whatever the case, accents or punctuation', () => {
    const quoting = line({ id: 'b-0002', text: 'Ils disent : « NON la Monusco n’a pas livre d’armes au M23 » — mensonge !' });
    const sevenWords = line({ id: 'b-0003', text: 'On dit pas livré d’armes au M23 à Kinshasa' });
    const r = checkBatch([line({}), quoting, sevenWords], index());
    expect(r.problems).toEqual([]);
    expect(r.dropped).toEqual([{ line: 2, id: 'b-0002', set: 'dev', run: 'non la monusco n a pas livre d' }]);
    expect(r.kept.map((k) => k.id)).toEqual(['b-0001', 'b-0003']);
  });

  it('reports broken and hostile lines by line number and keeps going', () => {
    const lines = [
      '{"id": "b-0001", "text": "unterminated',
      '[1, 2, 3]',
      'null',
      line({ id: 'b-0004', narratives: ['not_a_key'], topNarrative: 'not_a_key' }),
      line({ id: 'b-0005', harmful: 'yes' }),
      line({ id: 'b-0006', text: '   ' }),
      line({ id: 'b-0007', severity: 'S1' }),
      '',
      line({ id: 'b-0009', text: `${'Hatutaki MONUSCO '.repeat(20_000)}` }),
      line({ id: 'b-0009' }),
      line({ id: 'b-0011', text: '<script>alert(1)</script> MONUSCO dégage \u0000\u202e' }),
    ];
    const r = checkBatch(lines, index());
    expect(r.problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 10]);
    expect(r.problems[0]!.message).toMatch(/^not JSON/);
    expect(r.problems[3]).toMatchObject({ id: 'b-0004', message: expect.stringContaining('narratives.0') });
    expect(r.problems[4]).toMatchObject({ id: 'b-0005', message: expect.stringContaining('harmful') });
    expect(r.problems[5]).toMatchObject({ id: 'b-0006', message: 'text is empty' });
    expect(r.problems[7]).toMatchObject({ id: 'b-0009', message: 'id repeated in this batch' });
    // The long line and the one with markup and control characters are well-labelled: kept, as written.
    expect(r.kept.map((k) => k.id)).toEqual(['b-0009', 'b-0011']);
    expect(r.kept[1]).toEqual(JSON.parse(lines[10]!));
  });

  it('keeps the fields it does not check, such as the S1 target, and the input order', () => {
    const s1 = line({ id: 'b-0020', narratives: ['incitement_violence'], topNarrative: 'incitement_violence', severity: 'S1', target: 'MONUSCO base Beni' });
    const r = checkBatch([s1, line({ id: 'b-0021' })], new OverlapIndex());
    expect(r.kept).toEqual([JSON.parse(s1), JSON.parse(line({ id: 'b-0021' }))]);
  });
});
