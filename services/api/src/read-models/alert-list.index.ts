/**
 * The alert list as an in-memory read model: every alert, kept in the two orders `GET /alerts` serves, so a page
 * is a binary search plus a short walk instead of a database query.
 *
 * Why it exists: FerretDB v1 (the local and CI store) never pushes a sort down, and pushes a limit down only for
 * an unfiltered, unsorted find, so each list request decoded every matching alert (seconds at 100 k alerts; see
 * BENCHMARKS.md "FerretDB performance notes"). On MongoDB 7 the declared indexes serve the same queries, so the
 * read model is opt-in (ALERT_READ_MODEL). Pure: no I/O here; alert-list.sync.ts keeps it fresh.
 *
 * Semantics are the database query's, exactly: the same filters (missions, narratives, statuses, severities,
 * lastSeenAt range), the same orders and the same keyset cursors, so a client cannot tell which path answered.
 */

/** The fields the index orders and filters on; the rest of the document rides along for the DTO. */
export interface IndexedAlert {
  readonly _id: { toString(): string };
  readonly mission: string;
  readonly narrative: string;
  readonly status: string;
  readonly severity: string;
  readonly severityRank: number;
  readonly lastSeenAt: Date;
}

export type AlertListSort = 'recent' | 'triage';

export interface AlertListSelection {
  /** null: every mission (an unscoped key without a mission filter). */
  readonly missions: readonly string[] | null;
  readonly narratives?: readonly string[] | undefined;
  readonly statuses?: readonly string[] | undefined;
  readonly severities?: readonly string[] | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly sort: AlertListSort;
  /** Rows strictly after this position in the chosen order (the decoded cursor). */
  readonly after?: { readonly rank: number; readonly seen: number; readonly id: string } | undefined;
  readonly limit: number;
}

interface Entry<T> {
  readonly id: string;
  readonly rank: number;
  readonly seen: number;
  readonly doc: T;
}

type Key = Pick<Entry<unknown>, 'id' | 'rank' | 'seen'>;

// ObjectId hex strings have a fixed length, so string order is byte order: the same as MongoDB's `_id: -1`.
function compareRecent(a: Key, b: Key): number {
  return b.seen - a.seen || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function compareTriage(a: Key, b: Key): number {
  return a.rank - b.rank || compareRecent(a, b);
}

/** First position whose entry sorts strictly after `key`. */
function upperBound<T>(list: readonly Entry<T>[], key: Key, compare: (a: Key, b: Key) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of `key` itself (or where it would go). */
function lowerBound<T>(list: readonly Entry<T>[], key: Key, compare: (a: Key, b: Key) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An absent or empty optional filter means "any", as in the route's database query. */
function inSet(value: string, set: readonly string[] | undefined): boolean {
  return !set || set.length === 0 || set.includes(value);
}

export class AlertListIndex<T extends IndexedAlert> {
  private readonly byId = new Map<string, Entry<T>>();
  private recent: Entry<T>[] = [];
  private triage: Entry<T>[] = [];

  get size(): number {
    return this.byId.size;
  }

  /** Replaces the whole content (a rebuild from the database). */
  replaceAll(docs: Iterable<T>): void {
    this.byId.clear();
    for (const doc of docs) {
      const entry = toEntry(doc);
      this.byId.set(entry.id, entry);
    }
    this.recent = [...this.byId.values()].sort(compareRecent);
    this.triage = [...this.recent].sort(compareTriage);
  }

  get(id: string): T | undefined {
    return this.byId.get(id)?.doc;
  }

  /** Inserts or replaces one alert (its sort keys may have moved). */
  upsert(doc: T): void {
    const entry = toEntry(doc);
    this.remove(entry.id);
    this.byId.set(entry.id, entry);
    this.recent.splice(lowerBound(this.recent, entry, compareRecent), 0, entry);
    this.triage.splice(lowerBound(this.triage, entry, compareTriage), 0, entry);
  }

  remove(id: string): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    for (const [list, compare] of [
      [this.recent, compareRecent],
      [this.triage, compareTriage],
    ] as const) {
      const at = lowerBound(list, old, compare);
      if (list[at]?.id === id) list.splice(at, 1);
    }
  }

  /** Up to `limit` documents of the selection, in order, after the cursor position. */
  page(selection: AlertListSelection): T[] {
    const list = selection.sort === 'triage' ? this.triage : this.recent;
    const compare = selection.sort === 'triage' ? compareTriage : compareRecent;
    let start = 0;
    if (selection.after) start = upperBound(list, selection.after, compare);
    // In `recent` order, `to` lets us skip straight to the first row at or before it.
    const to = selection.to?.getTime();
    if (selection.sort === 'recent' && to !== undefined) {
      start = Math.max(start, lowerBound(list, { id: 'g'.repeat(24), rank: 0, seen: to }, compare));
    }
    const from = selection.from?.getTime();
    const out: T[] = [];
    for (let i = start; i < list.length && out.length < selection.limit; i++) {
      const e = list[i]!;
      if (from !== undefined && e.seen < from) {
        // Ordered by lastSeenAt descending: nothing later in a `recent` walk can match.
        if (selection.sort === 'recent') break;
        continue;
      }
      if (to !== undefined && e.seen > to) continue;
      const d = e.doc;
      // Missions are a scope, not an optional filter: an empty list allows nothing (the query's `$in: []`).
      if ((selection.missions === null || selection.missions.includes(d.mission)) && inSet(d.status, selection.statuses) && inSet(d.narrative, selection.narratives) && inSet(d.severity, selection.severities)) {
        out.push(d);
      }
    }
    return out;
  }
}

function toEntry<T extends IndexedAlert>(doc: T): Entry<T> {
  return { id: doc._id.toString(), rank: doc.severityRank, seen: doc.lastSeenAt.getTime(), doc };
}
