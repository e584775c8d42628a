import { Router } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ForbiddenError, JOBS, Language, MissionCode, ValidationError } from '@vigie/contracts';
import { classifyJobId, ensureManualSource, upsertItem, DEFAULT_MANUAL_SOURCE_NAME, type Models } from '@vigie/db';
import { normaliseSubmittedText } from '@vigie/feeds';
import { createTypedQueue, type Logger } from '@vigie/runtime';
import { requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { isoDate } from './query.js';

/** Pasted text is capped at 100 KiB of UTF-8: a long radio transcript fits, a dumped archive does not. */
export const MAX_INTAKE_TEXT_BYTES = 100 * 1024;

/** POST /api/v1/items: one pasted text (a forwarded message, a transcript segment, a post). */
export const IntakeBody = z
  .object({
    text: z
      .string({ error: 'text is required: paste the message or transcript' })
      .refine((t) => t.trim().length > 0, 'text is empty')
      .refine((t) => Buffer.byteLength(t, 'utf8') <= MAX_INTAKE_TEXT_BYTES, `text is longer than ${MAX_INTAKE_TEXT_BYTES / 1024} KB; split it into several items`),
    title: z.string().trim().max(500).optional(),
    sourceName: z.string().trim().min(1).max(200).optional(),
    url: z
      .string()
      .max(2048)
      .url('must be a full URL such as https://example.org/post/1')
      .refine((u) => /^https?:\/\//i.test(u), 'only http(s) URLs')
      .optional(),
    language: Language.optional(),
    mission: MissionCode.optional(),
    publishedAt: isoDate.optional(),
  })
  .strict();

export interface IntakeDeps {
  readonly models: Models;
  readonly redis: Redis;
  readonly config: { readonly redis: { readonly queuePrefix: string } };
  readonly logger: Logger;
}

/**
 * Manual intake: pasted text goes through the same normalisation, dedup (one item per text per manual source,
 * cross-source links by URL and SimHash) and classification as collected items. The classify-item producer
 * shares the API's Redis connection (closed by startApi's shutdown).
 */
export function intakeRouter({ models, redis, config, logger }: IntakeDeps): Router {
  const router = Router();
  const classifyQueue = createTypedQueue(JOBS.classifyItem, redis, config.redis.queuePrefix, logger);

  router.post('/', requireRole('analyst'), async (req, res) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new ValidationError('Send a JSON object: { "text": "…" } with Content-Type: application/json.', [{ path: '(body)', message: 'expected a JSON object' }]);
    }
    const body = IntakeBody.parse(req.body);
    const scope = req.principal!.missions;
    if (body.mission && scope.length && !scope.includes(body.mission)) {
      throw new ForbiddenError(`Your key is limited to ${scope.join(', ')}; it cannot file text under ${body.mission}.`);
    }
    const mission = body.mission ?? (scope.length === 1 ? scope[0] : undefined);
    const now = new Date();
    const normalised = normaliseSubmittedText(
      { text: body.text, title: body.title ?? null, url: body.url ?? null, language: body.language ?? null, publishedAt: body.publishedAt ?? null },
      { now, maxTextLength: MAX_INTAKE_TEXT_BYTES },
    );
    if (!normalised.text.trim()) throw new ValidationError('Nothing is left of this text once markup is removed.', [{ path: 'text', message: 'no readable text' }]);
    const sourceName = body.sourceName ?? DEFAULT_MANUAL_SOURCE_NAME;
    const sourceId = await ensureManualSource(models, sourceName, mission ? [mission] : []);
    const result = await upsertItem(
      models,
      sourceId,
      {
        guid: normalised.id,
        url: normalised.url,
        canonicalUrl: normalised.canonicalUrl,
        title: normalised.title,
        text: normalised.text,
        author: null,
        publishedAt: normalised.publishedAt,
        language: normalised.language,
        languageConfidence: normalised.languageConfidence,
        media: [],
        contentHash: normalised.contentHash,
        simhash: normalised.simhash,
        warnings: normalised.warnings,
        declaredMissions: mission ? [mission] : [],
      },
      now,
    );
    // Same path as the collector: the step that creates (or finds still pending) an item enqueues it.
    if (result.pending) await classifyQueue.enqueue({ itemId: result.itemId }, { jobId: classifyJobId(result.itemId, result.contentHash) });
    await auditWrite(models, req, {
      action: 'item.submit',
      targetType: 'item',
      targetId: result.itemId,
      changes: { source: { from: null, to: sourceName }, outcome: { from: null, to: result.outcome } },
    });
    const duplicate = result.outcome !== 'created' || result.nearDuplicateOf !== null;
    // 201 when a new item was stored (even one linked as a near-duplicate); 200 when this exact text was already there.
    res.status(result.outcome === 'unchanged' ? 200 : 201).json({
      id: result.itemId,
      sourceId,
      duplicate,
      nearDuplicateOf: result.nearDuplicateOf,
      status: result.pending ? 'pending' : 'classified',
      language: normalised.language,
      warnings: normalised.warnings,
    });
  });

  return router;
}
