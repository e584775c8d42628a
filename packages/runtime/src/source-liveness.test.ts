import { describe, expect, it } from 'vitest';
import { decodeLiveness, mergeLiveness } from './source-liveness.js';

const t = (iso: string) => new Date(iso);

describe('decodeLiveness', () => {
  it('reads a record and refuses anything malformed', () => {
    expect(decodeLiveness(JSON.stringify([1_000, 2_000]))).toEqual({ lastFetchAt: new Date(1_000), nextFetchAt: new Date(2_000) });
    expect(decodeLiveness(JSON.stringify([1_000, null]))).toEqual({ lastFetchAt: new Date(1_000), nextFetchAt: null });
    for (const bad of [null, '', 'not json', '{}', '[]', '["x", 1]', '[1, "y"]', '[null, 1]', '{"lastFetchAt": 1}']) expect(decodeLiveness(bad)).toBeNull();
  });
});

describe('mergeLiveness', () => {
  const stored = { lastFetchAt: t('2026-03-02T10:00:00Z'), nextFetchAt: t('2026-03-02T12:00:00Z') };
  it('shows the poll Redis recorded when it is newer than the stored one', () => {
    const live = { lastFetchAt: t('2026-03-02T12:00:05Z'), nextFetchAt: t('2026-03-02T14:00:05Z') };
    expect(mergeLiveness(stored, live, true)).toEqual(live);
  });
  it('keeps the stored times when Redis has nothing or something older', () => {
    expect(mergeLiveness(stored, null, true)).toEqual(stored);
    expect(mergeLiveness(stored, { lastFetchAt: t('2026-03-02T09:00:00Z'), nextFetchAt: null }, true)).toEqual(stored);
    expect(mergeLiveness({ lastFetchAt: null, nextFetchAt: null }, null, true)).toEqual({ lastFetchAt: null, nextFetchAt: null });
  });
  it('never shows a next fetch for a disabled source', () => {
    const live = { lastFetchAt: t('2026-03-02T12:00:05Z'), nextFetchAt: t('2026-03-02T14:00:05Z') };
    expect(mergeLiveness(stored, live, false)).toEqual({ lastFetchAt: live.lastFetchAt, nextFetchAt: null });
  });
});
