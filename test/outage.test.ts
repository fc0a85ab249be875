import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer } from 'node:net';
import pg from 'pg';
import { setUpRushCampaign, startCluster, waitUntil as until, type RunningCluster } from './support/cluster.js';
import { freePort, startOwnPostgres, type OwnPostgres } from './support/postgres.js';

/**
 * PostgreSQL goes away under a running cluster (an operator's restart, a crash of the
 * postmaster) and comes back: every request in between is answered 503 with Retry-After,
 * no worker dies, service returns within seconds, and every booking that was acknowledged is
 * in the ledger afterwards. Runs against a PostgreSQL of its own that it stops, starts and kills.
 */

const CLIENTS = 16;
/** Bounds of the rush, whatever happens: it stops by itself. */
const RUSH_MAX_REQUESTS = 40_000;
const RUSH_MAX_MS = 150_000;

let postgres: OwnPostgres;
before(async () => {
  postgres = await startOwnPostgres();
});
after(() => postgres?.remove());

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
  body: Record<string, any>;
}

async function call(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const parsed = text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : {};
  return { status: res.status, code: parsed.code, retryAfter: res.headers.get('retry-after'), body: parsed };
}

describe('PostgreSQL stops, restarts and crashes during a rush', () => {
  let cluster: RunningCluster;
  before(async () => {
    cluster = await startCluster(postgres.url, 2, { ANSTURM_DB_CONNECT_TIMEOUT_MS: '2000' });
  });
  after(() => cluster?.stop());

  test('only 503 with Retry-After during the outage, no worker dies, service returns, nothing acknowledged is lost', async () => {
    const { campaignId, firstDoseIds } = await setUpRushCampaign(cluster.baseUrl, 'Ausfall', 5000, 20000);
    const answers: { at: number; what: string; answer: Answer }[] = [];
    const acknowledged: { code: string; dateOfBirth: string }[] = [];
    const networkErrors: string[] = [];
    let stop = false;
    let sent = 0;
    const started = Date.now();

    const client = async (c: number) => {
      for (let i = 0; !stop && sent < RUSH_MAX_REQUESTS && Date.now() - started < RUSH_MAX_MS; i++) {
        sent++;
        try {
          const hold = await call(cluster.baseUrl, 'POST', '/api/v1/holds', { slotId: firstDoseIds[(c + i) % firstDoseIds.length] });
          answers.push({ at: Date.now(), what: 'hold', answer: hold });
          if (hold.status !== 201) continue;
          const dateOfBirth = `19${50 + (c % 40)}-0${1 + (i % 9)}-1${i % 10}`;
          const booking = await call(
            cluster.baseUrl,
            'POST',
            '/api/v1/bookings',
            {
              holdId: hold.body.holdId,
              person: { firstName: `Client${c}`, lastName: `Versuch${i}`, dateOfBirth, postalCode: '58332' },
            },
            { 'idempotency-key': `outage-${c}-${i}` },
          );
          answers.push({ at: Date.now(), what: 'booking', answer: booking });
          if (booking.status === 201) acknowledged.push({ code: String(booking.body.bookingCode).replace('-', ''), dateOfBirth });
        } catch (err) {
          networkErrors.push(String(err));
        }
      }
    };
    const rush = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    const bookedSince = (t: number) => answers.filter((a) => a.at >= t && a.what === 'booking' && a.answer.status === 201).length;
    const sheddedSince = (t: number) => answers.filter((a) => a.at >= t && a.answer.status === 503).length;
    const recoveries: number[] = [];

    try {
      await until('bookings before the outage', () => bookedSince(0) >= 50);
      for (const outage of ['stop', 'kill'] as const) {
        const down = Date.now();
        await (outage === 'stop' ? postgres.stop() : postgres.kill());
        await until(`503s while PostgreSQL is down (${outage})`, () => sheddedSince(down) >= 30);
        // A lookup on its own, outside the rush, is shed the same way.
        const lookup = await call(cluster.baseUrl, 'GET', `/api/v1/bookings/ABCD2345?dateOfBirth=1950-01-01`);
        assert.equal(lookup.status, 503, JSON.stringify(lookup.body));
        assert.ok(Number(lookup.retryAfter) > 0);
        await postgres.start();
        const up = Date.now();
        await until(`bookings after PostgreSQL is back (${outage})`, () => bookedSince(up) >= 1, 30_000);
        const first = answers.find((a) => a.at >= up && a.what === 'booking' && a.answer.status === 201)!;
        recoveries.push(first.at - up);
        await until(`a steady rush again (${outage})`, () => bookedSince(up) >= 50);
      }
    } finally {
      stop = true;
      await rush;
    }

    const unexpected = answers.filter((a) => ![201, 409, 503].includes(a.answer.status));
    assert.deepEqual(unexpected.map((a) => `${a.what} ${a.answer.status} ${JSON.stringify(a.answer.body)}`).slice(0, 5), []);
    const refusals = answers.filter((a) => a.answer.status === 409);
    assert.deepEqual(
      refusals.map((a) => a.answer.code).filter((c) => c !== 'SLOT_FULL' && c !== 'NO_SECOND_DOSE_SLOT'),
      [],
      'a 409 is a full slot, nothing else',
    );
    const shed = answers.filter((a) => a.answer.status === 503);
    assert.ok(
      shed.every((a) => Number(a.answer.retryAfter) > 0 && ['UNAVAILABLE', 'OVERLOADED'].includes(a.answer.code!)),
      'every 503 says when to come back',
    );
    assert.deepEqual(networkErrors.slice(0, 5), [], 'every request got an HTTP answer');

    // No worker died: the ones that started still run, and the primary replaced none.
    for (const pid of cluster.workerPids) assert.doesNotThrow(() => process.kill(pid, 0), `worker ${pid} is alive`);
    assert.doesNotMatch(cluster.output(), /worker died|Unhandled|uncaught/i);

    // Every acknowledged booking is in the ledger, and nothing is overbooked.
    const db = new pg.Client(postgres.url);
    await db.connect();
    try {
      const found = await db.query<{ code: string }>(`SELECT code FROM bookings WHERE campaign_id = $1 AND status = 'active'`, [campaignId]);
      const codes = new Set(found.rows.map((r) => r.code));
      const lost = acknowledged.filter((a) => !codes.has(a.code));
      assert.deepEqual(lost, [], 'no acknowledged booking is lost');
      const ledger = await db.query(
        `SELECT s.id, s.capacity, s.taken,
                (SELECT count(*) FROM holds h WHERE (h.slot_id = s.id OR h.second_slot_id = s.id) AND h.status = 'held')::int
              + (SELECT count(*) FROM bookings b WHERE (b.slot_id = s.id OR b.second_slot_id = s.id) AND b.status = 'active')::int AS used
         FROM slots s WHERE s.campaign_id = $1`,
        [campaignId],
      );
      for (const row of ledger.rows) {
        assert.ok(row.taken <= row.capacity, `slot ${row.id} overbooked`);
        assert.equal(row.taken, row.used, `slot ${row.id}: counter matches live holds and bookings`);
      }
      console.log(
        `# outage: ${answers.length} answers (${shed.length} x 503), ${acknowledged.length} bookings acknowledged, ` +
          `${codes.size} in the ledger, 0 lost; back ${recoveries[0]} ms after a restart, ${recoveries[1]} ms after a SIGKILL and restart`,
      );
    } finally {
      await db.end();
    }
  });
});

