import nodemailer, { type Transporter } from 'nodemailer';
import { DIGEST_PUBLISHED, digestSubscriptionMatches } from '@vigie/alerting';
import { isoWeekKey, type GenerateDigestJob, type MissionCode } from '@vigie/contracts';
import { ALL_MISSIONS, ensureDelivery, loadDigestData, storeDigest, type Models } from '@vigie/db';
import {
  buildDigest,
  digestToJson,
  digestWindow,
  previousIsoWeek,
  renderDigestHtml,
  renderDigestMarkdown,
  renderDigestWebhookBody,
  t,
  type Digest,
  type DigestWebhookFormat,
  type ReportLang,
} from '@vigie/reports';
import type { Logger } from '@vigie/runtime';

export interface DigestMail {
  readonly transporter: Transporter;
  readonly from: string;
  readonly recipients: readonly string[];
  readonly lang: ReportLang;
}

export interface DigestDeps {
  readonly models: Models;
  readonly now: () => Date;
  /** Null when SMTP_URL is unset or nobody subscribed: digests are stored only. */
  readonly mail: DigestMail | null;
  /**
   * Delivery to webhooks subscribed to `digest.published` through the signed deliver-webhook queue (retries,
   * delivery log). Null: no webhook delivery from this process.
   */
  readonly webhooks: DigestWebhooks | null;
}

export interface DigestWebhooks {
  /** Base URL of this Vigie, for the links in the message. */
  readonly publicUrl: string;
  /** Enqueues the deliver-webhook job of a delivery record (deterministic job id). */
  readonly enqueueDelivery: (deliveryId: string) => Promise<void>;
}

/**
 * One delivery per subscribed webhook per digest (mission × week, both languages in one message), keyed
 * `digest.<mission>.<week>` so a rerun of the job finds the records and sends nothing twice. Returns the
 * deliveries created.
 */
export async function deliverDigestToWebhooks(
  deps: { models: Models; webhooks: DigestWebhooks },
  digest: { mission: MissionCode | null; week: string; now: Date; en: { id: string; digest: Digest; markdown: string }; fr: { id: string; digest: Digest; markdown: string } },
): Promise<number> {
  const hooks = await deps.models.webhooks.find({ enabled: true, events: DIGEST_PUBLISHED }).lean();
  const eventKey = `digest.${digest.mission ?? ALL_MISSIONS}.${digest.week}`;
  const api = `${deps.webhooks.publicUrl}/api/v1/digests`;
  const link = (format: string) => ({ en: `${api}/${digest.en.id}?format=${format}`, fr: `${api}/${digest.fr.id}?format=${format}` });
  let created = 0;
  for (const hook of hooks) {
    if (!digestSubscriptionMatches({ enabled: hook.enabled, missions: hook.missions, events: hook.events }, digest.mission)) continue;
    const body = renderDigestWebhookBody(hook.format as DigestWebhookFormat, {
      id: eventKey,
      occurredAt: digest.now,
      digests: { en: digest.en.digest, fr: digest.fr.digest },
      links: { dashboard: `${deps.webhooks.publicUrl}/app/digests`, html: link('html'), markdown: link('md'), json: link('json') },
      markdown: { en: digest.en.markdown, fr: digest.fr.markdown },
    });
    const delivery = await ensureDelivery(deps.models, { webhookId: String(hook._id), eventKey, eventType: DIGEST_PUBLISHED, alertId: null, body });
    if (delivery.created) created++;
    if (delivery.status === 'pending') await deps.webhooks.enqueueDelivery(delivery.id);
  }
  return created;
}

/** An SMTP transport from config, or null (and one log line) when e-mail is not configured. */
export function createDigestMail(config: { smtpUrl: string | null; recipients: readonly string[]; from: string; emailLang: ReportLang }, logger: Logger): DigestMail | null {
  if (!config.smtpUrl || config.recipients.length === 0) {
    logger.info({ smtp: Boolean(config.smtpUrl), recipients: config.recipients.length }, 'digest e-mail disabled (SMTP_URL or DIGEST_RECIPIENTS unset): digests are stored only');
    return null;
  }
  return { transporter: nodemailer.createTransport(config.smtpUrl), from: config.from, recipients: config.recipients, lang: config.emailLang };
}

/** Missions with at least one source: those get a digest each, plus the overall one. */
async function activeMissions(models: Models): Promise<MissionCode[]> {
  const rows = await models.sources.find({}, { missions: 1 }).lean();
  return [...new Set(rows.flatMap((r) => (r.missions ?? []) as MissionCode[]))].sort();
}

/**
 * The weekly job: for the last complete ISO week (or `week`), build, render and store each mission's digest
 * and the overall one in FR and EN (regeneration replaces), then e-mail each in the configured language to the
 * subscribers, once per digest (`emailedAt`). Errors propagate: BullMQ retries, and nothing is sent twice.
 */
export async function generateWeeklyDigests(deps: DigestDeps, payload: GenerateDigestJob, log: Logger): Promise<{ week: string; stored: number; emailed: number; webhookDeliveries: number }> {
  const now = deps.now();
  const week = payload.week ?? previousIsoWeek(now);
  const window = digestWindow(week);
  if (window.weekStart > now) throw new RangeError(`week ${week} has not started (now ${isoWeekKey(now)})`);
  let stored = 0;
  let emailed = 0;
  let webhookDeliveries = 0;
  for (const mission of [...(await activeMissions(deps.models)), null]) {
    const data = await loadDigestData(deps.models, { mission, scope: null, ...window, now });
    const rendered: Partial<Record<ReportLang, { id: string; digest: Digest; markdown: string }>> = {};
    for (const lang of ['fr', 'en'] as const) {
      const digest = buildDigest(data, lang);
      const html = renderDigestHtml(digest);
      const markdown = renderDigestMarkdown(digest);
      const { id } = await storeDigest(deps.models, { mission: mission ?? ALL_MISSIONS, week, lang, generatedAt: now, generatedBy: 'weekly job', data: digestToJson(digest), html, markdown });
      rendered[lang] = { id, digest, markdown };
      stored++;
      if (!deps.mail || lang !== deps.mail.lang) continue;
      const doc = await deps.models.digests.findById(id, { emailedAt: 1 }).lean();
      if (doc?.emailedAt) continue;
      await deps.mail.transporter.sendMail({
        from: deps.mail.from,
        to: [...deps.mail.recipients],
        subject: `${t(lang, 'digestTitle')} — ${mission ?? t(lang, 'allMissions')} — ${week}`,
        html,
        text: markdown,
      });
      await deps.models.digests.updateOne({ _id: doc?._id ?? id }, { $set: { emailedAt: new Date() } });
      emailed++;
    }
    if (deps.webhooks && rendered.en && rendered.fr) {
      webhookDeliveries += await deliverDigestToWebhooks({ models: deps.models, webhooks: deps.webhooks }, { mission, week, now, en: rendered.en, fr: rendered.fr });
    }
  }
  log.info({ week, stored, emailed, webhookDeliveries }, 'weekly digests generated');
  return { week, stored, emailed, webhookDeliveries };
}
