import { describe, expect, it } from 'vitest';
import { buildDigest, narrativeTrend, type DigestAlertInput, type DigestData } from './digest.js';
import { renderDigestHtml, renderDigestMarkdown, digestToJson } from './render-digest.js';

const at = (s: string) => new Date(`${s}Z`);
const H = 3_600_000;

function alert(id: string, o: Partial<DigestAlertInput> & { openedAt: Date }): DigestAlertInput {
  return {
    id,
    mission: 'MONUSCO',
    narrative: 'collusion_armed_groups',
    severity: 'S2',
    status: 'open',
    firstSeenAt: o.openedAt,
    lastSeenAt: o.openedAt,
    acknowledgedAt: null,
    resolvedAt: null,
    timeToAcknowledgeMs: null,
    timeToResolveMs: null,
    outcome: null,
    itemCount: 3,
    ...o,
  };
}

// Week 2026-W47: Monday 16 Nov 00:00 UTC → Monday 23 Nov 00:00 UTC. Generated Monday 23 Nov 06:00.
const data: DigestData = {
  mission: 'MONUSCO',
  week: '2026-W47',
  now: at('2026-11-23T06:00'),
  volume: [
    { narrative: 'collusion_armed_groups', week: '2026-W46', count: 2 },
    { narrative: 'collusion_armed_groups', week: '2026-W47', count: 6 }, // 6 ≥ 1.5×2 and +4: escalating
    { narrative: 'expulsion_demand', week: '2026-W47', count: 4 }, // nothing before: new
    { narrative: 'false_flag', week: '2026-W42', count: 3 },
    { narrative: 'false_flag', week: '2026-W47', count: 1 }, // back after a gap: recurring
    { narrative: 'failure_to_protect', week: '2026-W46', count: 10 },
    { narrative: 'failure_to_protect', week: '2026-W47', count: 4 }, // ≤ half and −6: declining
    { narrative: 'disease_health', week: '2026-W46', count: 3 },
    { narrative: 'disease_health', week: '2026-W47', count: 3 }, // flat, but a spike this week: escalating
    { narrative: 'forged_media', week: '2026-W45', count: 2 }, // quiet
    { narrative: 'forged_media', week: '2026-W39', count: 50 }, // outside the 8 weeks
  ],
  languages: [
    { language: 'fr', count: 6 },
    { language: 'en', count: 3 },
    { language: 'ar', count: 1 },
  ],
  sources: [
    { name: 'Radio Okapi', count: 7 },
    { name: '<b>Blog</b>', count: 3 },
  ],
  alerts: [
    // Raised, acknowledged after 1 h, resolved after 24 h.
    alert('a1', { openedAt: at('2026-11-16T08:00'), acknowledgedAt: at('2026-11-16T09:00'), timeToAcknowledgeMs: 1 * H, resolvedAt: at('2026-11-17T08:00'), timeToResolveMs: 24 * H, status: 'resolved', outcome: 'rumour faded' }),
    // S1, raised, acknowledged after 3 h.
    alert('a2', { openedAt: at('2026-11-17T00:00'), lastSeenAt: at('2026-11-18T00:00'), acknowledgedAt: at('2026-11-17T03:00'), timeToAcknowledgeMs: 3 * H, severity: 'S1', narrative: 'incitement_violence', status: 'acknowledged' }),
    // Raised the week before (its acknowledgement does not count), resolved this week after 192 h.
    alert('a3', { openedAt: at('2026-11-10T00:00'), acknowledgedAt: at('2026-11-10T01:00'), timeToAcknowledgeMs: 1 * H, resolvedAt: at('2026-11-18T00:00'), timeToResolveMs: 192 * H, status: 'resolved', narrative: 'failure_to_protect', severity: 'S4' }),
    // Raised, acknowledged after 6 h, resolved after 48 h.
    alert('a4', { openedAt: at('2026-11-18T18:00'), acknowledgedAt: at('2026-11-19T00:00'), timeToAcknowledgeMs: 6 * H, resolvedAt: at('2026-11-20T18:00'), timeToResolveMs: 48 * H, status: 'resolved' }),
    // Next week: not counted.
    alert('a5', { openedAt: at('2026-11-23T01:00'), severity: 'S1' }),
  ],
  signals: [
    { mission: 'MONUSCO', narrative: 'disease_health', kind: 'spike', observed: 9, expected: 2, ratio: 4.5, reasons: ['9 items in 1 h against 2 expected'], detectedAt: at('2026-11-19T10:00') },
    { mission: 'MONUSCO', narrative: 'forged_media', kind: 'spike', observed: 5, expected: 1, ratio: 5, reasons: ['old'], detectedAt: at('2026-11-09T10:00') },
  ],
  responses: [
    {
      id: 'r1',
      alertId: 'a1',
      mission: 'MONUSCO',
      narrative: 'collusion_armed_groups',
      channel: 'radio',
      status: 'published',
      text: 'La MONUSCO ne soutient aucun groupe armé.',
      publishedAt: at('2026-11-17T10:30'),
      author: 'analyst',
      approvedBy: 'admin',
      series: [
        { hour: at('2026-11-17T08:00'), sourceId: 's1', count: 4, harmful: 2 },
        { hour: at('2026-11-17T12:00'), sourceId: 's1', count: 1, harmful: 0 },
      ],
    },
  ],
  sourceHealth: [
    { name: 'Radio A', enabled: true, consecutiveFailures: 5, lastError: 'HTTP 503', disabledReason: null, lastItemAt: at('2026-11-20T00:00') },
    { name: 'Blog B', enabled: true, consecutiveFailures: 0, lastError: null, disabledReason: null, lastItemAt: at('2026-11-10T00:00') },
    { name: 'Site C', enabled: true, consecutiveFailures: 1, lastError: null, disabledReason: null, lastItemAt: at('2026-11-20T00:00') },
    { name: 'Old D', enabled: false, consecutiveFailures: 0, lastError: null, disabledReason: 'gone (410)', lastItemAt: null },
  ],
  expectedLanguages: ['fr', 'en', 'ar', 'sw', 'ln', 'fr'],
  moments: [
    { mission: 'MONUSCO', title: 'Vote du mandat', kind: 'mandate_vote', date: at('2026-11-25T15:00'), narratives: ['expulsion_demand'] },
    { mission: 'MONUSCO', title: 'Too far', kind: 'election', date: at('2026-12-08T00:00'), narratives: [] },
    { mission: 'MONUSCO', title: 'Past', kind: 'election', date: at('2026-11-20T00:00'), narratives: [] },
  ],
};

