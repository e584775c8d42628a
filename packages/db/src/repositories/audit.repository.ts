import type { Models } from '../models.js';

export interface AuditInput {
  readonly actorKeyId: string | null;
  readonly actorName: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId?: string | null;
  /** field → { from, to }; never secrets. */
  readonly changes?: Record<string, { from: unknown; to: unknown }> | null;
  readonly reason?: string | null;
  readonly requestId?: string | null;
  readonly at: Date;
}

/** Appends one audit entry. The audit log is append-only: nothing in Vigie updates or deletes entries. */
export async function appendAudit(models: Models, entry: AuditInput): Promise<void> {
  await models.audit.create({
    at: entry.at,
    actorKeyId: entry.actorKeyId,
    actorName: entry.actorName,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    changes: entry.changes ?? null,
    reason: entry.reason ?? null,
    requestId: entry.requestId ?? null,
    day: entry.at.toISOString().slice(0, 10),
  });
}
