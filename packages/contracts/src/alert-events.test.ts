import { describe, expect, it } from 'vitest';
import { AlertEventJob, alertEventJobId, alertEventKey } from './queues.js';

const alertId = '65f1a2b3c4d5e6f7a8b9c0d1';

describe('alert event keys', () => {
  it('gives the same happening the same key, and different happenings different keys', () => {
    expect(alertEventKey({ alertId, type: 'transition', ref: '3' })).toBe(`${alertId}.transition.3`);
    expect(alertEventKey({ alertId, type: 'transition', ref: '4' })).not.toBe(alertEventKey({ alertId, type: 'transition', ref: '3' }));
    expect(alertEventKey({ alertId, type: 'escalated', ref: '0-1' })).not.toBe(alertEventKey({ alertId, type: 'escalated', ref: '1-1' }));
  });

  it('shares one key per item between created and evidence, so a retried classification never notifies twice', () => {
    const item = '65f1a2b3c4d5e6f7a8b9c0d2';
    expect(alertEventKey({ alertId, type: 'created', ref: item })).toBe(alertEventKey({ alertId, type: 'evidence', ref: item }));
  });

  it('makes BullMQ-safe job ids (no colon, not an integer)', () => {
    const id = alertEventJobId({ alertId, type: 'escalated', ref: '0-2' });
    expect(id).toBe(`ae-${alertId}-escalated-0-2`);
    expect(id).not.toContain(':');
  });

  it('accepts references only', () => {
    expect(AlertEventJob.safeParse({ alertId, type: 'created', at: '2026-11-26T08:00:00Z' }).success).toBe(true);
    expect(AlertEventJob.safeParse({ alertId, type: 'created', at: '2026-11-26T08:00:00Z', alert: {} }).success).toBe(false);
    expect(AlertEventJob.safeParse({ alertId: 'x', type: 'created', at: '2026-11-26T08:00:00Z' }).success).toBe(false);
    expect(AlertEventJob.safeParse({ alertId, type: 'created', at: '2026-11-26T08:00:00Z', ref: 'a:b' }).success).toBe(false);
  });
});
