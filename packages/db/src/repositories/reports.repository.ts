import { Types } from 'mongoose';
import { MISSION_CODES, type MissionCode, type NarrativeKey } from '@vigie/contracts';
import type { Models } from '../models.js';
import { countSeries } from './timeseries.repository.js';
import { isDuplicateKeyError } from '../errors.js';

/**
 * Loads what the report builders (@vigie/reports) need. Shapes here are plain data, structurally what the
 * builders take; db does not depend on reports. Mission scoping is the caller's decision: every loader takes the
 * missions a key may see (null = all) and returns null / nothing outside them.
 *
 * FerretDB v1: only $match/$group/$sum/$sort; multi-key groups run on plain fields (no $unwind), and whatever
 * needs nested paths (matched terms, mission evidence) is counted here in code.
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;
/**
 * The places a classifier's mission evidence names: the classifier writes each piece as a kind and the words found
 * (`place "Goma"`, `named "MONUSCO"`, `patrol "dawriye"`); only places are places. A bare string (older results) counts
 * unless it is a mission code.
 */
export function placesOfEvidence(evidence: readonly string[], missionCodes: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const e of evidence) {
    if (!e) continue;
    const kinded = /^[a-z ]+ "(.*)"$/.exec(e);
    if (kinded) {
      if (e.startsWith('place "')) out.push(kinded[1]!);
    } else if (!e.includes('"') && !e.includes('(') && !missionCodes.has(e.toLowerCase())) out.push(e);
  }
  return out;
}

/** Items read per alert for the brief (examples, places, terms); the counts on the alert stay exact. */
export const BRIEF_ITEM_CAP = 500;

interface ItemLean {
  _id: Types.ObjectId;
  sourceId: Types.ObjectId;
  title?: string;
  url?: string | null;
  language?: string;
  publishedAt?: Date | null;
  collectedAt: Date;
  severity?: string | null;
  classification?: unknown;
}

interface ClassificationShape {
  stance?: string;
  missions?: string[];
  explanation?: { matchedTerms?: { term?: string; narrative?: string }[]; missionEvidence?: { mission?: string; evidence?: string[] }[] };
}

/** Items that count towards a narrative's volume (same rule as the time series: debunks excluded). */
function volumeMatch(missions: readonly string[] | null, narrative: string | null, extra: Record<string, unknown>): Record<string, unknown> {
  const match: Record<string, unknown> = { status: 'classified', topNarrative: narrative ?? { $ne: null }, 'classification.stance': { $ne: 'counter' }, ...extra };
  if (missions) match.missions = missions.length === 1 ? missions[0] : { $in: missions };
  return match;
}

export interface EffectRowData {
  hour: Date;
  sourceId: string;
  count: number;
  harmful: number;
}

/**
 * Hourly volume per source with harmful counts for one mission × narrative in [from, to): the input of
 * responseEffect. One $group on three plain fields (hour, sourceId, harmful), folded here.
 */
export async function effectSeries(models: Models, mission: MissionCode, narrative: NarrativeKey, from: Date, to: Date): Promise<EffectRowData[]> {
  const rows = await models.items.aggregate<{ _id: { hour: Date; sourceId: Types.ObjectId; harmful: boolean | null }; n: number }>([
    { $match: volumeMatch([mission], narrative, { hour: { $gte: from, $lt: to } }) },
    { $group: { _id: { hour: '$hour', sourceId: '$sourceId', harmful: '$harmful' }, n: { $sum: 1 } } },
  ]);
  const out = new Map<string, EffectRowData>();
  for (const r of rows) {
    if (!r._id?.hour) continue;
    const hour = new Date(r._id.hour);
    const key = `${hour.getTime()}:${String(r._id.sourceId)}`;
    const row = out.get(key) ?? { hour, sourceId: String(r._id.sourceId), count: 0, harmful: 0 };
    row.count += r.n;
    if (r._id.harmful === true) row.harmful += r.n;
    out.set(key, row);
  }
  return [...out.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime() || a.sourceId.localeCompare(b.sourceId));
}

