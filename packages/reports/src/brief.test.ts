import { describe, expect, it } from 'vitest';
import { buildBrief, type BriefData } from './brief.js';
import { renderBriefHtml, renderBriefMarkdown } from './render-brief.js';

const at = (s: string) => new Date(`${s}Z`);

const data: BriefData = {
  alert: {
    id: 'a1',
    mission: 'MONUSCO',
    narrative: 'expulsion_demand',
    severity: 'S1',
    status: 'responding',
    firstSeenAt: at('2026-11-20T08:10'),
    lastSeenAt: at('2026-11-20T12:05'),
    itemCount: 3,
    sourceCount: 2,
    languages: ['fr', 'ar'],
    outcome: null,
    earlyWarning: { kind: 'spike', observed: 6, expected: 1.5, ratio: 4, reasons: ['6 items in 4 h against 1.5 expected'], detectedAt: at('2026-11-20T12:00') },
  },
  narrative: {
    key: 'expulsion_demand',
    tier: 'S3',
    definition: { en: 'The mission or a contingent must leave.', fr: 'La mission ou un contingent doit partir.' },
    counterMessaging: { en: ['The mission stays at the request of the host government.'], fr: ['La mission reste à la demande du gouvernement hôte.'] },
  },
  volume: [
    { start: at('2026-11-20T08:00'), count: 3 },
    { start: at('2026-11-20T10:00'), count: 2 },
    { start: at('2026-11-20T12:00'), count: 1 },
  ],
  effectSeries: [
    { hour: at('2026-11-20T08:00'), sourceId: 's1', count: 3, harmful: 3 },
    { hour: at('2026-11-20T10:00'), sourceId: 's2', count: 2, harmful: 1 },
    { hour: at('2026-11-20T12:00'), sourceId: 's1', count: 1, harmful: 0 },
  ],
  topSources: [
    { name: 'Radio <Kivu>', count: 4 },
    { name: 'صوت الشعب', count: 2 },
  ],
  items: [
    { id: 'i2', title: 'اطردوهم من القاعدة', url: 'https://example.org/ar', sourceName: 'صوت الشعب', language: 'ar', at: at('2026-11-20T10:30'), severity: 'S1', stance: 'endorse' },
    { id: 'i1', title: '<script>alert(1)</script> MONUSCO dégage', url: 'javascript:alert(1)', sourceName: 'Radio <Kivu>', language: 'fr', at: at('2026-11-20T08:10'), severity: 'S3', stance: 'endorse' },
    { id: 'i3', title: 'Marche vers la base [lien](http://evil)', url: 'https://example.org/fr"onmouseover="x', sourceName: 'Radio <Kivu>', language: 'fr', at: at('2026-11-20T12:05'), severity: 'S1', stance: 'endorse' },
  ],
  missions: [{ key: 'MONUSCO', count: 3 }],
  places: [
    { key: 'Goma', count: 2 },
    { key: 'Butembo', count: 1 },
  ],
  matchedTerms: [
    { term: 'chassez', kind: '_call_to_act', count: 2 },
    { term: 'base', kind: '_target', count: 2 },
    { term: 'dégage', kind: 'expulsion_demand', count: 3 },
  ],
  related: [
    {
      id: 'a0',
      status: 'resolved',
      severity: 'S3',
      firstSeenAt: at('2026-07-01T00:00'),
      resolvedAt: at('2026-07-04T00:00'),
      outcome: 'Radio programme with community leaders',
      responses: [{ id: 'r0', channel: 'radio', status: 'published', text: 'Émission spéciale', publishedAt: at('2026-07-02T00:00'), author: 'x', approvedBy: 'y' }],
    },
  ],
  responses: [
    { id: 'r1', channel: 'press_release', status: 'published', text: 'Communiqué <b>officiel</b>', publishedAt: at('2026-11-20T10:15'), author: 'analyst', approvedBy: 'admin' },
    { id: 'r2', channel: 'social', status: 'draft', text: 'Brouillon', publishedAt: null, author: 'analyst', approvedBy: null },
  ],
  now: at('2026-11-20T12:30'),
};

