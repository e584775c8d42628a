import {
  DEFAULT_SPIKE_THRESHOLDS,
  Moment,
  detectSpikes,
  duePrebunkTasks,
  lowered,
  thresholdFactorAt,
  type SpikeReport,
} from '@vigie/alerting';
import type { MissionCode, NarrativeKey } from '@vigie/contracts';
import { activePairs, countSeries, dedupKeyFor, isDuplicateKeyError, windowBreakdown, withAlertWriteLock, type Models } from '@vigie/db';
import type { Logger } from '@vigie/runtime';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface EarlyWarningDeps {
  readonly models: Models;
  readonly now: () => Date;
  /** Approved counter-messaging lines for a narrative, from the catalogue. */
  readonly counterMessages: (narrative: NarrativeKey) => { en: readonly string[]; fr: readonly string[] };
}

export interface ScanSummary {
  readonly pairs: number;
  readonly signals: number;
  readonly newSignals: number;
  readonly tasksOpened: number;
}

/**
 * One early-warning pass: for every mission × narrative with volume in the last day, build its hourly and
 * quarter-hourly series from the precomputed item buckets, detect spikes and rising trends (thresholds lowered
 * around high-risk moments), store each signal once with why it fired, attach it to the open alert, and open
 * prebunk tasks that are due. Idempotent: signals and tasks are keyed.
 */
export async function scanEarlyWarnings(deps: EarlyWarningDeps, log: Logger): Promise<ScanSummary> {
  const { models } = deps;
  const now = deps.now();
  const storedMoments = await models.moments.find({ date: { $gte: new Date(now.getTime() - 120 * DAY_MS), $lte: new Date(now.getTime() + 120 * DAY_MS) } }).lean();
  const moments = storedMoments.flatMap((m) => {
    const parsed = Moment.safeParse({ ...m, id: String(m._id), thresholdFactor: m.thresholdFactor ?? undefined });
    if (!parsed.success) log.warn({ momentId: String(m._id) }, 'skipping an invalid moment');
    return parsed.success ? [parsed.data] : [];
  });
  const firstItem = await models.items.findOne({}, { collectedAt: 1 }).sort({ collectedAt: 1 }).lean();
  const since = firstItem?.collectedAt ?? now;

  const pairs = await activePairs(models, new Date(now.getTime() - DAY_MS));
  let signals = 0;
  let newSignals = 0;
  for (const { mission, narrative } of pairs) {
    const [hourly, quarter] = await Promise.all([
      countSeries(models, mission, narrative, 'hour', new Date(now.getTime() - 15 * DAY_MS)),
      countSeries(models, mission, narrative, 'quarterHour', new Date(now.getTime() - 26 * HOUR_MS)),
    ]);
    const factor = thresholdFactorAt(moments, mission, now, narrative);
    const thresholds = factor < 1 ? lowered(DEFAULT_SPIKE_THRESHOLDS, factor) : DEFAULT_SPIKE_THRESHOLDS;
    const report = detectSpikes(
      {
        mission,
        narrative,
        hourly: { resolution: 'hour', buckets: hourly, since },
        quarterHourly: { resolution: 'quarterHour', buckets: quarter, since },
      },
      now,
      thresholds,
    );
    if (report.kind === 'none') continue;
    signals++;
    if (await storeSignal(models, report, factor, now)) newSignals++;
  }

  const opened = await models.tasks.find({ type: 'prebunk' }, { key: 1 }).lean();
  let tasksOpened = 0;
  for (const task of duePrebunkTasks(moments, now, opened.map((t) => t.key))) {
    try {
      await models.tasks.create({
        key: task.key,
        type: 'prebunk',
        mission: task.mission,
        title: task.title,
        momentId: task.momentId,
        momentDate: task.momentDate,
        dueAt: task.dueAt,
        narratives: [...task.narratives],
        counterMessages: task.narratives.map((n) => ({ narrative: n, ...deps.counterMessages(n) })),
        openedAt: now,
      });
      tasksOpened++;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  log.info({ pairs: pairs.length, signals, newSignals, tasksOpened }, 'early-warning scan done');
  return { pairs: pairs.length, signals, newSignals, tasksOpened };
}

async function storeSignal(models: Models, report: SpikeReport, factor: number, now: Date): Promise<boolean> {
  const d = report.primary;
  const mission = report.mission as MissionCode;
  const narrative = report.narrative as NarrativeKey;
  const key = `${mission}:${narrative}:${report.kind}:${d.window.name}:${d.window.start.toISOString()}`;
  const breakdown = await windowBreakdown(models, mission, narrative, d.window.start, d.window.end, d.window.resolution);
  const alert = await models.alerts.findOne({ openKey: dedupKeyFor(mission, narrative) }, { _id: 1 }).lean();
  const result = await models.earlyWarnings.updateOne(
    { key },
    {
      $setOnInsert: {
        key,
        mission,
        narrative,
        kind: report.kind,
        windowName: d.window.name,
        windowStart: d.window.start,
        windowEnd: d.window.end,
        observed: d.observed,
        expected: d.expected,
        ratio: d.ratio,
        pValue: d.pValue,
        reasons: [...d.reasons],
        topTerms: breakdown.terms,
        topSources: breakdown.sources,
        languages: breakdown.languages,
        thresholdFactor: factor,
        detectedAt: now,
        alertId: alert?._id ?? null,
      },
    },
    { upsert: true },
  );
  if (alert && result.upsertedId) {
    // The open alert's openKey is its dedupKey: the same write lock as evidence and transitions.
    await withAlertWriteLock(models, dedupKeyFor(mission, narrative), () =>
      models.alerts.updateOne(
        { _id: alert._id },
        { $set: { earlyWarning: { kind: report.kind, key, detectedAt: now, observed: d.observed, expected: d.expected, ratio: d.ratio, reasons: [...d.reasons] } } },
      ),
    );
  }
  return Boolean(result.upsertedId);
}
