import { SIGNATURE_HEADER, classifyDeliveryStatus, signatureHeader } from '@vigie/alerting';
import type { DeliverWebhookJob } from '@vigie/contracts';
import { recordDeliveryAttempt, type Models } from '@vigie/db';
import { UnrecoverableError, type JobContext } from '@vigie/runtime';
import type { WebhookClient } from './webhook-client.js';

export interface DeliverDeps {
  readonly models: Models;
  readonly client: WebhookClient;
  readonly now: () => Date;
  readonly userAgent: string;
}

/**
 * One attempt at one delivery: sign the stored body with the webhook's current secrets and a fresh timestamp,
 * POST it, and log the attempt on the delivery record. 2xx → delivered. A permanent refusal (4xx other than
 * 408/429, a redirect, a blocked address, a deleted or disabled webhook) → failed, UnrecoverableError so BullMQ
 * stops. Anything else throws, and BullMQ retries with jittered exponential backoff; the last attempt marks the
 * record failed. A delivered or failed record is never sent again.
 */
export async function deliverWebhook(deps: DeliverDeps, payload: DeliverWebhookJob, ctx: JobContext) {
  const delivery = await deps.models.webhookDeliveries.findById(payload.deliveryId).lean();
  if (!delivery) {
    ctx.log.warn({ deliveryId: payload.deliveryId }, 'delivery record no longer exists');
    return { status: 'missing' };
  }
  if (delivery.status !== 'pending') return { status: delivery.status };
  const at = deps.now();
  const hook = await deps.models.webhooks.findById(delivery.webhookId).lean();
  if (!hook || !hook.enabled) {
    const error = hook ? 'webhook disabled' : 'webhook deleted';
    await recordDeliveryAttempt(deps.models, payload.deliveryId, { status: 'failed', statusCode: null, latencyMs: null, error, at });
    throw new UnrecoverableError(error);
  }

  const signature = signatureHeader(hook.secrets, Math.floor(at.getTime() / 1000), delivery.body);
  const result = await deps.client.post(hook.url, delivery.body, {
    'content-type': 'application/json',
    'user-agent': deps.userAgent,
    'x-vigie-event': delivery.eventType,
    'x-vigie-delivery': payload.deliveryId,
    'x-vigie-signature': signature,
    // The name @vigie/alerting documents for receivers; same value.
    [SIGNATURE_HEADER.toLowerCase()]: signature,
  });

  const finalAttempt = ctx.job.attemptsMade + 1 >= (ctx.job.opts.attempts ?? 1);
  const log = ctx.log.child({ deliveryId: payload.deliveryId, webhookId: String(hook._id) });
  if (result.ok) {
    const outcome = classifyDeliveryStatus(result.statusCode);
    const status = outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'permanent' || finalAttempt ? 'failed' : 'pending';
    await recordDeliveryAttempt(deps.models, payload.deliveryId, {
      status,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: outcome.kind === 'delivered' ? null : outcome.reason,
      at,
    });
    if (outcome.kind === 'delivered') {
      log.debug({ statusCode: result.statusCode, latencyMs: result.latencyMs }, 'webhook delivered');
      return { status };
    }
    if (outcome.kind === 'permanent') throw new UnrecoverableError(`webhook refused the delivery: ${outcome.reason}`);
    throw new Error(`webhook delivery failed: ${outcome.reason}`);
  }
  const status = result.permanent || finalAttempt ? 'failed' : 'pending';
  await recordDeliveryAttempt(deps.models, payload.deliveryId, { status, statusCode: null, latencyMs: result.latencyMs, error: result.error, at });
  if (result.permanent) throw new UnrecoverableError(`webhook delivery refused: ${result.error}`);
  throw new Error(`webhook delivery failed: ${result.error}`);
}
