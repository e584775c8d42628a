import { describe, expect, it } from 'vitest';
import { arabicCallReadings, firstPersonVariants } from './arabic-call-forms.js';

describe('arabicCallReadings', () => {
  it('gives back the bare imperative of an imperative with an object pronoun, the plural taking back its alif', () => {
    expect(arabicCallReadings('هاجموهم')).toContain('هاجموا');
    expect(arabicCallReadings('احرقوها')).toContain('احرقوا');
    expect(arabicCallReadings('اطردوهن')).toContain('اطردوا');
  });

  it('takes off a conjunction, a dialect tense prefix before the first person, and a dative pronoun', () => {
    expect(arabicCallReadings('واحرقوا')).toContain('احرقوا');
    expect(arabicCallReadings('منضربهم')).toContain('نضرب');
    expect(arabicCallReadings('بنستقبلها')).toContain('نستقبل');
    expect(arabicCallReadings('حنطردهم')).toContain('نطرد');
    expect(arabicCallReadings('نكسرلهم')).toContain('نكسر');
  });

  it('reads a final و as the plural with its alif left out, and the Maghrebi first person plural', () => {
    expect(arabicCallReadings('احرقو')).toContain('احرقوا');
    expect(arabicCallReadings('نقفلو')).toContain('نقفل');
  });

  it('never turns a third-person form into an imperative or a first-person form', () => {
    for (const word of ['حرقوهم', 'يحرقون', 'يضربهم', 'تحرقها']) {
      const readings = arabicCallReadings(word);
      expect(readings.some((r) => r.startsWith('ا') || r.startsWith('ن')), `${word}: ${readings.join(' ')}`).toBe(false);
    }
  });

  it('leaves short words whole rather than strip them to two letters', () => {
    expect(arabicCallReadings('منه')).toEqual(['منه']);
  });
});

describe('firstPersonVariants', () => {
  it('gives the Levantine, Egyptian and Sudanese tense prefixes of a first-person-plural call', () => {
    expect(firstPersonVariants('نحرق')).toEqual(['منحرق', 'بنحرق', 'حنحرق', 'هنحرق']);
  });

  it('gives nothing for imperatives, phrases or words too short to be a verb with its prefix', () => {
    expect(firstPersonVariants('احرقوا')).toEqual([]);
    expect(firstPersonVariants('نقطع الطريق')).toEqual([]);
    expect(firstPersonVariants('نحن')).toEqual([]);
  });
});
