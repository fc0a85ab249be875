/**
 * How the database's load grows with the number of nodes (`npm run bench -- refreshers`): every node keeps
 * each waiting room in memory and refreshes it once a second (queue/view.ts). Stand-in nodes, each a real
 * QueueView on one connection of its own, refresh against one PostgreSQL while people join at a steady rate
 * through a real node whose leader publishes the pages of changes. Two ways, in the same run: each view
 * reading the changed tickets itself (the design before: every node reads every join) and each reading the
 * leader's pages (now). PostgreSQL's CPU comes from /proc. Issue #15 item 4.
 */
import pg from 'pg';
import { pino } from 'pino';
import type { Queryable } from '../src/db/pool.js';
import { systemClock } from '../src/time/clock.js';
import { QueueView, type ChangeSource } from '../src/queue/view.js';
import { client } from '../simulator/http.js';
import { treeCpuSeconds } from './accounting.js';
import { benchDatabase, benchWaitingRoom, startAnsturm } from './support.js';

const JOINS_PER_SECOND = Number(process.env.BENCH_JOIN_RATE ?? 200);
const LEVELS = [1, 10, 25, 50];
const MEASURE_SECONDS = 10;

export interface RefresherReading {
  source: ChangeSource;
  refreshers: number;
  joinsPerSecond: number;
  /** Statements the stand-in nodes sent, per second. */
  statementsPerSecond: number;
  /** Rows they received per second: changed tickets, or pages. */
  rowsPerSecond: number;
  /** Bytes they received from PostgreSQL per second (their sockets' count). */
  kilobytesPerSecond: number;
  postgresCpuMsPerSecond: number;
}

export async function benchRefreshers(): Promise<RefresherReading[]> {
  const database = await benchDatabase();
  const node = await startAnsturm(database.url, 1, { ANSTURM_JOINS_PER_MINUTE: '0', ANSTURM_MAX_EVENT_LOOP_DELAY_MS: '0' });
  const http = client(node.url, 16);
  let joining = true;
  let joined = 0;
  let joins: Promise<void> | undefined;
  try {
    const postmaster = await database.postmasterPid();
    // An open room with admissions paused: every join stays a waiting ticket, as in a long line.
    const room = await benchWaitingRoom(node.url, { opensInMs: 1_000, prequeueMinutes: 1 }, { maxAdmissionsPerSecond: 0 });
    for (const deadline = Date.now() + 30_000; !(await http.request('GET', `/api/v1/queue/rooms/${room}`)).body?.seed && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 200));

    // People join at a steady rate through the node, for as long as the measurements take.
    joins = (async () => {
      const started = Date.now();
      while (joining) {
        const due = Math.floor(((Date.now() - started) / 1000) * JOINS_PER_SECOND) - joined;
        await Promise.all(
          Array.from({ length: Math.max(0, Math.min(due, 50)) }, async () => {
            const c = await http.request('GET', `/api/v1/queue/rooms/${room}/challenge`);
            const j = await http.request('POST', `/api/v1/queue/rooms/${room}/tickets`, { challenge: c.body.challenge, nonce: '0' });
            if (j.status === 201) joined++;
          }),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const readings: RefresherReading[] = [];
    for (const source of ['tickets', 'pages'] as const)
      for (const refreshers of LEVELS) {
        let statements = 0;
        let rows = 0;
        const nodes = await Promise.all(
          Array.from({ length: refreshers }, async () => {
            const connection = new pg.Client(database.url);
            await connection.connect();
            const counted: Queryable = {
              async query(text, values) {
                const res = await connection.query(text, values);
                statements++;
                rows += res.rowCount ?? 0;
                return res;
              },
            };
            const view = new QueueView(counted, 1000, pino({ level: 'silent' }), systemClock, source);
            await view.start();
            return {
              connection,
              view,
              received: () => (connection as unknown as { connection: { stream: { bytesRead: number } } }).connection.stream.bytesRead,
            };
          }),
        );
        await new Promise((r) => setTimeout(r, 2_000)); // every view has caught up
        const received = () => nodes.reduce((n, x) => n + x.received(), 0);
        const from = { at: Date.now(), cpu: treeCpuSeconds(postmaster), joined, statements, rows, bytes: received() };
        await new Promise((r) => setTimeout(r, MEASURE_SECONDS * 1000));
        const seconds = (Date.now() - from.at) / 1000;
        readings.push({
          source,
          refreshers,
          joinsPerSecond: Math.round((joined - from.joined) / seconds),
          statementsPerSecond: Math.round((statements - from.statements) / seconds),
          rowsPerSecond: Math.round((rows - from.rows) / seconds),
          kilobytesPerSecond: Math.round((received() - from.bytes) / seconds / 1024),
          postgresCpuMsPerSecond: Math.round(((treeCpuSeconds(postmaster) - from.cpu) * 1000) / seconds),
        });
        for (const n of nodes) {
          await n.view.stop();
          await n.connection.end();
        }
      }
    return readings;
  } finally {
    joining = false;
    await joins;
    http.close();
    await node.stop();
    await database.stop();
  }
}

export function printRefreshers(readings: RefresherReading[]): void {
  console.log('\nwaiting-room views against one PostgreSQL (each stands in for a node; one real node joins people and publishes)');
  console.log('  changes read from   nodes   joins/s   statements/s   rows/s   KB/s received   PostgreSQL CPU ms/s');
  for (const r of readings)
    console.log(
      `  ${r.source.padEnd(17)} ${String(r.refreshers).padStart(7)} ${String(r.joinsPerSecond).padStart(9)} ${String(r.statementsPerSecond).padStart(14)} ${String(r.rowsPerSecond).padStart(8)} ${String(r.kilobytesPerSecond).padStart(15)} ${String(r.postgresCpuMsPerSecond).padStart(21)}`,
    );
}
