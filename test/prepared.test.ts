import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPool, isDatabaseUnavailable, tx, type Db } from '../src/db/pool.js';
import { freshDatabase } from './support/db.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;
before(async () => {
  database = await freshDatabase();
  // One connection, so every statement below meets the prepared statements of the one before.
  db = createPool(database.url, 1);
});
after(async () => {
  await db.end();
  await database.drop();
});

const prepared = async () => (await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map((r) => r.statement);

describe('prepared statements (db/prepared.ts)', () => {
  test('a text is prepared the second time it is sent, not the first, and answers the same', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    assert.equal((await db.query(text, [1])).rows[0].n, 2);
    assert.ok(!(await prepared()).includes(text), 'a text sent once is not kept');
    assert.equal((await db.query(text, [2])).rows[0].n, 3);
    assert.ok((await prepared()).includes(text), 'a text sent again is prepared');
    assert.equal((await db.query(text, [41])).rows[0].n, 42);
    assert.equal((await prepared()).filter((s) => s === text).length, 1, 'and prepared once');
  });

  test('a statement whose plan went stale under a migration is answered as unavailable once, then prepared anew', async () => {
    await db.query('CREATE TABLE prepared_probe (a int)');
    await db.query('INSERT INTO prepared_probe VALUES (1)');
    const text = 'SELECT * FROM prepared_probe WHERE a = $1';
    for (let i = 0; i < 2; i++) assert.deepEqual((await db.query(text, [1])).rows, [{ a: 1 }]);
    await db.query('ALTER TABLE prepared_probe ADD COLUMN b int DEFAULT 7');
    const stale = await db.query(text, [1]).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(isDatabaseUnavailable(stale), `answered 503 with Retry-After, not 500: ${String(stale)}`);
    assert.deepEqual((await db.query(text, [1])).rows, [{ a: 1, b: 7 }]);

    // Inside a transaction the stale plan is retried like a deadlock: the caller never sees it.
    await db.query('ALTER TABLE prepared_probe ADD COLUMN c int DEFAULT 8');
    const rows = await tx(db, async (q) => (await q.query(text, [1])).rows);
    assert.deepEqual(rows, [{ a: 1, b: 7, c: 8 }]);
  });
});
