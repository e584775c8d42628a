import { describe, expect, it } from 'vitest';
import { changedFields, LIVENESS_PERSIST_MAX_AGE_MS, planSourceWrite, sameValue } from './source-write.js';

const at = new Date('2026-03-02T10:00:00Z');
const hoursAgo = (h: number) => new Date(at.getTime() - h * 3600_000);

/** A quiet source as read lean: polled 8 h ago, 304 eight times in a row, interval at its 8× cap. */
const quiet = {
  enabled: true,
  http: { etag: '"v1"', lastModified: null, bodyHash: 'abc', redirectTo: null, redirectCount: 0 },
  health: { lastFetchAt: hoursAgo(8), lastStatus: '304', consecutiveFailures: 0, itemsLastFetch: 0, lastError: null, nextFetchAt: at },
  schedule: { intervalSec: 28_800, notBefore: null, recentNew: [0, 0, 0, 0, 0, 0, 0, 0] },
};
const same304 = {
  'health.lastStatus': '304',
  'health.consecutiveFailures': 0,
  'health.itemsLastFetch': 0,
  'health.lastError': null,
  'schedule.intervalSec': 28_800,
  'schedule.notBefore': null,
  'schedule.recentNew': [0, 0, 0, 0, 0, 0, 0, 0],
};
const times = { lastFetchAt: at, nextFetchAt: new Date(at.getTime() + 28_800_000) };

describe('sameValue', () => {
  it('treats null and absent alike, compares dates by time and arrays and objects by content', () => {
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue(new Date(5), new Date(5))).toBe(true);
    expect(sameValue(new Date(5), 5)).toBe(false);
    expect(sameValue([0, 1], [0, 1])).toBe(true);
    expect(sameValue([0, 1], [1, 0])).toBe(false);
    expect(sameValue({ code: 'x', message: 'm', at: new Date(1) }, { code: 'x', message: 'm', at: new Date(2) })).toBe(false);
    expect(sameValue({ a: 1 }, [1])).toBe(false);
  });
});

describe('planSourceWrite', () => {
  it('skips the database for a 304 that changes nothing, when Redis records the poll times', () => {
    expect(planSourceWrite(quiet, same304, times, { livenessInRedis: true })).toEqual({ set: null, material: [] });
  });

  it('still writes the times without a liveness store, or when the stored ones are a day old', () => {
    expect(planSourceWrite(quiet, same304, times, { livenessInRedis: false }).set).toEqual({ 'health.lastFetchAt': at, 'health.nextFetchAt': times.nextFetchAt });
    const stale = { ...quiet, health: { ...quiet.health, lastFetchAt: new Date(at.getTime() - LIVENESS_PERSIST_MAX_AGE_MS) } };
    expect(planSourceWrite(stale, same304, times, { livenessInRedis: true }).set).toEqual({ 'health.lastFetchAt': at, 'health.nextFetchAt': times.nextFetchAt });
    const never = { ...quiet, health: { ...quiet.health, lastFetchAt: null } };
    expect(planSourceWrite(never, same304, times, { livenessInRedis: true }).set).not.toBeNull();
  });

  it('writes only the fields that changed, with the times, when a status, validator or history changes', () => {
    const after200 = { ...quiet, health: { ...quiet.health, lastStatus: '200', itemsLastFetch: 5 }, schedule: { ...quiet.schedule, recentNew: [0, 0, 0, 0, 0, 0, 0, 5] } };
    const plan = planSourceWrite(after200, same304, times, { livenessInRedis: true });
    expect([...plan.material].sort()).toEqual(['health.itemsLastFetch', 'health.lastStatus', 'schedule.recentNew']);
    expect(plan.set).toEqual({
      'health.lastStatus': '304',
      'health.itemsLastFetch': 0,
      'schedule.recentNew': [0, 0, 0, 0, 0, 0, 0, 0],
      'health.lastFetchAt': at,
      'health.nextFetchAt': times.nextFetchAt,
    });
    const newEtag = planSourceWrite(quiet, { ...same304, 'http.etag': '"v2"' }, times, { livenessInRedis: true });
    expect(newEtag.material).toEqual(['http.etag']);
  });

  it('persists a failure, and a disable with no next fetch, at once', () => {
    const failed = planSourceWrite(
      quiet,
      { ...same304, 'health.lastStatus': 'timeout', 'health.consecutiveFailures': 1, 'health.lastError': { code: 'timeout', message: 'no answer', at } },
      times,
      { livenessInRedis: true },
    );
    expect(failed.set).toMatchObject({ 'health.consecutiveFailures': 1, 'health.lastError': { code: 'timeout' }, 'health.lastFetchAt': at });
    const gone = planSourceWrite(quiet, { ...same304, enabled: false, 'health.disabledReason': 'gone' }, { lastFetchAt: at, nextFetchAt: null }, { livenessInRedis: true });
    expect(gone.set).toMatchObject({ enabled: false, 'health.disabledReason': 'gone', 'health.nextFetchAt': null });
  });

  it('reads dotted paths through missing sub-documents (a source never polled)', () => {
    expect(changedFields({}, { 'health.lastStatus': '304', 'schedule.notBefore': null })).toEqual({ 'health.lastStatus': '304' });
  });
});
