import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SURGE_NARRATIVES,
  Moment,
  activeMoments,
  duePrebunkTasks,
  likelyNarratives,
  momentWindow,
  thresholdFactorAt,
  type Moment as MomentT,
} from './moments.js';

function makeMoment(overrides: Record<string, unknown> = {}): MomentT {
  return Moment.parse({
    id: 'm-mandate',
    mission: 'MONUSCO',
    title: 'Security Council vote on the MONUSCO mandate',
    kind: 'mandate_renewal',
    date: '2026-12-18T15:00:00Z',
    ...overrides,
  });
}

const d = (iso: string) => new Date(iso);

describe('Moment schema', () => {
  it('floors the date to the UTC day and applies defaults', () => {
    const m = makeMoment();
    expect(m.date.toISOString()).toBe('2026-12-18T00:00:00.000Z');
    expect([m.windowBeforeDays, m.windowAfterDays, m.prebunkLeadDays]).toEqual([3, 2, 7]);
    expect(m.narratives).toEqual([]);
    expect(Moment.safeParse({ ...m, kind: 'party' }).success).toBe(false);
    expect(Moment.safeParse({ ...m, windowBeforeDays: -1 }).success).toBe(false);
  });

  it('uses the kind defaults when no narrative is listed, the list otherwise', () => {
    expect(likelyNarratives(makeMoment())).toEqual([
      'expulsion_demand',
      'sovereignty_partition',
      'geopolitical_proxy',
      'failure_to_protect',
    ]);
    expect(DEFAULT_SURGE_NARRATIVES.anniversary).toEqual(
      expect.arrayContaining(['incitement_violence', 'failure_to_protect', 'false_flag']),
    );
    expect(likelyNarratives(makeMoment({ narratives: ['hate_speech'] }))).toEqual(['hate_speech']);
  });
});

describe('activeMoments', () => {
  const m = makeMoment();

  it('covers windowBeforeDays before the day to windowAfterDays after it', () => {
    expect(momentWindow(m)).toEqual({ start: d('2026-12-15T00:00:00Z'), end: d('2026-12-21T00:00:00Z') });
    expect(activeMoments([m], 'MONUSCO', d('2026-12-14T23:59:59Z'))).toEqual([]);
    expect(activeMoments([m], 'MONUSCO', d('2026-12-15T00:00:00Z'))).toEqual([m]);
    expect(activeMoments([m], 'MONUSCO', d('2026-12-18T20:00:00Z'))).toEqual([m]);
    expect(activeMoments([m], 'MONUSCO', d('2026-12-20T23:59:59Z'))).toEqual([m]);
    expect(activeMoments([m], 'MONUSCO', d('2026-12-21T00:00:00Z'))).toEqual([]);
  });

  it('only returns the mission asked for, earliest first', () => {
    const other = makeMoment({ id: 'm-unifil', mission: 'UNIFIL' });
    const earlier = makeMoment({ id: 'm-rotation', kind: 'rotation', date: '2026-12-16' });
    expect(activeMoments([m, other, earlier], 'MONUSCO', d('2026-12-17T00:00:00Z')).map((x) => x.id)).toEqual(
      ['m-rotation', 'm-mandate'],
    );
    expect(activeMoments([m, other], 'UNIFIL', d('2026-12-17T00:00:00Z')).map((x) => x.id)).toEqual([
      'm-unifil',
    ]);
  });
});

describe('thresholdFactorAt', () => {
  const m = makeMoment();
  const inside = d('2026-12-18T10:00:00Z');

  it('is 1 outside any moment and for other missions', () => {
    expect(thresholdFactorAt([m], 'MONUSCO', d('2026-12-01T00:00:00Z'), 'expulsion_demand')).toBe(1);
    expect(thresholdFactorAt([m], 'UNMISS', inside, 'expulsion_demand')).toBe(1);
  });

  it('lowers strongly for the likely narratives and mildly for the others', () => {
    expect(thresholdFactorAt([m], 'MONUSCO', inside, 'expulsion_demand')).toBe(0.6);
    expect(thresholdFactorAt([m], 'MONUSCO', inside, 'disease_health')).toBe(0.85);
    expect(thresholdFactorAt([m], 'MONUSCO', inside)).toBe(0.6);
  });

  it('takes the lowest factor of overlapping moments without compounding, and honours overrides', () => {
    const strict = makeMoment({
      id: 'm-anniv',
      kind: 'anniversary',
      date: '2026-12-19',
      thresholdFactor: 0.4,
    });
    expect(thresholdFactorAt([m, strict], 'MONUSCO', inside, 'incitement_violence')).toBe(0.4);
    expect(thresholdFactorAt([m, strict], 'MONUSCO', inside, 'expulsion_demand')).toBe(0.4);
    expect(thresholdFactorAt([m, strict], 'MONUSCO', inside, 'disease_health')).toBe(0.85);
  });
});

describe('duePrebunkTasks', () => {
  const m = makeMoment();

  it('opens the task prebunkLeadDays before the date, with the linked narratives', () => {
    expect(duePrebunkTasks([m], d('2026-12-10T23:59:59Z'), [])).toEqual([]);
    const tasks = duePrebunkTasks([m], d('2026-12-11T00:00:00Z'), []);
    expect(tasks).toEqual([
      {
        key: 'prebunk:m-mandate',
        momentId: 'm-mandate',
        mission: 'MONUSCO',
        title: 'Prebunk: Security Council vote on the MONUSCO mandate',
        kind: 'mandate_renewal',
        momentDate: d('2026-12-18T00:00:00Z'),
        dueAt: d('2026-12-11T00:00:00Z'),
        narratives: ['expulsion_demand', 'sovereignty_partition', 'geopolitical_proxy', 'failure_to_protect'],
      },
    ]);
  });

  it('does not open a task twice: already opened keys and duplicate moments are skipped', () => {
    const at = d('2026-12-12T00:00:00Z');
    expect(duePrebunkTasks([m], at, ['prebunk:m-mandate'])).toEqual([]);
    expect(duePrebunkTasks([m, m], at, new Set<string>())).toHaveLength(1);
  });

  it('still opens a late task during the moment, but not after its window', () => {
    expect(duePrebunkTasks([m], d('2026-12-20T12:00:00Z'), [])).toHaveLength(1);
    expect(duePrebunkTasks([m], d('2026-12-21T00:00:00Z'), [])).toEqual([]);
  });

  it('honours a custom lead time per moment', () => {
    const election = makeMoment({
      id: 'm-election',
      kind: 'election',
      date: '2026-12-28',
      prebunkLeadDays: 21,
    });
    const tasks = duePrebunkTasks([m, election], d('2026-12-07T00:00:00Z'), []);
    expect(tasks.map((t) => [t.key, t.dueAt.toISOString()])).toEqual([
      ['prebunk:m-election', '2026-12-07T00:00:00.000Z'],
    ]);
    expect(tasks[0]?.narratives).toContain('forged_media');
  });
});
