import { escapeHtml as e, escapeMarkdown as md, langTag } from './escape.js';
import { formatDate, formatPct, narrativeLabel, t, term, type ReportLang } from './i18n.js';
import { mdTable } from './page.js';
import { formatDuration } from './stats.js';
import { barChart, sparkline } from './svg.js';
import type { Digest, DigestResponseWithEffect, NarrativeChange } from './digest.js';

// E-mail clients drop <style> blocks and scripts: every style is inline, layout is tables.
const S = {
  body: 'font-family:Arial,Helvetica,sans-serif;color:#111827;max-width:720px;margin:0 auto;padding:12px;line-height:1.4',
  h1: 'font-size:22px;margin:0 0 4px',
  h2: 'font-size:17px;margin:20px 0 6px;border-bottom:1px solid #d1d5db;padding-bottom:2px',
  table: 'border-collapse:collapse;width:100%;margin:4px 0',
  th: 'border:1px solid #d1d5db;padding:4px 6px;background:#f3f4f6;text-align:left;font-size:13px',
  td: 'border:1px solid #d1d5db;padding:4px 6px;vertical-align:top;font-size:13px',
  meta: 'color:#4b5563;font-size:12px',
} as const;

function htmlTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table role="presentation" style="${S.table}"><tr>${headers.map((h) => `<th style="${S.th}">${e(h)}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td style="${S.td}">${c}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

function effectSummary(lang: ReportLang, r: DigestResponseWithEffect): string {
  const head = `${term(lang, r.channel)} (${r.publishedAt ? formatDate(lang, r.publishedAt) : term(lang, r.status)})`;
  if (!r.effect) return head;
  const rows = r.effect.rows.map(
    (x) =>
      `${x.window}${x.complete ? '' : '*'}: ${t(lang, 'volume').toLowerCase()} ${x.before.volume}→${x.after.volume}, ${t(lang, 'sources').toLowerCase()} ${x.before.sources}→${x.after.sources}, ${t(lang, 'harmfulShare').toLowerCase()} ${formatPct(x.before.harmfulShare)}→${formatPct(x.after.harmfulShare)}`,
  );
  return `${head} — ${rows.join('; ')}`;
}

function changeRow(lang: ReportLang, n: NarrativeChange): string[] {
  return [n.narrative, String(n.lastWeek), String(n.thisWeek), [...n.signals.flatMap((s) => [`${s.kind} ×${s.ratio} (${s.observed}/${s.expected})`, ...s.reasons]), ...n.responses.map((r) => effectSummary(lang, r))].join(' · ')];
}

function title(d: Digest): string {
  return `${t(d.lang, 'digestTitle')} — ${d.mission ?? t(d.lang, 'allMissions')} — ${d.week}`;
}

/** E-mail-ready HTML: inline styles, tables, inline SVG charts, no scripts, no external assets. */
export function renderDigestHtml(d: Digest): string {
  const lang = d.lang;
  const section = (key: Parameters<typeof t>[1], content: string) => `<h2 style="${S.h2}">${e(t(lang, key))}</h2>${content}`;
  const empty = `<p style="${S.meta}">${e(t(lang, 'noChange'))}</p>`;
  const changeTable = (list: readonly NarrativeChange[]) =>
    list.length ? htmlTable([t(lang, 'narrative'), t(lang, 'lastWeek'), t(lang, 'thisWeek'), '—'], list.map((n) => changeRow(lang, n).map((c) => e(c)))) : empty;
  const parts: string[] = [];
  parts.push(`<h1 style="${S.h1}">${e(title(d))}</h1><p style="${S.meta}">${e(formatDate(lang, d.weekStart))} → ${e(formatDate(lang, d.weekEnd))} · ${e(t(lang, 'generated'))} ${e(formatDate(lang, d.generatedAt))}</p>`);
  parts.push(section('handling', htmlTable(
    [t(lang, 'raised'), t(lang, 'acknowledged'), t(lang, 'resolvedCount'), t(lang, 'medianAck'), t(lang, 'medianResolve')],
    [[String(d.handling.raised), String(d.handling.acknowledged), String(d.handling.resolved), e(formatDuration(d.handling.medianTimeToAcknowledgeMs)), e(formatDuration(d.handling.medianTimeToResolveMs))]],
  )));
  parts.push(section('s1Incidents', d.s1.length ? htmlTable([t(lang, 'mission'), t(lang, 'narrative'), t(lang, 'firstSeen'), t(lang, 'status'), t(lang, 'items')], d.s1.map((a) => [e(a.mission), e(a.narrative), e(formatDate(lang, a.firstSeenAt)), e(term(lang, a.status)), String(a.itemCount)])) : empty));
  parts.push(section('newNarratives', changeTable(d.new)));
  parts.push(section('escalating', changeTable(d.escalating)));
  parts.push(section('declining', changeTable(d.declining)));
  parts.push(section('recurring', changeTable(d.recurring)));
  parts.push(section('resolved', d.resolved.length ? htmlTable([t(lang, 'mission'), t(lang, 'narrative'), t(lang, 'outcome'), t(lang, 'responses')], d.resolved.map((r) => [e(r.alert.mission), e(r.alert.narrative), r.alert.outcome ? `<span dir="auto">${e(r.alert.outcome)}</span>` : '—', e(r.responses.map((x) => effectSummary(lang, x)).join(' | ') || '—')])) : empty));
  const gaps: string[] = [];
  if (d.coverage.failing.length) gaps.push(`<p><strong>${e(t(lang, 'failingSources'))}</strong>: ${d.coverage.failing.map((s) => `<span dir="auto">${e(s.name)}</span> (${s.consecutiveFailures} ${e(t(lang, 'failures'))}${s.lastError ? `: ${e(s.lastError)}` : ''}${s.disabledReason ? `; ${e(s.disabledReason)}` : ''})`).join(', ')}</p>`);
  if (d.coverage.silent.length) gaps.push(`<p><strong>${e(t(lang, 'silentSources'))}</strong>: ${d.coverage.silent.map((s) => `<span dir="auto">${e(s.name)}</span> (${e(t(lang, 'lastItem'))}: ${s.lastItemAt ? e(formatDate(lang, s.lastItemAt)) : e(t(lang, 'never'))})`).join(', ')}</p>`);
  if (d.coverage.missingLanguages.length) gaps.push(`<p><strong>${e(t(lang, 'missingLanguages'))}</strong>: ${d.coverage.missingLanguages.map(e).join(', ')}</p>`);
  parts.push(section('coverageGaps', gaps.join('') || empty));
  parts.push(section('moments', d.moments.length ? htmlTable([t(lang, 'date'), t(lang, 'mission'), t(lang, 'title'), t(lang, 'kind'), t(lang, 'expected')], d.moments.map((m) => [e(formatDate(lang, m.date).slice(0, 10)), e(m.mission), `<span dir="auto">${e(m.title)}</span>`, e(m.kind), e(m.narratives.join(', '))])) : empty));
  if (d.missions.length) {
    parts.push(section('perMission', htmlTable([t(lang, 'mission'), t(lang, 'lastWeek'), t(lang, 'thisWeek'), t(lang, 'raised'), 'S1'], d.missions.map((m) => [e(m.mission), String(m.lastWeek), String(m.thisWeek), String(m.raised), String(m.s1)]))));
  }
  const active = d.narratives.filter((n) => n.weekly.some((v) => v > 0));
  parts.push(section('volume8w', active.length ? htmlTable([t(lang, 'narrative'), `${d.weeks[0]} → ${d.weeks.at(-1)}`, t(lang, 'thisWeek')], active.map((n) => [e(narrativeLabel(n.narrative)), sparkline(n.weekly, `${n.narrative}: ${n.weekly.join(', ')}`), String(n.thisWeek)])) : empty));
  parts.push(section('shareByLanguage', d.languages.length ? barChart(d.languages.map((l) => ({ label: l.language, value: Math.round(l.share * 1000) / 10 })), { title: t(lang, 'shareByLanguage'), unit: ' %' }) : empty));
  parts.push(section('topSources', d.sources.length ? barChart(d.sources.map((s) => ({ label: s.name, value: s.count })), { title: t(lang, 'topSources') }) : empty));
  return `<!doctype html><html lang="${langTag(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title(d))}</title></head><body style="${S.body}">${parts.join('\n')}</body></html>\n`;
}

/** The digest as Markdown. */
export function renderDigestMarkdown(d: Digest): string {
  const lang = d.lang;
  const out: string[] = [`# ${md(title(d))}`, `${formatDate(lang, d.weekStart)} → ${formatDate(lang, d.weekEnd)} · ${t(lang, 'generated')} ${formatDate(lang, d.generatedAt)}`];
  const changeTable = (list: readonly NarrativeChange[]) => (list.length ? mdTable([t(lang, 'narrative'), t(lang, 'lastWeek'), t(lang, 'thisWeek'), '—'], list.map((n) => changeRow(lang, n).map(md))) : t(lang, 'noChange'));
  out.push(`## ${t(lang, 'handling')}\n\n${mdTable([t(lang, 'raised'), t(lang, 'acknowledged'), t(lang, 'resolvedCount'), t(lang, 'medianAck'), t(lang, 'medianResolve')], [[String(d.handling.raised), String(d.handling.acknowledged), String(d.handling.resolved), formatDuration(d.handling.medianTimeToAcknowledgeMs), formatDuration(d.handling.medianTimeToResolveMs)]])}`);
  out.push(`## ${t(lang, 's1Incidents')}\n\n${d.s1.length ? d.s1.map((a) => `- ${md(a.mission)} · ${md(a.narrative)} · ${formatDate(lang, a.firstSeenAt)} · ${md(term(lang, a.status))} · ${a.itemCount}`).join('\n') : t(lang, 'noChange')}`);
  out.push(`## ${t(lang, 'newNarratives')}\n\n${changeTable(d.new)}`);
  out.push(`## ${t(lang, 'escalating')}\n\n${changeTable(d.escalating)}`);
  out.push(`## ${t(lang, 'declining')}\n\n${changeTable(d.declining)}`);
  out.push(`## ${t(lang, 'recurring')}\n\n${changeTable(d.recurring)}`);
  out.push(`## ${t(lang, 'resolved')}\n\n${d.resolved.length ? d.resolved.map((r) => `- ${md(r.alert.mission)} · ${md(r.alert.narrative)}${r.alert.outcome ? ` · ${md(r.alert.outcome)}` : ''}${r.responses.map((x) => `\n  - ${md(effectSummary(lang, x))}`).join('')}`).join('\n') : t(lang, 'noChange')}`);
  const gaps: string[] = [];
  if (d.coverage.failing.length) gaps.push(`- ${t(lang, 'failingSources')}: ${d.coverage.failing.map((s) => `${md(s.name)} (${s.consecutiveFailures})`).join(', ')}`);
  if (d.coverage.silent.length) gaps.push(`- ${t(lang, 'silentSources')}: ${d.coverage.silent.map((s) => md(s.name)).join(', ')}`);
  if (d.coverage.missingLanguages.length) gaps.push(`- ${t(lang, 'missingLanguages')}: ${d.coverage.missingLanguages.map(md).join(', ')}`);
  out.push(`## ${t(lang, 'coverageGaps')}\n\n${gaps.join('\n') || t(lang, 'noChange')}`);
  out.push(`## ${t(lang, 'moments')}\n\n${d.moments.length ? d.moments.map((m) => `- ${m.date.toISOString().slice(0, 10)} · ${md(m.mission)} · ${md(m.title)} (${md(m.kind)})`).join('\n') : t(lang, 'noChange')}`);
  if (d.missions.length) out.push(`## ${t(lang, 'perMission')}\n\n${mdTable([t(lang, 'mission'), t(lang, 'lastWeek'), t(lang, 'thisWeek'), t(lang, 'raised'), 'S1'], d.missions.map((m) => [m.mission, String(m.lastWeek), String(m.thisWeek), String(m.raised), String(m.s1)]))}`);
  const active = d.narratives.filter((n) => n.weekly.some((v) => v > 0));
  out.push(`## ${t(lang, 'volume8w')}\n\n${active.length ? mdTable([t(lang, 'narrative'), ...d.weeks.map((w) => w.slice(5))], active.map((n) => [md(n.narrative), ...n.weekly.map(String)])) : t(lang, 'noChange')}`);
  out.push(`## ${t(lang, 'shareByLanguage')}\n\n${d.languages.length ? d.languages.map((l) => `- ${md(l.language)}: ${l.count} (${formatPct(l.share)})`).join('\n') : t(lang, 'noChange')}`);
  out.push(`## ${t(lang, 'topSources')}\n\n${d.sources.length ? d.sources.map((s) => `- ${md(s.name)}: ${s.count}`).join('\n') : t(lang, 'noChange')}`);
  return out.join('\n\n') + '\n';
}

/** The digest as JSON-ready data (dates as ISO strings). */
export function digestToJson(d: Digest): unknown {
  return JSON.parse(JSON.stringify(d));
}
