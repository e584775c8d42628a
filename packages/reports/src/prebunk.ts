import type { NarrativeInfo, RelatedAlertInput } from './brief.js';
import { narrativeLabel, type ReportLang } from './i18n.js';

/**
 * The prebunk brief: the response brief's sibling for a task opened ahead of a high-risk moment. Nothing has
 * happened yet, so it is built from the narratives expected to surge: what each claims, how it moved over the
 * last four weeks, where it came from, what happened the last times it ran in this mission and what was done,
 * and the approved counter-messaging to get out first.
 */

export interface PrebunkPastAlert extends RelatedAlertInput {
  readonly itemCount: number;
}

export interface PrebunkNarrativeInput {
  readonly key: string;
  /** Hourly volume of the mission × narrative (hour bucket start, count), any order. */
  readonly volume: readonly { readonly start: Date; readonly count: number }[];
  readonly topSources: readonly { readonly name: string; readonly count: number }[];
  /** The latest alerts of this mission × narrative, newest first. */
  readonly pastAlerts: readonly PrebunkPastAlert[];
  /** The lines stored on the task when it opened: used when the catalogue has no entry any more. */
  readonly storedCounterMessaging: { readonly en: readonly string[]; readonly fr: readonly string[] };
}

export interface PrebunkData {
  readonly task: { readonly id: string; readonly mission: string; readonly title: string; readonly status: string; readonly dueAt: Date; readonly openedAt: Date };
  /** Null when the moment was deleted after the task opened. */
  readonly moment: { readonly id: string; readonly title: string; readonly kind: string; readonly date: Date; readonly windowStart: Date; readonly windowEnd: Date } | null;
  readonly narratives: readonly (PrebunkNarrativeInput & { readonly info: NarrativeInfo | null })[];
  readonly now: Date;
}

export interface PrebunkNarrative {
  readonly key: string;
  readonly label: string;
  readonly tier: string | null;
  readonly claim: string | null;
  /** One point per UTC day over the `days` days ending today, gaps filled with zeros. */
  readonly daily: readonly { readonly start: Date; readonly count: number }[];
  readonly total: number;
  /** Items in the 7 days before `generatedAt` and the 7 days before that (rolling, hour buckets). */
  readonly last7d: number;
  readonly previous7d: number;
  readonly topSources: PrebunkNarrativeInput['topSources'];
  readonly pastAlerts: readonly PrebunkPastAlert[];
  readonly counterMessaging: { readonly en: readonly string[]; readonly fr: readonly string[] };
}

export interface PrebunkBrief {
  readonly kind: 'prebunk';
  readonly lang: ReportLang;
  readonly generatedAt: Date;
  readonly task: PrebunkData['task'];
  readonly moment: PrebunkData['moment'];
  /** Whole days from `generatedAt` to the moment's date (negative once it has passed); null without a moment. */
  readonly daysToMoment: number | null;
  readonly days: number;
  readonly narratives: readonly PrebunkNarrative[];
}

const DAY = 86_400_000;
export const PREBUNK_DAYS = 28;

/** Assembles a prebunk brief from loaded data. Pure: same data, same brief. */
export function buildPrebunkBrief(data: PrebunkData, lang: ReportLang, days: number = PREBUNK_DAYS): PrebunkBrief {
  const now = data.now.getTime();
  const today = Math.floor(now / DAY) * DAY;
  const first = today - (days - 1) * DAY;
  return {
    kind: 'prebunk',
    lang,
    generatedAt: data.now,
    task: data.task,
    moment: data.moment,
    daysToMoment: data.moment ? Math.floor((data.moment.date.getTime() - today) / DAY) : null,
    days,
    narratives: data.narratives.map((n) => {
      const byDay = new Map<number, number>();
      let total = 0;
      let last7d = 0;
      let previous7d = 0;
      for (const p of n.volume) {
        const t = p.start.getTime();
        if (t >= first) {
          const d = Math.floor(t / DAY) * DAY;
          byDay.set(d, (byDay.get(d) ?? 0) + p.count);
          total += p.count;
        }
        if (t >= now - 7 * DAY && t < now) last7d += p.count;
        else if (t >= now - 14 * DAY && t < now - 7 * DAY) previous7d += p.count;
      }
      const daily = [];
      for (let d = first; d <= today; d += DAY) daily.push({ start: new Date(d), count: byDay.get(d) ?? 0 });
      const catalogue = n.info?.counterMessaging;
      return {
        key: n.key,
        label: narrativeLabel(n.key),
        tier: n.info?.tier ?? null,
        claim: n.info ? n.info.definition[lang] : null,
        daily,
        total,
        last7d,
        previous7d,
        topSources: n.topSources.slice(0, 5),
        pastAlerts: n.pastAlerts.slice(0, 5),
        counterMessaging: catalogue && catalogue.en.length + catalogue.fr.length > 0 ? catalogue : n.storedCounterMessaging,
      };
    }),
  };
}
