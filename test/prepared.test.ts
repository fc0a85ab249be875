import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPool, isDatabaseUnavailable, tx, type Db } from '../src/db/pool.js';
import { freshDatabase } from './support/db.js';
import pino from 'pino';
import { freshStatistics } from '../src/db/statistics.js';
import { GroupCommit } from '../src/db/group-commit.js';

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

  test("a group commit's transaction never plans a statement for its values; other transactions may", async () => {
    const customPlans = async (text: string) =>
      (await db.query<{ n: number }>('SELECT custom_plans::int AS n FROM pg_prepared_statements WHERE statement = $1', [text])).rows[0]!.n;
    // PostgreSQL's own choice (plan_cache_mode = auto) plans a statement's first five runs for their values.
    const auto = 'SELECT count(*)::int AS n FROM unnest($1::int[]) AS u(x) WHERE x > 0';
    for (let i = 0; i < 7; i++) await tx(db, (q) => q.query(auto, [[1, 2, 3]]));
    assert.ok((await customPlans(auto)) > 0, 'a transaction of its own plans for the values');
    const generic = 'SELECT count(*)::int AS n FROM unnest($1::int[]) AS u(x) WHERE x > 1';
    const batches = new GroupCommit(db, { lanes: 1, maxBatch: 10, maxQueue: 100 }, async (q, items: number[]) => {
      const modes = await q.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
      assert.equal(modes.rows[0]!.plan_cache_mode, 'force_generic_plan');
      const n = (await q.query<{ n: number }>(generic, [items])).rows[0]!.n;
      return items.map(() => n);
    });
    for (let i = 0; i < 7; i++) assert.equal(await batches.submit(i + 2), 1);
    assert.equal(await customPlans(generic), 0, 'the group commit used the generic plan every time');
    assert.equal((await db.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]!.plan_cache_mode, 'auto', 'and only in its transaction');
  });

  test('a plan kept from when a table was nearly empty is made again once the table has grown (fresh-statistics)', async () => {
    await db.query('CREATE TABLE growing_probe (id uuid PRIMARY KEY, hash bytea)');
    await db.query(`INSERT INTO growing_probe SELECT gen_random_uuid() FROM generate_series(1, 20)`);
    const text = 'UPDATE growing_probe t SET hash = b.hash FROM unnest($1::uuid[], $2::bytea[]) AS b(id, hash) WHERE t.id = b.id RETURNING t.id';
    const some = async (n: number) => (await db.query<{ id: string }>('SELECT id FROM growing_probe ORDER BY id LIMIT $1', [n])).rows.map((r) => r.id);
    // Sent often enough while the table is small that PostgreSQL keeps a generic plan for it.
    for (let i = 0; i < 8; i++) await db.query(text, [await some(4), [1, 2, 3, 4].map((k) => Buffer.from([k]))]);
    await db.query(`INSERT INTO growing_probe SELECT gen_random_uuid() FROM generate_series(1, 30000)`);
    await db.query('SELECT pg_stat_force_next_flush()');
    const planNow = async () => {
      const name = (await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE statement = $1', [text])).rows[0]!.name;
      const ids = await some(4);
      await db.query('BEGIN');
      try {
        const plan = await db.query(`EXPLAIN EXECUTE ${name}('{${ids.join(',')}}'::uuid[], '{"\\\\x01","\\\\x02","\\\\x03","\\\\x04"}'::bytea[])`);
        return plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      } finally {
        await db.query('ROLLBACK');
      }
    };
    assert.match(await planNow(), /Seq Scan on growing_probe/, 'the kept plan reads the whole table');
    const task = freshStatistics(db, pino({ level: 'silent' }));
    for (let i = 0; i < 20 && !(await analysed()); i++) {
      await task.run();
      if (!(await analysed())) await db.query('SELECT pg_stat_force_next_flush()');
    }
    assert.ok(await analysed(), 'the grown table was analysed');
    assert.doesNotMatch(await planNow(), /Seq Scan on growing_probe/, 'planned again: each row found by its key');
    assert.equal((await db.query(text, [await some(2), [Buffer.from([9]), Buffer.from([9])]])).rowCount, 2);
  });
});

/** Whether growing_probe has been analysed since it grew (the planner's row count is current). */
async function analysed(): Promise<boolean> {
  const row = (await db.query<{ reltuples: number }>(`SELECT reltuples FROM pg_class WHERE relname = 'growing_probe'`)).rows[0];
  return (row?.reltuples ?? -1) > 20_000;
}
