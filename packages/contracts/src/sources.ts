import { z } from 'zod';
import { Language, MissionCode } from './taxonomy.js';

export const SOURCE_KIND_VALUES = ['rss', 'web', 'manual'] as const;

/**
 * A source as people write it: in a sources file, an import, or an API body. Unknown fields are rejected so a
 * typo ("mision") is an error rather than a silently ignored setting.
 */
export const SourceInput = z
  .object({
    name: z.string().trim().min(1, 'a source needs a name').max(200),
    kind: z.enum(SOURCE_KIND_VALUES).default('rss'),
    url: z
      .string()
      .url('must be a full URL such as https://example.org/feed.xml')
      .max(2048)
      .refine((u) => /^https?:\/\//i.test(u), 'only http(s) URLs can be collected')
      .nullable()
      .optional(),
    missions: z.array(MissionCode).max(11).default([]),
    languages: z.array(Language).max(8).default([]),
    /** Seconds between polls; 30 s to 7 days. */
    pollIntervalSec: z.number().int().min(30).max(7 * 86_400).default(900),
    enabled: z.boolean().default(true),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.kind === 'rss' || s.kind === 'web') && !s.url) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${s.kind} source needs a url` });
    }
  });
export type SourceInput = z.infer<typeof SourceInput>;

export const SourcesFile = z.object({ sources: z.array(SourceInput).max(10_000) }).strict();
