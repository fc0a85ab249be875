import { availableParallelism, cpus, totalmem } from 'node:os';
import { loadCalibration } from '../planner/calibration.js';
import { arrivalAt, crowdFor, peakCores, type Day } from '../planner/model.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { databaseWork, machineStalls, mainThreadCpuSeconds, treeCpuSeconds, type MachineStalls } from '../bench/accounting.js';
import { ADMIN, benchDatabase, startAnsturm } from '../bench/support.js';
import { driveHere, forkCrowd, type CrowdUsage } from './crowd.js';
import { mulberry32 } from './random.js';
import { client } from './http.js';
import { checkIntegrity } from './integrity.js';
import { whatLimited } from './limit.js';
import { sampleSessions } from './sessions.js';
import type { Scenario } from './presets.js';
import { percentile, Recorder } from './recorder.js';
import { startSmsSink } from './sms-sink.js';
import { setUpWorld } from './world.js';
import { p95Between, type HttpReading } from '../web/staff/rates.js';

export interface SimulateOptions {
  scenario: Scenario;
  /** A running Ansturm (127.0.0.1 only) instead of starting one; its admin token in ADMIN_TOKEN. */
  target?: string;
  /** Where the target serves /metrics (default: http://127.0.0.1:9464/metrics, the usual ANSTURM_METRICS_PORT). */
  metricsUrl?: string;
  /** Where to start Ansturm when no target is given; default: a throwaway embedded PostgreSQL. */
  databaseUrl?: string;
  workers?: number;
  /** Seconds from set-up to the first release opening (the pre-queue fills meanwhile). */
  leadSeconds?: number;
  sockets?: number;
  /** Processes that drive the crowd (default 1: this one). */
  processes?: number;
  onSecond?: (line: string) => void;
  seed?: number;
  /** Own database only: PostgreSQL counts each statement's time (pg_stat_statements), and the report lists the dearest. */
  statements?: boolean;
}

function parseUsage(text: string) {
  const get = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? 0);
  return { cpu: get('ansturm_process_cpu_seconds_total'), rss: get('ansturm_process_resident_memory_bytes') };
}

