/**
 * The `_id` expression indexes devstack adds to FerretDB's SQLite tables (packages/devstack/src/sqlite-id-index.ts):
 * SQLite must use them for FerretDB's own `_id` queries, and they must change no result.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, mongo, type Connection } from 'mongoose';
import { ensureSqliteIdIndexes, SQLITE_ID_INDEX_SUFFIX, startFerretDb, tablesWithoutIdIndex, type RunningFerretDb } from '@vigie/devstack';

let dataDir: string;
let ferret: RunningFerretDb;
let connection: Connection;
let db: mongo.Db;
const { ObjectId } = mongo;
type ObjectId = mongo.ObjectId;
const dbFile = () => join(dataDir, 'idindex.sqlite');
const sqlite = (sql: string) => execFileSync('sqlite3', ['-batch', '-noheader', '-cmd', '.timeout 10000', dbFile(), sql], { encoding: 'utf8' }).trim();
const tableOf = (collection: string) => sqlite(`SELECT table_name FROM _ferretdb_collections WHERE name = '${collection}';`);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-idindex-'));
  ferret = await startFerretDb({ dataDir });
  connection = await createConnection(ferret.url, { dbName: 'idindex' }).asPromise();
  db = connection.db!;
});

afterAll(async () => {
  await connection?.close();
  await ferret?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('FerretDB _id expression indexes', () => {
  it('indexes each collection table on the expression FerretDB queries, and SQLite uses it for _id lookups', async () => {
    await db.collection('items').insertMany([{ _id: new ObjectId(), n: 1 }, { _id: new ObjectId(), n: 2 }]);
    await db.collection<{ _id: string; n: number }>('alert_items').insertOne({ _id: 'a:b', n: 3 });
    const created = await ensureSqliteIdIndexes(dataDir);
    const items = tableOf('items');
    // The keeper may have been first: either way both tables end up indexed, once.
    expect(sqlite(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('${items}${SQLITE_ID_INDEX_SUFFIX}', '${tableOf('alert_items')}${SQLITE_ID_INDEX_SUFFIX}');`)).toBe('2');
    expect(await ensureSqliteIdIndexes(dataDir)).toEqual([]);
    expect(created.every((t) => t !== '')).toBe(true);
    const plan = sqlite(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${items}" WHERE _ferretdb_sjson->'$._id' = '"x"';`);
    expect(plan).toContain(`USING INDEX ${items}${SQLITE_ID_INDEX_SUFFIX}`);
  });

  it('changes no result: finds, updates and deletes by _id (ObjectId and string) as before', async () => {
    const things = db.collection<{ _id: ObjectId | string; n: number }>('things');
    const oid = new ObjectId();
    await things.insertMany([{ _id: oid, n: 1 }, { _id: 'k:1', n: 2 }, { _id: 'k:2', n: 3 }]);
    await ensureSqliteIdIndexes(dataDir);
    expect(await things.findOne({ _id: oid })).toEqual({ _id: oid, n: 1 });
    expect(await things.findOne({ _id: 'k:2' })).toEqual({ _id: 'k:2', n: 3 });
    expect(await things.findOne({ _id: 'k:3' })).toBeNull();
    expect(await things.findOne({ _id: new ObjectId() })).toBeNull();
    expect((await things.updateOne({ _id: 'k:1' }, { $set: { n: 20 } })).modifiedCount).toBe(1);
    expect(await things.findOne({ _id: 'k:1' })).toEqual({ _id: 'k:1', n: 20 });
    // A duplicate _id is still refused (FerretDB's own unique _id index), not masked by ours.
    await expect(things.insertOne({ _id: 'k:1', n: 9 })).rejects.toMatchObject({ code: 11000 });
    expect((await things.deleteOne({ _id: oid })).deletedCount).toBe(1);
    expect(await things.countDocuments()).toBe(2);
  });

  it('goes away with a dropped collection and comes back when it is recreated', async () => {
    const temp = db.collection<{ _id: ObjectId | string }>('temp');
    await temp.insertOne({ _id: new ObjectId() });
    await ensureSqliteIdIndexes(dataDir);
    const table = tableOf('temp');
    await temp.drop();
    expect(sqlite(`SELECT count(*) FROM sqlite_master WHERE name = '${table}${SQLITE_ID_INDEX_SUFFIX}';`)).toBe('0');
    await temp.insertOne({ _id: 'again' });
    await ensureSqliteIdIndexes(dataDir);
    expect(sqlite(`SELECT count(*) FROM sqlite_master WHERE name = '${tableOf('temp')}${SQLITE_ID_INDEX_SUFFIX}';`)).toBe('1');
    expect(await temp.findOne({ _id: 'again' })).toEqual({ _id: 'again' });
  });

  it('never brings back the file of a database FerretDB has just dropped', async () => {
    const gone = connection.getClient().db('gone');
    await gone.collection('items').insertOne({ _id: new ObjectId() });
    await ensureSqliteIdIndexes(dataDir);
    const file = join(dataDir, 'gone.sqlite');
    expect(existsSync(file)).toBe(true);
    await gone.dropDatabase();
    expect(existsSync(file)).toBe(false);
    // What a pass does when the file vanishes between listing the directory and opening it.
    expect(await tablesWithoutIdIndex(file)).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });
});
