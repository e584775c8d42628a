import type { Severity } from '@vigie/contracts';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTIFICATION_POLICY,
  EMPTY_RATE_CAP_STATE,
  NotificationPolicy,
  applyRateCaps,
  channelsFor,
  dueEscalations,
  planGroupFlush,
  type EscalationCandidate,
  type NotificationGroup,
  type PendingNotification,
  type RateCapState,
} from './notification-policy.js';

const T0 = Date.parse('2026-03-10T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
let seq = 0;
function makePending(key: string, minutes: number, severity: Severity = 'S3'): PendingNotification {
  seq += 1;
  return { id: `n${seq}`, key, alertId: `alert-${key}`, severity, queuedAt: at(minutes) };
}
function makeGroup(key: string, size = 1, severity: Severity = 'S3'): NotificationGroup {
  const items = Array.from({ length: size }, () => makePending(key, 0, severity));
  return { key, items, severity, dueAt: at(0) };
}

describe('planGroupFlush', () => {
  it('holds a key for groupWaitMs from its first notification, then sends everything together', () => {
    const pending = [
      makePending('MONUSCO:collusion', 0),
      makePending('MONUSCO:collusion', 1.5),
      makePending('UNIFIL:espionage', 1),
    ];
    const early = planGroupFlush(pending, at(1.9));
    expect(early.flush).toEqual([]);
    expect(early.hold.map((g) => g.key).sort()).toEqual(['MONUSCO:collusion', 'UNIFIL:espionage']);
    expect(early.nextFlushAt).toEqual(at(2));

    const due = planGroupFlush(pending, at(2));
    expect(due.flush).toHaveLength(1);
    expect(due.flush[0]?.key).toBe('MONUSCO:collusion');
    expect(due.flush[0]?.items.map((i) => i.queuedAt)).toEqual([at(0), at(1.5)]);
    expect(due.hold.map((g) => g.key)).toEqual(['UNIFIL:espionage']);
    expect(due.nextFlushAt).toEqual(at(3));
  });

  it('sends S1 at once, and a group with any S1 item at once, most severe first', () => {
    const pending = [
      makePending('k-s3', 0, 'S3'),
      makePending('k-mixed', 0.5, 'S2'),
      makePending('k-mixed', 0.6, 'S1'),
      makePending('k-s1', 0.9, 'S1'),
    ];
    const plan = planGroupFlush(pending, at(0.95));
    expect(plan.flush.map((g) => [g.key, g.severity])).toEqual([
      ['k-mixed', 'S1'],
      ['k-s1', 'S1'],
    ]);
    expect(plan.hold.map((g) => g.key)).toEqual(['k-s3']);
  });

  it('honours a custom group wait and returns nothing for nothing', () => {
    const policy = { ...DEFAULT_NOTIFICATION_POLICY, groupWaitMs: 10 * 60_000 };
    expect(planGroupFlush([makePending('k', 0)], at(5), policy).flush).toEqual([]);
    expect(planGroupFlush([makePending('k', 0)], at(10), policy).flush).toHaveLength(1);
    expect(planGroupFlush([], at(0))).toEqual({ flush: [], hold: [], nextFlushAt: null });
  });
});

describe('applyRateCaps', () => {
  const policy = { ...DEFAULT_NOTIFICATION_POLICY, maxPerHour: 2 };

  it('sends up to maxPerHour per key, counts the dropped, and reports them with the next message', () => {
    let state: RateCapState = EMPTY_RATE_CAP_STATE;
    const r1 = applyRateCaps(
      [makeGroup('k'), makeGroup('k', 3), makeGroup('k', 4), makeGroup('other')],
      state,
      at(0),
      policy,
    );
    expect(r1.send.map((s) => [s.group.key, s.group.items.length])).toEqual([
      ['k', 1],
      ['k', 3],
      ['other', 1],
    ]);
    expect(r1.dropped).toHaveLength(1);
    expect(r1.dropped[0]).toMatchObject({ key: 'k', count: 4, droppedSinceLastSend: 4, retryAfter: at(60) });
    state = r1.state;
    expect(state.dropped).toEqual({ k: 4 });

    // Still capped 30 minutes later: the count accumulates.
    const r2 = applyRateCaps([makeGroup('k', 2)], state, at(30), policy);
    expect(r2.send).toEqual([]);
    expect(r2.dropped[0]).toMatchObject({ count: 2, droppedSinceLastSend: 6 });
    state = r2.state;

    // After an hour the window has room; the message carries the 6 dropped, and the counter resets.
    const r3 = applyRateCaps([makeGroup('k')], state, at(60.5), policy);
    expect(r3.send).toHaveLength(1);
    expect(r3.send[0]?.droppedSinceLastSend).toBe(6);
    expect(r3.dropped).toEqual([]);
    expect(r3.state.dropped).toEqual({});
    // Old sends left the window.
    expect(r3.state.sent.filter((s) => s.key === 'k').map((s) => s.at)).toEqual([at(60.5)]);
  });

  it('never caps S1', () => {
    const groups = Array.from({ length: 5 }, () => makeGroup('target:base-beni', 1, 'S1'));
    const r = applyRateCaps(groups, EMPTY_RATE_CAP_STATE, at(0), policy);
    expect(r.send).toHaveLength(5);
    expect(r.dropped).toEqual([]);
  });
});

describe('dueEscalations', () => {
  const alert = (overrides: Partial<EscalationCandidate>): EscalationCandidate => ({
    id: 'a1',
    severity: 'S1',
    status: 'open',
    openedAt: at(0),
    escalationLevel: 0,
    ...overrides,
  });

  it('escalates an unacknowledged S1 after 10 minutes and S2 after 30, not before', () => {
    expect(dueEscalations([alert({})], at(9.99))).toEqual([]);
    expect(dueEscalations([alert({})], at(10))).toEqual([
      { alertId: 'a1', levels: [1], targets: ['duty_officer'], level: 1, dueAt: at(10), overdueMs: 0 },
    ]);
    expect(dueEscalations([alert({ severity: 'S2' })], at(29))).toEqual([]);
    expect(dueEscalations([alert({ severity: 'S2' })], at(31))[0]).toMatchObject({
      level: 1,
      overdueMs: 60_000,
    });
  });

  it('moves to the next level after another interval, and never repeats a level', () => {
    expect(dueEscalations([alert({ escalationLevel: 1 })], at(15))).toEqual([]);
    expect(dueEscalations([alert({ escalationLevel: 1 })], at(20))[0]).toMatchObject({
      levels: [2],
      targets: ['head_of_strategic_comms'],
    });
    expect(dueEscalations([alert({ escalationLevel: 3 })], at(500))).toEqual([]);
  });

  it('catches up on every missed level, capped at the last one', () => {
    const [due] = dueEscalations([alert({})], at(45));
    expect(due).toMatchObject({
      levels: [1, 2, 3],
      targets: ['duty_officer', 'head_of_strategic_comms', 'chief_of_staff'],
      level: 3,
      dueAt: at(30),
    });
  });

  it('ignores acknowledged, closed, S3 and S4 alerts', () => {
    const alerts = [
      alert({ id: 'ack', status: 'acknowledged' }),
      alert({ id: 'resp', status: 'responding' }),
      alert({ id: 'res', status: 'resolved' }),
      alert({ id: 's3', severity: 'S3' }),
      alert({ id: 's4', severity: 'S4' }),
      alert({ id: 'open-s2', severity: 'S2', openedAt: at(-100) }),
    ];
    expect(dueEscalations(alerts, at(60)).map((d) => d.alertId)).toEqual(['open-s2']);
  });
});

describe('channelsFor', () => {
  it('routes S1 to security as well as comms', () => {
    expect(channelsFor({ severity: 'S1', narrative: 'incitement_violence' })).toEqual(['comms', 'security']);
    expect(channelsFor({ severity: 'S2', narrative: 'collusion_armed_groups' })).toEqual(['comms']);
    expect(channelsFor({ severity: 'S4', narrative: 'failure_to_protect' })).toEqual(['comms']);
  });

  it('routes sexual exploitation and abuse to the victim-centred channel instead of comms', () => {
    expect(channelsFor({ severity: 'S2', narrative: 'sexual_exploitation_abuse' })).toEqual([
      'victim_centred',
    ]);
    expect(channelsFor({ severity: 'S1', narrative: 'sexual_exploitation_abuse' })).toEqual([
      'victim_centred',
      'security',
    ]);
  });
});

describe('NotificationPolicy schema', () => {
  it('accepts the defaults and rejects a nonsense policy', () => {
    expect(NotificationPolicy.parse(DEFAULT_NOTIFICATION_POLICY)).toEqual(DEFAULT_NOTIFICATION_POLICY);
    const bad = NotificationPolicy.safeParse({
      ...DEFAULT_NOTIFICATION_POLICY,
      maxPerHour: 0,
      escalation: { afterMs: {}, levels: [] },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'escalation.levels',
      'maxPerHour',
    ]);
  });
});
