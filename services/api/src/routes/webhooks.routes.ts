import { randomBytes, randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Redis } from 'ioredis';
import { Types, type QueryFilter } from 'mongoose';
import { z } from 'zod';
import { NOTIFICATION_CHANNELS, WEBHOOK_EVENT_TYPES, renderWebhookBody, type AlertEvent } from '@vigie/alerting';
import { ConflictError, JOBS, MissionCode, NotFoundError, Severity, ValidationError } from '@vigie/contracts';
import {
  DELIVERY_STATUSES,
  WEBHOOK_FORMATS,
  decodeCursor,
  encodeCursor,
  ensureDelivery,
  type Models,
  type WebhookDeliveryDoc,
  type WebhookDoc,
} from '@vigie/db';
import { checkUrl } from '@vigie/feeds';
import { createTypedQueue, type Logger } from '@vigie/runtime';
import { requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { assertWithinScope, scopePrefilter, withinScope } from './notify-scope.js';
import { csvEnum, objectId, paginationQuery } from './query.js';

/** An http(s) URL without credentials, at most 2 KiB. Addresses are checked separately (config-dependent). */
const WebhookUrl = z
  .string()
  .trim()
  .max(2048, 'at most 2048 characters')
  .pipe(z.url({ protocol: /^https?$/, error: 'must be a full http(s) URL such as https://hooks.example.org/vigie' }));

const webhookFields = {
  name: z.string().trim().min(1, 'a webhook needs a name').max(200),
  url: WebhookUrl,
  format: z.enum(WEBHOOK_FORMATS),
  /** Event types to receive; empty = every alert event. The weekly digest (`digest.published`) must be listed. */
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).max(WEBHOOK_EVENT_TYPES.length),
  /** Channels to receive (comms, security, victim_centred); empty = all. */
  channels: z.array(z.enum(NOTIFICATION_CHANNELS)).max(NOTIFICATION_CHANNELS.length),
  /** Missions covered; empty = all (unscoped admins only). */
  missions: z.array(MissionCode).max(11),
  minSeverity: Severity,
  minEscalationLevel: z.number().int().min(0).max(10),
  enabled: z.boolean(),
};

export const WebhookCreateBody = z
  .object({
    ...webhookFields,
    format: webhookFields.format.default('json'),
    events: webhookFields.events.default([]),
    channels: webhookFields.channels.default([]),
    missions: webhookFields.missions.default([]),
    minSeverity: webhookFields.minSeverity.default('S4'),
    minEscalationLevel: webhookFields.minEscalationLevel.default(0),
    enabled: webhookFields.enabled.default(true),
  })
  .strict();

export const WebhookPatchBody = z
  .object({
    ...Object.fromEntries(Object.entries(webhookFields).map(([k, v]) => [k, v.optional()])),
    /** Issues a new secret (returned once); the previous one keeps verifying until the next rotation. */
    rotateSecret: z.literal(true).optional(),
  } as { [K in keyof typeof webhookFields]: z.ZodOptional<(typeof webhookFields)[K]> } & { rotateSecret: z.ZodOptional<z.ZodLiteral<true>> })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');

const deliveriesQuery = z.object({ status: csvEnum(z.enum(DELIVERY_STATUSES)).optional(), ...paginationQuery }).strict();

type WebhookLean = WebhookDoc & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };
type DeliveryLean = Omit<WebhookDeliveryDoc, 'body'> & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Never includes secrets: they are shown once, in the response that creates or rotates them. */
export function webhookToDto(w: WebhookLean) {
  return {
    id: String(w._id),
    name: w.name,
    url: w.url,
    format: w.format,
    events: w.events,
    channels: w.channels,
    missions: w.missions,
    minSeverity: w.minSeverity,
    minEscalationLevel: w.minEscalationLevel,
    enabled: w.enabled,
    activeSecrets: w.secrets.length,
    createdBy: w.createdBy ?? null,
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
  };
}

