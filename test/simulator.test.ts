import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { freshDatabase } from './support/db.js';
import { freePort } from './support/postgres.js';
import { PRESETS } from '../simulator/presets.js';
import { simulate } from '../simulator/simulate.js';
import { writeReport } from '../simulator/report.js';
import { spearman } from '../simulator/integrity.js';
import { whatLimited } from '../simulator/limit.js';
import type { Second } from '../simulator/recorder.js';
import { remoteCodes, startSmsSink } from '../simulator/sms-sink.js';

test('a small release day through the simulator: 300 people, 100 appointments, nothing overbooked or lost', async () => {
  const database = await freshDatabase();
  const out = mkdtempSync(join(tmpdir(), 'ansturm-sim-'));
  try {
    const report = await simulate({ scenario: { ...PRESETS.small!, durationSeconds: 30 }, databaseUrl: database.url, workers: 1, leadSeconds: 6, sockets: 64 });
    const i = report.integrity;
    assert.equal(i.overbookedSlots, 0);
    assert.equal(i.bookingsWithoutSecondDose, 0);
    assert.equal(i.messagesLost, 0);
    assert.equal(i.ledgerMismatches, 0);
    assert.ok(report.counters.booked > 50 && report.counters.booked <= 100, `booked ${report.counters.booked}`);
    assert.equal(i.activeBookings, report.counters.booked, 'every confirmation the citizens saw is in the database');
    assert.ok(report.counters.botsRefused >= 0);
    // What the searches listed, which the planner prices a search by: two centres' times, a few per search at least.
    assert.ok(report.counters.searches >= report.counters.booked && report.counters.slotsListed > report.counters.searches, JSON.stringify(report.counters));
    assert.equal(report.planner.answerSlots, Math.round(report.counters.slotsListed / report.counters.searches));
    assert.equal(
      report.endpoints.reduce((n, e) => n + e.failures, 0),
      0,
      'no failed request',
    );
    assert.ok(report.timeline.length >= 5);
    assert.ok(report.server.cpuSeconds > 0);
    // The cost, from /proc and the database's counters: Ansturm's processes (PostgreSQL here is the test's own, shared: not counted).
    assert.ok(report.cost.perCitizen.ansturmCpuMs !== null && report.cost.perCitizen.ansturmCpuMs > 0, JSON.stringify(report.cost));
    assert.equal(report.cost.postgresCpuSeconds, null);
    assert.ok(report.cost.writeTransactions >= report.counters.booked, 'every booking wrote at least one transaction');
    assert.ok(report.cost.walBytes > 0);
    assert.ok(report.loadGenerator.cpuSeconds > 0 && report.loadGenerator.eventLoopDelayP99Ms >= 0);
    // The planner beside the run: what this crowd needs at its busiest and the crowd the server's share carries.
    assert.equal(typeof report.keptUp, 'boolean');
    assert.ok(report.planner.predictedPeakCores > 0 && report.planner.predictedCrowd > 0, JSON.stringify(report.planner));
    assert.ok(report.planner.serverCores > 0 && report.planner.serverCores <= availableParallelism());
    assert.equal(report.planner.measuredPeakCores, null, "PostgreSQL is the test's own here: the server's CPU is not all counted");
    // Sold out = every released first dose booked or held; fully booked = every one booked.
    if (report.fullyBookedSeconds !== null) assert.ok(report.soldOutSeconds !== null && report.soldOutSeconds <= report.fullyBookedSeconds);
    if (report.counters.booked === 100) assert.notEqual(report.fullyBookedSeconds, null, 'all 100 booked: fully booked');
    else assert.equal(report.fullyBookedSeconds, null, `${report.counters.booked} of 100 booked: not fully booked`);
    const files = writeReport(out, report);
    const html = readFileSync(files.html, 'utf8');
    assert.match(html, /<svg/);
    assert.equal((html.match(/seconds since the simulation started/g) ?? []).length, 8, 'every chart has its time axis');
    assert.match(html, /The machine's stalls/);
    assert.match(html, /class="legend"><span class="key"><span style="background:#0b4f8a"><\/span>as the citizens saw it/);
    assert.match(html, />opening<\/text>/, 'the opening is marked');
    assert.match(html, /<td>booked<\/td><td class="n">\d+<\/td>/);
    assert.match(html, /<h2>Cost<\/h2>/);
    assert.match(html, /<h2>Capacity: the planner beside this run<\/h2>/);
    assert.match(
      html,
      /people of this shape those cores keep up with, by the planner \(its busiest 5 s needing at most 90 % of the cores, its busiest 30 s at most 73 %\)<\/td><td class="n">[\d,]+</,
    );
    assert.match(html, /<h2>What limited it<\/h2><p class="(good|bad)">(The server kept up in every second|In the \d+ seconds? the server fell behind)/);
    // The server's worker is started here: its busiest main thread is read each second, at most the one core it runs on.
    const measured = report.timeline.filter((x) => x.busiestProcessCores !== null);
    assert.ok(measured.length >= 5 && measured.every((x) => x.busiestProcessCores! <= 1.05), JSON.stringify(report.timeline));
    assert.ok(
      measured.some((x) => x.busiestProcessCores! > 0),
      'the rush kept a worker busy',
    );
    // The machine's own stalls, read each second where the kernel says them (Linux: pressure and steal time).
    if (process.platform === 'linux') assert.ok(measured.every((x) => x.machine?.stealCores !== null && x.machine!.stealCores! >= 0));
    // The database's sessions, sampled: the rush ran statements.
    assert.ok(report.timeline.filter((x) => x.database !== null).length >= 5, 'sampled each second');
    assert.ok(report.timeline.some((x) => x.database!.running + x.database!.walFlush + x.database!.rowLocks + x.database!.waitingForNode > 0));
    assert.doesNotMatch(html, /\{"|":/, 'no raw JSON in the page');
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, 'self-contained: no scripts, nothing fetched');
    assert.equal(JSON.parse(readFileSync(files.json, 'utf8')).integrity.overbookedSlots, 0);
    // As the web app does, every hold and confirmation carried an Idempotency-Key: each one answered 201 stored its answer.
    const answered = (endpoint: string) => report.endpoints.filter((e) => e.endpoint === endpoint).reduce((n, e) => n + (e.statuses['201'] ?? 0), 0);
    const stored = async (scope: string) => {
      const db = new pg.Client(database.url);
      await db.connect();
      try {
        return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = $1 AND response_status = 201`, [scope])).rows[0]!
          .n;
      } finally {
        await db.end();
      }
    };
    assert.ok(answered('hold') > 0);
    assert.equal(await stored('POST /api/v1/holds'), answered('hold'), 'every hold answered 201 came with a key');
    assert.equal(await stored('POST /api/v1/bookings'), answered('confirm'), 'every confirmation answered 201 came with a key');
  } finally {
    rmSync(out, { recursive: true, force: true });
    await database.drop();
  }
});

test('the crowd driven from two processes, codes by SMS read across them: what each saw is counted once in one report', async () => {
  const database = await freshDatabase();
  try {
    const scenario = { ...PRESETS.small!, crowd: 200, releases: [60], verification: true, durationSeconds: 40, difficulty: 3 };
    const report = await simulate({ scenario, databaseUrl: database.url, workers: 1, leadSeconds: 6, sockets: 64, processes: 2 });
    assert.equal(report.loadGenerator.processes, 2);
    assert.equal(report.counters.arrived, 200, 'every person came, from one process or the other');
    assert.ok(report.counters.booked > 30 && report.counters.booked <= 60, `booked ${report.counters.booked}`);
    assert.equal(report.integrity.activeBookings, report.counters.booked, 'every confirmation seen in either process is in the database');
    assert.ok(report.counters.codesReceived >= report.counters.booked, 'each booking verified a phone with a code read from the sink');
    assert.equal(
      report.endpoints.reduce((n, e) => n + e.failures, 0),
      0,
    );
    const joins = report.endpoints.filter((e) => e.endpoint === 'join').reduce((n, e) => n + (e.statuses['201'] ?? 0), 0);
    assert.equal(joins, report.counters.joined, 'the joins recorded per endpoint and the counter agree');
    assert.ok(report.integrity.fairness.rankCorrelation !== null, 'the join order came back from both processes');
    assert.ok(report.loadGenerator.cpuSeconds > 0 && report.loadGenerator.busyShare > 0);
  } finally {
    await database.drop();
  }
});

test("--statements: on an instance of its own, the report lists the statements that took the database's time, dearest first", async () => {
  process.env.BENCH_PG_PORT = String(await freePort());
  const out = mkdtempSync(join(tmpdir(), 'ansturm-sim-'));
  try {
    const scenario = { ...PRESETS.small!, crowd: 100, releases: [40], durationSeconds: 20 };
    const report = await simulate({ scenario, workers: 1, leadSeconds: 6, sockets: 64, statements: true });
    assert.ok(report.counters.booked > 0, `booked ${report.counters.booked}`);
    const statements = report.statements ?? [];
    assert.ok(statements.length > 3, JSON.stringify(statements));
    // The hold's statement (repo.ts takeFirstDoses), each call a batch of holds.
    const holds = statements.find((s) => s.query.startsWith('WITH req AS ( SELECT ord, id, admitted, ticket FROM unnest('));
    assert.ok(holds, statements.map((s) => `${s.calls} ${s.query.slice(0, 60)}`).join('\n'));
    assert.ok(holds.calls > 0 && holds.rows >= holds.calls && holds.totalMs >= 0, JSON.stringify(holds));
    const sorted = statements.map((s) => s.totalMs);
    assert.deepEqual(
      sorted,
      [...sorted].sort((a, b) => b - a),
      'dearest first',
    );
    const html = readFileSync(writeReport(out, report).html, 'utf8');
    assert.match(html, /The database's dearest statements/);
    assert.ok(html.includes(`<td class="n">${holds.calls.toLocaleString('en')}</td>`), 'each statement with its calls');
  } finally {
    delete process.env.BENCH_PG_PORT;
    rmSync(out, { recursive: true, force: true });
  }
});

test('the SMS sink answers a waiting reader the moment the code is sent, and not with an older code', async () => {
  let clock = 1_000_000;
  const sink = await startSmsSink(50, () => clock);
  try {
    const send = (to: string, code: string) => fetch(sink.url, { method: 'POST', body: JSON.stringify({ to, text: `Ihr Code: ${code}` }) });
    await send('+491701', '111111');
    const asked = (clock += 1000);
    const reader = remoteCodes(sink.codesUrl).code('+491701', asked, 60_000);
    assert.equal(await sink.code('+491701', asked, 0), undefined, 'the code sent before is not the one asked for');
    await send('+491701', '222222');
    assert.equal((await reader)?.code, '222222');
    assert.equal((await sink.code('+491701', 0, 0))?.code, '222222', 'a code already there is answered at once');
  } finally {
    await sink.close();
  }
});

test('what limited a run: read from the seconds it fell behind, not from the whole run', () => {
  const second = (t: number, serverP95Ms: number, serverCores: number, generatorCores: number, busiest: number): Second => ({
    t,
    requests: 500,
    p95Ms: serverP95Ms,
    serverP95Ms,
    failures: 0,
    shed: 0,
    booked: 0,
    waiting: 0,
    admissionRate: 0,
    serverCores,
    generatorCores,
    busiestProcessCores: busiest,
    database: {
      running: 0.5,
      rowLocks: serverP95Ms > 1000 ? 2.4 : 0,
      walFlush: 0.3,
      otherWaits: 0.1,
      waitingForNode: 0.8,
      waitingAfter: { BEGIN: 0.5, 'WITH req AS ( SELECT': 0.3 },
    },
    socketWaitP95Ms: 0,
  });
  // A quiet run with three bad seconds: the whole run's average says nothing of them.
  const quiet = Array.from({ length: 60 }, (_, t) => second(t, 50, 0.5, 0.2, 0.3));
  assert.equal(whatLimited(quiet, 2, 1000, false).limit, 'none');
  const full = [...quiet, second(61, 2500, 1.3, 0.7, 0.6), second(62, 2500, 1.35, 0.6, 0.6), second(63, 2500, 1.2, 0.1, 0.5)];
  const machine = whatLimited(full, 2, 1000, false);
  assert.equal(machine.limit, 'machine');
  assert.equal(machine.behindSeconds, 3);
  assert.deepEqual([machine.serverCores, machine.generatorCores], [1.3, 0.6]);
  assert.match(
    machine.text,
    /the machine was full: the server used 1\.30 and the simulator 0\.60 of its 2 cores .*The simulator shared the limit.*The database's sessions on average: 0\.5 running, 2\.4 waiting for row locks/,
  );
  // One worker at a whole core is the limit though the machine has cores left.
  const one = whatLimited([...quiet, second(61, 2500, 1.1, 0.2, 0.97), second(62, 5000, 1.2, 0.2, 0.95)], 2, 1000, false);
  assert.equal(one.limit, 'one process');
  assert.match(one.text, /the main thread of its busiest process used 97 % of a core/);
  // Cores to spare and no process full: the server waited, and the database's sessions say for what.
  const waits = whatLimited([...quiet, second(61, 2500, 0.9, 0.2, 0.5)], 2, 1000, false);
  assert.equal(waits.limit, 'waits');
  assert.match(waits.text, /0\.5 running, 2\.4 waiting for row locks other transactions held, 0\.8 waiting in a transaction for their node/);
  assert.match(waits.text, /Those waiting for their node had last run: "BEGIN…" \(0\.5\), "WITH req AS \( SELECT…" \(0\.3\)\./);
  // The simulator's own verdict comes first.
  assert.equal(whatLimited(full, 2, 1000, true).limit, 'simulator');
  // Cores to spare, but every task on the machine waited for the disk, or the hypervisor took the cores.
  const stall = (machine: Second['machine']) => whatLimited([...quiet, { ...second(61, 2500, 0.9, 0.3, 0.3), machine }], 2, 1000, false);
  const disk = stall({ cpuSome: 0.1, ioFull: 0.45, stealCores: 0 });
  assert.equal(disk.limit, 'disk');
  assert.match(disk.text, /waited for the disk 45 % of the time/);
  const host = stall({ cpuSome: 0.6, ioFull: 0.01, stealCores: 0.7 });
  assert.equal(host.limit, 'host');
  assert.match(host.text, /the hypervisor gave 0\.70 of this machine's 2 cores to someone else/);
  assert.equal(stall({ cpuSome: 0.1, ioFull: 0.05, stealCores: 0.05 }).limit, 'waits', 'a little of either is not a stall');
  // The server kept up, but a crowd process stopped for 16 s (its citizens then came at once): the simulator was the limit.
  const stalled = whatLimited(quiet, 2, 1000, true, { stallMs: 16_000, unanswered: 69 });
  assert.equal(stalled.limit, 'simulator');
  assert.match(stalled.text, /kept up in every second .* but the simulator was late \(its event loop stopped for 16\.0 s at once\)/);
  // The server kept up and the simulator did too, yet requests got no answer: lost on the way, not in the server.
  const lost = whatLimited(quiet, 2, 1000, false, { unanswered: 69 });
  assert.equal(lost.limit, 'connections');
  assert.match(lost.text, /69 requests got no answer at all/);
});

test('rank correlation: 1 for the same order, -1 for the reverse, ties share their rank', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [40, 30, 20, 10]), -1);
  assert.equal(spearman([1, 2, 3, 4], [5, 5, 6, 6]), 0.8944);
  assert.equal(spearman([1], [1]), null);
});

test('npm run simulate -- --help lists options and presets; a wrong option or number is a clear message, not a stack trace', async () => {
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', 'simulator/run.ts', ...args], (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      ),
    );
  const help = await run('--help');
  assert.equal(help.code, 0);
  for (const preset of Object.keys(PRESETS)) assert.match(help.stdout, new RegExp(`^  ${preset} `, 'm'));
  assert.match(help.stdout, /--crowd N/);
  for (const args of [['--nonsense'], ['--crowd', 'many'], ['atlantis']]) {
    const wrong = await run(...args);
    assert.equal(wrong.code, 2, args.join(' '));
    assert.match(wrong.stderr, /--help/);
    assert.doesNotMatch(wrong.stderr, /^\s+at /m, 'no stack trace');
  }
});

test("a request's wait for one of the simulator's own sockets is counted apart from the server's answer", async () => {
  const { createServer } = await import('node:http');
  const { client } = await import('../simulator/http.js');
  const held: (() => void)[] = [];
  const server = createServer((req, res) => {
    const answer = () => res.end('{}');
    if (req.url === '/first') held.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const http = client(`http://127.0.0.1:${(server.address() as { port: number }).port}`, 1);
  try {
    const first = http.request('GET', '/first');
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // One socket: the second request waits in the client's pool until the first is answered.
    const issued = performance.now();
    const second = http.request('GET', '/second');
    const busyUntil = performance.now() + 30; // keeps the first unanswered a while (CPU, not a timer)
    while (performance.now() < busyUntil);
    const answeredAt = performance.now();
    held[0]!();
    const [, b] = await Promise.all([first, second]);
    const total = performance.now() - issued;
    assert.equal(b.status, 200);
    assert.ok(b.queuedMs >= answeredAt - issued, `waited ${b.queuedMs} ms for the socket, at least ${answeredAt - issued}`);
    assert.ok(b.ms + b.queuedMs <= total + 1, `answer ${b.ms} ms + wait ${b.queuedMs} ms within ${total} ms`);
    assert.ok(b.ms < total - (answeredAt - issued) + 1, `the answer's ${b.ms} ms leave out the wait`);
  } finally {
    http.close();
    server.close();
  }
});
