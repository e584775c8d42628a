import type { Request } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { ACTION_INPUT_SCHEMAS, ALERT_ACTIONS, transition, type AlertAction } from '@vigie/alerting';
import { ConflictError, NotFoundError } from '@vigie/contracts';
import { applyAlertTransition, isDuplicateKeyError, lifecycleStateOf, rollForwardTransitions, type Models } from '@vigie/db';
import { allowedMissions } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import type { AlertEventRelay } from '../alert-events.js';

export const AlertActionName = z.enum(ALERT_ACTIONS);

export const BulkActionBody = z
  .object({
    ids: z.array(z.string().regex(/^[a-f0-9]{24}$/, 'must be an alert id')).min(1).max(100),
    action: AlertActionName,
    input: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * Runs one lifecycle action on one alert: scope check, pure transition (@vigie/alerting), guarded write (which
 * records the `transition` event in the outbox with the change), audit entry, and — for dismissals — a
 * false-positive label per evidence item for the classifier. Then nudges the outbox relay.
 */
export async function performAlertAction(models: Models, req: Request, alertId: string, action: AlertAction, rawInput: unknown, relay?: Pick<AlertEventRelay, 'kick'>) {
  const input = ACTION_INPUT_SCHEMAS[action].strict().parse(rawInput ?? {});
  const principal = req.principal!;
  const at = new Date();
  await rollForwardTransitions(models, alertId, at);
  const alert = await models.alerts.findById(alertId).lean();
  const missions = allowedMissions(principal);
  if (!alert || (missions && !missions.includes(alert.mission))) throw new NotFoundError(`No alert ${alertId}.`);
  const result = transition(lifecycleStateOf(alert), action, { id: principal.name, role: principal.role }, at, input as never);
  if (!result.ok) throw result.error;
  let updated;
  try {
    updated = await applyAlertTransition(models, {
      alertId,
      expectedStatus: alert.status,
      expectedSeq: alert.history?.length ?? 0,
      patch: result.patch,
      history: { ...result.history },
      event: { type: 'transition', at },
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw new ConflictError('Another open alert already tracks this narrative for this mission; add your evidence there instead of reopening this one.');
    }
    throw error;
  }
  if (!updated) throw new ConflictError('Someone changed this alert while you were acting on it; reload it and try again.');
  if (action === 'dismiss') {
    const items = await models.alertItems.find({ alertId: new Types.ObjectId(alertId) }, { itemId: 1 }).lean();
    for (const link of items) {
      await models.labels.updateOne(
        { itemId: link.itemId, actorKeyId: principal.id },
        { $set: { alertId: new Types.ObjectId(alertId), verdict: 'false_positive', narrative: null, stance: null, via: 'dismiss', at } },
        { upsert: true },
      );
    }
  }
  await auditWrite(models, req, {
    action: `alert.${action}`,
    targetType: 'alert',
    targetId: alertId,
    changes: result.history.from !== result.history.to ? { status: { from: result.history.from, to: result.history.to } } : null,
    reason: result.history.reason,
  });
  // The event is in the outbox already; publishing it is the relay's job, so a Redis outage never fails (or
  // loses) the action.
  relay?.kick();
  return updated;
}
