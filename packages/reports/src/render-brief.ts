import { escapeHtml, escapeMarkdown as md, safeUrl } from './escape.js';
import { formatDate, formatPct, t, term, type ReportLang } from './i18n.js';
import { htmlPage, mdTable, table, userText } from './page.js';
import { columnChart } from './svg.js';
import type { Brief } from './brief.js';
import type { EffectRow } from './effect.js';

function effectCells(lang: ReportLang, r: EffectRow): string[] {
  const change = r.volumeChangePct === null ? '—' : `${r.volumeChangePct > 0 ? '+' : ''}${r.volumeChangePct} %`;
  return [
    `${r.window}${r.complete ? '' : ` (${t(lang, 'incomplete')}, ${r.after.hours} h)`}`,
    `${r.before.volume} → ${r.after.volume}`,
    `${r.before.sources} → ${r.after.sources}`,
    `${formatPct(r.before.harmfulShare)} → ${formatPct(r.after.harmfulShare)}`,
    change,
  ];
}

function effectHeaders(lang: ReportLang): string[] {
  return [t(lang, 'window'), t(lang, 'volume'), t(lang, 'spreadSources'), t(lang, 'harmfulShare'), t(lang, 'change')];
}

function chartPoints(brief: Brief) {
  return brief.spread.points.map((p) => ({
    label: brief.spread.resolution === 'hour' ? p.start.toISOString().slice(5, 13).replace('T', ' ') + 'h' : p.start.toISOString().slice(0, 10),
    value: p.count,
  }));
}

/** The brief as Markdown (for chat tools and wikis). Every user string is escaped. */
export function renderBriefMarkdown(brief: Brief): string {
  const lang = brief.lang;
  const a = brief.alert;
  const out: string[] = [];
  out.push(`# ${t(lang, 'briefTitle')}: ${md(a.mission)} — ${md(brief.narrativeLabel)} (${md(a.severity)})`);
  out.push(`${t(lang, 'status')}: ${md(term(lang, a.status))} · ${t(lang, 'items')}: ${a.itemCount} · ${t(lang, 'sources')}: ${a.sourceCount} · ${t(lang, 'generated')} ${formatDate(lang, brief.generatedAt)}`);
  out.push(`## ${t(lang, 'claim')}\n\n${brief.claim ? md(brief.claim) : t(lang, 'noDefinition')}`);
  const first = brief.origin.firstItem;
  out.push(
    `## ${t(lang, 'origin')}\n\n- ${t(lang, 'firstSeen')}: ${formatDate(lang, brief.origin.firstSeenAt)}` +
      (first ? `\n- ${md(first.sourceName)} (${md(first.language)}): ${linkMd(first.title, first.url)}` : '') +
      (brief.places.length ? `\n- ${t(lang, 'places')}: ${brief.places.map((p) => md(p.key)).join(', ')}` : ''),
  );
  const unit = brief.spread.resolution === 'hour' ? t(lang, 'perHour') : t(lang, 'perDay');
  out.push(
    `## ${t(lang, 'spread')}\n\n- ${brief.spread.total} ${t(lang, 'items').toLowerCase()}; 24 h: ${brief.spread.last24h} (${lang === 'fr' ? '24 h précédentes' : 'previous 24 h'}: ${brief.spread.previous24h})` +
      (brief.spread.peak ? `\n- ${lang === 'fr' ? 'Pic' : 'Peak'}: ${brief.spread.peak.count} (${formatDate(lang, brief.spread.peak.start)})` : '') +
      `\n\n${mdTable([lang === 'fr' ? 'Période' : 'Period', unit], brief.spread.points.filter((p) => p.count > 0).slice(-24).map((p) => [p.start.toISOString().slice(0, brief.spread.resolution === 'hour' ? 13 : 10), String(p.count)]))}`,
  );
  out.push(`## ${t(lang, 'topSources')}\n\n${brief.topSources.length ? brief.topSources.map((s) => `- ${md(s.name)}: ${s.count}`).join('\n') : t(lang, 'none')}`);
  out.push(
    `## ${t(lang, 'examples')}\n\n${brief.examples.length ? brief.examples.map((i) => `- ${formatDate(lang, i.at)} · ${md(i.sourceName)} · ${md(i.language)}: ${linkMd(i.title, i.url)}`).join('\n') : t(lang, 'none')}`,
  );
  out.push(
    `## ${t(lang, 'missionsPlaces')}\n\n- ${t(lang, 'missions')}: ${brief.missions.length ? brief.missions.map((m) => `${md(m.key)} (${m.count})`).join(', ') : md(a.mission)}\n- ${t(lang, 'places')}: ${brief.places.length ? brief.places.map((p) => `${md(p.key)} (${p.count})`).join(', ') : '—'}`,
  );
  out.push(
    `## ${t(lang, 'severityWhy')}\n\n**${md(brief.severity.level)}**${brief.tier ? ` (${t(lang, 'tier')}: ${md(brief.tier)})` : ''}\n\n${brief.severity.why.map((w) => `- ${md(w)}`).join('\n')}` +
      (brief.severity.matchedTerms.length ? `\n\n${t(lang, 'matchedTerms')}: ${brief.severity.matchedTerms.map((m) => `${md(m.term)} (${m.count})`).join(', ')}` : ''),
  );
  out.push(
    `## ${t(lang, 'related')}\n\n${brief.related.length ? brief.related.map((r) => `- ${formatDate(lang, r.firstSeenAt)} · ${md(r.severity)} · ${md(term(lang, r.status))}${r.outcome ? ` · ${t(lang, 'outcome')}: ${md(r.outcome)}` : ''}${r.responses.map((x) => `\n  - ${md(term(lang, x.channel))} (${md(term(lang, x.status))}${x.publishedAt ? `, ${formatDate(lang, x.publishedAt)}` : ''}): ${md(x.text.slice(0, 200))}`).join('')}`).join('\n') : t(lang, 'none')}`,
  );
  out.push(
    `## ${t(lang, 'counterMessaging')}\n\n### FR\n\n${brief.counterMessaging.fr.map((l) => `> ${md(l)}`).join('\n>\n') || t(lang, 'none')}\n\n### EN\n\n${brief.counterMessaging.en.map((l) => `> ${md(l)}`).join('\n>\n') || t(lang, 'none')}`,
  );
  const responses = brief.responses.map((r) => {
    const head = `### ${md(term(lang, r.channel))} — ${md(term(lang, r.status))}${r.publishedAt ? ` (${t(lang, 'published')} ${formatDate(lang, r.publishedAt)})` : ''}\n\n${md(r.text)}`;
    if (!r.effect) return head;
    return `${head}\n\n**${t(lang, 'responseEffect')}**\n\n${mdTable(effectHeaders(lang), r.effect.rows.map((row) => effectCells(lang, row)))}`;
  });
  out.push(`## ${t(lang, 'responses')}\n\n${responses.length ? responses.join('\n\n') : t(lang, 'none')}`);
  return out.join('\n\n') + '\n';
}

