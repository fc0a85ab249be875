import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { migrate } from '../src/db/migrate.js';
import { Leader } from '../src/jobs/leader.js';
import { freshDatabase, withScratchDatabase } from './support/db.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
before(async () => {
  database = await freshDatabase();
});
after(() => database.drop());

const silent = pino({ level: 'silent' });

test('several processes may migrate one new database at once', () =>
  withScratchDatabase(database.url, async (url) => {
    await Promise.all([1, 2, 3, 4].map(() => migrate(url, silent)));
    const c = new pg.Client(url);
    await c.connect();
    const applied = await c.query('SELECT count(*)::int AS n FROM schema_migrations');
    const tables = await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'slots'`);
    await c.end();
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir('migrations')).filter((f) => f.endsWith('.sql'));
    assert.equal(applied.rows[0].n, files.length, 'every migration applied, once');
    assert.equal(tables.rows[0].n, 1);
  }));

/** Polls a condition (every 20 ms, at most 10 s). */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 10_000; !ok(); await sleep(20)) if (Date.now() > end) assert.fail(`not reached: ${what}`);
}

test('exactly one process runs periodic work, and another takes over when it stops', async () => {
  const runs = { a: 0, b: 0 };
  const task = (who: 'a' | 'b') => [{ name: 'count', everyMs: 50, run: async () => void runs[who]++ }];
  const a = new Leader(database.url, task('a'), silent, 50);
  const b = new Leader(database.url, task('b'), silent, 50);
  a.start();
  await until(() => a.isLeader && runs.a > 0, 'a leads and runs the task');
  b.start();
  await assert.rejects(b.runNow('count'), /another process runs the periodic tasks/, 'b tried to lead and could not');
  assert.equal(a.isLeader, true);
  assert.equal(b.isLeader, false);
  assert.equal(runs.b, 0);

  await a.stop(); // as if the process died: its connection, and with it the lock, is gone
  await until(() => b.isLeader && runs.b > 0, 'the survivor takes over by itself');
  await b.stop();
});

test('a campaign file loads whole, and a broken one leaves nothing behind', async () => {
  const { readFile } = await import('node:fs/promises');
  const { createPool } = await import('../src/db/pool.js');
  const { loadCampaign } = await import('../src/seed/load.js');
  const spec = JSON.parse(await readFile('examples/campaign.json', 'utf8'));
  const db = createPool(database.url, 2);
  try {
    const loaded = await loadCampaign(db, spec);
    assert.equal(loaded.centerIds.length, 2);
    assert.ok(loaded.releaseId !== undefined);
    // 6 days x 72 first-dose slots at the first centre, 5 days (one skipped) x 36 at the second, plus second doses.
    const counts = await db.query('SELECT dose, count(*)::int AS n FROM slots WHERE campaign_id = $1 GROUP BY dose ORDER BY dose', [loaded.campaignId]);
    assert.equal(counts.rows[0].n, 6 * 72 + 5 * 36);
    assert.equal(loaded.slotIds.length, counts.rows[0].n + counts.rows[1].n);

    const before = (await db.query('SELECT count(*)::int AS n FROM centers')).rows[0].n;
    const broken = { ...spec, series: [{ ...spec.series[0], center: 7 }] };
    await assert.rejects(loadCampaign(db, broken), /centre #7/);
    assert.equal((await db.query('SELECT count(*)::int AS n FROM centers')).rows[0].n, before);
  } finally {
    await db.end();
  }
});

test('the demo seeds once: a plain release soon, and a later one through a waiting room whose pre-queue is open', () =>
  withScratchDatabase(database.url, async (url) => {
    const { createPool } = await import('../src/db/pool.js');
    const { seedDemoIfEmpty } = await import('../src/seed/demo.js');
    await migrate(url, silent);
    const db = createPool(url, 4);
    try {
      await Promise.all([seedDemoIfEmpty(db, silent), seedDemoIfEmpty(db, silent)]);
      const releases = (
        await db.query(
          `SELECT r.id, r.waiting_room, w.prequeue_opens_at <= now() AS prequeue_open, r.opens_at > now() AS later,
                (SELECT count(*) FROM slots s WHERE s.release_id = r.id AND s.dose = 1)::int AS first_doses
         FROM releases r LEFT JOIN waiting_rooms w ON w.release_id = r.id ORDER BY r.opens_at`,
        )
      ).rows;
      assert.equal(releases.length, 2, 'seeded once, though started twice');
      assert.deepEqual(
        releases.map((r) => [r.waiting_room, r.later]),
        [
          [false, true],
          [true, true],
        ],
      );
      assert.equal(releases[1].prequeue_open, true);
      assert.equal(releases[0].first_doses, 3 * 3 * 40);
      assert.equal(releases[1].first_doses, 3 * 4 * 40);
    } finally {
      await db.end();
    }
  }));
