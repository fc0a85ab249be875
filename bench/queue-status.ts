/**
 * Waiting-room status polls on one Ansturm process vs a bare node:http server answering
 * the same JSON, with the same load generator and connection count, in the same run.
 * Also: joins per second, and what a waiting person costs in the database and in memory.
 */
import { systemClock } from '../src/time/clock.js';
import pg from 'pg';
import { pino } from 'pino';
import { QueueView } from '../src/queue/view.js';
import { api, benchDatabase, benchWaitingRoom, compareWithBare, startAnsturm } from './support.js';

const WAITING = Number(process.env.BENCH_WAITING ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

export async function benchQueueStatus() {
  const db = await benchDatabase();
  const app = await startAnsturm(db.url, 1, { ANSTURM_JOINS_PER_MINUTE: '0' });
  try {
    const base = app.url;
    const release = { id: await benchWaitingRoom(base, { opensInMs: -1000 }, { maxAdmissionsPerSecond: 0 }) };

    const tickets: string[] = [];
    const started = Date.now();
    for (let i = 0; i < WAITING; i += 500) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(500, WAITING - i) }, async () => {
          const c = await api(base, 'GET', `/api/v1/queue/rooms/${release.id}/challenge`);
          return (await api(base, 'POST', `/api/v1/queue/rooms/${release.id}/tickets`, { challenge: c.challenge, nonce: '0' })).ticket as string;
        }),
      );
      tickets.push(...batch);
    }
    const joinsPerSecond = Math.round(WAITING / ((Date.now() - started) / 1000));
    await new Promise((r) => setTimeout(r, 1500));

    const sample = tickets.filter((_, i) => i % Math.max(1, Math.floor(WAITING / 1000)) === 0);
    // A ticket path cycling over a thousand tickets.
    const { ours, baseline, ratio } = await compareWithBare(
      base,
      sample.map((t) => `/api/v1/queue/tickets/${encodeURIComponent(t)}`),
      CONNECTIONS,
      SECONDS,
    );

    const client = new pg.Client(db.url);
    await client.connect();
    const size = (await client.query(`SELECT pg_total_relation_size('queue_tickets')::float8 / count(*) AS bytes FROM queue_tickets`)).rows[0].bytes as number;
    const touched = (await client.query(`SELECT count(*)::int AS n FROM queue_tickets WHERE last_seen_at > joined_at + interval '1 second'`)).rows[0]
      .n as number;
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const view = new QueueView(pool, 60_000, pino({ level: 'silent' }), systemClock);
    await view.start();
    const memoryPerPerson = view.rooms().reduce((sum, m) => sum + m.footprintBytes(), 0) / WAITING;
    await view.stop();
    await pool.end();
    await client.end();

    return {
      name: 'waiting-room status poll',
      ours,
      baseline,
      ratio,
      extra: {
        waiting: WAITING,
        joinsPerSecond,
        databaseBytesPerWaitingPerson: Math.round(size),
        nodeMemoryBytesPerWaitingPerson: Math.round(memoryPerPerson),
        ticketsTouchedByPolls: touched,
      },
    };
  } finally {
    await app.stop();
    await db.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchQueueStatus(), null, 2));
}