function linkMd(title: string, url: string | null): string {
  const safe = safeUrl(url);
  const text = md(title || url || '—');
  return safe ? `[${text}](<${safe.replace(/[<>]/g, encodeURIComponent)}>)` : text;
}

function linkHtml(title: string, url: string | null, lang: string): string {
  const safe = safeUrl(url);
  const text = userText(title || url || '—', lang);
  return safe ? `<a href="${escapeHtml(safe)}" rel="noopener noreferrer">${text}</a>` : text;
}

/** The brief as one self-contained HTML page: inline CSS and SVG, no scripts, prints well. */
export function renderBriefHtml(brief: Brief): string {
  const lang = brief.lang;
  const a = brief.alert;
  const e = escapeHtml;
  const title = `${t(lang, 'briefTitle')}: ${a.mission} — ${brief.narrativeLabel}`;
  const parts: string[] = [];
  parts.push(
    `<header><h1>${e(title)} <span class="badge ${e(a.severity)}">${e(a.severity)}</span></h1><p class="meta">${e(t(lang, 'status'))}: ${e(term(lang, a.status))} · ${e(t(lang, 'items'))}: ${a.itemCount} · ${e(t(lang, 'sources'))}: ${a.sourceCount} · ${e(t(lang, 'languages'))}: ${a.languages.map(e).join(', ') || '—'} · ${e(t(lang, 'generated'))} ${e(formatDate(lang, brief.generatedAt))}</p><p class="meta noprint">${e(t(lang, 'print'))}</p></header>`,
  );
  parts.push(`<section><h2>${e(t(lang, 'claim'))}</h2><p>${brief.claim ? e(brief.claim) : e(t(lang, 'noDefinition'))}</p></section>`);
  const first = brief.origin.firstItem;
  parts.push(
    `<section><h2>${e(t(lang, 'origin'))}</h2><ul><li>${e(t(lang, 'firstSeen'))}: ${e(formatDate(lang, brief.origin.firstSeenAt))}</li>` +
      (first ? `<li>${userText(first.sourceName)} (${e(first.language)}): ${linkHtml(first.title, first.url, first.language)}</li>` : '') +
      (brief.places.length ? `<li>${e(t(lang, 'places'))}: ${brief.places.map((p) => userText(p.key)).join(', ')}</li>` : '') +
      `</ul></section>`,
  );
  const unit = brief.spread.resolution === 'hour' ? t(lang, 'perHour') : t(lang, 'perDay');
  parts.push(
    `<section><h2>${e(t(lang, 'spread'))}</h2><p>${brief.spread.total} ${e(t(lang, 'items').toLowerCase())} · 24 h: <strong>${brief.spread.last24h}</strong> (${e(lang === 'fr' ? '24 h précédentes' : 'previous 24 h')}: ${brief.spread.previous24h})` +
      (brief.spread.peak ? ` · ${e(lang === 'fr' ? 'Pic' : 'Peak')}: ${brief.spread.peak.count} (${e(formatDate(lang, brief.spread.peak.start))})` : '') +
      `</p>${columnChart(chartPoints(brief), { title: `${t(lang, 'spread')} (${unit})` })}</section>`,
  );
  parts.push(
    `<section><h2>${e(t(lang, 'topSources'))}</h2>${brief.topSources.length ? table([t(lang, 'sources'), t(lang, 'items')], brief.topSources.map((s) => [userText(s.name), String(s.count)])) : `<p>${e(t(lang, 'none'))}</p>`}</section>`,
  );
  parts.push(
    `<section><h2>${e(t(lang, 'examples'))}</h2>${
      brief.examples.length
        ? table(
            [t(lang, 'date'), t(lang, 'sources'), t(lang, 'languages'), t(lang, 'title')],
            brief.examples.map((i) => [e(formatDate(lang, i.at)), userText(i.sourceName), e(i.language), linkHtml(i.title, i.url, i.language)]),
          )
        : `<p>${e(t(lang, 'none'))}</p>`
    }</section>`,
  );
  parts.push(
    `<section><h2>${e(t(lang, 'missionsPlaces'))}</h2><ul><li>${e(t(lang, 'missions'))}: ${brief.missions.length ? brief.missions.map((m) => `${e(m.key)} (${m.count})`).join(', ') : e(a.mission)}</li><li>${e(t(lang, 'places'))}: ${brief.places.length ? brief.places.map((p) => `${userText(p.key)} (${p.count})`).join(', ') : '—'}</li></ul></section>`,
  );
  parts.push(
    `<section><h2>${e(t(lang, 'severityWhy'))}</h2><p><span class="badge ${e(brief.severity.level)}">${e(brief.severity.level)}</span>${brief.tier ? ` ${e(t(lang, 'tier'))}: ${e(brief.tier)}` : ''}</p><ul>${brief.severity.why.map((w) => `<li>${e(w)}</li>`).join('')}</ul>` +
      (brief.severity.matchedTerms.length ? `<p>${e(t(lang, 'matchedTerms'))}: ${brief.severity.matchedTerms.map((m) => `${userText(m.term)} (${m.count})`).join(', ')}</p>` : '') +
      `</section>`,
  );
  parts.push(
    `<section><h2>${e(t(lang, 'related'))}</h2>${
      brief.related.length
        ? table(
            [t(lang, 'firstSeen'), t(lang, 'severity'), t(lang, 'status'), t(lang, 'outcome'), t(lang, 'responses')],
            brief.related.map((r) => [
              e(formatDate(lang, r.firstSeenAt)),
              e(r.severity),
              e(term(lang, r.status)),
              r.outcome ? userText(r.outcome) : '—',
              r.responses.map((x) => `${e(term(lang, x.channel))} (${e(term(lang, x.status))}): ${userText(x.text.slice(0, 200))}`).join('<br>') || '—',
            ]),
          )
        : `<p>${e(t(lang, 'none'))}</p>`
    }</section>`,
  );
  const cm = (lines: readonly string[], l: string) => (lines.length ? lines.map((x) => `<blockquote lang="${l}">${e(x)}</blockquote>`).join('') : `<p>${e(t(lang, 'none'))}</p>`);
  parts.push(`<section><h2>${e(t(lang, 'counterMessaging'))}</h2><h3>FR</h3>${cm(brief.counterMessaging.fr, 'fr')}<h3>EN</h3>${cm(brief.counterMessaging.en, 'en')}</section>`);
  parts.push(
    `<section><h2>${e(t(lang, 'responses'))}</h2>${
      brief.responses.length
        ? brief.responses
            .map(
              (r) =>
                `<h3>${e(term(lang, r.channel))} — ${e(term(lang, r.status))}${r.publishedAt ? ` (${e(t(lang, 'published'))} ${e(formatDate(lang, r.publishedAt))})` : ''}</h3><blockquote>${userText(r.text)}</blockquote>` +
                (r.effect ? `<h4>${e(t(lang, 'responseEffect'))}</h4>${table(effectHeaders(lang), r.effect.rows.map((row) => effectCells(lang, row).map(e)))}` : ''),
            )
            .join('')
        : `<p>${e(t(lang, 'none'))}</p>`
    }</section>`,
  );
  return htmlPage(lang, title, parts.join('\n'));
}