/** Runs one release day against Ansturm and returns the report (see report.ts). */
export async function simulate(o: SimulateOptions) {
  const s = o.scenario;
  const leadSeconds = o.leadSeconds ?? (s.waitingRoom ? 15 : 5);
  const sms = await startSmsSink(s.smsPerSecond);
  const owned = o.target ? undefined : o.databaseUrl ? { url: o.databaseUrl, stop: async () => undefined } : await benchDatabase({ statements: o.statements });
  // The database the run reads its ledger, counters and sessions from: its own, or the target's (DATABASE_URL).
  const databaseUrl = owned?.url ?? process.env.DATABASE_URL ?? '';
  const node = owned
    ? await startAnsturm(owned.url, o.workers, {
        SMS_GATEWAY_URL: sms.url,
        SMS_GATEWAY_TOKEN: 'simulation',
        ANSTURM_SMS_PER_SECOND: String(s.smsPerSecond),
        ANSTURM_JOINS_PER_MINUTE: '0', // one address carries the whole crowd here
      })
    : undefined;
  const target = o.target ?? node!.url;
  // Metrics are served on the primary's own listener (ANSTURM_METRICS_PORT), not on the public port.
  const metricsUrl = o.metricsUrl ?? node?.metricsUrl ?? 'http://127.0.0.1:9464/metrics';
  const admin = o.target ? { authorization: `Bearer ${process.env.ADMIN_TOKEN ?? ''}` } : ADMIN;
  // Set-up's requests; the crowd has its own connections (crowd.ts).
  const api = client(target, 16);
  let crowd: ReturnType<typeof forkCrowd> | undefined;
  // The once-a-second reading has its own connections, so it is not queued behind the crowd's.
  const monitor = client(target, 2);
  const metricsText = async () => {
    const r = await new Promise<string>((resolve) => {
      fetch(metricsUrl)
        .then((x) => x.text())
        .then(resolve, () => resolve(''));
    });
    return parseUsage(r);
  };
  try {
    const world = await setUpWorld(target, api, admin, s, leadSeconds);
    const opensAt = world.releases[0]!.opensAt;
    const deadline = opensAt + s.durationSeconds * 1000;
    const rec = new Recorder(opensAt);
    const random = mulberry32(o.seed ?? 2021);
    const before = await metricsText();
    // The cost, from the operating system's accounting (own instance only) and the database's counters.
    const postmaster = owned && 'postmasterPid' in owned ? await owned.postmasterPid() : undefined;
    const accounting = () => ({ app: node ? treeCpuSeconds(node.pid) : NaN, db: postmaster ? treeCpuSeconds(postmaster) : NaN });
    const counting = new pg.Client(databaseUrl);
    counting.on('error', () => undefined); // a run that stops early stops its database under it; its queries say so
    await counting.connect();
    // The statements' own accounting starts with the crowd (set-up's statements are not the rush's).
    const statements = o.statements && owned && 'postmasterPid' in owned ? await countStatements(counting) : undefined;
    const costFrom = { cpu: accounting(), work: await databaseWork(counting) };
    // The simulator's own CPU and event loop: when either is saturated, it (not the server) was the limit.
    const ownCpuFrom = process.cpuUsage();
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const startedAt = Date.now();

    // Arrivals: the early share spread over the lead time (the pre-queue), the rest in a spike after
    // the opening that is densest at once and thins out (an exponential cut at the spike window's end,
    // planner/model.ts arrivalAt: the capacity planner follows the same curve).
    const arrivals = Array.from({ length: s.crowd }, () =>
      random() < s.earlyShare ? startedAt + random() * (opensAt - startedAt) : opensAt + arrivalAt(random()) * s.spikeSeconds * 1000,
    );
    let soldOutAt: number | null = null;
    let fullyBookedAt: number | null = null;
    const ledger = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    ledger.on('error', () => undefined);
    const people = arrivals.map((at, i): [number, number] => [i, at]);
    const crowdRun = { target, sockets: o.sockets ?? 512, scenario: s, world, opensAt, deadline, seed: o.seed ?? 2021, codesUrl: sms.codesUrl };
    const processes = Math.max(1, o.processes ?? 1);
    crowd = processes > 1 ? forkCrowd(processes, crowdRun, people, rec) : undefined;
    let crowdUsage: CrowdUsage[] = [];
    let done = false;
    const all = (crowd ? crowd.finished.then((u) => void (crowdUsage = u)) : driveHere(crowdRun, people, rec, sms, random)).then(() => (done = true));

    // Once a second: the server's view of the line, and a progress line.
    let t = 0;
    let previousHttp: HttpReading | null = null;
    const generatorCpu = () => {
      const own = process.cpuUsage();
      return (own.user + own.system) / 1e6 + (crowd?.cpuSeconds() ?? 0);
    };
    const perProcess = () => (node ? mainThreadCpuSeconds(node.pid) : new Map<number, number>());
    const sessions = await sampleSessions(databaseUrl);
    let previousCpu = { at: Date.now(), cpu: accounting(), generator: generatorCpu(), processes: perProcess(), stalls: machineStalls() };
    const sampler = (async () => {
      while (!done && Date.now() < deadline + 5_000) {
        await new Promise((r) => setTimeout(r, 1000));
        t = Math.round((Date.now() - startedAt) / 1000);
        const d = await monitor.request('GET', '/api/v1/admin/dashboard', undefined, admin);
        const rooms = (d.body?.rooms ?? []) as { waiting: number; admissionsPerSecond: number; state: string }[];
        const waiting = rooms.reduce((n, r) => n + r.waiting, 0);
        const rate = rooms.reduce((n, r) => n + r.admissionsPerSecond, 0);
        // Sold out: every first dose of every release is taken (booked or held; a held one comes back only if it
        // lapses). Fully booked: every one of them is booked. Read from the ledger, not from a view.
        if (fullyBookedAt === null && Date.now() > opensAt) {
          const row = (await ledger.query<LedgerReading>(LEDGER_READING, [world.campaignId]).catch(() => ({ rows: [] as LedgerReading[] }))).rows[0];
          if (row && row.unopened === 0 && row.released > 0) {
            if (soldOutAt === null && row.free === 0) soldOutAt = Date.now();
            if (row.booked >= row.released) fullyBookedAt = Date.now();
          }
        }
        // The server's own p95 for the last second (its latency histogram), beside what the citizens saw.
        const http = d.body?.http as HttpReading | undefined;
        const serverP95 = http && previousHttp ? p95Between(previousHttp, http) : null;
        previousHttp = http ?? previousHttp;
        const cpuNow = { at: Date.now(), cpu: accounting(), generator: generatorCpu(), processes: perProcess(), stalls: machineStalls() };
        const secondLength = (cpuNow.at - previousCpu.at) / 1000;
        const serverCores = (cpuNow.cpu.app - previousCpu.cpu.app + (cpuNow.cpu.db - previousCpu.cpu.db)) / secondLength;
        const dbCores = (cpuNow.cpu.db - previousCpu.cpu.db) / secondLength;
        const generatorCores = (cpuNow.generator - previousCpu.generator) / secondLength;
        // The busiest Ansturm process's main thread (a worker's or the primary's JavaScript) this second, as a share of one core.
        const busiest = Math.max(0, ...[...cpuNow.processes].map(([pid, cpu]) => (cpu - (previousCpu.processes.get(pid) ?? cpu)) / secondLength));
        const stalled = (k: keyof MachineStalls) => {
          const [now, before] = [cpuNow.stalls[k], previousCpu.stalls[k]];
          return now === null || before === null ? null : Math.round(((now - before) / secondLength) * 100) / 100;
        };
        previousCpu = cpuNow;
        const sec = rec.tick(
          t,
          waiting,
          rate,
          serverP95 === null || !Number.isFinite(serverP95) ? 0 : Math.round(serverP95 * 1000),
          Number.isFinite(serverCores) ? Math.round(serverCores * 100) / 100 : null,
          Math.round(generatorCores * 100) / 100,
          node ? Math.round(busiest * 100) / 100 : null,
          sessions.second(),
          {
            machine: { cpuSome: stalled('cpuSome'), ioFull: stalled('ioFull'), stealCores: stalled('steal') },
            dbCores: Number.isFinite(dbCores) ? Math.round(dbCores * 100) / 100 : null,
          },
        );
        const share = Math.min(1, (Date.now() - startedAt) / (deadline - startedAt));
        o.onSecond?.(
          `[${'#'.repeat(Math.round(share * 20)).padEnd(20, '.')}] ${String(t).padStart(4)} s  arrived ${rec.counters.arrived}  waiting ${waiting}  booked ${rec.counters.booked}  ${sec.requests} req/s  p95 ${sec.p95Ms} ms (server ≤${sec.serverP95Ms} ms)  shed ${sec.shed}  failures ${sec.failures}`,
        );
      }
    })();
    await Promise.race([all, new Promise((r) => setTimeout(r, deadline + 10_000 - Date.now()))]);
    done = true;
    await sampler;
    await sessions.stop();
    await ledger.end();
    const costTo = { cpu: accounting(), work: await databaseWork(counting) };
    const dearest = statements ? await statements.dearest() : null;
    await counting.end();
    const ownCpu = process.cpuUsage(ownCpuFrom);
    loopDelay.disable();
    // Give the outbox a moment to send what the last bookings wrote, then read the database.
    await new Promise((r) => setTimeout(r, 3000));
    const after = await metricsText();
    const wall = (Date.now() - startedAt) / 1000;
    const integrity = await checkIntegrity(databaseUrl, world.campaignId, s.doses, rec.joinTimes);
    const endpoints = rec.table();
    const failures = endpoints.reduce((n, e) => n + e.failures, 0);
    const bookingSeconds = rec.firstBookingAt && rec.lastBookingAt ? Math.max(1, (rec.lastBookingAt - rec.firstBookingAt) / 1000) : null;
    const loadGenerator = (() => {
      const main = {
        cpuSeconds: (ownCpu.user + ownCpu.system) / 1e6,
        wallSeconds: Math.max(1, (Date.now() - startedAt) / 1000),
        eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        eventLoopDelayMaxMs: loopDelay.max / 1e6,
      };
      // A process still waiting on people the deadline cut short has not said it is done: its last report counts.
      const all = [main, ...(crowd && crowdUsage.length < processes ? crowd.usage() : crowdUsage)];
      const cpuSeconds = all.reduce((n, u) => n + u.cpuSeconds, 0);
      // The busiest process and the latest event loop: one process runs on one core.
      const busyShare = Math.max(...all.map((u) => u.cpuSeconds / Math.max(1, u.wallSeconds)));
      const loopP99Ms = Math.round(Math.max(...all.map((u) => u.eventLoopDelayP99Ms)));
      const loopMaxMs = Math.round(Math.max(...all.map((u) => u.eventLoopDelayMaxMs)));
      // The simulator, Ansturm and PostgreSQL share this machine's cores: when together they used nearly all of
      // them, the machine, not Ansturm alone, set the pace.
      const serverCpu = costTo.cpu.app - costFrom.cpu.app + (costTo.cpu.db - costFrom.cpu.db);
      const machineShare = Number.isFinite(serverCpu) ? (cpuSeconds + serverCpu) / (main.wallSeconds * availableParallelism()) : null;
      return {
        processes,
        cpuSeconds: Math.round(cpuSeconds * 10) / 10,
        cpuPerCitizenMs: Math.round(((cpuSeconds * 1000) / Math.max(1, rec.counters.arrived)) * 100) / 100,
        busyShare: Math.round(busyShare * 100) / 100,
        eventLoopDelayP99Ms: loopP99Ms,
        eventLoopDelayMaxMs: loopMaxMs,
        machineShare: machineShare === null ? null : Math.round(machineShare * 100) / 100,
        // Time requests waited for one of the simulator's own sockets (not in the citizens' latency: a phone has a
        // connection of its own): the whole run's p95 and the worst second's.
        socketWaitP95Ms: Math.round(
          percentile(
            rec.socketWaits.sort((a, b) => a - b),
            0.95,
          ),
        ),
        worstSecondSocketWaitP95Ms: Math.max(0, ...rec.seconds.map((x) => x.socketWaitP95Ms)),
        // Above 90 % busy, its event loop a tenth of a second late at p99, or stopped for a second at once (everyone
        // it drives waits then, and comes at once after), a crowd process set the pace.
        wasTheLimit: busyShare > 0.9 || loopP99Ms > 100 || loopMaxMs >= 1000,
      };
    })();
    const limit = whatLimited(rec.seconds, availableParallelism(), KEPT_UP_P95_MS, loadGenerator.wasTheLimit, {
      unanswered: endpoints.reduce((n, e) => n + (e.statuses['0'] ?? 0), 0),
      stallMs: loadGenerator.eventLoopDelayMaxMs,
    });
    const shed = endpoints.reduce((n, e) => n + (e.statuses['503'] ?? 0) + (e.statuses['429'] ?? 0), 0);
    const worstServerP95 = Math.max(0, ...rec.seconds.filter((x) => x.requests > 0).map((x) => x.serverP95Ms));
    const held =
      failures === 0 &&
      integrity.overbookedSlots === 0 &&
      integrity.bookingsWithoutSecondDose === 0 &&
      integrity.messagesLost === 0 &&
      integrity.ledgerMismatches === 0;
    return {
      scenario: s,
      startedAt: new Date(startedAt).toISOString(),
      durationSeconds: Math.round(wall),
      machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${cpus()[0]?.model ?? ''}`.trim(),
      verdict: {
        held,
        text: held
          ? `Held: ${rec.counters.booked.toLocaleString('en')} of ${s.releases.reduce((n, x) => n + x, 0).toLocaleString('en')} appointments booked in the run, no failed request, nothing overbooked, no second dose missing, no message lost.`
          : `Did not hold: ${failures} failed requests, ${integrity.overbookedSlots} overbooked slots, ${integrity.bookingsWithoutSecondDose} bookings without a second dose, ${integrity.messagesLost} messages lost, ${integrity.ledgerMismatches} ledger mismatches.`,
      },
      // Kept up: the server answered everyone at once, as planned for: nothing failed, nothing was shed, and in
      // no second was its p95 above a second. The capacity planner's prediction is for this.
      keptUp: held && shed === 0 && worstServerP95 <= KEPT_UP_P95_MS,
      limit,
      planner: plannerBeside(
        s,
        rec.seconds,
        loadGenerator.cpuSeconds / wall,
        owned !== undefined,
        rec.counters.searches > 0
          ? { slots: rec.counters.slotsListed / rec.counters.searches, centres: rec.counters.centresListed / rec.counters.searches }
          : undefined,
      ),
      soldOutSeconds: soldOutAt === null ? null : Math.round((soldOutAt - opensAt) / 1000),
      fullyBookedSeconds: fullyBookedAt === null ? null : Math.round((fullyBookedAt - opensAt) / 1000),
      openedAfterSeconds: Math.round((opensAt - startedAt) / 1000),
      peakBookingsPerSecond: rec.seconds.reduce((m, x, k) => Math.max(m, x.booked - (rec.seconds[k - 1]?.booked ?? 0)), 0),
      bookingsPerSecond: bookingSeconds ? Math.round((rec.counters.booked / bookingSeconds) * 10) / 10 : 0,
      counters: rec.counters,
      sms: sms.stats(),
      codeWaitMs: {
        p50: Math.round(rec.codeWaits.sort((a, b) => a - b)[Math.floor(rec.codeWaits.length / 2)] ?? 0),
        max: Math.round(rec.codeWaits.at(-1) ?? 0),
      },
      serverLatency: (() => {
        const busy = rec.seconds
          .filter((x) => x.requests > 0)
          .map((x) => x.serverP95Ms)
          .sort((a, b) => a - b);
        return { medianSecondP95Ms: busy[Math.floor(busy.length / 2)] ?? 0, worstSecondP95Ms: busy.at(-1) ?? 0 };
      })(),
      server: {
        cpuSeconds: Math.round((after.cpu - before.cpu) * 10) / 10,
        cpuCores: Math.round(((after.cpu - before.cpu) / wall) * 100) / 100,
        residentMb: Math.round(after.rss / 2 ** 20),
      },
      cost: costOf(costFrom, costTo, rec.counters.arrived),
      statements: dearest,
      loadGenerator,
      integrity,
      endpoints,
      timeline: rec.seconds,
    };
  } finally {
    crowd?.stop();
    api.close();
    monitor.close();
    await node?.stop();
    await owned?.stop();
    await sms.close();
  }
}

export type SimulationReport = Awaited<ReturnType<typeof simulate>>;

interface LedgerReading {
  released: number;
  unopened: number;
  free: number;
  booked: number;
}

/** The campaign's first doses: released and opened, in releases not yet open, not taken, and booked. */
const LEDGER_READING = `
  SELECT COALESCE(sum(s.capacity) FILTER (WHERE r.opens_at <= now()), 0)::int AS released,
         COALESCE(sum(s.capacity) FILTER (WHERE r.opens_at > now()), 0)::int AS unopened,
         COALESCE(sum(s.capacity - s.taken) FILTER (WHERE r.opens_at <= now()), 0)::int AS free,
         (SELECT count(*) FROM bookings b WHERE b.campaign_id = $1 AND b.status = 'active')::int AS booked
  FROM slots s JOIN releases r ON r.id = s.release_id
  WHERE s.campaign_id = $1 AND s.dose = 1`;

type Reading = { cpu: { app: number; db: number }; work: { writeTransactions: number; walBytes: number } };

/** What the run cost the server, in all and per person who came. */
function costOf(from: Reading, to: Reading, people: number) {
  const app = to.cpu.app - from.cpu.app;
  const db = to.cpu.db - from.cpu.db;
  const tx = to.work.writeTransactions - from.work.writeTransactions;
  const wal = to.work.walBytes - from.work.walBytes;
  const per = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round((n / Math.max(1, people)) * 10 ** digits) / 10 ** digits : null);
  return {
    ansturmCpuSeconds: Number.isFinite(app) ? Math.round(app * 10) / 10 : null,
    postgresCpuSeconds: Number.isFinite(db) ? Math.round(db * 10) / 10 : null,
    writeTransactions: tx,
    walBytes: wal,
    perCitizen: { ansturmCpuMs: per(app * 1000), postgresCpuMs: per(db * 1000), writeTransactions: per(tx), walBytes: per(wal, 0) },
  };
}

/** A second's p95 inside the server above this, and the run did not keep up. */
const KEPT_UP_P95_MS = 1000;
/**
 * The capacity planner's prediction beside what this run measured (planner/model.ts, with the costs measured
 * here by `npm run plan -- calibrate`, else the reference machine's): the cores this crowd needs in its busiest
 * second against the most the server used in any five seconds, and the crowd of this shape the server's share
 * of this machine (its cores less what the simulator used) carries, against whether this run kept up.
 */
function plannerBeside(
  s: Scenario,
  seconds: { serverCores: number | null; generatorCores: number }[],
  simulatorCores: number,
  ownInstance: boolean,
  answers: { slots: number; centres: number } | undefined,
) {
  const calibration = loadCalibration();
  const from = calibration.measuredHere ? 'this installation' : 'the reference machine';
  const day: Day = {
    crowd: s.crowd,
    slots: s.releases.reduce((n, x) => n + x, 0),
    releases: s.releases,
    releaseEverySeconds: s.releaseEverySeconds,
    windowSeconds: s.spikeSeconds,
    earlyShare: s.waitingRoom ? s.earlyShare : 0,
    admitPerSecond: s.admitPerSecond,
    waitingRoom: s.waitingRoom,
    verification: s.verification,
    smsPerSecond: s.smsPerSecond,
    // What this run's searches listed on average: the planner prices a search by it.
    answerSlots: answers?.slots,
    answerCentres: answers?.centres,
    utilisation: 1,
    nodes: 1,
  };
  // The server's busiest five seconds, and what the simulator took of the machine in them.
  let measuredPeak: number | null = null;
  let simulatorThen = simulatorCores;
  for (let i = 0; i + 5 <= seconds.length; i++) {
    const window = seconds.slice(i, i + 5);
    if (!window.every((x) => x.serverCores !== null)) continue;
    const server = window.reduce((n, x) => n + x.serverCores!, 0) / 5;
    if (server > (measuredPeak ?? -1)) {
      measuredPeak = server;
      simulatorThen = window.reduce((n, x) => n + x.generatorCores, 0) / 5;
    }
  }
  const serverShare = Math.max(0.1, availableParallelism() - simulatorThen);
  return {
    costsFrom: from,
    /** Cores the crowd keeps busy in its busiest second on the server's share of this machine (application + PostgreSQL). */
    predictedPeakCores: Math.round(peakCores(day, calibration.costs, serverShare) * 100) / 100,
    /** The most the server used, averaged over five seconds (own instance only). */
    measuredPeakCores: ownInstance && measuredPeak !== null ? Math.round(measuredPeak * 100) / 100 : null,
    /** This machine's cores less what the simulator used in the server's busiest five seconds (its average without them). */
    serverCores: Math.round(serverShare * 100) / 100,
    /** The crowd of this shape those cores keep up with, by the planner (planner/model.ts KEPT_UP). */
    predictedCrowd: crowdFor(serverShare, day, calibration.costs),
    /** Appointment times a search's answer listed on average in this run (the planner prices a search by it). */
    answerSlots: answers === undefined ? null : Math.round(answers.slots),
    answerCentres: answers === undefined ? null : Math.round(answers.centres * 10) / 10,
  };
}

/** The statements that took the database's time, most first (pg_stat_statements). */
export interface StatementCost {
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  query: string;
}

const DEAREST = 15;

/** Loads pg_stat_statements into this database and starts its count afresh; `dearest()` reads what it counted. */
async function countStatements(db: pg.Client) {
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await db.query('SELECT pg_stat_statements_reset()');
  return {
    async dearest(): Promise<StatementCost[]> {
      const rows = await db
        .query<{ calls: string; total_ms: number; rows: string; query: string }>(
          `SELECT calls, total_exec_time + total_plan_time AS total_ms, rows, query
             FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time + total_plan_time DESC LIMIT ${DEAREST}`,
        )
        .catch(() => ({ rows: [] }));
      return rows.rows.map((r) => ({
        calls: Number(r.calls),
        totalMs: Math.round(r.total_ms),
        meanMs: Math.round((r.total_ms / Math.max(1, Number(r.calls))) * 1000) / 1000,
        rows: Number(r.rows),
        query: r.query.replace(/\s+/g, ' ').slice(0, 240),
      }));
    },
  };
}