export function deliveryToDto(d: DeliveryLean) {
  return {
    id: String(d._id),
    webhookId: String(d.webhookId),
    eventKey: d.eventKey,
    eventType: d.eventType,
    alertId: d.alertId ? String(d.alertId) : null,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode ?? null,
    latencyMs: d.latencyMs ?? null,
    lastError: d.lastError ?? null,
    lastAttemptAt: iso(d.lastAttemptAt),
    deliveredAt: iso(d.deliveredAt),
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * Refuses URLs that must never receive alerts: IP literals in private, loopback, link-local (cloud metadata)…
 * ranges unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES, and `localhost` names. Host names are checked again, on every
 * connection, by the delivery worker's guard (DNS may change; the address dialled is the one checked).
 */
function assertDeliverableUrl(url: string, allowPrivate: boolean): void {
  const check = checkUrl(url, allowPrivate);
  const host = check.ok ? check.url.hostname.toLowerCase() : '';
  const localName = host === 'localhost' || host.endsWith('.localhost');
  if (!check.ok || (localName && !allowPrivate)) {
    const message = check.ok ? 'localhost is refused; private and internal addresses are not allowed' : check.message;
    throw new ValidationError(`Invalid webhook URL: ${message}`, [{ path: 'url', message }]);
  }
}

function configOf(w: Omit<z.infer<typeof WebhookCreateBody>, never> | WebhookLean) {
  return {
    name: w.name,
    url: w.url,
    format: w.format,
    events: [...w.events],
    channels: [...w.channels],
    missions: [...w.missions],
    minSeverity: w.minSeverity,
    minEscalationLevel: w.minEscalationLevel,
    enabled: w.enabled,
  };
}

function diff(before: Record<string, unknown> | null, after: Record<string, unknown>) {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, to] of Object.entries(after)) {
    const from = before ? before[k] : null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from, to };
  }
  return out;
}

export interface WebhooksDeps {
  readonly models: Models;
  readonly redis: Redis;
  readonly config: {
    readonly redis: { readonly queuePrefix: string };
    readonly webhooks: { readonly allowPrivateAddresses: boolean; readonly publicUrl: string };
  };
  readonly logger: Logger;
}

/**
 * Outbound webhooks: admin only, reads included — a webhook URL (Slack, Teams) is itself a credential. Scoped
 * admins see and manage only webhooks wholly inside their missions.
 */
