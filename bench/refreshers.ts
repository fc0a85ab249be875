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
import { AvailabilityView, type CountsSource } from '../src/availability/view.js';
import { client } from '../simulator/http.js';
import { treeCpuSeconds } from './accounting.js';
import { benchCatalog, benchDatabase, benchWaitingRoom, startAnsturm } from './support.js';

const JOINS_PER_SECOND = Number(process.env.BENCH_JOIN_RATE ?? 200);
const LEVELS = [1, 10, 25, 50];
const MEASURE_SECONDS = 10;

/** What the stand-in nodes cost the database while they refreshed. */
interface Load {
  /** Statements the stand-in nodes sent, per second. */
  statementsPerSecond: number;
  /** Rows they received per second: changed tickets, pages, or slots. */
  rowsPerSecond: number;
  /** Bytes they received from PostgreSQL per second (their sockets' count). */
  kilobytesPerSecond: number;
  postgresCpuMsPerSecond: number;
}

export interface RefresherReading extends Load {
  source: ChangeSource;
  refreshers: number;
  joinsPerSecond: number;
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
    joins = atSteadyRate(
      JOINS_PER_SECOND,
      () => joining,
      async () => {
        const c = await http.request('GET', `/api/v1/queue/rooms/${room}/challenge`);
        const j = await http.request('POST', `/api/v1/queue/rooms/${room}/tickets`, { challenge: c.body.challenge, nonce: '0' });
        if (j.status === 201) joined++;
      },
    );