describe('buildBrief', () => {
  const brief = buildBrief(data, 'en');

  it('states the claim, the origin and the spread (hand-computed)', () => {
    expect(brief.claim).toBe('The mission or a contingent must leave.');
    expect(buildBrief(data, 'fr').claim).toBe('La mission ou un contingent doit partir.');
    expect(brief.origin.firstItem!.id).toBe('i1');
    expect(brief.spread.resolution).toBe('hour');
    expect(brief.spread.points.map((p) => p.count)).toEqual([3, 0, 2, 0, 1]); // 08h … 12h, gaps filled
    expect(brief.spread).toMatchObject({ total: 6, last24h: 6, previous24h: 0 });
    expect(brief.spread.peak).toEqual({ start: at('2026-11-20T08:00'), count: 3 });
    expect(brief.examples.map((i) => i.id)).toEqual(['i3', 'i2', 'i1']);
  });

  it('explains the severity: tier S3 raised to S1 by a call to act with a target', () => {
    expect(brief.severity.why[0]).toBe('The catalogue places this narrative at tier S3.');
    expect(brief.severity.why[1]).toBe('Raised to S1: calls to act (chassez) with a concrete target or logistics (base).');
    expect(brief.severity.why).toContain('6 items in 4 h against 1.5 expected');
  });

  it('measures the effect of published responses only', () => {
    const [published, draft] = brief.responses;
    expect(draft!.effect).toBeNull();
    // Pivot 10:00. 24 h before: 08h 3 items (3 harmful, s1); after (10:00 → now 12:30, 2.5 h): 3 items from s1, s2 (1 harmful).
    const row = published!.effect!.rows[0]!;
    expect(row.before).toMatchObject({ volume: 3, sources: 1, harmfulShare: 1 });
    expect(row.after).toMatchObject({ volume: 3, sources: 2, harmfulShare: 0.333, hours: 2.5 });
    expect(row.complete).toBe(false);
  });

  it('renders a self-contained HTML page: escaped, RTL-aware, counter-messaging in FR and EN, effect table', () => {
    const html = renderBriefHtml(brief);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; MONUSCO dégage');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('"onmouseover');
    expect(html).toContain('<span lang="ar" dir="auto">اطردوهم من القاعدة</span>');
    expect(html).toContain('Radio &lt;Kivu&gt;');
    expect(html).toContain('Communiqué &lt;b&gt;officiel&lt;/b&gt;');
    expect(html).toContain('La mission reste à la demande du gouvernement hôte.');
    expect(html).toContain('The mission stays at the request of the host government.');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/(src|href)="(?!https?:)/); // no external or relative assets
    expect(html).toContain('<svg');
    expect(html).toContain('3 → 3'); // 24 h volume before → after
    expect(html).toContain('100 % → 33.3 %');
    expect(html).toContain('Radio programme with community leaders');
  });

  it('renders Markdown with Markdown syntax in user text neutralised', () => {
    const markdown = renderBriefMarkdown(buildBrief(data, 'fr'));
    expect(markdown).toContain('# Note de réponse');
    expect(markdown).toContain('Marche vers la base \\[lien\\]\\(http://evil\\)');
    expect(markdown).toContain('\\<script\\>');
    expect(markdown).not.toContain('](javascript');
    expect(markdown).toContain('> La mission reste à la demande du gouvernement hôte.');
    expect(markdown).toContain('> The mission stays at the request of the host government.');
    expect(markdown).toContain('| 24h (incomplet : chiffres à ce jour, 2.5 h) | 3 → 3 | 1 → 2 | 100 % → 33.3 % |');
  });

  it('copes with an alert with no items, no series and no catalogue entry', () => {
    const empty = buildBrief({ ...data, narrative: null, volume: [], effectSeries: [], items: [], topSources: [], related: [], responses: [], places: [], missions: [], matchedTerms: [], alert: { ...data.alert, earlyWarning: null } }, 'en');
    const html = renderBriefHtml(empty);
    expect(empty.claim).toBeNull();
    expect(html).toContain('No catalogue definition for this narrative.');
    expect(renderBriefMarkdown(empty)).toContain('None.');
  });
});
