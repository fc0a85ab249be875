/**
 * What one citizen costs the installation, step by step (`npm run bench -- cost`): the CPU time of every
 * Ansturm process and of every PostgreSQL process, read from the operating system's accounting (/proc),
 * and the database's write transactions and WAL bytes, per join, status poll, leaving the line, search, hold,
 * verification code (sent), and booking; then per whole citizen on the ways the presets take. The nodes' periodic work
 * (view refreshes, the leader's tasks, the outbox's polling) is measured while idle (twice; the lower counts) and taken off.
 */
import pg from 'pg';
import { client } from '../simulator/http.js';
import { databaseWork, treeCpuSeconds, type DatabaseWork } from './accounting.js';
import { benchCatalog, benchDatabase, benchWaitingRoom, day, startAnsturm, workersFor } from './support.js';

const PER_STEP = Number(process.env.BENCH_COST_N ?? 2000);
const CONCURRENCY = 32;
/** Steps measured again one request at a time. */
const ONE_AT_A_TIME = Number(process.env.BENCH_COST_ALONE_N ?? 300);
const IDLE_SECONDS = 3;
/** Centres of the catalog the last search step asks across. */
const WIDE_CENTRES = 24;
/** People put into a waiting room to weigh what each costs a worker's memory. */
const MEMORY_PEOPLE = Number(process.env.BENCH_COST_MEMORY_N ?? 20_000);

export interface StepCost {
  step: string;
  count: number;
  perSecond: number;
  /** CPU milliseconds per step: Ansturm's processes, PostgreSQL's processes. */
  appMs: number;
  dbMs: number;
  writeTransactions: number;
  walBytes: number;
  /** A search's: the appointment times and the centres its answer listed. */
  answerSlots?: number;
  answerCentres?: number;
}

export interface CostReport {
  steps: StepCost[];
  citizens: { way: string; steps: string; appMs: number; dbMs: number; walBytes: number }[];
  idle: string;
  idleRates: { appMsPerSecond: number; dbMsPerSecond: number };
  workers: number;
  /** Memory per waiting person in each worker, the larger of the two below (the planner's figure). */
  bytesPerWaitingPerson: number;
  /** The line's own accounting (ansturm_queue_memory_bytes). */
  lineBytesPerWaitingPerson: number;
  /** The heap's growth per person (its low point over a few seconds before and after). */
  heapBytesPerWaitingPerson: number;
}

