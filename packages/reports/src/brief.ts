import { SEVERITY_RANK, type Severity } from '@vigie/contracts';
import { responseEffect, type EffectSeriesRow, type ResponseEffect } from './effect.js';
import { narrativeLabel, type ReportLang } from './i18n.js';

/** What the catalogue says about a narrative (from @vigie/nlp's catalogue.json), passed in by the caller. */
export interface NarrativeInfo {
  readonly key: string;
  readonly tier: string;
  readonly definition: { readonly en: string; readonly fr: string };
  readonly counterMessaging: { readonly en: readonly string[]; readonly fr: readonly string[] };
}

export interface BriefItemInput {
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly sourceName: string;
  readonly language: string;
  /** Effective time (published, else collected). */
  readonly at: Date;
  readonly severity: string | null;
  readonly stance: string | null;
}

export interface ResponseInput {
  readonly id: string;
  readonly channel: string;
  readonly status: string;
  readonly text: string;
  readonly publishedAt: Date | null;
  readonly author: string;
  readonly approvedBy: string | null;
}

export interface EarlyWarningInput {
  readonly kind: string;
  readonly observed: number;
  readonly expected: number;
  readonly ratio: number;
  readonly reasons: readonly string[];
  readonly detectedAt: Date | null;
}

/** A past alert of the same mission × narrative and the responses published for it (brief and prebunk brief). */
export interface RelatedAlertInput {
  readonly id: string;
  readonly status: string;
  readonly severity: string;
  readonly firstSeenAt: Date;
  readonly resolvedAt: Date | null;
  readonly outcome: string | null;
  readonly responses: readonly ResponseInput[];
}

export interface BriefData {
  readonly alert: {
    readonly id: string;
    readonly mission: string;
    readonly narrative: string;
    readonly severity: string;
    readonly status: string;
    readonly firstSeenAt: Date;
    readonly lastSeenAt: Date;
    readonly itemCount: number;
    readonly sourceCount: number;
    readonly languages: readonly string[];
    readonly outcome: string | null;
    readonly earlyWarning: EarlyWarningInput | null;
  };
  readonly narrative: NarrativeInfo | null;
  /** Hourly volume of the mission × narrative (hour bucket start, count). */
  readonly volume: readonly { readonly start: Date; readonly count: number }[];
  /** Hourly volume per source with harmful counts, covering 7 days before the earliest published response to now. */
  readonly effectSeries: readonly EffectSeriesRow[];
  readonly topSources: readonly { readonly name: string; readonly count: number }[];
  /** The alert's items, any order; the brief shows the earliest as the origin and the latest as examples. */
  readonly items: readonly BriefItemInput[];
  /** Missions and places named in the items (classifier mission evidence), with counts. */
  readonly missions: readonly { readonly key: string; readonly count: number }[];
  readonly places: readonly { readonly key: string; readonly count: number }[];
  /** Matched lexicon terms with how many items matched them; `kind` is the narrative key or `_call_to_act`/`_target`. */
  readonly matchedTerms: readonly { readonly term: string; readonly kind: string; readonly count: number }[];
  readonly related: readonly RelatedAlertInput[];
  readonly responses: readonly ResponseInput[];
  readonly now: Date;
}

