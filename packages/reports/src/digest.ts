import { responseEffect, type EffectSeriesRow, type ResponseEffect } from './effect.js';
import type { ReportLang } from './i18n.js';
import { median } from './stats.js';
import { isoWeekStart, weeksEndingWith } from './week.js';
import type { ResponseInput } from './brief.js';

export interface DigestAlertInput {
  readonly id: string;
  readonly mission: string;
  readonly narrative: string;
  readonly severity: string;
  readonly status: string;
  readonly openedAt: Date;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly timeToAcknowledgeMs: number | null;
  readonly timeToResolveMs: number | null;
  readonly outcome: string | null;
  readonly itemCount: number;
}

export interface DigestSignalInput {
  readonly mission: string;
  readonly narrative: string;
  readonly kind: string;
  readonly observed: number;
  readonly expected: number;
  readonly ratio: number;
  readonly reasons: readonly string[];
  readonly detectedAt: Date;
}

export interface DigestResponseInput extends ResponseInput {
  readonly alertId: string;
  readonly mission: string;
  readonly narrative: string;
  /** The narrative's hourly volume per source around the publication (see responseEffect). */
  readonly series: readonly EffectSeriesRow[];
}

export interface DigestSourceInput {
  readonly name: string;
  readonly enabled: boolean;
  readonly consecutiveFailures: number;
  readonly lastError: string | null;
  readonly disabledReason: string | null;
  /** Effective time of the source's latest item, null when it never produced one. */
  readonly lastItemAt: Date | null;
}

export interface DigestData {
  /** Null for the overall digest. */
  readonly mission: string | null;
  /** ISO week reported on, `YYYY-Www`. */
  readonly week: string;
  readonly now: Date;
  /** Narrative volume per ISO week over the 8 weeks ending with `week` (already scoped to the mission). */
  readonly volume: readonly { readonly narrative: string; readonly week: string; readonly count: number }[];
  /** This week's volume by item language and by source. */
  readonly languages: readonly { readonly language: string; readonly count: number }[];
  readonly sources: readonly { readonly name: string; readonly count: number }[];
  /** Alerts with any activity that could fall in the week (opened, seen, acknowledged or resolved since its start). */
  readonly alerts: readonly DigestAlertInput[];
  /** Early-warning signals detected during the week. */
  readonly signals: readonly DigestSignalInput[];
  /** Published responses of the 8-week window. */
  readonly responses: readonly DigestResponseInput[];
  readonly sourceHealth: readonly DigestSourceInput[];
  /** Languages the mission's sources are declared to publish in. */
  readonly expectedLanguages: readonly string[];
  readonly moments: readonly { readonly mission: string; readonly title: string; readonly kind: string; readonly date: Date; readonly narratives: readonly string[] }[];
  /** Overall digest only: volume per mission this week and last week. */
  readonly missionVolume?: readonly { readonly mission: string; readonly thisWeek: number; readonly lastWeek: number }[];
}

export const NARRATIVE_TRENDS = ['new', 'recurring', 'escalating', 'declining', 'steady', 'quiet'] as const;
export type NarrativeTrend = (typeof NARRATIVE_TRENDS)[number];

export interface NarrativeChange {
  readonly narrative: string;
  /** Volume per week, oldest first, aligned with `Digest.weeks`. */
  readonly weekly: readonly number[];
  readonly thisWeek: number;
  readonly lastWeek: number;
  readonly trend: NarrativeTrend;
  readonly signals: readonly DigestSignalInput[];
  readonly responses: readonly DigestResponseWithEffect[];
}

export type DigestResponseWithEffect = Omit<DigestResponseInput, 'series'> & { readonly effect: ResponseEffect | null };

export interface Digest {
  readonly kind: 'digest';
  readonly lang: ReportLang;
  readonly mission: string | null;
  readonly week: string;
  readonly weekStart: Date;
  readonly weekEnd: Date;
  readonly generatedAt: Date;
  readonly weeks: readonly string[];
  readonly narratives: readonly NarrativeChange[];
  readonly new: readonly NarrativeChange[];
  readonly escalating: readonly NarrativeChange[];
  readonly declining: readonly NarrativeChange[];
  readonly recurring: readonly NarrativeChange[];
  readonly resolved: readonly { readonly alert: DigestAlertInput; readonly responses: readonly DigestResponseWithEffect[] }[];
  readonly s1: readonly DigestAlertInput[];
  readonly coverage: {
    readonly failing: readonly DigestSourceInput[];
    readonly silent: readonly DigestSourceInput[];
    readonly missingLanguages: readonly string[];
  };
  readonly handling: {
    readonly raised: number;
    readonly acknowledged: number;
    readonly resolved: number;
    readonly medianTimeToAcknowledgeMs: number | null;
    readonly medianTimeToResolveMs: number | null;
  };
  readonly moments: DigestData['moments'];
  readonly languages: readonly { readonly language: string; readonly count: number; readonly share: number }[];
  readonly sources: DigestData['sources'];
  readonly missions: readonly { readonly mission: string; readonly thisWeek: number; readonly lastWeek: number; readonly raised: number; readonly s1: number }[];
}

const DAY = 86_400_000;
/** A source failing this many fetches in a row is a coverage gap. */
export const FAILING_AFTER = 3;