export interface ResponseData {
  id: string;
  alertId: string;
  mission: string;
  narrative: string;
  channel: string;
  status: string;
  text: string;
  publishedAt: Date | null;
  author: string;
  approvedBy: string | null;
}

function responseData(r: { _id: unknown; alertId: unknown; mission: string; narrative: string; channel: string; status?: string | null; text: string; publishedAt?: Date | null; author: string; approvedBy?: string | null }): ResponseData {
  return {
    id: String(r._id),
    alertId: String(r.alertId),
    mission: r.mission,
    narrative: r.narrative,
    channel: r.channel,
    status: r.status ?? 'draft',
    text: r.text,
    publishedAt: r.publishedAt ?? null,
    author: r.author,
    approvedBy: r.approvedBy ?? null,
  };
}

/**
 * The five latest alerts of a mission × narrative (newest first; `except` left out), each with its responses
 * (oldest first): "what happened the last times and what was done", for the response and prebunk briefs.
 */
async function pastAlertsWithResponses(models: Models, mission: MissionCode, narrative: NarrativeKey, except?: Types.ObjectId) {
  const alerts = await models.alerts
    .find({ mission, narrative, ...(except ? { _id: { $ne: except } } : {}) }, { status: 1, severity: 1, firstSeenAt: 1, resolvedAt: 1, outcome: 1, itemCount: 1 })
    .sort({ firstSeenAt: -1 })
    .limit(5)
    .lean();
  const responses = alerts.length ? (await models.responses.find({ alertId: { $in: alerts.map((a) => a._id) } }).sort({ createdAt: 1 }).lean()).map(responseData) : [];
  return alerts.map((a) => ({
    id: String(a._id),
    status: a.status ?? 'open',
    severity: a.severity,
    firstSeenAt: a.firstSeenAt,
    resolvedAt: a.resolvedAt ?? null,
    outcome: a.outcome ?? null,
    itemCount: a.itemCount ?? 0,
    responses: responses.filter((r) => r.alertId === String(a._id)),
  }));
}

const countBy = (values: Iterable<string>) => {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key, count]) => ({ key, count }));
};

