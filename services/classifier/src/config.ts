import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { booleanFromEnv, commonEnv, parseEnv } from '@vigie/runtime';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const schema = z
  .object({
    ...commonEnv,
    /** Items classified in parallel. Classification is CPU-bound: more than 2 per core rarely helps. */
    CLASSIFIER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Minimum score of the top narrative for a harmful item to count as alert evidence. */
    ALERT_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.25),
    /** Hours after resolution during which a returning narrative reopens its alert instead of opening a new one. */
    /** How often the early-warning scan (spikes, rising trends, prebunk tasks) runs. */
    EARLY_WARNING_INTERVAL_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(300_000),
    ALERT_REOPEN_WINDOW_HOURS: z.coerce.number().min(0).max(24 * 90).default(72),
    /** Run the notifier (alert events → silences, grouping, rate caps, escalation, webhook deliveries) here. */
    NOTIFY_ENABLED: booleanFromEnv.default(true),
    /** Notifications for one alert key are held this long (ms) and sent together; S1 is never held. */
    NOTIFY_GROUP_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
    /** How often (ms) held groups are checked and flushed when due. */
    NOTIFY_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    /** Messages per alert key per rolling hour; further ones are dropped, counted and reported with the next. */
    NOTIFY_MAX_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(6),
    /** Minutes an S1 / S2 alert may stay unacknowledged before each escalation level (level k at k × this). */
    ESCALATION_S1_MINUTES: z.coerce.number().min(1).max(24 * 60).default(10),
    ESCALATION_S2_MINUTES: z.coerce.number().min(1).max(24 * 60).default(30),
    /** Escalation targets, level 1 first, comma-separated. */
    ESCALATION_LEVELS: z
      .string()
      .regex(/^[a-z0-9_-]+(,[a-z0-9_-]+)*$/i, 'comma-separated names, e.g. duty_officer,head_of_strategic_comms')
      .default('duty_officer,head_of_strategic_comms,chief_of_staff'),
    /** How often (ms) unacknowledged alerts are scanned for escalation. */
    ESCALATION_SCAN_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /** Webhook deliveries sent in parallel by one process. */
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Timeout of one webhook POST, connection to last byte, ms. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** Base delay of the exponential retry backoff (with jitter), ms; 8 attempts in all. */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    /**
     * How often (ms) the outbox relay looks for alert events still waiting (after a Redis outage, or written by a
     * process whose own relay failed). New events are relayed at once anyway; each look scans the outbox on FerretDB v1.
     */
    OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    /** Hours relayed alert events stay in the outbox (for inspection) before the hourly retention job deletes them; a small outbox keeps the relay's scan cheap. */
    OUTBOX_RETENTION_HOURS: z.coerce.number().min(1).max(24 * 90).default(24),
    /** Allow webhooks on private/loopback addresses (on-premise receivers, demo, tests only: SSRF guard). */
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: booleanFromEnv.default(false),
    /** Base URL of this Vigie, for links in notifications. */
    VIGIE_PUBLIC_URL: z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL').default('http://127.0.0.1:8080'),
    /** When the weekly digest runs (cron, in DIGEST_TIMEZONE). Default: Monday 06:00. */
    DIGEST_CRON: z.string().regex(/^(\S+\s+){4}\S+$/, 'a 5-field cron expression, e.g. "0 6 * * 1"').default('0 6 * * 1'),
    /** IANA time zone of the digest schedule (the mission's). */
    DIGEST_TIMEZONE: z.string().refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, 'an IANA time zone, e.g. Africa/Kinshasa').default('Africa/Kinshasa'),
    /** SMTP server for digest e-mail, e.g. smtp://user:pass@mail.example.org:587. Unset: digests are stored, not mailed. */
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
    /** Digest subscribers, comma-separated e-mail addresses. */
    DIGEST_RECIPIENTS: z.string().default('').refine((v) => v.split(',').map((s) => s.trim()).filter(Boolean).every((a) => /^[^\s@<>,]+@[^\s@<>,]+$/.test(a)), 'comma-separated e-mail addresses'),
    /** Sender of digest e-mails. */
    DIGEST_FROM: z.string().default('Vigie <vigie@localhost>'),
    /** Language of the e-mailed digest (both languages are stored). */
    DIGEST_EMAIL_LANG: z.enum(['en', 'fr']).default('fr'),
    /** How often (ms) workers check which classifier version is active: the fallback to the pub/sub nudge sent on activation. */
    CLASSIFIER_VERSION_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /**
     * Rounds over the catalogue's warm-up texts classified before the first job (0: none). Without it the first
     * thousands of items ran at about two thirds of the steady rate while V8 recompiled the classifier (BENCHMARKS.md).
     */
    CLASSIFIER_WARM_UP_ROUNDS: z.coerce.number().int().min(0).max(100).default(8),
    /** Items per re-classification batch; the run's cursor and counters are saved after each batch. */
    RECLASSIFY_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(200),
    /** Pause between re-classification batches (ms), so a big run leaves the database to live classification. */
    RECLASSIFY_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(100),
    /** Lock of a re-classification job (ms): a run whose worker died is resumed by another about this long after. */
    RECLASSIFY_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  })
  .transform((env) => ({
    env: env.NODE_ENV,
    version: pkg.version,
    logLevel: env.LOG_LEVEL,
    redis: { url: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX },
    mongo: { url: env.MONGO_URL, dbName: env.MONGO_DB },
    concurrency: env.CLASSIFIER_CONCURRENCY,
    alertMinScore: env.ALERT_MIN_SCORE,
    reopenWindowMs: env.ALERT_REOPEN_WINDOW_HOURS * 3_600_000,
    notify: {
      enabled: env.NOTIFY_ENABLED,
      groupWaitMs: env.NOTIFY_GROUP_WAIT_MS,
      flushIntervalMs: env.NOTIFY_FLUSH_INTERVAL_MS,
      maxPerHour: env.NOTIFY_MAX_PER_HOUR,
      escalation: {
        afterMs: { S1: Math.round(env.ESCALATION_S1_MINUTES * 60_000), S2: Math.round(env.ESCALATION_S2_MINUTES * 60_000) },
        levels: env.ESCALATION_LEVELS.split(','),
        scanIntervalMs: env.ESCALATION_SCAN_INTERVAL_MS,
      },
      publicUrl: env.VIGIE_PUBLIC_URL.replace(/\/+$/, ''),
    },
    webhooks: {
      concurrency: env.WEBHOOK_CONCURRENCY,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    },
    earlyWarningIntervalMs: env.EARLY_WARNING_INTERVAL_MS,
    classifierVersionPollMs: env.CLASSIFIER_VERSION_POLL_MS,
    warmUpRounds: env.CLASSIFIER_WARM_UP_ROUNDS,
    reclassify: { batchSize: env.RECLASSIFY_BATCH_SIZE, pauseMs: env.RECLASSIFY_PAUSE_MS, lockMs: env.RECLASSIFY_LOCK_MS },
    outbox: { relayIntervalMs: env.OUTBOX_RELAY_INTERVAL_MS, retentionMs: env.OUTBOX_RETENTION_HOURS * 3_600_000 },
    digest: {
      cron: env.DIGEST_CRON,
      timezone: env.DIGEST_TIMEZONE,
      smtpUrl: env.SMTP_URL ?? null,
      recipients: env.DIGEST_RECIPIENTS.split(',').map((s) => s.trim()).filter(Boolean),
      from: env.DIGEST_FROM,
      emailLang: env.DIGEST_EMAIL_LANG,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  }));

export type ClassifierConfig = ReturnType<typeof loadConfig>;

/** The only place the classifier reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv(schema, env);
}
