import { describe, expect, it } from 'vitest';
import { AlertListIndex, type AlertListSelection, type IndexedAlert } from './alert-list.index.js';

const MISSIONS = ['MONUSCO', 'MINUSCA', 'UNMISS'];
const STATUSES = ['open', 'acknowledged', 'resolved', 'dismissed'];
const SEVERITIES = ['S1', 'S2', 'S3', 'S4'];
const NARRATIVES = ['collusion_armed_groups', 'resource_exploitation'];

function makeAlert(i: number, overrides: Partial<IndexedAlert> = {}): IndexedAlert {
  return {
    // Hex ids of equal length, like ObjectIds; some alerts share lastSeenAt so the _id tie-break matters.
    _id: i.toString(16).padStart(24, '0'),
    mission: MISSIONS[i % 3]!,
    narrative: NARRATIVES[i % 2]!,
    status: STATUSES[i % 4]!,
    severity: SEVERITIES[i % 4]!,
    severityRank: i % 4,
    lastSeenAt: new Date(Date.UTC(2026, 10, 26) - Math.floor(i / 3) * 60_000),
    ...overrides,
  };
}

/** The database query's semantics, written out plainly: filter, then sort, then keyset, then limit. */
function reference(all: IndexedAlert[], s: AlertListSelection): string[] {
  const recent = (a: IndexedAlert, b: IndexedAlert) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime() || (String(a._id) < String(b._id) ? 1 : -1);
  const order = s.sort === 'triage' ? (a: IndexedAlert, b: IndexedAlert) => a.severityRank - b.severityRank || recent(a, b) : recent;
  const key = (a: IndexedAlert) => ({ rank: a.severityRank, seen: a.lastSeenAt.getTime(), id: String(a._id) });
  const afterCursor = (a: IndexedAlert) => {
    if (!s.after) return true;
    const k = key(a);
    const c = s.after;
    const byRecent = k.seen < c.seen || (k.seen === c.seen && k.id < c.id);
    return s.sort === 'triage' ? k.rank > c.rank || (k.rank === c.rank && byRecent) : byRecent;
  };
  return all
    .filter((a) => s.missions === null || s.missions.includes(a.mission))
    .filter((a) => !s.narratives?.length || s.narratives.includes(a.narrative))
    .filter((a) => !s.statuses?.length || s.statuses.includes(a.status))
    .filter((a) => !s.severities?.length || s.severities.includes(a.severity))
    .filter((a) => (!s.from || a.lastSeenAt >= s.from) && (!s.to || a.lastSeenAt <= s.to))
    .filter(afterCursor)
    .sort(order)
    .slice(0, s.limit)
    .map((a) => String(a._id));
}

function ids(rows: IndexedAlert[]): string[] {
  return rows.map((a) => String(a._id));
}

describe('AlertListIndex', () => {
  const all = Array.from({ length: 500 }, (_, i) => makeAlert(i));
  const index = new AlertListIndex<IndexedAlert>();
  index.replaceAll(all);

  it('answers every filter and order exactly as the database query would', () => {
    const selections: AlertListSelection[] = [
      { missions: null, sort: 'recent', limit: 51 },
      { missions: null, sort: 'triage', limit: 51, statuses: ['open'] },
      { missions: ['MONUSCO'], sort: 'recent', limit: 20, narratives: ['resource_exploitation'] },
      { missions: ['MINUSCA', 'UNMISS'], sort: 'triage', limit: 7, severities: ['S1', 'S2'], statuses: ['open', 'acknowledged'] },
      { missions: null, sort: 'recent', limit: 30, from: all[90]!.lastSeenAt, to: all[30]!.lastSeenAt },
      { missions: null, sort: 'triage', limit: 30, from: all[90]!.lastSeenAt, to: all[30]!.lastSeenAt },
    ];
    for (const s of selections) expect(ids(index.page(s))).toEqual(reference(all, s));
  });

  it('walks every page through keyset cursors without gaps or repeats, in both orders', () => {
    for (const sort of ['recent', 'triage'] as const) {
      const seen: string[] = [];
      let after: AlertListSelection['after'];
      for (;;) {
        const page = index.page({ missions: ['MONUSCO'], sort, limit: 13, after });
        seen.push(...ids(page));
        const last = page.at(-1);
        if (page.length < 13 || !last) break;
        after = { rank: last.severityRank, seen: last.lastSeenAt.getTime(), id: String(last._id) };
      }
      expect(seen).toEqual(reference(all, { missions: ['MONUSCO'], sort, limit: 10_000 }));
    }
  });

  it('an empty mission scope allows nothing (a scoped key never sees other missions)', () => {
    expect(index.page({ missions: [], sort: 'recent', limit: 50 })).toEqual([]);
  });

  it('moves an alert when its sort keys change and forgets a removed one', () => {
    const local = new AlertListIndex<IndexedAlert>();
    local.replaceAll(all.slice(0, 50));
    const moved = makeAlert(40, { severityRank: 0, severity: 'S1', lastSeenAt: new Date(Date.UTC(2027, 0, 1)) });
    local.upsert(moved);
    expect(local.size).toBe(50);
    expect(ids(local.page({ missions: null, sort: 'recent', limit: 1 }))).toEqual([String(moved._id)]);
    expect(ids(local.page({ missions: null, sort: 'triage', limit: 1 }))).toEqual([String(moved._id)]);
    local.remove(String(moved._id));
    local.remove('ffffffffffffffffffffffff');
    expect(local.size).toBe(49);
    const expected = all.slice(0, 50).filter((a) => String(a._id) !== String(moved._id));
    expect(ids(local.page({ missions: null, sort: 'triage', limit: 100 }))).toEqual(reference(expected, { missions: null, sort: 'triage', limit: 100 }));
  });

  it('keeps both orders right under a long series of random upserts and removals', () => {
    const local = new AlertListIndex<IndexedAlert>();
    const truth = new Map<string, IndexedAlert>();
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let step = 0; step < 2_000; step++) {
      const i = rnd(120);
      if (rnd(5) === 0) {
        local.remove(String(makeAlert(i)._id));
        truth.delete(String(makeAlert(i)._id));
      } else {
        const a = makeAlert(i, { severityRank: rnd(4), lastSeenAt: new Date(1_700_000_000_000 + rnd(30) * 1_000) });
        local.upsert(a);
        truth.set(String(a._id), a);
      }
    }
    for (const sort of ['recent', 'triage'] as const) {
      expect(ids(local.page({ missions: null, sort, limit: 1_000 }))).toEqual(reference([...truth.values()], { missions: null, sort, limit: 1_000 }));
    }
  });
});