/** Everything a response brief shows for one alert, or null when the alert does not exist or is out of scope. */
export async function loadBriefData(models: Models, alertId: string, missions: readonly MissionCode[] | null, now: Date = new Date()) {
  if (!Types.ObjectId.isValid(alertId)) return null;
  const alert = await models.alerts.findById(alertId).lean();
  if (!alert || (missions && !missions.includes(alert.mission))) return null;
  const mission = alert.mission;
  const narrative = alert.narrative;

  const links = await models.alertItems.find({ alertId: alert._id }, { itemId: 1 }).sort({ addedAt: -1 }).limit(BRIEF_ITEM_CAP).lean();
  const items = (await models.items
    .find({ _id: { $in: links.map((l) => l.itemId) } }, { sourceId: 1, title: 1, url: 1, language: 1, publishedAt: 1, collectedAt: 1, severity: 1, classification: 1 })
    .lean()) as unknown as ItemLean[];
  const sourceIds = [...new Set(items.map((i) => String(i.sourceId)))];
  const sources = await models.sources.find({ _id: { $in: sourceIds } }, { name: 1 }).lean();
  const nameOf = new Map(sources.map((s) => [String(s._id), s.name]));

  const missionCodes = new Set<string>(MISSION_CODES.map((m) => m.toLowerCase()));
  const placeKeys: string[] = [];
  const missionKeys: string[] = [];
  const termKeys: string[] = [];
  for (const item of items) {
    const c = (item.classification ?? {}) as ClassificationShape;
    missionKeys.push(...new Set(c.missions ?? []));
    const places = new Set<string>();
    for (const ev of c.explanation?.missionEvidence ?? []) for (const p of placesOfEvidence(ev.evidence ?? [], missionCodes)) places.add(p);
    placeKeys.push(...places);
    const terms = new Set<string>();
    for (const m of c.explanation?.matchedTerms ?? []) if (m.term) terms.add(`${m.narrative ?? ''}\u0000${m.term}`);
    termKeys.push(...terms);
  }

  const volumeFrom = new Date(Math.max(Math.floor(alert.firstSeenAt.getTime() / HOUR) * HOUR, now.getTime() - 30 * DAY));
  const volume = await countSeries(models, mission, narrative, 'hour', volumeFrom);

  const responses = (await models.responses.find({ alertId: alert._id }).sort({ createdAt: 1 }).lean()).map(responseData);
  const published = responses.filter((r) => r.status === 'published' && r.publishedAt).map((r) => r.publishedAt!.getTime());
  const series = published.length ? await effectSeries(models, mission, narrative, new Date(Math.min(...published) - 8 * DAY), new Date(now.getTime() + HOUR)) : [];

  const related = await pastAlertsWithResponses(models, mission, narrative, alert._id);

  const ew = alert.earlyWarning as { kind?: string; observed?: number; expected?: number; ratio?: number; reasons?: string[]; detectedAt?: Date } | null;
  return {
    alert: {
      id: String(alert._id),
      mission,
      narrative,
      severity: alert.severity,
      status: alert.status ?? 'open',
      firstSeenAt: alert.firstSeenAt,
      lastSeenAt: alert.lastSeenAt,
      itemCount: alert.itemCount ?? items.length,
      sourceCount: alert.sourceCount ?? sourceIds.length,
      languages: alert.languages ?? [],
      outcome: alert.outcome ?? null,
      earlyWarning: ew
        ? { kind: ew.kind ?? 'spike', observed: ew.observed ?? 0, expected: ew.expected ?? 0, ratio: ew.ratio ?? 0, reasons: ew.reasons ?? [], detectedAt: ew.detectedAt ? new Date(ew.detectedAt) : null }
        : null,
    },
    volume,
    effectSeries: series,
    topSources: countBy(items.map((i) => nameOf.get(String(i.sourceId)) ?? String(i.sourceId))).map((s) => ({ name: s.key, count: s.count })),
    items: items.map((i) => ({
      id: String(i._id),
      title: i.title ?? '',
      url: i.url ?? null,
      sourceName: nameOf.get(String(i.sourceId)) ?? String(i.sourceId),
      language: i.language ?? 'und',
      at: i.publishedAt ?? i.collectedAt,
      severity: i.severity ?? null,
      stance: ((i.classification ?? {}) as ClassificationShape).stance ?? null,
    })),
    missions: countBy(missionKeys),
    places: countBy(placeKeys),
    matchedTerms: countBy(termKeys).map(({ key, count }) => {
      const [kind, term] = key.split('\u0000') as [string, string];
      return { term, kind, count };
    }),
    // The response brief does not show item counts.
    related: related.map(({ itemCount: _itemCount, ...a }) => a),
    responses,
    now,
  };
}

export type BriefSource = NonNullable<Awaited<ReturnType<typeof loadBriefData>>>;

export interface DigestQuery {
  /** One mission, or null for the overall digest (then `scope` limits what "overall" covers). */
  readonly mission: MissionCode | null;
  /** Missions the caller may see; null = all. */
  readonly scope: readonly MissionCode[] | null;
  readonly week: string;
  /** The 8 ISO week keys ending with `week`, oldest first. */
  readonly weeks: readonly string[];
  readonly weekStart: Date;
  readonly weekEnd: Date;
  readonly now: Date;
}

