import { escapeHtml, escapeMarkdown as md } from './escape.js';
import { formatDate, t, term, type ReportLang } from './i18n.js';
import { htmlPage, mdTable, table, userText } from './page.js';
import { columnChart } from './svg.js';
import type { PrebunkBrief, PrebunkNarrative, PrebunkPastAlert } from './prebunk.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

function title(brief: PrebunkBrief): string {
  return `${t(brief.lang, 'prebunkTitle')}: ${brief.task.mission} — ${brief.moment?.title ?? brief.task.title}`;
}

function pastRowsMd(lang: ReportLang, rows: readonly PrebunkPastAlert[]): string {
  if (rows.length === 0) return t(lang, 'none');
  return rows
    .map(
      (a) =>
        `- ${formatDate(lang, a.firstSeenAt)} · ${md(a.severity)} · ${md(term(lang, a.status))} · ${a.itemCount} ${t(lang, 'items').toLowerCase()}${a.outcome ? ` · ${t(lang, 'outcome')}: ${md(a.outcome)}` : ''}` +
        a.responses.map((r) => `\n  - ${md(term(lang, r.channel))} (${md(term(lang, r.status))}${r.publishedAt ? `, ${formatDate(lang, r.publishedAt)}` : ''}): ${md(r.text.slice(0, 200))}`).join(''),
    )
    .join('\n');
}

function narrativeMd(lang: ReportLang, n: PrebunkNarrative, days: number): string {
  const out: string[] = [];
  out.push(`## ${md(n.label)} (\`${n.key}\`)${n.tier ? ` — ${t(lang, 'tier')}: ${md(n.tier)}` : ''}`);
  out.push(`### ${t(lang, 'claim')}\n\n${n.claim ? md(n.claim) : t(lang, 'noDefinition')}`);
  const nonZero = n.daily.filter((p) => p.count > 0);
  out.push(
    `### ${t(lang, 'recentVolume')}\n\n- ${n.total} ${t(lang, 'items').toLowerCase()} (${days} ${t(lang, 'daysShown')}); ${t(lang, 'last7d')}: ${n.last7d} (${t(lang, 'previous7d')}: ${n.previous7d})` +
      (nonZero.length ? `\n\n${mdTable([t(lang, 'date'), t(lang, 'perDay')], nonZero.map((p) => [day(p.start), String(p.count)]))}` : ''),
  );
  out.push(`### ${t(lang, 'topSources')}\n\n${n.topSources.length ? n.topSources.map((s) => `- ${md(s.name)}: ${s.count}`).join('\n') : t(lang, 'none')}`);
  out.push(`### ${t(lang, 'pastAlerts')}\n\n${pastRowsMd(lang, n.pastAlerts)}`);
  const quote = (lines: readonly string[]) => lines.map((l) => `> ${md(l)}`).join('\n>\n') || t(lang, 'none');
  out.push(`### ${t(lang, 'counterMessaging')}\n\n#### FR\n\n${quote(n.counterMessaging.fr)}\n\n#### EN\n\n${quote(n.counterMessaging.en)}`);
  return out.join('\n\n');
}

/** The prebunk brief as Markdown. Every user string is escaped. */
export function renderPrebunkMarkdown(brief: PrebunkBrief): string {
  const lang = brief.lang;
  const out: string[] = [];
  out.push(`# ${md(title(brief))}`);
  out.push(`${t(lang, 'status')}: ${md(term(lang, brief.task.status))} · ${t(lang, 'taskDue')}: ${formatDate(lang, brief.task.dueAt)} · ${t(lang, 'generated')} ${formatDate(lang, brief.generatedAt)}`);
  const m = brief.moment;
  out.push(
    `## ${t(lang, 'moment')}\n\n` +
      (m
        ? `- ${md(m.title)} (${md(m.kind)}) — ${day(m.date)}\n- ${t(lang, 'momentWindow')}: ${formatDate(lang, m.windowStart)} → ${formatDate(lang, m.windowEnd)}\n- ${t(lang, 'inDays')}: ${brief.daysToMoment}`
        : t(lang, 'momentDeleted')),
  );
  out.push(`## ${t(lang, 'expected')}\n\n${t(lang, 'expectedIntro')}\n\n${brief.narratives.length ? brief.narratives.map((n) => `- ${md(n.label)}`).join('\n') : t(lang, 'none')}`);
  for (const n of brief.narratives) out.push(narrativeMd(lang, n, brief.days));
  return out.join('\n\n') + '\n';
}