describe('buildDigest (hand-computed)', () => {
  const d = buildDigest(data, 'en');

  it('covers the ISO week and the 8 weeks ending with it', () => {
    expect(d.weekStart.toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(d.weekEnd.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(d.weeks).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47']);
  });

  it('sorts narratives into new, escalating, declining, recurring', () => {
    expect(d.new.map((n) => n.narrative)).toEqual(['expulsion_demand']);
    expect(d.escalating.map((n) => n.narrative)).toEqual(['collusion_armed_groups', 'disease_health']);
    expect(d.escalating[1]!.signals.map((s) => s.ratio)).toEqual([4.5]);
    expect(d.declining.map((n) => n.narrative)).toEqual(['failure_to_protect']);
    expect(d.recurring.map((n) => n.narrative)).toEqual(['false_flag']);
    const forged = d.narratives.find((n) => n.narrative === 'forged_media')!;
    expect(forged.weekly).toEqual([0, 0, 0, 0, 0, 2, 0, 0]);
    expect(forged.trend).toBe('quiet');
  });

  it('counts alert handling and takes medians in code', () => {
    expect(d.handling).toEqual({
      raised: 3, // a1, a2, a4
      acknowledged: 3, // a1 1 h, a2 3 h, a4 6 h
      resolved: 3, // a1 24 h, a3 192 h, a4 48 h
      medianTimeToAcknowledgeMs: 3 * H,
      medianTimeToResolveMs: 48 * H,
    });
    expect(d.s1.map((a) => a.id)).toEqual(['a2']);
  });

  it('lists resolved alerts with their responses and measured effect', () => {
    expect(d.resolved.map((r) => r.alert.id)).toEqual(['a1', 'a3', 'a4']);
    const r1 = d.resolved[0]!.responses[0]!;
    expect(r1.id).toBe('r1');
    expect(r1.effect!.rows[0]!.before).toMatchObject({ volume: 4, sources: 1, harmfulShare: 0.5 });
    expect(r1.effect!.rows[0]!.after).toMatchObject({ volume: 1, sources: 1, harmfulShare: 0 });
    expect(d.declining[0]!.responses).toEqual([]);
  });

  it('finds coverage gaps, language shares and the next 14 days of moments', () => {
    expect(d.coverage.failing.map((s) => s.name)).toEqual(['Radio A', 'Old D']);
    expect(d.coverage.silent.map((s) => s.name)).toEqual(['Blog B']);
    expect(d.coverage.missingLanguages).toEqual(['ln', 'sw']);
    expect(d.languages.map((l) => [l.language, l.share])).toEqual([['fr', 0.6], ['en', 0.3], ['ar', 0.1]]);
    expect(d.moments.map((m) => m.title)).toEqual(['Vote du mandat']);
  });

  it('renders e-mail HTML with inline styles and SVG, no scripts, escaped names; Markdown and JSON', () => {
    const html = renderDigestHtml(d);
    expect(html).not.toMatch(/<script|<style/i);
    expect(html).toContain('&lt;b&gt;Blog&lt;/b&gt;');
    expect(html).toContain('<svg');
    expect(html).toContain('3 h 0 min');
    expect(html).toContain('2 d 0 h');
    const fr = renderDigestHtml(buildDigest(data, 'fr'));
    expect(fr).toContain('Synthèse hebdomadaire');
    expect(fr).toContain('Délai médian de prise en charge');
    const markdown = renderDigestMarkdown(d);
    expect(markdown).toContain('| 3 | 3 | 3 | 3 h 0 min | 2 d 0 h |');
    expect(markdown).toContain('\\<b\\>Blog\\</b\\>');
    const json = digestToJson(d) as { handling: { medianTimeToResolveMs: number }; weekStart: string };
    expect(json.handling.medianTimeToResolveMs).toBe(172_800_000);
    expect(json.weekStart).toBe('2026-11-16T00:00:00.000Z');
  });

  it('handles an empty week', () => {
    const empty = buildDigest({ ...data, volume: [], languages: [], sources: [], alerts: [], signals: [], responses: [], sourceHealth: [], expectedLanguages: [], moments: [] }, 'fr');
    expect(empty.handling).toEqual({ raised: 0, acknowledged: 0, resolved: 0, medianTimeToAcknowledgeMs: null, medianTimeToResolveMs: null });
    expect(renderDigestHtml(empty)).toContain('Rien à signaler.');
  });

  it('rejects a malformed week', () => {
    expect(() => buildDigest({ ...data, week: '2026-W99' }, 'en')).toThrow(RangeError);
  });
});

describe('narrativeTrend thresholds', () => {
  it('needs both the ratio and the absolute rise', () => {
    expect(narrativeTrend([0, 0, 0, 0, 0, 0, 2, 4], false)).toBe('steady'); // ×2 but only +2
    expect(narrativeTrend([0, 0, 0, 0, 0, 0, 4, 2], false)).toBe('steady'); // half but only −2
    expect(narrativeTrend([0, 0, 0, 0, 0, 0, 4, 0], false)).toBe('declining');
  });
});
