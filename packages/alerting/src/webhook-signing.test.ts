import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  signPayload,
  signatureHeader,
  toJsonEvent,
  toSlackMessage,
  toTeamsMessage,
  verifySignature,
  type AlertEvent,
} from './webhook-signing.js';

const SECRET = 'whsec_test_5f2c';
const TS = 1_773_140_400; // 2026-03-10T11:00:00Z
const NOW = new Date(TS * 1000 + 30_000);
const BODY = JSON.stringify({ id: 'evt_1', type: 'alert.opened', mission: 'MONUSCO' });

describe('signatures', () => {
  it('signs HMAC-SHA256 over "<timestamp>.<body>" (Stripe-style)', () => {
    const expected = createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
    expect(signPayload(SECRET, TS, BODY)).toBe(`v1=${expected}`);
    expect(signatureHeader(SECRET, TS, BODY)).toBe(`t=${TS},v1=${expected}`);
  });

  it('round-trips', () => {
    expect(verifySignature(SECRET, signatureHeader(SECRET, TS, BODY), BODY, NOW)).toEqual({
      ok: true,
      timestamp: TS,
    });
  });

  it('refuses a tampered body', () => {
    const header = signatureHeader(SECRET, TS, BODY);
    expect(verifySignature(SECRET, header, BODY.replace('MONUSCO', 'MINUSCA'), NOW)).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('refuses a tampered timestamp (the signature covers it)', () => {
    const header = signatureHeader(SECRET, TS, BODY).replace(`t=${TS}`, `t=${TS + 10}`);
    expect(verifySignature(SECRET, header, BODY, NOW)).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a timestamp outside the tolerance, in either direction', () => {
    const header = signatureHeader(SECRET, TS, BODY);
    expect(verifySignature(SECRET, header, BODY, new Date((TS + 300) * 1000)).ok).toBe(true);
    expect(verifySignature(SECRET, header, BODY, new Date((TS + 301) * 1000))).toEqual({
      ok: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(verifySignature(SECRET, header, BODY, new Date((TS - 301) * 1000))).toEqual({
      ok: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(verifySignature(SECRET, header, BODY, new Date((TS + 3600) * 1000), 7200).ok).toBe(true);
  });

  it('refuses the wrong secret, and accepts any active secret during rotation', () => {
    const header = signatureHeader(SECRET, TS, BODY);
    expect(verifySignature('whsec_other', header, BODY, NOW)).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
    expect(verifySignature(['whsec_other', SECRET], header, BODY, NOW).ok).toBe(true);
    const rotating = signatureHeader(['whsec_new', SECRET], TS, BODY);
    expect(rotating.split(',')).toHaveLength(3);
    expect(verifySignature('whsec_new', rotating, BODY, NOW).ok).toBe(true);
  });

  it('refuses malformed headers', () => {
    for (const header of [
      '',
      'v1=abc',
      `t=${TS}`,
      `t=${TS},v1=zz`,
      `t=soon,v1=${'a'.repeat(64)}`,
      `t=${TS},v0=${'a'.repeat(64)}`,
    ]) {
      expect(verifySignature(SECRET, header, BODY, NOW)).toEqual({ ok: false, reason: 'malformed_header' });
    }
  });
});

function makeEvent(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    id: 'evt_42',
    type: 'alert.opened',
    occurredAt: new Date('2026-03-10T11:00:00Z'),
    alert: {
      id: 'a_9',
      mission: 'MONUSCO',
      narrative: 'collusion_armed_groups',
      severity: 'S2',
      status: 'open',
      itemCount: 42,
      sourceCount: 12,
      languages: ['fr', 'ln', 'sw'],
      firstSeenAt: new Date('2026-03-10T09:10:00Z'),
      lastSeenAt: new Date('2026-03-10T10:58:00Z'),
      url: 'https://vigie.example.org/alerts/a_9',
    },
    detection: {
      kind: 'spike',
      window: 'hour',
      observed: 42,
      expected: 7,
      ratio: 6,
      reasons: ['spike over the last hour: 42 items, ×6 the expected 7'],
    },
    topTerms: ['complices du M23', '<b>convoi</b>'],
    ...overrides,
  };
}

describe('formatters', () => {
  it('writes EN and FR lines with mission, narrative, severity and counts', () => {
    const json = toJsonEvent(makeEvent());
    expect(json.text.en).toBe(
      'New alert · [S2 high-harm false narrative] MONUSCO · Collusion with armed groups — spike: 42 items in the last hour (×6 vs 7 expected)',
    );
    expect(json.text.fr).toBe(
      'Nouvelle alerte · [S2 fausse information à haut risque] MONUSCO · Collusion avec des groupes armés — pic : 42 éléments dans la dernière heure (×6 contre 7 attendus)',
    );
    expect(json.text.countsEn).toBe(
      '42 items · 12 sources · languages: fr, ln, sw · top terms: complices du M23, <b>convoi</b>',
    );
    expect(json.text.countsFr).toContain('42 éléments · 12 sources · langues : fr, ln, sw');
  });

  it('produces a JSON event with ISO dates that survives JSON round-trip unchanged', () => {
    const json = toJsonEvent(makeEvent({ droppedSinceLastSend: 3 }));
    expect(json).toMatchObject({
      schemaVersion: 1,
      id: 'evt_42',
      type: 'alert.opened',
      occurredAt: '2026-03-10T11:00:00.000Z',
      alert: {
        mission: 'MONUSCO',
        firstSeenAt: '2026-03-10T09:10:00.000Z',
        url: 'https://vigie.example.org/alerts/a_9',
      },
      droppedSinceLastSend: 3,
      escalation: null,
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.text.countsEn).toContain('+3 notifications held back by the rate limit');
    expect(json.text.countsFr).toContain('+3 notifications retenues');
  });

  it('formats decimals the French way in French', () => {
    const json = toJsonEvent(
      makeEvent({
        detection: { kind: 'spike', window: 'day', observed: 31, expected: 12.4, ratio: 2.5, reasons: [] },
      }),
    );
    expect(json.text.en).toContain('31 items in the last 24 h (×2.5 vs 12.4 expected)');
    expect(json.text.fr).toContain('31 éléments sur les dernières 24 h (×2,5 contre 12,4 attendus)');
  });

  it('builds a Slack message with escaped text, reasons and a link button', () => {
    const msg = toSlackMessage(makeEvent());
    expect(msg.text).toContain('New alert · [S2');
    expect(msg.text).toContain(' | Nouvelle alerte');
    const serialized = JSON.stringify(msg.blocks);
    expect(serialized).toContain('&lt;b&gt;convoi&lt;/b&gt;');
    expect(serialized).not.toContain('<b>convoi</b>');
    expect(serialized).toContain('• spike over the last hour');
    expect(msg.blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ type: 'button', url: 'https://vigie.example.org/alerts/a_9', style: 'primary' }],
    });
  });

  it('builds a Teams Adaptive Card, red for S1 with an escalation line', () => {
    const msg = toTeamsMessage(
      makeEvent({
        type: 'alert.escalated',
        escalation: { level: 2, target: 'head_of_strategic_comms' },
        alert: { ...makeEvent().alert, severity: 'S1', narrative: 'incitement_violence' },
      }),
    ) as {
      type: string;
      attachments: {
        contentType: string;
        content: {
          type: string;
          version: string;
          body: Record<string, unknown>[];
          actions: Record<string, unknown>[];
        };
      }[];
    };
    expect(msg.type).toBe('message');
    const card = msg.attachments[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card?.content.type).toBe('AdaptiveCard');
    expect(card?.content.body[0]).toMatchObject({
      text: 'Escalated (level 2: head_of_strategic_comms) · [S1 incitement / threat] MONUSCO · Incitement to violence — spike: 42 items in the last hour (×6 vs 7 expected)',
      color: 'Attention',
    });
    expect(card?.content.body[1]).toMatchObject({
      text: expect.stringContaining('Escalade (niveau 2 : head_of_strategic_comms)'),
    });
    expect(JSON.stringify(card?.content.body[2])).toContain('Incitation à la violence');
    expect(card?.content.actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Open in Vigie / Ouvrir dans Vigie',
        url: 'https://vigie.example.org/alerts/a_9',
      },
    ]);
  });

  it('never renders a non-http link', () => {
    const evil = makeEvent({ alert: { ...makeEvent().alert, url: 'javascript:alert(1)' } });
    expect(JSON.stringify(toSlackMessage(evil))).not.toContain('javascript:');
    expect(JSON.stringify(toTeamsMessage(evil))).not.toContain('javascript:');
  });
});
