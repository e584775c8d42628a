import { describe, expect, it } from 'vitest';
import { buildDigest, type DigestData } from './digest.js';
import { digestSummary, renderDigestWebhookBody, DIGEST_WEBHOOK_MARKDOWN_MAX, type DigestWebhookEvent } from './digest-webhook.js';

const at = (s: string) => new Date(`${s}Z`);

// Week 2026-W47 (16 → 23 Nov), generated Monday 23 Nov 06:00.
const data: DigestData = {
  mission: 'MONUSCO',
  week: '2026-W47',
  now: at('2026-11-23T06:00'),
  volume: [
    { narrative: 'expulsion_demand', week: '2026-W47', count: 4 }, // new
    { narrative: 'collusion_armed_groups', week: '2026-W46', count: 2 },
    { narrative: 'collusion_armed_groups', week: '2026-W47', count: 6 }, // escalating
    { narrative: 'failure_to_protect', week: '2026-W46', count: 10 },
    { narrative: 'failure_to_protect', week: '2026-W47', count: 4 }, // declining
  ],
  languages: [{ language: 'fr', count: 14 }],
  sources: [{ name: 'Radio Okapi', count: 14 }],
  alerts: [
    {
      id: 'a1',
      mission: 'MONUSCO',
      narrative: 'incitement_violence',
      severity: 'S1',
      status: 'acknowledged',
      openedAt: at('2026-11-17T00:00'),
      firstSeenAt: at('2026-11-17T00:00'),
      lastSeenAt: at('2026-11-18T00:00'),
      acknowledgedAt: at('2026-11-17T03:00'),
      resolvedAt: null,
      timeToAcknowledgeMs: 3 * 3_600_000,
      timeToResolveMs: null,
      outcome: null,
      itemCount: 5,
    },
  ],
  signals: [],
  responses: [],
  // Failing (5 in a row) but not silent; `sw` declared and not seen: 2 coverage gaps.
  sourceHealth: [{ name: 'Radio <A>', enabled: true, consecutiveFailures: 5, lastError: 'HTTP 503', disabledReason: null, lastItemAt: at('2026-11-22T00:00') }],
  expectedLanguages: ['fr', 'sw'],
  moments: [],
};

const event = (md: { en: string; fr: string } = { en: '# Weekly digest <b>', fr: '# Synthèse hebdomadaire' }): DigestWebhookEvent => ({
  id: 'digest.MONUSCO.2026-W47',
  occurredAt: at('2026-11-23T06:00'),
  digests: { en: buildDigest(data, 'en'), fr: buildDigest(data, 'fr') },
  links: {
    dashboard: 'https://vigie.example.org/app/digests',
    html: { en: 'https://vigie.example.org/api/v1/digests/e1?format=html', fr: 'https://vigie.example.org/api/v1/digests/f1?format=html' },
    markdown: { en: 'https://vigie.example.org/api/v1/digests/e1?format=md', fr: 'https://vigie.example.org/api/v1/digests/f1?format=md' },
    json: { en: 'https://vigie.example.org/api/v1/digests/e1?format=json', fr: 'https://vigie.example.org/api/v1/digests/f1?format=json' },
  },
  markdown: md,
});

describe('digest webhook bodies', () => {
  it('summarises what changed in both languages (hand-computed counts)', () => {
    expect(digestSummary(buildDigest(data, 'en'))).toBe(
      '1 new narrative (expulsion demand); 1 escalating (collusion armed groups); 1 declining (failure to protect); 0 recurring; 1 S1 incident; alerts: 1 raised, 1 acknowledged, 0 resolved; 2 coverage gaps.',
    );
    expect(digestSummary(buildDigest(data, 'fr'))).toBe(
      '1 nouveau récit (expulsion demand); 1 en hausse (collusion armed groups); 1 en baisse (failure to protect); 0 récurrents; 1 incident S1; alertes : 1 ouvertes, 1 prises en charge, 0 résolues; 2 lacunes de couverture.',
    );
  });

  it('JSON: type, mission, week, counts, links and the Markdown of both languages', () => {
    const body = JSON.parse(renderDigestWebhookBody('json', event())) as Record<string, unknown> & { digest: Record<string, unknown> };
    expect(body).toMatchObject({ schemaVersion: 1, id: 'digest.MONUSCO.2026-W47', type: 'digest.published', occurredAt: '2026-11-23T06:00:00.000Z' });
    expect(body.digest).toMatchObject({
      mission: 'MONUSCO',
      week: '2026-W47',
      weekStart: '2026-11-16T00:00:00.000Z',
      counts: { new: 1, escalating: 1, declining: 1, recurring: 0, s1: 1, raised: 1, acknowledged: 1, resolved: 0, coverageGaps: 2 },
      title: { en: 'Weekly digest — MONUSCO — 2026-W47', fr: 'Synthèse hebdomadaire — MONUSCO — 2026-W47' },
      markdown: { en: '# Weekly digest <b>', fr: '# Synthèse hebdomadaire' },
      links: { dashboard: 'https://vigie.example.org/app/digests' },
    });
  });

  it('caps a huge Markdown body', () => {
    const body = JSON.parse(renderDigestWebhookBody('json', event({ en: 'x'.repeat(DIGEST_WEBHOOK_MARKDOWN_MAX + 10), fr: '' }))) as { digest: { markdown: { en: string } } };
    expect(body.digest.markdown.en.length).toBeLessThanOrEqual(DIGEST_WEBHOOK_MARKDOWN_MAX + 3);
  });

  it('Slack: bilingual sections, escaped control characters, buttons to each language and the dashboard', () => {
    const msg = JSON.parse(renderDigestWebhookBody('slack', event())) as { text: string; blocks: { type: string; text?: { text: string }; elements?: { url: string; text: { text: string } }[] }[] };
    expect(msg.text).toBe('Weekly digest — MONUSCO — 2026-W47 | Synthèse hebdomadaire — MONUSCO — 2026-W47');
    expect(msg.blocks[0]!.text!.text).toContain('*Weekly digest — MONUSCO — 2026-W47*\n1 new narrative');
    expect(msg.blocks[1]!.text!.text).toContain('1 nouveau récit');
    const actions = msg.blocks.find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((e) => e.text.text)).toEqual(['Read (EN)', 'Lire (FR)', 'Dashboard / Tableau de bord']);
    expect(JSON.stringify(msg)).not.toContain('# Weekly digest'); // no Markdown dump in chat
  });

  it('Teams: an Adaptive Card with both summaries, the counts and open-URL actions; non-http links dropped', () => {
    const e = event();
    const hostile = { ...e, links: { ...e.links, dashboard: 'javascript:alert(1)' } };
    const msg = JSON.parse(renderDigestWebhookBody('teams', hostile)) as { attachments: { content: { body: { type: string; text?: string; facts?: { value: string }[] }[]; actions: { url: string }[] } }[] };
    const card = msg.attachments[0]!.content;
    expect(card.body.filter((b) => b.type === 'TextBlock').map((b) => b.text)).toEqual([
      'Weekly digest — MONUSCO — 2026-W47',
      expect.stringContaining('1 new narrative'),
      'Synthèse hebdomadaire — MONUSCO — 2026-W47',
      expect.stringContaining('1 nouveau récit'),
    ]);
    expect(card.body.find((b) => b.type === 'FactSet')!.facts!.map((f) => f.value)).toEqual(['1', '1', '1', '1', '1', '0']);
    expect(card.actions.map((a) => a.url)).toEqual([e.links.html.en, e.links.html.fr]);
  });
});