/** Everything the weekly digest needs for one mission (or overall within a scope). */
export async function loadDigestData(models: Models, q: DigestQuery) {
  const missions: readonly MissionCode[] | null = q.mission ? [q.mission] : q.scope;
  const missionFilter: Record<string, unknown> = missions ? { mission: { $in: [...missions] } } : {};
  const from = q.weekStart;
  const to = q.weekEnd;
  const ref = new Date(Math.min(to.getTime(), q.now.getTime()));

  const volumeRows = await models.items.aggregate<{ _id: { narrative: string; week: string }; n: number }>([
    { $match: volumeMatch(missions, null, { week: { $in: [...q.weeks] } }) },
    { $group: { _id: { narrative: '$topNarrative', week: '$week' }, n: { $sum: 1 } } },
  ]);
  const thisWeek = volumeMatch(missions, null, { week: q.week });
  const languageRows = await models.items.aggregate<{ _id: string | null; n: number }>([{ $match: thisWeek }, { $group: { _id: '$language', n: { $sum: 1 } } }]);
  const sourceRows = await models.items.aggregate<{ _id: Types.ObjectId; n: number }>([{ $match: thisWeek }, { $group: { _id: '$sourceId', n: { $sum: 1 } } }, { $sort: { n: -1 } }, { $limit: 10 }]);

  let missionVolume: { mission: string; thisWeek: number; lastWeek: number }[] | undefined;
  if (!q.mission) {
    const lastWeek = q.weeks.at(-2) ?? q.week;
    // Group on the missions array as a whole (no $unwind before a multi-key $group on FerretDB v1), split here.
    const rows = await models.items.aggregate<{ _id: { missions: string[] | null; week: string }; n: number }>([
      { $match: volumeMatch(missions, null, { week: { $in: [lastWeek, q.week] } }) },
      { $group: { _id: { missions: '$missions', week: '$week' }, n: { $sum: 1 } } },
    ]);
    const byMission = new Map<string, { mission: string; thisWeek: number; lastWeek: number }>();
    for (const r of rows) {
      for (const m of r._id.missions ?? []) {
        if (missions && !missions.includes(m as MissionCode)) continue;
        const e = byMission.get(m) ?? { mission: m, thisWeek: 0, lastWeek: 0 };
        if (r._id.week === q.week) e.thisWeek += r.n;
        else e.lastWeek += r.n;
        byMission.set(m, e);
      }
    }
    missionVolume = [...byMission.values()].sort((a, b) => b.thisWeek - a.thisWeek || a.mission.localeCompare(b.mission));
  }

  const alerts = await models.alerts
    .find(
      { ...missionFilter, $or: [{ openedAt: { $gte: from } }, { lastSeenAt: { $gte: from } }, { acknowledgedAt: { $gte: from } }, { resolvedAt: { $gte: from } }] },
      { mission: 1, narrative: 1, severity: 1, status: 1, openedAt: 1, firstSeenAt: 1, lastSeenAt: 1, acknowledgedAt: 1, resolvedAt: 1, timeToAcknowledgeMs: 1, timeToResolveMs: 1, outcome: 1, itemCount: 1 },
    )
    .limit(5_000)
    .lean();

  const signals = await models.earlyWarnings.find({ ...missionFilter, detectedAt: { $gte: from, $lt: to } }).sort({ detectedAt: 1 }).limit(500).lean();

  const windowStart = new Date(from.getTime() - 7 * 7 * DAY);
  const responseDocs = await models.responses.find({ ...missionFilter, status: 'published', publishedAt: { $gte: windowStart, $lt: to } }).sort({ publishedAt: 1 }).limit(50).lean();
  const responses = [];
  for (const r of responseDocs) {
    const at = r.publishedAt!.getTime();
    const series = await effectSeries(models, r.mission, r.narrative, new Date(at - 8 * DAY), new Date(Math.min(at + 8 * DAY, q.now.getTime() + HOUR)));
    responses.push({ ...responseData(r), series });
  }

  const sourceDocs = await models.sources.find(missions ? { missions: { $in: missions } } : {}, { name: 1, enabled: 1, health: 1, languages: 1 }).limit(2_000).lean();
  const names = new Map<string, string>();
  const topSourceDocs = await models.sources.find({ _id: { $in: sourceRows.map((s) => s._id) } }, { name: 1 }).lean();
  for (const s of topSourceDocs) names.set(String(s._id), s.name);
  // Silent sources: no item in the 7 days before the reference time. Count per source with one $group, then
  // look up the latest item only for the silent ones.
  const recent = await models.items.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { sourceId: { $in: sourceDocs.map((s) => s._id) }, hour: { $gte: new Date(ref.getTime() - 7 * DAY), $lt: ref } } },
    { $group: { _id: '$sourceId', n: { $sum: 1 } } },
  ]);
  const active = new Set(recent.filter((r) => r.n > 0).map((r) => String(r._id)));
  const sourceHealth = [];
  for (const s of sourceDocs) {
    let lastItemAt: Date | null = ref;
    if (!active.has(String(s._id))) {
      const last = await models.items.find({ sourceId: s._id, hour: { $lt: ref } }, { hour: 1 }).sort({ hour: -1 }).limit(1).lean();
      lastItemAt = last[0]?.hour ?? null;
    }
    sourceHealth.push({
      name: s.name,
      enabled: s.enabled ?? true,
      consecutiveFailures: s.health?.consecutiveFailures ?? 0,
      lastError: s.health?.lastError?.message ?? null,
      disabledReason: s.health?.disabledReason ?? null,
      lastItemAt,
    });
  }

  const moments = await models.moments.find({ ...missionFilter, date: { $gte: ref, $lt: new Date(ref.getTime() + 14 * DAY) } }).sort({ date: 1 }).limit(100).lean();

  return {
    mission: q.mission,
    week: q.week,
    now: q.now,
    volume: volumeRows.filter((r) => r._id?.narrative).map((r) => ({ narrative: r._id.narrative, week: r._id.week, count: r.n })),
    languages: languageRows.map((r) => ({ language: r._id ?? 'und', count: r.n })),
    sources: sourceRows.map((r) => ({ name: names.get(String(r._id)) ?? String(r._id), count: r.n })),
    alerts: alerts.map((a) => ({
      id: String(a._id),
      mission: a.mission,
      narrative: a.narrative,
      severity: a.severity,
      status: a.status ?? 'open',
      openedAt: a.openedAt,
      firstSeenAt: a.firstSeenAt,
      lastSeenAt: a.lastSeenAt,
      acknowledgedAt: a.acknowledgedAt ?? null,
      resolvedAt: a.resolvedAt ?? null,
      timeToAcknowledgeMs: a.timeToAcknowledgeMs ?? null,
      timeToResolveMs: a.timeToResolveMs ?? null,
      outcome: a.outcome ?? null,
      itemCount: a.itemCount ?? 0,
    })),
    signals: signals.map((s) => ({ mission: s.mission, narrative: s.narrative, kind: s.kind, observed: s.observed, expected: s.expected, ratio: s.ratio, reasons: s.reasons ?? [], detectedAt: s.detectedAt })),
    responses,
    sourceHealth,
    expectedLanguages: [...new Set(sourceDocs.filter((s) => s.enabled !== false).flatMap((s) => s.languages ?? []))],
    moments: moments.map((m) => ({ mission: m.mission, title: m.title, kind: m.kind, date: m.date, narratives: m.narratives ?? [] })),
    ...(missionVolume ? { missionVolume } : {}),
  };
}