describe('a node whose database is away at start', () => {
  test('answers 503 and "not ready", waits, and serves once the database comes', async () => {
    await postgres.stop();
    let cluster: RunningCluster | undefined;
    try {
      cluster = await startCluster(postgres.url, 1, {}, { portOnly: true });
      const health = await call(cluster.baseUrl, 'GET', '/healthz');
      assert.equal(health.status, 200, 'alive');
      assert.equal(health.body.ready, false);
      assert.equal((await call(cluster.baseUrl, 'GET', '/readyz')).status, 503, 'not ready');
      const hold = await call(cluster.baseUrl, 'POST', '/api/v1/holds', { slotId: 1 });
      assert.equal(hold.status, 503);
      assert.equal(hold.code, 'UNAVAILABLE');
      assert.ok(Number(hold.retryAfter) > 0);
      const page = await fetch(cluster.baseUrl + '/');
      assert.equal(page.status, 503);
      assert.match(await page.text(), /Bitte einen Moment Geduld/);

      await postgres.start();
      await until('the node is ready', async () => (await call(cluster!.baseUrl, 'GET', '/readyz')).status === 200, 60_000);
      const known = await call(cluster.baseUrl, 'POST', '/api/v1/holds', { slotId: 999_999 });
      assert.equal(known.status, 404, 'the node now answers from its database');
      assert.match(cluster.output(), /the database is not reachable; waiting for it/);
      assert.doesNotMatch(cluster.output(), /worker died/);
      assert.equal(await cluster.stop(), 0, 'a clean stop exits 0');
    } finally {
      await cluster?.stop();
      await postgres.start().catch(() => undefined);
    }
  });
});

describe('the primary says when something is wrong', () => {
  test('workers that cannot start are retried with backoff, then the primary gives up with a non-zero exit', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const child = await import('node:child_process');
      const proc = child.spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: {
          ...process.env,
          DATABASE_URL: postgres.url,
          WEB_CONCURRENCY: '1',
          PORT: String(port),
          ANSTURM_METRICS_PORT: '0',
          LOG_LEVEL: 'info',
          ANSTURM_SEED_DEMO: 'false',
          ADMIN_TOKEN: 'cluster-admin-token-0123456789',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
      proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => proc.kill('SIGKILL'), 90_000);
        proc.once('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      assert.equal(code, 1, output);
      assert.match(output, /workers failed to start 5 times in a row; giving up/);
      const delays = [...output.matchAll(/"retryInMs":(\d+)/g)].map((m) => Number(m[1]));
      assert.deepEqual(delays, [500, 1000, 2000, 4000], 'the pause doubles');
    } finally {
      blocker.close();
    }
  });

  test('a shutdown that has to kill a worker with a request in flight exits non-zero', async () => {
    const cluster = await startCluster(postgres.url, 1, { ANSTURM_SHUTDOWN_GRACE_MS: '500' });
    const { firstDoseIds } = await setUpRushCampaign(cluster.baseUrl, 'Abbruch', 5000, 20000);
    const db = new pg.Client(postgres.url);
    await db.connect();
    try {
      // A booking that cannot finish: its slot is locked by someone else for as long as we like.
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM slots WHERE id = $1 FOR UPDATE', [firstDoseIds[0]]);
      const hung = call(cluster.baseUrl, 'POST', '/api/v1/holds', { slotId: firstDoseIds[0] }).catch((err: unknown) => err);
      await until('the hold waits on the lock', async () => {
        const r = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'ansturm' AND wait_event_type = 'Lock'`);
        return r.rows[0].n > 0;
      });
      assert.equal(await cluster.stop(), 1);
      assert.match(cluster.output(), /stopped uncleanly/);
      await hung;
    } finally {
      await db.query('ROLLBACK').catch(() => undefined);
      await db.end();
    }
  });
});
