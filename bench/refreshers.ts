/**
 * How the database's load grows with the number of nodes (`npm run bench -- refreshers`): every node refreshes
 * each waiting room once a second by reading the tickets that changed since its last read (queue/view.ts), so
 * each join is read once per node. Lightweight refreshers stand in for nodes (one connection each, the view's
 * own statement, its own cursor) against one PostgreSQL while people join at a steady rate through a real node;
 * PostgreSQL's CPU comes from /proc. Issue #15 item 4: the figure the design change must flatten.
 */
import pg from 'pg';
import { ticketChanges } from '../src/queue/repo.js';
import { client } from '../simulator/http.js';
import { treeCpuSeconds } from './accounting.js';
import { benchDatabase, benchWaitingRoom, startAnsturm } from './support.js';

const JOINS_PER_SECOND = Number(process.env.BENCH_JOIN_RATE ?? 200);
const LEVELS = [1, 10, 25, 50];
const MEASURE_SECONDS = 10;

export interface RefresherReading {
  refreshers: number;
  joinsPerSecond: number;
  rowsReadPerSecond: number;
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
    for (const refreshers of LEVELS) {
      let stop = false;
      let rows = 0;
      let counting = false;
      const loops = Array.from({ length: refreshers }, async () => {
        const db = new pg.Client(database.url);
        await db.connect();
        let cursor = new Date();
        while (!stop) {
          const next = Date.now() + 1000;
          const changes = await db.query<{ changed_at: Date }>(ticketChanges(room, cursor).text, ticketChanges(room, cursor).values);
          if (counting) rows += changes.rowCount ?? 0;
          cursor = changes.rows.at(-1)?.changed_at ?? cursor;
          await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
        }
        await db.end();
      });
      await new Promise((r) => setTimeout(r, 2_000)); // every refresher has caught up
      counting = true;
      const from = { at: Date.now(), cpu: treeCpuSeconds(postmaster), joined };
      await new Promise((r) => setTimeout(r, MEASURE_SECONDS * 1000));
      const seconds = (Date.now() - from.at) / 1000;
      readings.push({
        refreshers,
        joinsPerSecond: Math.round((joined - from.joined) / seconds),
        rowsReadPerSecond: Math.round(rows / seconds),
        postgresCpuMsPerSecond: Math.round(((treeCpuSeconds(postmaster) - from.cpu) * 1000) / seconds),
      });
      stop = true;
      await Promise.all(loops);
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
  console.log('\nwaiting-room refreshers against one PostgreSQL (each stands in for a node; one real node joins people)');
  console.log('  refreshers   joins/s   ticket rows read/s   PostgreSQL CPU ms/s');
  for (const r of readings)
    console.log(
      `  ${String(r.refreshers).padStart(10)} ${String(r.joinsPerSecond).padStart(9)} ${String(r.rowsReadPerSecond).padStart(20)} ${String(r.postgresCpuMsPerSecond).padStart(21)}`,
    );
}