export type DigestSource = Awaited<ReturnType<typeof loadDigestData>>;

export interface StoredDigestInput {
  /** A mission code or ALL_MISSIONS. */
  readonly mission: string;
  readonly week: string;
  readonly lang: 'en' | 'fr';
  readonly generatedAt: Date;
  readonly generatedBy: string;
  readonly data: unknown;
  readonly html: string;
  readonly markdown: string;
}

/**
 * Stores a digest, replacing the one for the same mission × week × language (idempotent regeneration). Two
 * concurrent first generations race on the unique index; the loser retries as a plain replace.
 */
export async function storeDigest(models: Models, input: StoredDigestInput): Promise<{ id: string; created: boolean }> {
  const key = { mission: input.mission, week: input.week, lang: input.lang };
  const set = { generatedAt: input.generatedAt, generatedBy: input.generatedBy, data: input.data, html: input.html, markdown: input.markdown };
  for (let attempt = 0; ; attempt++) {
    try {
      const existing = await models.digests.findOne(key, { _id: 1 }).lean();
      if (existing) {
        await models.digests.updateOne({ _id: existing._id }, { $set: set });
        return { id: String(existing._id), created: false };
      }
      const doc = await models.digests.create({ ...key, ...set });
      return { id: String(doc._id), created: true };
    } catch (error) {
      if (attempt === 0 && isDuplicateKeyError(error)) continue;
      throw error;
    }
  }
}

