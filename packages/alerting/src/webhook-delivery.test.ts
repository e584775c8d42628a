import { describe, expect, it } from 'vitest';
import {
  classifyDeliveryStatus,
  digestSubscriptionMatches,
  groupEventType,
  renderWebhookBody,
  subscriptionMatches,
  webhookEventTypeFor,
  type NotificationTarget,
  type WebhookSubscription,
} from './webhook-delivery.js';
import type { AlertEvent } from './webhook-signing.js';

function makeSub(overrides: Partial<WebhookSubscription> = {}): WebhookSubscription {
  return { enabled: true, missions: [], events: [], channels: [], minSeverity: 'S4', minEscalationLevel: 0, ...overrides };
}
function makeTarget(overrides: Partial<NotificationTarget> = {}): NotificationTarget {
  return { type: 'alert.opened', mission: 'MONUSCO', severity: 'S2', channels: ['comms'], escalationLevel: 0, ...overrides };
}
const event: AlertEvent = {
  id: 'evt-1',
  type: 'alert.opened',
  occurredAt: new Date('2026-03-10T08:00:00Z'),
  alert: {
    id: 'a1',
    mission: 'MONUSCO',
    narrative: 'collusion_armed_groups',
    severity: 'S2',
    status: 'open',
    itemCount: 3,
    sourceCount: 2,
    languages: ['fr'],
    firstSeenAt: new Date('2026-03-10T07:00:00Z'),
    lastSeenAt: new Date('2026-03-10T08:00:00Z'),
    url: 'https://vigie.example/api/v1/alerts/a1',
  },
};

describe('webhookEventTypeFor', () => {
  it('maps kinds, and transitions by the change they record', () => {
    expect(webhookEventTypeFor('created')).toBe('alert.opened');
    expect(webhookEventTypeFor('evidence')).toBe('alert.updated');
    expect(webhookEventTypeFor('escalated')).toBe('alert.escalated');
    expect(webhookEventTypeFor('transition', { action: 'resolve', from: 'responding', to: 'resolved' })).toBe('alert.resolved');
    expect(webhookEventTypeFor('transition', { action: 'dismiss', from: 'open', to: 'dismissed' })).toBe('alert.dismissed');
    expect(webhookEventTypeFor('transition', { action: 'reopen', from: 'dismissed', to: 'open' })).toBe('alert.reopened');
    expect(webhookEventTypeFor('transition', { action: 'acknowledge', from: 'open', to: 'acknowledged' })).toBe('alert.updated');
  });

  it('streams notes and assignments without paging anyone', () => {
    expect(webhookEventTypeFor('transition', { action: 'note', from: 'open', to: 'open' })).toBeNull();
    expect(webhookEventTypeFor('transition')).toBeNull();
  });

  it('names a group by its most significant member', () => {
    expect(groupEventType(['alert.updated', 'alert.opened'])).toBe('alert.opened');
    expect(groupEventType(['alert.updated', 'alert.reopened'])).toBe('alert.reopened');
    expect(groupEventType(['alert.updated'])).toBe('alert.updated');
  });
});

describe('digestSubscriptionMatches', () => {
  it('needs digest.published listed explicitly: an empty events list means alerts only', () => {
    expect(digestSubscriptionMatches(makeSub(), 'MONUSCO')).toBe(false);
    expect(digestSubscriptionMatches(makeSub({ events: ['alert.opened'] }), 'MONUSCO')).toBe(false);
    expect(digestSubscriptionMatches(makeSub({ events: ['digest.published'] }), 'MONUSCO')).toBe(true);
    expect(digestSubscriptionMatches(makeSub({ events: ['digest.published'], enabled: false }), 'MONUSCO')).toBe(false);
  });

  it('respects mission scoping: a MONUSCO webhook never gets UNIFIL’s digest nor the overall one', () => {
    const monusco = makeSub({ events: ['digest.published'], missions: ['MONUSCO'] });
    expect(digestSubscriptionMatches(monusco, 'MONUSCO')).toBe(true);
    expect(digestSubscriptionMatches(monusco, 'UNIFIL')).toBe(false);
    expect(digestSubscriptionMatches(monusco, null)).toBe(false);
    expect(digestSubscriptionMatches(makeSub({ events: ['digest.published'] }), null)).toBe(true);
  });

  it('keeps digests out of alert subscriptions', () => {
    expect(subscriptionMatches(makeSub({ events: ['digest.published'] }), makeTarget())).toBe(false);
  });
});

describe('subscriptionMatches', () => {
  it('filters by mission, event, channel and severity; empty lists mean any', () => {
    expect(subscriptionMatches(makeSub(), makeTarget())).toBe(true);
    expect(subscriptionMatches(makeSub({ enabled: false }), makeTarget())).toBe(false);
    expect(subscriptionMatches(makeSub({ missions: ['UNIFIL'] }), makeTarget())).toBe(false);
    expect(subscriptionMatches(makeSub({ events: ['alert.resolved'] }), makeTarget())).toBe(false);
    expect(subscriptionMatches(makeSub({ channels: ['security'] }), makeTarget())).toBe(false);
    expect(subscriptionMatches(makeSub({ channels: ['security'] }), makeTarget({ severity: 'S1', channels: ['comms', 'security'] }))).toBe(true);
    expect(subscriptionMatches(makeSub({ minSeverity: 'S1' }), makeTarget({ severity: 'S2' }))).toBe(false);
    expect(subscriptionMatches(makeSub({ minSeverity: 'S2' }), makeTarget({ severity: 'S1' }))).toBe(true);
  });

  it('gives higher escalation levels only escalations at or above their level', () => {
    const chief = makeSub({ minEscalationLevel: 2 });
    expect(subscriptionMatches(chief, makeTarget())).toBe(false);
    expect(subscriptionMatches(chief, makeTarget({ type: 'alert.escalated', escalationLevel: 1 }))).toBe(false);
    expect(subscriptionMatches(chief, makeTarget({ type: 'alert.escalated', escalationLevel: 2 }))).toBe(true);
    expect(subscriptionMatches(makeSub(), makeTarget({ type: 'alert.escalated', escalationLevel: 1 }))).toBe(true);
  });
});

describe('classifyDeliveryStatus', () => {
  it('delivers on 2xx, retries 408/429/5xx, gives up on other 4xx and on redirects', () => {
    expect(classifyDeliveryStatus(204).kind).toBe('delivered');
    expect(classifyDeliveryStatus(429).kind).toBe('retry');
    expect(classifyDeliveryStatus(408).kind).toBe('retry');
    expect(classifyDeliveryStatus(503).kind).toBe('retry');
    expect(classifyDeliveryStatus(410).kind).toBe('permanent');
    expect(classifyDeliveryStatus(401).kind).toBe('permanent');
    expect(classifyDeliveryStatus(301)).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('redirect') });
  });
});

describe('renderWebhookBody', () => {
  it('renders each format as JSON carrying the event', () => {
    expect(JSON.parse(renderWebhookBody('json', event))).toMatchObject({ schemaVersion: 1, id: 'evt-1', type: 'alert.opened' });
    expect(JSON.parse(renderWebhookBody('slack', event))).toMatchObject({ text: expect.stringContaining('MONUSCO') });
    expect(JSON.parse(renderWebhookBody('teams', event))).toMatchObject({ type: 'message' });
  });
});
