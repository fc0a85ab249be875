import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { splitHosts } from '../src/db/hosts.js';
import { createPool, isDatabaseUnavailable, type Db } from '../src/db/pool.js';
import { ReadSource } from '../src/db/replica.js';
import { startReplicatedPostgres, type ReplicatedPostgres } from './topology/postgres.js';

/**
 * Several database hosts in DATABASE_URL, and a replica for reads, against Debian's PostgreSQL as a
 * primary and a synchronous standby (test/topology/postgres.ts). The whole failover under a rush is
 * `npm run test:topology`; this is the part each commit runs.
 */
/** PostgreSQL's archiver sleeps at most 60 s between looks at what is ready (PGARCH_AUTOWAKE_INTERVAL). */
const ARCHIVER_WAKES_MS = 90_000;

describe('DATABASE_URL with several hosts', () => {
  test("libpq's multi-host form becomes one URL per host, with user, database and options kept", () => {
    assert.deepEqual(splitHosts('postgres://a:b%40c@db1:5432,db2:5433/ansturm?sslmode=require&target_session_attrs=read-write'), [
      'postgres://a:b%40c@db1:5432/ansturm?sslmode=require',
      'postgres://a:b%40c@db2:5433/ansturm?sslmode=require',
    ]);
    assert.deepEqual(splitHosts('postgresql://[::1]:5432,10.0.0.2/x'), ['postgresql://[::1]:5432/x', 'postgresql://10.0.0.2/x']);
    assert.deepEqual(splitHosts('postgres://u@db1:5432/ansturm'), ['postgres://u@db1:5432/ansturm'], 'one host stays as it is');
  });

  let pg: ReplicatedPostgres;
  const pools: Db[] = [];
  before(async () => {
    pg = await startReplicatedPostgres();
  });
  after(async () => {
    for (const pool of pools) await pool.end().catch(() => undefined);
    await pg?.remove();
  });

  test('connections go to the primary even when the standby is named first; the standby is refused with 25006 (503), never written to', async () => {
    const standbyFirst = `postgres://ansturm:topology-secret@127.0.0.1:${pg.standby.port},127.0.0.1:${pg.primary.port}/ansturm`;
    const pool = createPool(standbyFirst, 4, 2_000);
    pools.push(pool);
    const errors: unknown[] = [];
    let answer: { standby: boolean; port: number } | undefined;
    for (let attempt = 0; attempt < 3 && !answer; attempt++) {
      try {
        answer = (await pool.query<{ standby: boolean; port: number }>('SELECT pg_is_in_recovery() AS standby, inet_server_port() AS port')).rows[0];
      } catch (err) {
        errors.push(err);
      }
    }
    assert.deepEqual(answer, { standby: false, port: pg.primary.port });
    assert.equal(errors.length, 1, 'one connection found the standby, the next went to the primary');
    assert.equal((errors[0] as { code?: string }).code, '25006');
    assert.ok(isDatabaseUnavailable(errors[0]), 'answered 503 with Retry-After, as an outage is');
    // From now on every connection goes to the primary at once.
    const ports = await Promise.all(
      Array.from({ length: 8 }, async () => (await pool.query<{ port: number }>('SELECT inet_server_port() AS port')).rows[0]!.port),
    );
    assert.deepEqual(new Set(ports), new Set([pg.primary.port]));
  });

  test('the replica serves reads while it is fresh, its staleness is measured, and reads go to the primary when it is away', async () => {
    const primary = createPool(pg.primary.url, 2, 2_000);
    const replica = createPool(pg.standby.url, 2, 2_000);
    pools.push(primary);
    const reads = new ReadSource(primary, replica, 2_000, pino({ level: 'silent' }));
    await reads.start();
    try {
      assert.equal(reads.onReplica, true);
      assert.ok(reads.staleness !== null && reads.staleness <= 2_000, `staleness ${reads.staleness} ms`);
      const where = async () => (await reads.query<{ port: number }>('SELECT inet_server_port() AS port')).rows[0]!.port;
      assert.equal(await where(), pg.standby.port);

      await pg.standby.stop();
      assert.equal(await where(), pg.primary.port, 'the read that met the stopped replica is answered by the primary');
      assert.equal(reads.onReplica, false);
      assert.equal(await where(), pg.primary.port);

      await pg.standby.start();
      const deadline = Date.now() + 30_000;
      while (!reads.onReplica && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(reads.onReplica, true, 'back on the replica once a measurement finds it streaming again');
      assert.equal(await where(), pg.standby.port);
    } finally {
      await reads.stop();
    }
  });

  test('after a failover the promoted standby archives its WAL, the segments the old primary archived already included', async () => {
    // A quiet database (as before a release): the old primary has archived its finished segments, and the
    // standby still holds them (no restartpoint has removed them yet) when it is promoted.
    const [{ finished }] = (await pg.primary.query<{ finished: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS finished')) as [{ finished: string }];
    const archivedOnPrimary = async () =>
      ((await pg.primary.query<{ last: string | null }>('SELECT last_archived_wal AS last FROM pg_stat_archiver'))[0]!.last ?? '') >= finished;
    // PostgreSQL's archiver wakes when a segment is ready, and at the latest every 60 s: wait past that.
    for (const deadline = Date.now() + ARCHIVER_WAKES_MS; !(await archivedOnPrimary()) && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(await archivedOnPrimary(), 'the old primary archived its segments');
    await pg.primary.kill();
    await pg.promote(pg.standby);
    const [{ segment }] = (await pg.standby.query<{ segment: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS segment')) as [{ segment: string }];
    const archiver = async () =>
      (
        await pg.standby.query<{ last: string | null; failed: number }>('SELECT last_archived_wal AS last, failed_count::int AS failed FROM pg_stat_archiver')
      )[0]!;
    let state = await archiver();
    for (const deadline = Date.now() + ARCHIVER_WAKES_MS; ((state.last ?? '') < segment || state.failed > 0) && Date.now() < deadline; state = await archiver())
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok((state.last ?? '') >= segment && state.failed === 0, `archiver ${JSON.stringify(state)}, waiting for ${segment}`);
  });
});
