/**
 * False alarms on real traffic the team never labelled: general news feeds (politics, sport, business, tech) that are
 * not about peacekeeping at all. Every item there that comes out harmful is a false alarm, and one attributed to a
 * mission would reach an officer's alert queue. `vigie eval` reports it on the team-written general news of
 * data/general-news.jsonl and, with `--feeds`, on the recorded real-world feeds of ../shared/feeds.
 */
import type { Classifier } from './classifier.js';

export interface OffTopicItem {
  readonly id: string;
  /** Where the item came from (a feed file), shown beside flagged items. */
  readonly origin: string;
  readonly title?: string;
  readonly text: string;
}

export interface FlaggedItem {
  readonly id: string;
  readonly origin: string;
  readonly title: string;
  readonly topNarrative: string | null;
  readonly severity: string | null;
  readonly missions: readonly string[];
}

export interface OffTopicReport {
  readonly items: number;
  /** Items classified harmful: all false alarms on this traffic. */
  readonly harmful: number;
  /** Harmful items attributed to a mission: the false alarms an officer would be alerted to. */
  readonly alerts: number;
  /** Harmful items by top narrative. */
  readonly byNarrative: Readonly<Record<string, number>>;
  readonly flagged: readonly FlaggedItem[];
  readonly classifierVersion: string;
}

/** Classify off-topic items and count the false alarms; `onProgress` is called after each item. */
export function evaluateOffTopic(items: readonly OffTopicItem[], classifier: Classifier, onProgress?: (done: number) => void): OffTopicReport {
  let harmful = 0;
  let alerts = 0;
  const byNarrative: Record<string, number> = {};
  const flagged: FlaggedItem[] = [];
  items.forEach((item, i) => {
    const r = classifier.classify({ id: item.id, text: item.text, ...(item.title ? { title: item.title } : {}) });
    onProgress?.(i + 1);
    if (!r.harmful) return;
    harmful++;
    if (r.missions.length > 0) alerts++;
    const key = r.topNarrative ?? 'none';
    byNarrative[key] = (byNarrative[key] ?? 0) + 1;
    const title = (item.title || item.text).replace(/\s+/g, ' ').trim().slice(0, 100);
    flagged.push({ id: item.id, origin: item.origin, title, topNarrative: r.topNarrative, severity: r.severity, missions: r.missions });
  });
  return { items: items.length, harmful, alerts, byNarrative, flagged, classifierVersion: classifier.version };
}

/** Markdown summary (what `vigie eval` prints for off-topic sets): counts, by narrative, then up to `limit` flagged items. */
export function formatOffTopic(rep: OffTopicReport, limit = 15, what = 'off-topic items'): string {
  const rate = (n: number): string => (rep.items ? `${((100 * n) / rep.items).toFixed(1)} %` : '—');
  const lines = [
    `${what}: ${rep.items} items, classifier ${rep.classifierVersion}`,
    '',
    '| items | harmful (false alarms) | attributed to a mission (would alert) |',
    '|---|---|---|',
    `| ${rep.items} | ${rep.harmful} (${rate(rep.harmful)}) | ${rep.alerts} (${rate(rep.alerts)}) |`,
  ];
  const narratives = Object.entries(rep.byNarrative).sort((a, b) => b[1] - a[1]);
  if (narratives.length) lines.push('', `harmful by top narrative: ${narratives.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  // Alerts first: those are the ones an officer would see.
  const shown = [...rep.flagged].sort((a, b) => b.missions.length - a.missions.length).slice(0, limit);
  if (shown.length) {
    lines.push('', '| feed | item | narrative | severity | missions |', '|---|---|---|---|---|');
    for (const f of shown) lines.push(`| ${f.origin} | ${f.title.replace(/\|/g, '\\|')} | ${f.topNarrative ?? '—'} | ${f.severity ?? '—'} | ${f.missions.join(', ') || '—'} |`);
    if (rep.flagged.length > shown.length) lines.push(`| … | ${rep.flagged.length - shown.length} more | | | |`);
  }
  return lines.join('\n');
}