/** Days of history a prebunk brief charts and ranks sources over, per narrative. */
export const PREBUNK_HISTORY_DAYS = 28;

/**
 * Everything a prebunk brief shows for one task (opened ahead of a high-risk moment), or null when the task does
 * not exist or is out of scope: the moment (null when deleted since), and per narrative expected to surge its
 * hourly volume over the last 28 days, top sources over the same days, and the last past alerts of that
 * mission × narrative with their responses ("what was done").
 */
export async function loadPrebunkData(models: Models, taskId: string, missions: readonly MissionCode[] | null, now: Date = new Date()) {
  if (!Types.ObjectId.isValid(taskId)) return null;
  const task = await models.tasks.findById(taskId).lean();
  if (!task || (missions && !missions.includes(task.mission))) return null;
  const mission = task.mission;
  const moment = task.momentId ? await models.moments.findById(task.momentId).lean() : null;
  const from = new Date(Math.floor(now.getTime() / DAY) * DAY - (PREBUNK_HISTORY_DAYS - 1) * DAY);
  const storedLines = (task.counterMessages ?? []) as { narrative?: string; en?: string[] | string; fr?: string[] | string }[];
  const lines = (v: string[] | string | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

  const narratives = [];
  for (const narrative of (moment?.narratives?.length ? moment.narratives : task.narratives) as NarrativeKey[]) {
    const volume = await countSeries(models, mission, narrative, 'hour', from);
    const sourceRows = await models.items.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: volumeMatch([mission], narrative, { hour: { $gte: from } }) },
      { $group: { _id: '$sourceId', n: { $sum: 1 } } },
      { $sort: { n: -1 } },
      { $limit: 5 },
    ]);
    const names = await models.sources.find({ _id: { $in: sourceRows.map((s) => s._id) } }, { name: 1 }).lean();
    const nameOf = new Map(names.map((s) => [String(s._id), s.name]));
    const pastAlerts = await pastAlertsWithResponses(models, mission, narrative);
    const stored = storedLines.find((m) => m.narrative === narrative);
    narratives.push({
      key: narrative,
      volume,
      topSources: sourceRows.map((r) => ({ name: nameOf.get(String(r._id)) ?? String(r._id), count: r.n })),
      pastAlerts,
      storedCounterMessaging: { en: lines(stored?.en), fr: lines(stored?.fr) },
    });
  }
  return {
    task: { id: String(task._id), mission, title: task.title, status: task.status ?? 'open', dueAt: task.dueAt, openedAt: task.openedAt },
    moment: moment
      ? { id: String(moment._id), title: moment.title, kind: moment.kind, date: moment.date, windowBeforeDays: moment.windowBeforeDays ?? 3, windowAfterDays: moment.windowAfterDays ?? 2 }
      : null,
    momentDate: moment?.date ?? task.momentDate ?? null,
    narratives,
    now,
  };
}

export type PrebunkSource = NonNullable<Awaited<ReturnType<typeof loadPrebunkData>>>;