/**
 * Trend rules (hand-checkable): with this week's volume T, last week's L and the six weeks before E —
 * new: T > 0 and L + E = 0; recurring: T > 0, L = 0, E > 0; escalating: T ≥ 1.5 L and T − L ≥ 3 (L > 0), or a
 * spike/rising signal this week; declining: L > 0, T ≤ 0.5 L and L − T ≥ 3; steady: T > 0 otherwise; quiet: T = 0.
 */
export function narrativeTrend(weekly: readonly number[], hasSignal: boolean): NarrativeTrend {
  const T = weekly.at(-1) ?? 0;
  const L = weekly.at(-2) ?? 0;
  const E = weekly.slice(0, -2).reduce((s, v) => s + v, 0);
  if (T > 0 && L + E === 0) return 'new';
  if (T > 0 && L === 0) return 'recurring';
  if (T > 0 && ((T >= 1.5 * L && T - L >= 3) || hasSignal)) return 'escalating';
  if (L > 0 && T <= 0.5 * L && L - T >= 3) return 'declining';
  return T > 0 ? 'steady' : 'quiet';
}

const within = (d: Date | null, from: number, to: number) => d !== null && d.getTime() >= from && d.getTime() < to;

/** Builds the weekly "what changed" digest from loaded data. Pure. */
export function buildDigest(data: DigestData, lang: ReportLang): Digest {
  const start = isoWeekStart(data.week);
  if (!start) throw new RangeError(`invalid ISO week ${data.week}`);
  const from = start.getTime();
  const to = from + 7 * DAY;
  const weeks = weeksEndingWith(data.week, 8);
  const ref = Math.min(to, data.now.getTime());

  const withEffect = (r: DigestResponseInput): DigestResponseWithEffect => {
    const { series, ...rest } = r;
    return { ...rest, effect: r.status === 'published' && r.publishedAt ? responseEffect(series, r.publishedAt, data.now) : null };
  };
  const responses = data.responses.map(withEffect);

  const keys = [...new Set(data.volume.map((v) => v.narrative))].sort();
  const narratives: NarrativeChange[] = keys.map((narrative) => {
    const weekly = weeks.map((w) => data.volume.filter((v) => v.narrative === narrative && v.week === w).reduce((s, v) => s + v.count, 0));
    const signals = data.signals.filter((s) => s.narrative === narrative && within(s.detectedAt, from, to));
    return {
      narrative,
      weekly,
      thisWeek: weekly[7] ?? 0,
      lastWeek: weekly[6] ?? 0,
      trend: narrativeTrend(weekly, signals.length > 0),
      signals,
      responses: responses.filter((r) => r.narrative === narrative),
    };
  });
  const byTrend = (trend: NarrativeTrend) => narratives.filter((n) => n.trend === trend).sort((a, b) => b.thisWeek - a.thisWeek || a.narrative.localeCompare(b.narrative));

  const raised = data.alerts.filter((a) => within(a.openedAt, from, to));
  const acknowledged = data.alerts.filter((a) => within(a.acknowledgedAt, from, to));
  const resolvedAlerts = data.alerts.filter((a) => within(a.resolvedAt, from, to));
  const s1 = data.alerts
    .filter((a) => a.severity === 'S1' && a.lastSeenAt.getTime() >= from && a.firstSeenAt.getTime() < to)
    .sort((a, b) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime());

  const langTotal = data.languages.reduce((s, l) => s + l.count, 0);
  const seenLanguages = new Set(data.languages.filter((l) => l.count > 0).map((l) => l.language));
  const missionRows = (data.missionVolume ?? []).map((m) => ({
    ...m,
    raised: raised.filter((a) => a.mission === m.mission).length,
    s1: s1.filter((a) => a.mission === m.mission).length,
  }));

  return {
    kind: 'digest',
    lang,
    mission: data.mission,
    week: data.week,
    weekStart: new Date(from),
    weekEnd: new Date(to),
    generatedAt: data.now,
    weeks,
    narratives,
    new: byTrend('new'),
    escalating: byTrend('escalating'),
    declining: byTrend('declining'),
    recurring: byTrend('recurring'),
    resolved: resolvedAlerts.map((alert) => ({ alert, responses: responses.filter((r) => r.alertId === alert.id) })),
    s1,
    coverage: {
      failing: data.sourceHealth.filter((s) => s.disabledReason !== null || (s.enabled && s.consecutiveFailures >= FAILING_AFTER)),
      silent: data.sourceHealth.filter((s) => s.enabled && (s.lastItemAt === null || s.lastItemAt.getTime() < ref - 7 * DAY)),
      missingLanguages: [...new Set(data.expectedLanguages)].filter((l) => !seenLanguages.has(l)).sort(),
    },
    handling: {
      raised: raised.length,
      acknowledged: acknowledged.length,
      resolved: resolvedAlerts.length,
      medianTimeToAcknowledgeMs: median(acknowledged.map((a) => a.timeToAcknowledgeMs).filter((v): v is number => v !== null)),
      medianTimeToResolveMs: median(resolvedAlerts.map((a) => a.timeToResolveMs).filter((v): v is number => v !== null)),
    },
    moments: data.moments.filter((m) => m.date.getTime() >= ref && m.date.getTime() < ref + 14 * DAY).sort((a, b) => a.date.getTime() - b.date.getTime()),
    languages: [...data.languages]
      .filter((l) => l.count > 0)
      .sort((a, b) => b.count - a.count || a.language.localeCompare(b.language))
      .map((l) => ({ ...l, share: langTotal ? Math.round((l.count / langTotal) * 1000) / 1000 : 0 })),
    sources: [...data.sources].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)).slice(0, 10),
    missions: missionRows,
  };
}
