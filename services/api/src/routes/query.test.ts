import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MissionCode } from '@vigie/contracts';
import { csvEnum, isoDate, paginationQuery } from './query.js';

describe('query parsing', () => {
  const missions = csvEnum(MissionCode);

  it('accepts comma-separated and repeated values', () => {
    expect(missions.parse('MONUSCO,UNIFIL')).toEqual(['MONUSCO', 'UNIFIL']);
    expect(missions.parse(['MONUSCO', 'MINUSCA'])).toEqual(['MONUSCO', 'MINUSCA']);
  });

  it('rejects unknown codes, objects and too many values', () => {
    expect(missions.safeParse('MONUSCO,NOPE').success).toBe(false);
    expect(missions.safeParse({ $ne: 'x' }).success).toBe(false);
    expect(missions.safeParse(Array(21).fill('MONUSCO')).success).toBe(false);
  });

  it('caps page sizes and explains bad dates', () => {
    const page = z.object(paginationQuery);
    expect(page.parse({}).limit).toBe(50);
    expect(page.safeParse({ limit: '201' }).success).toBe(false);
    const bad = isoDate.safeParse('yesterday');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('ISO-8601');
  });
});