export async function benchCost(): Promise<CostReport> {
  const database = await benchDatabase();
  const node = await startAnsturm(database.url, undefined, {
    ANSTURM_JOINS_PER_MINUTE: '0',
    ANSTURM_MAX_EVENT_LOOP_DELAY_MS: '0',
    ANSTURM_SMS_PER_SECOND: '100000',
    ANSTURM_DB_CONNECT_TIMEOUT_MS: '30000',
  });
  const db = new pg.Client(database.url);
  await db.connect();
  try {
    const postgres = await database.postmasterPid();
    const plain = client(node.url, CONCURRENCY);
    // Every POST carries an Idempotency-Key, as the web app's (web/src/api.ts) and the simulator's citizens' do: the
    // key is claimed and its answer kept in the step's own transaction, which is part of what a step costs.
    let posts = 0;
    const run = Date.now().toString(36);
    const http = {
      request: (method: string, path: string, body?: unknown) =>
        plain.request(method, path, body, method === 'POST' ? { 'idempotency-key': `cost-${run}-${++posts}` } : {}),
    };
    const base = node.url;
    const cpu = () => ({ app: treeCpuSeconds(node.pid), db: treeCpuSeconds(postgres) });

    // The idle rate: what the nodes and PostgreSQL use per second with nobody there. Read twice, just after the
    // start and again once the nodes are warm; the lower is taken off each step (a node that is still compiling
    // or settling after its start uses more, and taking that off made a short step look cheaper than it was).
    const idleRate = async () => {
      const from = { at: Date.now(), cpu: cpu() };
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      const seconds = (Date.now() - from.at) / 1000;
      const now = cpu();
      return { app: (now.app - from.cpu.app) / seconds, db: (now.db - from.cpu.db) / seconds };
    };
    const idleReadings = [await idleRate()];
    const workers = workersFor(database.url);

    /** Each step's raw readings; the idle rate is taken off at the end, once both idle readings are in. */
    const raw: (Omit<StepCost, 'appMs' | 'dbMs'> & { appSeconds: number; dbSeconds: number; seconds: number })[] = [];
    /** Runs `one(i)` for i < count from CONCURRENCY loops and records what it cost. */
    const measure = async (
      step: string,
      count: number,
      one: (i: number) => Promise<void>,
      settle: () => Promise<void> = async () => undefined,
      loops = CONCURRENCY,
    ) => {
      const before: { cpu: ReturnType<typeof cpu>; work: DatabaseWork; at: number } = { cpu: cpu(), work: await databaseWork(db), at: Date.now() };
      let next = 0;
      await Promise.all(
        Array.from({ length: loops }, async () => {
          for (let i = next++; i < count; i = next++) await one(i);
        }),
      );
      await settle();
      const seconds = (Date.now() - before.at) / 1000;
      const after = { cpu: cpu(), work: await databaseWork(db) };
      raw.push({
        step,
        count,
        perSecond: Math.round(count / seconds),
        appSeconds: after.cpu.app - before.cpu.app,
        dbSeconds: after.cpu.db - before.cpu.db,
        seconds,
        // Our own two readings write nothing; each is one read-only statement.
        writeTransactions: round((after.work.writeTransactions - before.work.writeTransactions) / count),
        walBytes: Math.round((after.work.walBytes - before.work.walBytes) / count),
      });
    };
    const ok = (what: string, answer: { status: number; body: any }, ...statuses: number[]) => {
      if (!statuses.includes(answer.status)) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };

    // The waiting room: a pre-queue join (challenge + join, 0-bit puzzle: the server's work, not the phone's), then a poll.
    const room = await benchWaitingRoom(base, { opensInMs: 3_600_000, prequeueMinutes: 120 });
    const joinOne = async (i: number, into: string[]) => {
      const c = ok('challenge', await http.request('GET', `/api/v1/queue/rooms/${room}/challenge`), 200);
      into[i] = ok('join', await http.request('POST', `/api/v1/queue/rooms/${room}/tickets`, { challenge: c.challenge, nonce: '0' }), 201).ticket;
    };
    const bindOne = async (ticket: string, name: string, i: number) =>
      void ok(
        'bind',
        await http.request('PUT', `/api/v1/queue/tickets/${encodeURIComponent(ticket)}/person`, {
          firstName: name,
          lastName: 'Bench',
          dateOfBirth: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
        }),
        200,
        204,
      );
    const tickets: string[] = [];
    await measure('join (challenge + join)', PER_STEP, (i) => joinOne(i, tickets));
    // Binding the person to the place (one place per person; the citizen app does it when they join).
    await measure('bind (a person to the place)', PER_STEP, (i) => bindOne(tickets[i]!, `Warte${i}`, i));
    await measure('status poll', PER_STEP, async (i) => {
      ok('status', await http.request('GET', `/api/v1/queue/tickets/${encodeURIComponent(tickets[i]!)}`), 200);
    });
    // Leaving the line: with several releases, those far back leave for the next release's line when it opens.
    await measure('leave (the line, for the next release)', PER_STEP, async (i) => {
      ok('leave', await http.request('DELETE', `/api/v1/queue/tickets/${encodeURIComponent(tickets[i]!)}`), 200);
    });

    idleReadings.push(await idleRate());

    // Memory: every worker keeps every waiting room; weigh MEMORY_PEOPLE more people in a room of their own.
    const metric = async (name: string) => {
      const text = await (await fetch(node.metricsUrl)).text();
      return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    };
    // The heap's low point over a few seconds (garbage comes and goes; what stays is the line), summed over the workers.
    const heapUsed = async () => {
      let least = Infinity;
      for (let k = 0; k < 6; k++) {
        least = Math.min(least, await metric('ansturm_nodejs_heap_size_used_bytes'));
        await new Promise((r) => setTimeout(r, 500));
      }
      return least;
    };
    // An open room with admissions paused: everyone who joins stays waiting, in every worker's view.
    const crowdRoom = await benchWaitingRoom(base, { opensInMs: 1_000, prequeueMinutes: 1 }, { maxAdmissionsPerSecond: 0 });
    const roomNow = async () => (await http.request('GET', `/api/v1/queue/rooms/${crowdRoom}`)).body as { seed?: string; waiting?: number } | undefined;
    for (const deadline = Date.now() + 30_000; !(await roomNow())?.seed && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 200));
    const roomSize = async () => (await roomNow())?.waiting;
    const heapBefore = await heapUsed();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < MEMORY_PEOPLE; i = next++) {
          const c = ok('challenge', await http.request('GET', `/api/v1/queue/rooms/${crowdRoom}/challenge`), 200);
          ok('join', await http.request('POST', `/api/v1/queue/rooms/${crowdRoom}/tickets`, { challenge: c.challenge, nonce: '0' }), 201);
        }
      }),
    );
    for (const deadline = Date.now() + 30_000; ((await roomSize()) ?? 0) < MEMORY_PEOPLE && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 200));
    // The line's own accounting (ansturm_queue_memory_bytes, per worker) for the planner; the heap's growth beside it.
    const lineBytesPerWaitingPerson = (await metric(`ansturm_queue_memory_bytes\\{release="${crowdRoom}"\\}`)) / MEMORY_PEOPLE;
    const heapBytesPerWaitingPerson = Math.max(0, Math.round((await heapUsed()) - heapBefore) / workers / MEMORY_PEOPLE);

    // Searching, holding and booking at 4 centres with a week of slots, released.
    // Ten days of first doses (6,400 units) for the holds of both passes; the search asks for a week of them.
    const { campaignId } = await benchCatalog(base, 4, 10);
    const listed = (answer: { centers: { days: { slots: unknown[] }[] }[] }) =>
      answer.centers.reduce((n, c) => n + c.days.reduce((m, d) => m + d.slots.length, 0), 0);
    /**
     * Searches `days` of first doses of `campaign`, each `from` somewhere else or always the same postal code, within
     * `radiusKm`; records the answer's size (times and centres).
     */
    const searches = async (step: string, campaign: number, days: number, from: 'place' | 'postal code', radiusKm = 50) => {
      let slots = 0;
      let centres = 0;
      // A new catalog shows once the nodes' views have read it (they refresh every second).
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        const seen = await http.request(
          'GET',
          `/api/v1/availability?campaignId=${campaign}&lat=51.02&lon=7.02&radiusKm=${radiusKm}&from=${day(1)}&to=${day(days)}`,
        );
        if (seen.status === 200 && listed(seen.body) > 0) break;
      }
      await measure(step, PER_STEP, async (i) => {
        // A phone's location: about 100 m apart, as the answer cache tells places apart, all within reach of the centres.
        const where =
          from === 'place' ? `lat=${(51.02 + (i % 50) / 1000).toFixed(3)}&lon=${(7.02 + Math.floor(i / 50) / 1000).toFixed(3)}` : 'postalCode=58332';
        const answer = ok(
          'search',
          await http.request('GET', `/api/v1/availability?campaignId=${campaign}&${where}&radiusKm=${radiusKm}&from=${day(1)}&to=${day(days)}`),
          200,
        );
        slots = listed(answer);
        centres = answer.centers.length;
      });
      Object.assign(raw[raw.length - 1]!, { answerSlots: slots, answerCentres: centres });
    };
    // The same question each time, so the node's answer cache answers (a district's postal codes repeat).
    await searches('search by postal code (4 centres, a week; cached)', campaignId, 7, 'postal code');
    // From a place of its own each time (the simulator's citizens, "use my location"), at three shapes of answer: the
    // planner prices a search by the times and centres its answer lists, through these three (the third at the end).
    await searches('search from a place (4 centres, a day)', campaignId, 1, 'place');
    await searches('search from a place (4 centres, a week)', campaignId, 7, 'place');
    const firstDoses = (
      await db.query<{ id: number }>(`SELECT id::int AS id FROM slots WHERE campaign_id = $1 AND dose = 1 ORDER BY starts_at, id`, [campaignId])
    ).rows.map((r) => r.id);
    /** Holds into `into[i]`, starting at the `from`-th first-dose slot (spread so the holds do not all meet on one row). */
    const holdOne = async (i: number, into: string[], from = i) => {
      for (let k = 0; ; k++) {
        const hold = await http.request('POST', '/api/v1/holds', { slotId: firstDoses[(from + k * 7) % firstDoses.length] });
        if (hold.status === 201) return void (into[i] = hold.body.holdId);
        if (hold.status !== 409 || k > 20) ok('hold', hold, 201);
      }
    };
    const holds: string[] = [];
    await measure('hold (both doses)', PER_STEP, (i) => holdOne(i, holds));
    const bookOne = async (holdId: string, name: string, i: number, phone?: string) =>
      void ok(
        'booking',
        await http.request('POST', '/api/v1/bookings', {
          holdId,
          person: {
            firstName: name,
            lastName: 'Bench',
            dateOfBirth: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
            postalCode: '58332',
            ...(phone ? { phone } : {}),
          },
        }),
        201,
      );
    await measure('booking (confirm the hold)', PER_STEP, (i) => bookOne(holds[i]!, `Kosten${i}`, i));

    // The same with a phone number, as most people (and the simulator's citizens) give one: the confirmation SMS and
    // two reminders are written in the booking's transaction, and the outbox hands the SMS over.
    const moreHolds: string[] = [];
    for (let i = 0; i < PER_STEP; i += CONCURRENCY)
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, PER_STEP - i) }, (_, k) => holdOne(i + k, moreHolds)));
    const sentConfirmations = async () =>
      Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE kind = 'confirmation' AND state = 'sent'`)).rows[0]!.n);
    const allConfirmationsSent = (count: number, before: number) => async () => {
      for (const deadline = Date.now() + 120_000; (await sentConfirmations()) - before < count && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 100));
    };
    await measure(
      'booked and confirmed by SMS (booking + the SMS sent)',
      PER_STEP,
      (i) => bookOne(moreHolds[i]!, `Sms${i}`, i, `+49152${String(10_000_000 + i)}`),
      allConfirmationsSent(PER_STEP, await sentConfirmations()),
    );

    // The writing steps again, one request at a time: each is then a transaction of its own (a rush's group commits
    // make a transaction carry many; an opening at a few hundred a second carries one or two each). The planner
    // counts between the two by the rate (planner/model.ts).
    const aloneTickets: string[] = [];
    const aloneHolds: string[] = [];
    const aloneSmsHolds: string[] = [];
    await measure('one at a time: join', ONE_AT_A_TIME, (i) => joinOne(i, aloneTickets), undefined, 1);
    await measure('one at a time: bind', ONE_AT_A_TIME, (i) => bindOne(aloneTickets[i]!, `Allein${i}`, i), undefined, 1);
    await measure('one at a time: hold', ONE_AT_A_TIME, (i) => holdOne(i, aloneHolds, PER_STEP * 2 + i), undefined, 1);
    await measure('one at a time: booking', ONE_AT_A_TIME, (i) => bookOne(aloneHolds[i]!, `Allein${i}`, i), undefined, 1);
    for (let i = 0; i < ONE_AT_A_TIME; i++) await holdOne(i, aloneSmsHolds, PER_STEP * 3 + i);
    await measure(
      'one at a time: booked and confirmed by SMS',
      ONE_AT_A_TIME,
      (i) => bookOne(aloneSmsHolds[i]!, `AlleinSms${i}`, i, `+49153${String(10_000_000 + i)}`),
      allConfirmationsSent(ONE_AT_A_TIME, await sentConfirmations()),
      1,
    );

    // A verification code, until the SMS is handed over (here: the local mailbox transport).
    const sentCodes = async () =>
      Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE kind = 'code' AND state = 'sent'`)).rows[0]!.n);
    const codesBefore = await sentCodes();
    await measure(
      'verification code (requested and sent)',
      PER_STEP,
      async (i) => void ok('code', await http.request('POST', '/api/v1/verifications', { channel: 'sms', contact: `+49151${String(10_000_000 + i)}` }), 202),
      async () => {
        for (const deadline = Date.now() + 120_000; (await sentCodes()) - codesBefore < PER_STEP && Date.now() < deadline;)
          await new Promise((resolve) => setTimeout(resolve, 100));
      },
    );

    // Last, as it makes the node's views larger for what comes after: 24 centres, a day of first doses each (a
    // district's answer lists many centres; each costs the search its own part beside its times).
    const wide = await benchCatalog(base, WIDE_CENTRES, 1, [22, 28]);
    await searches(`search from a place (${WIDE_CENTRES} centres, a day)`, wide.campaignId, 1, 'place', 100);

    const idle = {
      app: Math.min(...idleReadings.map((r) => r.app)),
      db: Math.min(...idleReadings.map((r) => r.db)),
    };
    const steps: StepCost[] = raw.map(({ appSeconds, dbSeconds, seconds, ...step }) => ({
      ...step,
      appMs: round(((appSeconds - idle.app * seconds) * 1000) / step.count),
      dbMs: round(((dbSeconds - idle.db * seconds) * 1000) / step.count),
    }));
    const cost = (name: string) => steps.find((s) => s.step.startsWith(name))!;
    const way = (name: string, parts: [string, number][]) => ({
      way: name,
      steps: parts.map(([s, n]) => (n === 1 ? s : `${n} x ${s}`)).join(' + '),
      appMs: round(parts.reduce((sum, [s, n]) => sum + cost(s).appMs * n, 0)),
      dbMs: round(parts.reduce((sum, [s, n]) => sum + cost(s).dbMs * n, 0)),
      walBytes: Math.round(parts.reduce((sum, [s, n]) => sum + cost(s).walBytes * n, 0)),
    });
    return {
      steps,
      citizens: [
        way('straight to booking (no waiting room)', [
          ['search from a place (4 centres, a week)', 1],
          ['hold', 1],
          ['booking', 1],
        ]),
        way('through the waiting room, 20 polls while waiting', [
          ['join', 1],
          ['bind', 1],
          ['status poll', 20],
          ['search from a place (4 centres, a week)', 1],
          ['hold', 1],
          ['booking', 1],
        ]),
        way('waiting room and an SMS code (niedersachsen)', [
          ['join', 1],
          ['bind', 1],
          ['status poll', 20],
          ['verification code', 1],
          ['search from a place (4 centres, a week)', 1],
          ['hold', 1],
          ['booking', 1],
        ]),
      ],
      idle: `idle: Ansturm ${round(idle.app * 1000)} ms/s, PostgreSQL ${round(idle.db * 1000)} ms/s (taken off each step)`,
      idleRates: { appMsPerSecond: round(idle.app * 1000), dbMsPerSecond: round(idle.db * 1000) },
      workers,
      // The planner counts the larger: the heap's growth holds what the line's accounting does not see.
      bytesPerWaitingPerson: Math.round(Math.max(lineBytesPerWaitingPerson, heapBytesPerWaitingPerson)),
      lineBytesPerWaitingPerson: Math.round(lineBytesPerWaitingPerson),
      heapBytesPerWaitingPerson: Math.round(heapBytesPerWaitingPerson),
    };
  } finally {
    await db.end();
    await node.stop();
    await database.stop();
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Several runs' figures in one: each step's, the idle rates and the memory, the median of the runs. On a shared or
 * virtual machine one run can come out a third dearer than the next a few minutes later.
 */
export function medianCost(reports: CostReport[]): CostReport {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const of = <T>(pick: (r: CostReport) => T) => reports.map(pick);
  const first = reports[0]!;
  const steps = first.steps.map((step, i) => {
    const same = of((r) => r.steps[i]!);
    return {
      ...step,
      perSecond: median(same.map((x) => x.perSecond)),
      appMs: median(same.map((x) => x.appMs)),
      dbMs: median(same.map((x) => x.dbMs)),
      writeTransactions: median(same.map((x) => x.writeTransactions)),
      walBytes: median(same.map((x) => x.walBytes)),
    };
  });
  const idleRates = {
    appMsPerSecond: median(of((r) => r.idleRates.appMsPerSecond)),
    dbMsPerSecond: median(of((r) => r.idleRates.dbMsPerSecond)),
  };
  return {
    ...first,
    steps,
    citizens: first.citizens.map((c, i) => ({
      ...c,
      appMs: median(of((r) => r.citizens[i]!.appMs)),
      dbMs: median(of((r) => r.citizens[i]!.dbMs)),
      walBytes: median(of((r) => r.citizens[i]!.walBytes)),
    })),
    idle: `idle: Ansturm ${idleRates.appMsPerSecond} ms/s, PostgreSQL ${idleRates.dbMsPerSecond} ms/s (taken off each step; the median of ${reports.length} runs)`,
    idleRates,
    bytesPerWaitingPerson: median(of((r) => r.bytesPerWaitingPerson)),
    lineBytesPerWaitingPerson: median(of((r) => r.lineBytesPerWaitingPerson)),
    heapBytesPerWaitingPerson: median(of((r) => r.heapBytesPerWaitingPerson)),
  };
}

/** A full booking's CPU, Ansturm + PostgreSQL: the hold and the booking measured with 32 clients (no SMS). */
export const fullBookingMs = (report: CostReport) =>
  report.steps.filter((s) => s.step.startsWith('hold') || s.step.startsWith('booking')).reduce((sum, s) => sum + s.appMs + s.dbMs, 0);
const STEP_WIDTH = 54;

export function printCost(report: CostReport): void {
  console.log('\ncost per step (CPU from /proc: every Ansturm process, every PostgreSQL process; the database counts the rest)');
  console.log(`  ${report.idle}`);
  console.log(`  ${'step'.padEnd(STEP_WIDTH)} count     /s   Ansturm ms  PostgreSQL ms  write tx    WAL bytes`);
  for (const s of report.steps)
    console.log(
      `  ${s.step.padEnd(STEP_WIDTH)} ${String(s.count).padStart(5)} ${String(s.perSecond).padStart(6)} ${s.appMs.toFixed(3).padStart(12)} ${s.dbMs.toFixed(3).padStart(14)} ${s.writeTransactions.toFixed(2).padStart(9)} ${String(s.walBytes).padStart(12)}`,
    );
  console.log(`  full booking (hold + confirmation, both doses), Ansturm + PostgreSQL: ${fullBookingMs(report).toFixed(3)} ms CPU (target <= 0.5 ms)`);
  console.log(
    `  memory: ${report.bytesPerWaitingPerson} bytes per waiting person in each of ${report.workers} workers (the line's own accounting ${report.lineBytesPerWaitingPerson}, the heap's growth ${report.heapBytesPerWaitingPerson})`,
  );
  console.log('\ncost per citizen (the steps above, as each way takes them)');
  for (const c of report.citizens)
    console.log(`  ${c.way.padEnd(48)} Ansturm ${c.appMs.toFixed(2)} ms  PostgreSQL ${c.dbMs.toFixed(2)} ms  WAL ${c.walBytes} bytes   (${c.steps})`);
}