    const readings: RefresherReading[] = [];
    for (const source of ['tickets', 'pages'] as const)
      for (const refreshers of LEVELS) {
        const m = await measureStandIns(
          database.url,
          postmaster,
          refreshers,
          2_000,
          () => joined,
          (db) => new QueueView(db, 1000, pino({ level: 'silent' }), systemClock, source),
        );
        readings.push({ source, refreshers, joinsPerSecond: m.eventsPerSecond, ...m.load });
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

const HOLDS_PER_SECOND = Number(process.env.BENCH_HOLD_RATE ?? 50);
const AVAILABILITY_LEVELS = [1, 5, 10, 20];

export interface AvailabilityRefresherReading extends Load {
  source: CountsSource;
  refreshers: number;
  slots: number;
  holdsPerSecond: number;
}

/**
 * The same for the availability view: every node keeps the released future slots in memory and refreshes their free
 * units once a second (availability/view.ts). Stand-in nodes, each a real AvailabilityView on one connection of its
 * own, refresh against one PostgreSQL holding a catalog of thousands of slots, while people hold appointments at a
 * steady rate through a real node whose leader publishes the pages of free units. Two ways, in the same run: each
 * view reading every slot's free units itself (the design before) and each reading the leader's pages (now).
 */
export async function benchAvailabilityRefreshers(): Promise<AvailabilityRefresherReading[]> {
  const database = await benchDatabase();
  const node = await startAnsturm(database.url, 1, { ANSTURM_MAX_EVENT_LOOP_DELAY_MS: '0' });
  const http = client(node.url, 16);
  const admin = new pg.Client(database.url);
  let holding = true;
  let held = 0;
  let holds: Promise<void> | undefined;
  try {
    await admin.connect();
    const postmaster = await database.postmasterPid();
    await benchCatalog(node.url, 10, 7);
    const slots = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM slots')).rows[0]!.n;
    const firstDoses = (await admin.query<{ id: number }>('SELECT id FROM slots WHERE dose = 1')).rows.map((r) => r.id);

    // People hold appointments at a steady rate through the node, for as long as the measurements take.
    holds = atSteadyRate(
      HOLDS_PER_SECOND,
      () => holding,
      async () => {
        const slotId = firstDoses[Math.floor(Math.random() * firstDoses.length)]!;
        if ((await http.request('POST', '/api/v1/holds', { slotId })).status === 201) held++;
      },
    );

    const readings: AvailabilityRefresherReading[] = [];
    for (const source of ['slots', 'pages'] as const)
      for (const refreshers of AVAILABILITY_LEVELS) {
        // Every view has made its first reads (and, reading pages, joined the leader's chain) before the measurement.
        const m = await measureStandIns(
          database.url,
          postmaster,
          refreshers,
          3_000,
          () => held,
          (db) => new AvailabilityView(db, database.url, 1000, pino({ level: 'silent' }), source),
        );
        readings.push({ source, refreshers, slots, holdsPerSecond: m.eventsPerSecond, ...m.load });
      }
    return readings;
  } finally {
    holding = false;
    await holds;
    http.close();
    await admin.end().catch(() => undefined);
    await node.stop();
    await database.stop();
  }
}

export function printAvailabilityRefreshers(readings: AvailabilityRefresherReading[]): void {
  console.log(
    `\navailability views against one PostgreSQL (${readings[0]?.slots.toLocaleString('en') ?? 0} slots released; each view stands in for a node; one real node takes holds and publishes)`,
  );
  console.log('  free units from    nodes   holds/s   statements/s   rows/s   KB/s received   PostgreSQL CPU ms/s');
  for (const r of readings)
    console.log(
      `  ${r.source.padEnd(17)} ${String(r.refreshers).padStart(7)} ${String(r.holdsPerSecond).padStart(9)} ${String(r.statementsPerSecond).padStart(14)} ${String(r.rowsPerSecond).padStart(8)} ${String(r.kilobytesPerSecond).padStart(15)} ${String(r.postgresCpuMsPerSecond).padStart(21)}`,
    );
}

/**
 * Starts `count` stand-in nodes, each a view of `make` on one connection of its own, lets them settle for `settleMs`,
 * measures what they cost PostgreSQL over MEASURE_SECONDS (and how many `events` the real node meanwhile served),
 * and stops them.
 */
async function measureStandIns(
  databaseUrl: string,
  postmaster: number,
  count: number,
  settleMs: number,
  events: () => number,
  make: (db: Queryable) => { start(): Promise<void>; stop(): Promise<void> },
): Promise<{ eventsPerSecond: number; load: Load }> {
  let statements = 0;
  let rows = 0;
  const nodes = await Promise.all(
    Array.from({ length: count }, async () => {
      const connection = new pg.Client(databaseUrl);
      await connection.connect();
      const counted: Queryable = {
        async query(text, values) {
          const res = await connection.query(text, values);
          statements++;
          rows += res.rowCount ?? 0;
          return res;
        },
      };
      const view = make(counted);
      await view.start();
      return {
        connection,
        view,
        received: () => (connection as unknown as { connection: { stream: { bytesRead: number } } }).connection.stream.bytesRead,
      };
    }),
  );
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    const received = () => nodes.reduce((n, x) => n + x.received(), 0);
    const from = { at: Date.now(), cpu: treeCpuSeconds(postmaster), events: events(), statements, rows, bytes: received() };
    await new Promise((r) => setTimeout(r, MEASURE_SECONDS * 1000));
    const seconds = (Date.now() - from.at) / 1000;
    return {
      eventsPerSecond: Math.round((events() - from.events) / seconds),
      load: {
        statementsPerSecond: Math.round((statements - from.statements) / seconds),
        rowsPerSecond: Math.round((rows - from.rows) / seconds),
        kilobytesPerSecond: Math.round((received() - from.bytes) / seconds / 1024),
        postgresCpuMsPerSecond: Math.round(((treeCpuSeconds(postmaster) - from.cpu) * 1000) / seconds),
      },
    };
  } finally {
    for (const n of nodes) {
      await n.view.stop();
      await n.connection.end();
    }
  }
}

/** Runs `step` `perSecond` times a second (at most 50 at once) while `going()`. */
async function atSteadyRate(perSecond: number, going: () => boolean, step: () => Promise<void>): Promise<void> {
  const started = Date.now();
  let begun = 0;
  while (going()) {
    const due = Math.max(0, Math.min(Math.floor(((Date.now() - started) / 1000) * perSecond) - begun, 50));
    begun += due;
    await Promise.all(Array.from({ length: due }, step));
    await new Promise((r) => setTimeout(r, 20));
  }
}
