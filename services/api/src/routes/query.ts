import { z } from 'zod';
import { MissionCode } from '@vigie/contracts';

/** Accepts `?mission=A,B` and `?mission=A&mission=B` alike; rejects anything that is not a plain string. */
export function csvEnum<T extends z.ZodType<string, string>>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item).max(20));
}

export const paginationQuery = {
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(200, 'at most 200 per page').default(50),
  cursor: z.string().max(512).optional(),
};

export const missionsQuery = csvEnum(MissionCode).optional();

export const isoDate = z
  .string()
  // abort: an unreadable date stops there, so object-level refinements (from < to, window caps) never see a string.
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO-8601 date, e.g. 2026-11-26 or 2026-11-26T08:00:00Z', abort: true })
  .transform((s) => new Date(s));

export const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hexadecimal id');
