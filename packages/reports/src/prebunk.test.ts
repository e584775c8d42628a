import { describe, expect, it } from 'vitest';
import { buildPrebunkBrief, type PrebunkData } from './prebunk.js';
import { renderPrebunkHtml, renderPrebunkMarkdown } from './render-prebunk.js';

const at = (s: string) => new Date(`${s}Z`);

const data: PrebunkData = {
  task: { id: 't1', mission: 'MONUSCO', title: 'Prebunk: Vote du mandat', status: 'open', dueAt: at('2026-12-08T00:00'), openedAt: at('2026-12-08T00:05') },
  moment: { id: 'm1', title: 'Vote du mandat <Conseil>', kind: 'mandate_renewal', date: at('2026-12-15T00:00'), windowStart: at('2026-12-12T00:00'), windowEnd: at('2026-12-18T00:00') },
  narratives: [
    {
      key: 'expulsion_demand',
      info: {
        key: 'expulsion_demand',
        tier: 'S3',
        definition: { en: 'The mission or a contingent must leave.', fr: 'La mission ou un contingent doit partir.' },
        counterMessaging: { en: ['The mission stays at the request of the host government.'], fr: ['La mission reste à la demande du gouvernement hôte.'] },
      },
      volume: [
        { start: at('2026-11-01T10:00'), count: 9 }, // older than the 28 days shown: ignored everywhere
        { start: at('2026-11-13T00:00'), count: 2 }, // first day shown
        { start: at('2026-11-26T15:00'), count: 1 }, // 14 days and 30 min ago: before the previous-7-days window
        { start: at('2026-11-26T16:00'), count: 4 }, // previous 7 days
        { start: at('2026-12-03T15:00'), count: 3 }, // previous 7 days (7 d 30 min ago)
        { start: at('2026-12-03T16:00'), count: 5 }, // last 7 days
        { start: at('2026-12-10T15:00'), count: 2 }, // last 7 days, the current hour
      ],
      topSources: [
        { name: 'Radio <Kivu>', count: 10 },
        { name: 'صوت الشعب', count: 7 },
      ],
      pastAlerts: [
        {
          id: 'a0',
          status: 'resolved',
          severity: 'S3',
          firstSeenAt: at('2025-12-10T08:00'),
          resolvedAt: at('2025-12-14T08:00'),
          outcome: 'rebutted',
          itemCount: 41,
          responses: [{ id: 'r0', channel: 'radio', status: 'published', text: 'Émission spéciale [lien](http://evil)', publishedAt: at('2025-12-11T18:00'), author: 'x', approvedBy: 'y' }],
        },
      ],
      storedCounterMessaging: { en: ['old line'], fr: ['ancienne ligne'] },
    },
    {
      key: 'sovereignty_partition',
      info: null,
      volume: [],
      topSources: [],
      pastAlerts: [],
      storedCounterMessaging: { en: ['Stored EN line'], fr: ['Ligne FR enregistrée'] },
    },
  ],
  now: at('2026-12-10T15:30'),
};

describe('buildPrebunkBrief', () => {
  const brief = buildPrebunkBrief(data, 'en');
  const [expulsion, partition] = brief.narratives;

  it('counts the recent volume per narrative (hand-computed)', () => {
    expect(brief.daysToMoment).toBe(5);
    expect(expulsion!.daily).toHaveLength(28);
    expect(expulsion!.daily[0]).toEqual({ start: at('2026-11-13T00:00'), count: 2 });
    expect(expulsion!.daily.at(-1)).toEqual({ start: at('2026-12-10T00:00'), count: 2 });
    expect(expulsion!.daily.filter((p) => p.count > 0).map((p) => [p.start.toISOString().slice(0, 10), p.count])).toEqual([
      ['2026-11-13', 2],
      ['2026-11-26', 5],
      ['2026-12-03', 8],
      ['2026-12-10', 2],
    ]);
    expect(expulsion).toMatchObject({ total: 17, last7d: 7, previous7d: 7, tier: 'S3', claim: 'The mission or a contingent must leave.' });
    expect(buildPrebunkBrief(data, 'fr').narratives[0]!.claim).toBe('La mission ou un contingent doit partir.');
  });

  it('takes counter-messaging from the catalogue, and the lines stored on the task when the catalogue has none', () => {
    expect(expulsion!.counterMessaging.fr).toEqual(['La mission reste à la demande du gouvernement hôte.']);
    expect(partition!.counterMessaging).toEqual({ en: ['Stored EN line'], fr: ['Ligne FR enregistrée'] });
    expect(partition).toMatchObject({ claim: null, total: 0, last7d: 0, previous7d: 0 });
    expect(partition!.daily.every((p) => p.count === 0)).toBe(true);
  });

  it('renders a self-contained, escaped HTML page with the moment, its window, charts and both languages', () => {
    const html = renderPrebunkHtml(brief);
    expect(html).toContain('Prebunk brief: MONUSCO — Vote du mandat &lt;Conseil&gt;');
    expect(html).toContain('2026-12-12 00:00 UTC → 2026-12-18 00:00 UTC');
    expect(html).toContain('Days until the moment: 5');
    expect(html).toContain('17 items (28 days shown) · last 7 days: <strong>7</strong> (previous 7 days: 7)');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('<span lang="und" dir="auto">صوت الشعب</span>');
    expect(html).toContain('Radio &lt;Kivu&gt;');
    expect(html).toContain('<blockquote lang="fr">La mission reste à la demande du gouvernement hôte.</blockquote>');
    expect(html).toContain('<blockquote lang="en">Stored EN line</blockquote>');
    expect(html).toContain('rebutted');
    expect(html).not.toMatch(/<script|(src|href)="(?!https?:)/);
    expect(html).toContain('@media print');
  });

  it('renders Markdown with user text neutralised, in French', () => {
    const markdown = renderPrebunkMarkdown(buildPrebunkBrief(data, 'fr'));
    expect(markdown).toContain('# Note de prébunking: MONUSCO — Vote du mandat \\<Conseil\\>');
    expect(markdown).toContain('- Fenêtre de vigilance (seuils d’alerte abaissés): 2026-12-12 00:00 UTC → 2026-12-18 00:00 UTC');
    expect(markdown).toContain('- 17 contenus (28 jours affichés); 7 derniers jours: 7 (7 jours précédents: 7)');
    expect(markdown).toContain('| 2026-12-03 | 8 |');
    expect(markdown).toContain('Émission spéciale \\[lien\\]\\(http://evil\\)');
    expect(markdown).toContain('> Ligne FR enregistrée');
  });

  it('copes with a deleted moment and no narratives', () => {
    const empty = buildPrebunkBrief({ ...data, moment: null, narratives: [] }, 'en');
    expect(empty.daysToMoment).toBeNull();
    expect(renderPrebunkMarkdown(empty)).toContain('The moment has been removed from the calendar');
    expect(renderPrebunkHtml(empty)).toContain('None.');
  });
});
