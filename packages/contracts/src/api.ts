/**
 * API response shapes (DTOs), shared by the API, its OpenAPI document and clients such as the dashboard.
 */
import { z } from 'zod';
import { Classification } from './classification.js';
import { MissionCode, NarrativeKey, Severity } from './taxonomy.js';

export const ALERT_STATUS_VALUES = ['open', 'acknowledged', 'responding', 'resolved', 'dismissed'] as const;

export const ProblemDto = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const EvidenceDto = z.object({
  itemId: z.string(),
  sourceId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  language: z.string(),
  score: z.number(),
  severity: z.string().nullable(),
  stance: z.string().nullable(),
  addedAt: z.string().nullable(),
});

export const AlertDto = z.object({
  id: z.string(),
  dedupKey: z.string(),
  mission: MissionCode,
  narrative: NarrativeKey,
  status: z.enum(ALERT_STATUS_VALUES),
  severity: Severity,
  itemCount: z.number().int(),
  sourceCount: z.number().int(),
  languages: z.array(z.string()),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  evidence: z.array(EvidenceDto),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type AlertDto = z.infer<typeof AlertDto>;

/** An alert in a list: its newest evidence rows (newest first, at most 3) instead of all of them, and no history. */
export const AlertSummaryDto = AlertDto.omit({ evidence: true }).extend({ latestEvidence: z.array(EvidenceDto).max(3) });
export type AlertSummaryDto = z.infer<typeof AlertSummaryDto>;

export const ItemDto = z.object({
  id: z.string(),
  sourceId: z.string(),
  guid: z.string(),
  url: z.string().nullable(),
  title: z.string(),
  text: z.string(),
  author: z.string().nullable(),
  language: z.string(),
  publishedAt: z.string().nullable(),
  collectedAt: z.string(),
  status: z.enum(['pending', 'classified']),
  missions: z.array(z.string()),
  topNarrative: z.string().nullable(),
  harmful: z.boolean().nullable(),
  severity: z.string().nullable(),
  nearDuplicateOf: z.string().nullable(),
  classification: Classification.nullable(),
  media: z.array(z.object({ url: z.string().optional(), type: z.string().optional(), medium: z.string().optional(), thumbnail: z.string().optional() })),
  warnings: z.array(z.string()),
});
export type ItemDto = z.infer<typeof ItemDto>;

export const ApiKeyDto = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.enum(['viewer', 'analyst', 'admin']),
  missions: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