/** The prebunk brief as one self-contained HTML page: inline CSS and SVG, no scripts, prints well. */
export function renderPrebunkHtml(brief: PrebunkBrief): string {
  const lang = brief.lang;
  const e = escapeHtml;
  const m = brief.moment;
  const parts: string[] = [];
  parts.push(
    `<header><h1>${userText(title(brief))}</h1><p class="meta">${e(t(lang, 'status'))}: ${e(term(lang, brief.task.status))} · ${e(t(lang, 'taskDue'))}: ${e(formatDate(lang, brief.task.dueAt))} · ${e(t(lang, 'generated'))} ${e(formatDate(lang, brief.generatedAt))}</p><p class="meta noprint">${e(t(lang, 'print'))}</p></header>`,
  );
  parts.push(
    `<section><h2>${e(t(lang, 'moment'))}</h2>` +
      (m
        ? `<ul><li>${userText(m.title)} (${e(m.kind)}) — <strong>${e(day(m.date))}</strong></li><li>${e(t(lang, 'momentWindow'))}: ${e(formatDate(lang, m.windowStart))} → ${e(formatDate(lang, m.windowEnd))}</li><li>${e(t(lang, 'inDays'))}: ${brief.daysToMoment}</li></ul>`
        : `<p>${e(t(lang, 'momentDeleted'))}</p>`) +
      `</section>`,
  );
  parts.push(
    `<section><h2>${e(t(lang, 'expected'))}</h2><p>${e(t(lang, 'expectedIntro'))}</p>${brief.narratives.length ? `<ul>${brief.narratives.map((n) => `<li>${e(n.label)}</li>`).join('')}</ul>` : `<p>${e(t(lang, 'none'))}</p>`}</section>`,
  );
  const cm = (lines: readonly string[], l: string) => (lines.length ? lines.map((x) => `<blockquote lang="${l}">${e(x)}</blockquote>`).join('') : `<p>${e(t(lang, 'none'))}</p>`);
  for (const n of brief.narratives) {
    parts.push(
      `<section><h2>${e(n.label)} <code>${e(n.key)}</code>${n.tier ? ` <span class="badge ${e(n.tier)}">${e(n.tier)}</span>` : ''}</h2>` +
        `<h3>${e(t(lang, 'claim'))}</h3><p>${n.claim ? e(n.claim) : e(t(lang, 'noDefinition'))}</p>` +
        `<h3>${e(t(lang, 'recentVolume'))}</h3><p>${n.total} ${e(t(lang, 'items').toLowerCase())} (${brief.days} ${e(t(lang, 'daysShown'))}) · ${e(t(lang, 'last7d'))}: <strong>${n.last7d}</strong> (${e(t(lang, 'previous7d'))}: ${n.previous7d})</p>` +
        columnChart(
          n.daily.map((p) => ({ label: day(p.start), value: p.count })),
          { title: `${n.label} — ${t(lang, 'perDay')}` },
        ) +
        `<h3>${e(t(lang, 'topSources'))}</h3>${n.topSources.length ? table([t(lang, 'sources'), t(lang, 'items')], n.topSources.map((s) => [userText(s.name), String(s.count)])) : `<p>${e(t(lang, 'none'))}</p>`}` +
        `<h3>${e(t(lang, 'pastAlerts'))}</h3>${
          n.pastAlerts.length
            ? table(
                [t(lang, 'firstSeen'), t(lang, 'severity'), t(lang, 'status'), t(lang, 'items'), t(lang, 'outcome'), t(lang, 'responses')],
                n.pastAlerts.map((a) => [
                  e(formatDate(lang, a.firstSeenAt)),
                  e(a.severity),
                  e(term(lang, a.status)),
                  String(a.itemCount),
                  a.outcome ? userText(a.outcome) : '—',
                  a.responses.map((x) => `${e(term(lang, x.channel))} (${e(term(lang, x.status))}): ${userText(x.text.slice(0, 200))}`).join('<br>') || '—',
                ]),
              )
            : `<p>${e(t(lang, 'none'))}</p>`
        }` +
        `<h3>${e(t(lang, 'counterMessaging'))}</h3><h4>FR</h4>${cm(n.counterMessaging.fr, 'fr')}<h4>EN</h4>${cm(n.counterMessaging.en, 'en')}</section>`,
    );
  }
  return htmlPage(lang, title(brief), parts.join('\n'));
}