export interface Brief {
  readonly kind: 'brief';
  readonly lang: ReportLang;
  readonly generatedAt: Date;
  readonly alert: BriefData['alert'];
  readonly narrativeLabel: string;
  readonly claim: string | null;
  readonly tier: string | null;
  readonly origin: { readonly firstSeenAt: Date; readonly firstItem: BriefItemInput | null };
  readonly spread: {
    readonly resolution: 'hour' | 'day';
    readonly points: { readonly start: Date; readonly count: number }[];
    readonly total: number;
    /** Items in the 24 h before `generatedAt` and the 24 h before that. */
    readonly last24h: number;
    readonly previous24h: number;
    readonly peak: { readonly start: Date; readonly count: number } | null;
  };
  readonly topSources: BriefData['topSources'];
  readonly examples: readonly BriefItemInput[];
  readonly missions: BriefData['missions'];
  readonly places: BriefData['places'];
  readonly severity: { readonly level: string; readonly why: readonly string[]; readonly matchedTerms: BriefData['matchedTerms'] };
  readonly related: BriefData['related'];
  readonly counterMessaging: { readonly en: readonly string[]; readonly fr: readonly string[] };
  readonly responses: readonly (ResponseInput & { readonly effect: ResponseEffect | null })[];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Above this span the chart switches from hourly to daily bars. */
const HOURLY_MAX_SPAN_H = 72;
const MAX_DAYS = 30;

/** Fills the gaps with zeros: hourly bars up to 72 h of history, daily bars (at most 30 days) beyond. */
export function spreadSeries(volume: BriefData['volume'], from: Date, to: Date): { resolution: 'hour' | 'day'; points: { start: Date; count: number }[] } {
  const startH = Math.floor(from.getTime() / HOUR) * HOUR;
  const endH = Math.floor(to.getTime() / HOUR) * HOUR;
  if ((endH - startH) / HOUR < HOURLY_MAX_SPAN_H) {
    const byHour = new Map<number, number>();
    for (const p of volume) byHour.set(p.start.getTime(), (byHour.get(p.start.getTime()) ?? 0) + p.count);
    const points = [];
    for (let t = startH; t <= endH; t += HOUR) points.push({ start: new Date(t), count: byHour.get(t) ?? 0 });
    return { resolution: 'hour', points };
  }
  const endD = Math.floor(endH / DAY) * DAY;
  const startD = Math.max(Math.floor(startH / DAY) * DAY, endD - (MAX_DAYS - 1) * DAY);
  const byDay = new Map<number, number>();
  for (const p of volume) {
    const d = Math.floor(p.start.getTime() / DAY) * DAY;
    byDay.set(d, (byDay.get(d) ?? 0) + p.count);
  }
  const points = [];
  for (let t = startD; t <= endD; t += DAY) points.push({ start: new Date(t), count: byDay.get(t) ?? 0 });
  return { resolution: 'day', points };
}

function severityWhy(lang: ReportLang, data: BriefData): string[] {
  const out: string[] = [];
  const tier = data.narrative?.tier ?? null;
  const level = data.alert.severity;
  const calls = data.matchedTerms.filter((m) => m.kind === '_call_to_act').map((m) => m.term);
  const targets = data.matchedTerms.filter((m) => m.kind === '_target').map((m) => m.term);
  if (tier) {
    out.push(lang === 'fr' ? `Le catalogue classe ce récit au niveau ${tier}.` : `The catalogue places this narrative at tier ${tier}.`);
  }
  const rank = (s: string | null) => (s && s in SEVERITY_RANK ? SEVERITY_RANK[s as Severity] : null);
  const levelRank = rank(level);
  const tierRank = rank(tier);
  if (levelRank !== null && tierRank !== null && levelRank < tierRank) {
    out.push(
      lang === 'fr'
        ? `Relevé à ${level} : appels à agir${calls.length ? ` (${calls.slice(0, 5).join(', ')})` : ''} avec une cible ou une logistique concrète${targets.length ? ` (${targets.slice(0, 5).join(', ')})` : ''}.`
        : `Raised to ${level}: calls to act${calls.length ? ` (${calls.slice(0, 5).join(', ')})` : ''} with a concrete target or logistics${targets.length ? ` (${targets.slice(0, 5).join(', ')})` : ''}.`,
    );
  }
  if (level === 'S4') {
    out.push(lang === 'fr' ? 'Critique ou grief légitime : suivi de tendance, jamais qualifié de désinformation.' : 'Grievance or legitimate criticism: trend only, never labelled misinformation.');
  }
  const ew = data.alert.earlyWarning;
  if (ew) {
    out.push(
      lang === 'fr'
        ? `Signal ${ew.kind} : ${ew.observed} contenus observés pour ${ew.expected} attendus (×${ew.ratio}).`
        : `${ew.kind} signal: ${ew.observed} items observed against ${ew.expected} expected (×${ew.ratio}).`,
    );
    for (const r of ew.reasons) out.push(r);
  }
  return out;
}

/** Assembles a response brief from loaded data. Pure: same data, same brief. */
export function buildBrief(data: BriefData, lang: ReportLang): Brief {
  const sortedItems = [...data.items].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
  const spread = spreadSeries(data.volume, data.alert.firstSeenAt, data.now);
  const now = data.now.getTime();
  const sumBetween = (from: number, to: number) => data.volume.reduce((s, p) => (p.start.getTime() >= from && p.start.getTime() < to ? s + p.count : s), 0);
  const peak = data.volume.reduce<{ start: Date; count: number } | null>((best, p) => (!best || p.count > best.count ? { start: p.start, count: p.count } : best), null);
  return {
    kind: 'brief',
    lang,
    generatedAt: data.now,
    alert: data.alert,
    narrativeLabel: narrativeLabel(data.alert.narrative),
    claim: data.narrative ? data.narrative.definition[lang] : null,
    tier: data.narrative?.tier ?? null,
    origin: { firstSeenAt: data.alert.firstSeenAt, firstItem: sortedItems[0] ?? null },
    spread: {
      ...spread,
      total: data.volume.reduce((s, p) => s + p.count, 0),
      last24h: sumBetween(now - DAY, now),
      previous24h: sumBetween(now - 2 * DAY, now - DAY),
      peak,
    },
    topSources: data.topSources.slice(0, 5),
    examples: sortedItems.slice(-8).reverse(),
    missions: data.missions,
    places: data.places.slice(0, 12),
    severity: { level: data.alert.severity, why: severityWhy(lang, data), matchedTerms: data.matchedTerms.slice(0, 12) },
    related: data.related,
    counterMessaging: data.narrative?.counterMessaging ?? { en: [], fr: [] },
    responses: data.responses.map((r) => ({
      ...r,
      effect: r.status === 'published' && r.publishedAt ? responseEffect(data.effectSeries, r.publishedAt, data.now) : null,
    })),
  };
}