export function webhooksRouter({ models, redis, config, logger }: WebhooksDeps): Router {
  const router = Router();
  const deliveries = createTypedQueue(JOBS.deliverWebhook, redis, config.redis.queuePrefix, logger);
  const allowPrivate = config.webhooks.allowPrivateAddresses;

  async function loadVisible(req: Request, id: string): Promise<WebhookLean> {
    const hook = (await models.webhooks.findById(id).lean()) as WebhookLean | null;
    if (!hook || !withinScope(req.principal!, hook.missions)) throw new NotFoundError(`No webhook ${id}.`);
    return hook;
  }

  router.get('/', requireRole('admin'), async (req, res) => {
    z.object({}).strict().parse(req.query);
    const rows = (await models.webhooks.find(scopePrefilter(req.principal!)).sort({ name: 1, _id: 1 }).limit(1_000).lean()) as WebhookLean[];
    res.json({ data: rows.filter((w) => withinScope(req.principal!, w.missions)).map(webhookToDto), nextCursor: null });
  });

  router.get('/:id', requireRole('admin'), async (req, res) => {
    res.json(webhookToDto(await loadVisible(req, objectId.parse(req.params.id))));
  });

  router.post('/', requireRole('admin'), async (req, res) => {
    const body = WebhookCreateBody.parse(req.body);
    assertWithinScope(req.principal!, body.missions, 'webhook');
    assertDeliverableUrl(body.url, allowPrivate);
    const secret = newSecret();
    const created = await models.webhooks.create({ ...configOf(body), secrets: [secret], createdBy: req.principal!.name });
    await auditWrite(models, req, { action: 'webhook.create', targetType: 'webhook', targetId: String(created._id), changes: diff(null, configOf(body)) });
    const doc = (await models.webhooks.findById(created._id).lean().orFail()) as WebhookLean;
    // The only time the secret leaves Vigie: receivers verify signatures with it.
    res.status(201).json({ ...webhookToDto(doc), secret });
  });

  router.patch('/:id', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const { rotateSecret, ...patch } = WebhookPatchBody.parse(req.body);
    const before = await loadVisible(req, id);
    const after = { ...configOf(before), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as ReturnType<typeof configOf>;
    assertWithinScope(req.principal!, after.missions, 'webhook');
    if (patch.url !== undefined) assertDeliverableUrl(after.url, allowPrivate);
    const changes = diff(configOf(before), after);
    const set: Record<string, unknown> = { ...after };
    let secret: string | undefined;
    if (rotateSecret) {
      secret = newSecret();
      // Newest first; the previous secret keeps verifying so receivers can switch without losing deliveries.
      set.secrets = [secret, ...before.secrets].slice(0, 2);
      changes.secret = { from: '[previous]', to: '[rotated]' };
    }
    if (Object.keys(changes).length > 0) {
      await models.webhooks.updateOne({ _id: before._id }, { $set: set });
      await auditWrite(models, req, { action: rotateSecret ? 'webhook.rotate_secret' : 'webhook.update', targetType: 'webhook', targetId: id, changes });
    }
    const doc = (await models.webhooks.findById(id).lean().orFail()) as WebhookLean;
    res.json(secret ? { ...webhookToDto(doc), secret } : webhookToDto(doc));
  });

  router.delete('/:id', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const before = await loadVisible(req, id);
    // Its delivery log stays (history); pending deliveries fail with "webhook deleted".
    await models.webhooks.deleteOne({ _id: before._id });
    await auditWrite(models, req, { action: 'webhook.delete', targetType: 'webhook', targetId: id, changes: { webhook: { from: configOf(before), to: null } } });
    res.status(204).end();
  });

  router.post('/:id/test', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    z.object({}).strict().parse(req.body ?? {});
    const hook = await loadVisible(req, id);
    if (!hook.enabled) throw new ConflictError('This webhook is disabled; enable it before sending a test.');
    const now = new Date();
    const event: AlertEvent = {
      id: `test.${randomUUID()}`,
      type: 'webhook.test',
      occurredAt: now,
      alert: {
        id: 'test',
        mission: (hook.missions[0] ?? 'MONUSCO') as MissionCode,
        narrative: 'collusion_armed_groups',
        severity: 'S3',
        status: 'open',
        itemCount: 0,
        sourceCount: 0,
        languages: [],
        firstSeenAt: now,
        lastSeenAt: now,
        url: `${config.webhooks.publicUrl}/api/v1/webhooks/${id}`,
      },
    };
    const delivery = await ensureDelivery(models, {
      webhookId: id,
      eventKey: event.id,
      eventType: event.type,
      alertId: null,
      body: renderWebhookBody(hook.format, event),
    });
    await deliveries.enqueue({ deliveryId: delivery.id }, { jobId: `dw-${delivery.id}` });
    await auditWrite(models, req, { action: 'webhook.test', targetType: 'webhook', targetId: id });
    res.status(202).json({ deliveryId: delivery.id, eventId: event.id });
  });

  router.get('/:id/deliveries', requireRole('admin'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const q = deliveriesQuery.parse(req.query);
    await loadVisible(req, id);
    const filter: QueryFilter<WebhookDeliveryDoc> = { webhookId: new Types.ObjectId(id) };
    if (q.status?.length) filter.status = { $in: q.status };
    const and: QueryFilter<WebhookDeliveryDoc>[] = [filter];
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const t = new Date(Number(c.v));
      and.push({ $or: [{ createdAt: { $lt: t } }, { createdAt: t, _id: { $lt: new Types.ObjectId(c.id) } }] });
    }
    const rows = (await models.webhookDeliveries
      .find(and.length > 1 ? { $and: and } : filter, { body: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(q.limit + 1)
      .lean()) as DeliveryLean[];
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > q.limit && last?.createdAt ? encodeCursor({ v: last.createdAt.getTime(), id: String(last._id) }) : null;
    res.json({ data: page.map(deliveryToDto), nextCursor });
  });

  return router;
}
