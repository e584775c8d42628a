import type { Request } from 'express';
import { appendAudit, type Models } from '@vigie/db';

/** Records a write made through the API: who (key), what, on which object, what changed, why. */
export async function auditWrite(
  models: Models,
  req: Request,
  entry: { action: string; targetType: string; targetId?: string | null; changes?: Record<string, { from: unknown; to: unknown }> | null; reason?: string | null },
): Promise<void> {
  await appendAudit(models, {
    actorKeyId: req.principal?.id ?? null,
    actorName: req.principal?.name ?? 'anonymous',
    requestId: String(req.id ?? ''),
    at: new Date(),
    ...entry,
  });
}
