import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { medianCost, type CostReport } from '../bench/cost.js';
import { openingSpreadMs } from '../src/queue/status.js';
import {
  arrivalAt,
  arrivedShare,
  busiestCores,
  costAt,
  crowdFor,
  DEFAULT_ADMIT_PER_SECOND,
  DEFAULT_EARLY_SHARE,
  DEFAULT_SMS_PER_SECOND,
  coresBySecond,
  KEPT_UP,
  keepsUp,
  movesAfterOpening,
  peakCores,
  plan,
  pollsPerSecond,
  searchCost,
  timeline,
  type Calibration,
  type Day,
} from '../planner/model.js';

/** The capacity planner (npm run plan): its model against the costs measured on the reference machine, and its command line. */
const calibration = JSON.parse(readFileSync(new URL('../planner/reference-calibration.json', import.meta.url), 'utf8')) as Calibration;
const day: Day = {
  crowd: 2_000_000,
  slots: 150_000,
  windowSeconds: 600,
  waitingRoom: true,
  verification: false,
  utilisation: 0.6,
  nodes: 3,
};

test('the reference calibration holds a measured cost for every step', () => {
  const { searchFromPlace, ...steps } = calibration.steps;
  for (const [step, cost] of [...Object.entries(steps), ...(searchFromPlace ?? []).map((x) => ['search from a place', x] as const)]) {
    assert.ok(cost && cost.appMs > 0 && cost.dbMs >= 0 && cost.walBytes >= 0, `${step}: ${JSON.stringify(cost)}`);
  }
  assert.equal(searchFromPlace?.length, 3, 'searches from places of their own, at three shapes of answer');
  assert.ok(searchFromPlace!.every((x) => x.answerSlots > 0 && x.answerCentres! > 0));
  assert.equal(new Set(searchFromPlace!.map((x) => `${x.answerSlots}/${x.answerCentres}`)).size, 3, 'three different shapes');
  assert.ok(calibration.bytesPerWaitingPerson > 0);
});

test('people poll as the server tells them: every 2 s near the front, every 30 s far back, a quarter of the wait between', () => {
  assert.equal(pollsPerSecond(100, 200), 50, 'all within 8 s of their turn: every 2 s');
  const far = pollsPerSecond(1_000_000, 200);
  // 1,600 near the front at 2 s, up to 24,000 places at a quarter of the wait, the rest every 30 s.
  const expected = 1_600 / 2 + 800 * Math.log(24_000 / 1_600) + (1_000_000 - 24_000) / 30;
  assert.ok(Math.abs(far - expected) < 1e-6, `${far} vs ${expected}`);
  assert.ok(pollsPerSecond(50_000, 200) > pollsPerSecond(20_000, 200));
  assert.equal(pollsPerSecond(1000, 200, 10), 100, 'a fixed interval when asked');
});

test("the day second by second: everyone who comes joins once, bookings at most the room's pace and the appointments", () => {
  const seconds = timeline(day);
  const sum = (pick: (r: (typeof seconds)[number]['rates']) => number) => seconds.reduce((n, x) => n + pick(x.rates), 0);
  assert.ok(Math.abs(sum((r) => r.joins) - day.crowd * (1 - DEFAULT_EARLY_SHARE)) < 1, 'the later arrivals join after the opening');
  assert.ok(Math.abs(sum((r) => r.bookings) - day.slots) < 1, 'every appointment is booked');
  assert.ok(seconds.every((x) => x.rates.bookings <= DEFAULT_ADMIT_PER_SECOND + 1e-9));
  assert.ok(seconds[0]!.rates.joins > seconds[300]!.rates.joins, 'arrivals are densest at the opening');
  // The pre-queue comes back spread over the opening's first seconds (queue/status.ts openingSpreadMs).
  const prequeue = day.crowd * DEFAULT_EARLY_SHARE;
  const spread = Math.round(openingSpreadMs(prequeue) / 1000);
  assert.ok(spread > 1);
  assert.ok(seconds[0]!.rates.polls >= prequeue / spread && seconds[0]!.rates.polls < prequeue / 2, 'the pre-queue is not all back in the first second');
  assert.ok(seconds[spread]!.rates.polls < seconds[spread - 1]!.rates.polls, "and polls on the line's own beat after the spread");
  assert.equal(arrivedShare(1), 1);
  for (const u of [0, 0.1, 0.5, 0.9, 1]) assert.ok(Math.abs(arrivedShare(arrivalAt(u)) - u) < 1e-9, "the simulator draws arrivals on the planner's curve");
  const p = plan(day, calibration);
  assert.equal(p.perSecond.codes, 0);
  // With SMS codes, those let in book once their code came, at the provider's pace; at the same pace a code costs more.
  const withCodes = plan({ ...day, verification: true, smsPerSecond: 50 }, calibration);
  assert.equal(withCodes.perSecond.codes, withCodes.perSecond.bookings);
  assert.equal(withCodes.perSecond.bookings, 50);
  const codeDay = timeline({ ...day, verification: true, smsPerSecond: 50 });
  assert.ok(Math.abs(codeDay.reduce((n, x) => n + x.rates.bookings, 0) - day.slots) < 1, 'every appointment is still booked, later');
  assert.ok(codeDay.every((x) => x.rates.codes <= 50 + 1e-9));
  const fastCodes = plan({ ...day, verification: true, smsPerSecond: 1_000 }, calibration);
  assert.equal(fastCodes.perSecond.bookings, p.perSecond.bookings);
  assert.ok(fastCodes.dbCores > p.dbCores);
  const faster = plan({ ...day, pollSeconds: 5 }, calibration);
  assert.ok(faster.appCores > plan({ ...day, pollSeconds: 10 }, calibration).appCores, 'polling more often costs more');
  const noRoom = plan({ ...day, waitingRoom: false }, calibration);
  assert.equal(noRoom.perSecond.polls + noRoom.perSecond.joins + noRoom.memoryPerWorkerMb, 0);
  // A booking is counted with its confirmation SMS sent when the calibration measured that.
  const sms = { ...calibration.steps.booking, appMs: calibration.steps.booking.appMs + 1, dbMs: calibration.steps.booking.dbMs + 1 };
  const busyOnly: Calibration = { ...calibration, alone: undefined, steps: { ...calibration.steps, bookedWithSms: undefined } };
  const plain = plan(day, busyOnly);
  const withSms = plan(day, { ...busyOnly, steps: { ...busyOnly.steps, bookedWithSms: sms } });
  // The SMS go out as the provider takes them (20 a second by default), the rest wait in the outbox.
  const expected = plain.appCores + plain.dbCores + (2 * Math.min(plain.perSecond.bookings, DEFAULT_SMS_PER_SECOND)) / 1000 / day.utilisation;
  assert.ok(Math.abs(withSms.appCores + withSms.dbCores - expected) < 0.05, `${withSms.appCores + withSms.dbCores} vs ${expected}`);
  const fastProvider = plan({ ...day, smsPerSecond: 1_000 }, { ...busyOnly, steps: { ...busyOnly.steps, bookedWithSms: sms } });
  const all = plain.appCores + plain.dbCores + (2 * plain.perSecond.bookings) / 1000 / day.utilisation;
  assert.ok(Math.abs(fastProvider.appCores + fastProvider.dbCores - all) < 0.05, "a provider that takes them all: every booking's SMS at once");
  const most = Math.max(...seconds.map((x) => x.waiting));
  assert.equal(p.memoryPerWorkerMb, Math.ceil((most * calibration.bytesPerWaitingPerson) / 2 ** 20));
});

test('several releases: those without a likely turn move to the next line when it opens, each at their next poll', () => {
  // Near the front people poll every 2 s, far back every 30 s: all of them come, the far back ones spread thinner.
  const moves = movesAfterOpening(1_000, 31_000, 200);
  assert.ok(Math.abs(moves.reduce((n, x) => n + x, 0) - 30_000) < 1e-6, 'everyone between the two places moves');
  assert.ok(moves[0]! > moves[5]! && moves[5]! > moves[29]! && moves[29]! > 0);
  assert.ok(
    movesAfterOpening(1_000, 1_000, 200).every((n) => n === 0),
    'nobody without a likely turn, nobody moves',
  );
  // A line that barely moves tells everyone more than 120 places back to come back in 30 s: their move spreads over 30 s.
  const slow = movesAfterOpening(120, 3_120, 1);
  assert.ok(
    slow.every((n) => Math.abs(n - 100) < 1e-6),
    JSON.stringify(slow),
  );

  const sachsen: Day = {
    ...day,
    crowd: 9_000,
    slots: 7_200,
    releases: [1_000, 2_000, 2_000, 2_200],
    releaseEverySeconds: 45,
    windowSeconds: 90,
    utilisation: 1,
    nodes: 1,
  };
  const seconds = timeline(sachsen);
  const sum = (pick: (r: (typeof seconds)[number]['rates']) => number, until = Infinity) =>
    seconds.filter((x) => x.t < until).reduce((n, x) => n + pick(x.rates), 0);
  assert.ok(Math.abs(sum((r) => r.bookings) - 7_200) < 1, 'every release is booked');
  assert.ok(Math.abs(sum((r) => r.bookings, 45) - 1_000) < 1, "before the second release only the first one's appointments");
  assert.equal(
    sum((r) => r.leaves, 45),
    0,
    'nobody moves before the second release opens',
  );
  const moved = sum((r) => r.leaves);
  assert.ok(moved > 9_000, `the line moves three times, most of it each time (${moved})`);
  assert.ok(Math.abs(sum((r) => r.joins) - (9_000 * (1 - DEFAULT_EARLY_SHARE) + moved)) < 1, 'who moves joins again');
  const single = timeline({ ...sachsen, releases: undefined });
  assert.ok(
    Math.max(...seconds.map((x) => x.rates.joins)) > Math.max(...single.map((x) => x.rates.joins)),
    'the moves make a busier second than the arrivals alone',
  );
  // The crowd a machine keeps up with scales each release with the crowd: the same shape, whichever crowd it was given as.
  const twice = { ...sachsen, crowd: 18_000, slots: 14_400, releases: [2_000, 4_000, 4_000, 4_400] };
  const a = crowdFor(1.7, sachsen, calibration);
  const b = crowdFor(1.7, twice, calibration);
  assert.ok(Math.abs(a - b) <= Math.max(a, b) / 500, `${a} vs ${b}`);
  assert.ok(a < crowdFor(1.7, { ...sachsen, releases: undefined }, calibration), 'moving between lines costs capacity');
});

test('several calibration runs give each figure as the median of the runs', () => {
  const run = (appMs: number, dbMs: number, idle: number, bytes: number): CostReport => ({
    steps: [{ step: 'hold (both doses)', count: 2000, perSecond: 1000 / appMs, appMs, dbMs, writeTransactions: 0.2, walBytes: 700 }],
    citizens: [{ way: 'straight to booking', steps: 'hold', appMs, dbMs, walBytes: 700 }],
    idle: '',
    idleRates: { appMsPerSecond: idle, dbMsPerSecond: idle / 2 },
    workers: 2,
    bytesPerWaitingPerson: bytes,
    lineBytesPerWaitingPerson: 21,
    heapBytesPerWaitingPerson: bytes,
  });
  const m = medianCost([run(0.6, 0.9, 60, 300), run(0.9, 0.5, 50, 100), run(0.7, 0.6, 70, 200)]);
  assert.deepEqual(
    [m.steps[0]!.appMs, m.steps[0]!.dbMs, m.idleRates.appMsPerSecond, m.idleRates.dbMsPerSecond, m.bytesPerWaitingPerson, m.citizens[0]!.dbMs],
    [0.7, 0.6, 60, 30, 200, 0.6],
    'each figure on its own',
  );
  assert.match(m.idle, /median of 3 runs/);
});

test('a writing step costs its own transaction while requests rarely overlap, and shares them as they do', () => {
  const busy = { appMs: 0.5, dbMs: 0.4, writeTransactions: 0.15, walBytes: 600 };
  const alone = { appMs: 0.9, dbMs: 1.4, writeTransactions: 1, walBytes: 900, perSecond: 300 };
  assert.deepEqual(costAt(busy, alone, 0), { appMs: 0.9, dbMs: 1.4, writeTransactions: 1, walBytes: 900 }, 'one at a time');
  assert.deepEqual(costAt(busy, alone, 30_000), { ...busy }, 'far above the rate one client reaches, what 32 clients at once cost');
  // At the rate one client reaches, another request comes while one is written: two to a transaction.
  const between = costAt(busy, alone, 300);
  assert.equal(between.writeTransactions, 0.5);
  assert.ok(between.dbMs < alone.dbMs && between.dbMs > busy.dbMs);
  assert.ok(costAt(busy, alone, 100).dbMs > between.dbMs, 'fewer a second, fewer share');
  assert.deepEqual(costAt(busy, undefined, 100), busy, 'without the one-at-a-time figures, the busy ones');
  // On a machine half busy each transaction takes twice as long, so twice as many come while one is written.
  assert.equal(costAt(busy, alone, 150, 0.5).writeTransactions, between.writeTransactions);
  assert.ok(costAt(busy, alone, 100, 0.8).dbMs < costAt(busy, alone, 100).dbMs, 'a busy machine fills its group commits');
  // The plan: a slow opening pays whole transactions, so the same crowd needs more than by the busy figures alone.
  const slow = { ...day, crowd: 20_000, slots: 5_000, admitPerSecond: 50 };
  const withAlone = plan(slow, calibration);
  const without = plan(slow, { ...calibration, alone: undefined });
  assert.ok(withAlone.dbCores > without.dbCores && withAlone.dbWriteTransactionsPerSecond > without.dbWriteTransactionsPerSecond);
});

test("a search is priced by its answer's times and centres, from the searches calibrated from places of their own", () => {
  const cached = { appMs: 0.3, dbMs: 0.04, writeTransactions: 0, walBytes: 0 };
  const small = { appMs: 0.4, dbMs: 0.05, writeTransactions: 0, walBytes: 2, answerSlots: 200 };
  const large = { appMs: 1.2, dbMs: 0.05, writeTransactions: 0, walBytes: 2, answerSlots: 1_000 };
  const c: Calibration = { ...calibration, steps: { ...calibration.steps, search: cached, searchFromPlace: [large, small] } };
  assert.equal(searchCost(c, 600).appMs, 0.8, 'halfway between the two');
  assert.ok(Math.abs(searchCost(c, 2_000).appMs - 2.2) < 1e-9, 'beyond the larger, on the same line');
  assert.equal(searchCost(c, 0).appMs, 0.4, 'an empty answer still costs the smaller search');
  assert.equal(searchCost(c).appMs, 1.2, "without an answer's size, the larger");
  assert.deepEqual(searchCost({ ...c, steps: { ...c.steps, searchFromPlace: undefined } }, 600), cached, 'an older calibration: the search it measured');
  // Three shapes, with the centres each listed: a fixed part, a part per time and a part per centre, found again.
  const shape = (slots: number, centres: number) => ({
    appMs: 0.2 + 0.001 * slots + 0.02 * centres,
    dbMs: 0.05,
    writeTransactions: 0,
    walBytes: 2,
    answerSlots: slots,
    answerCentres: centres,
  });
  const three: Calibration = { ...c, steps: { ...c.steps, searchFromPlace: [shape(160, 4), shape(1_120, 4), shape(960, 24)] } };
  assert.ok(Math.abs(searchCost(three, 1_944, 27).appMs - (0.2 + 1.944 + 0.54)) < 1e-9, `${searchCost(three, 1_944, 27).appMs}`);
  assert.ok(searchCost(three, 1_000, 27).appMs > searchCost(three, 1_000, 4).appMs, 'more centres for the same times cost more');
  assert.ok(Math.abs(searchCost(three).appMs - shape(1_120, 4).appMs) < 1e-9, 'without a shape, the one listing the most times');
  assert.ok(Math.abs(searchCost(three, 1_944, 27).dbMs - 0.05) < 1e-9, 'the same in every shape, the same for any');
  // The plan follows: a district whose answers list more times needs more for the same crowd.
  const wide = plan({ ...day, answerSlots: 2_000 }, c);
  const narrow = plan({ ...day, answerSlots: 200 }, c);
  assert.ok(wide.appCores > narrow.appCores, `${wide.appCores} vs ${narrow.appCores}`);
  assert.ok(crowdFor(2, { ...day, answerSlots: 2_000 }, c) < crowdFor(2, { ...day, answerSlots: 200 }, c));
});

test('the crowd a machine keeps up with: its busiest 5 s and its busiest 30 s within their shares of the cores', () => {
  const scaled = (n: number) => ({ ...day, crowd: n, slots: (day.slots / day.crowd) * n, nodes: 1 });
  for (const cores of [1.2, 4, 32]) {
    const crowd = crowdFor(cores, day, calibration);
    assert.ok(crowd > 0);
    assert.ok(keepsUp(scaled(crowd), calibration, cores) && !keepsUp(scaled(crowd * 1.01), calibration, cores), `${cores} cores: ${crowd} people`);
    // At the limit, one of the two windows is at its share.
    const burst = busiestCores(scaled(crowd * 1.01), calibration, KEPT_UP.burst.seconds) / cores;
    const sustained = busiestCores(scaled(crowd * 1.01), calibration, KEPT_UP.sustained.seconds) / cores;
    assert.ok(burst > KEPT_UP.burst.share || sustained > KEPT_UP.sustained.share, `${burst} ${sustained}`);
  }
  assert.ok(crowdFor(8, day, calibration) > crowdFor(4, day, calibration), 'more cores, a larger crowd');
  // The busiest five seconds: their average, found wherever they are in the day.
  const small = { ...day, crowd: 20_000, slots: 8_500, windowSeconds: 120, utilisation: 1, nodes: 1 };
  const seconds = coresBySecond(small, calibration);
  const windows = seconds.slice(0, -4).map((_, t) => seconds.slice(t, t + 5).reduce((a, b) => a + b, 0) / 5);
  assert.ok(Math.abs(busiestCores(small, calibration, 5) - Math.max(...windows)) < 1e-9);
  assert.ok(busiestCores(small, calibration, 1) >= busiestCores(small, calibration, 5), 'a single second is at least as busy');
  assert.ok(busiestCores(small, calibration, 5) >= busiestCores(small, calibration, 30), 'and five at least as busy as thirty');
});

test("a shape's busiest second on a given machine: the demand at the share busy it causes", () => {
  const shape = { ...day, crowd: 6_000, slots: 2_550, windowSeconds: 120, utilisation: 1, nodes: 1 };
  const need = (busyShare: number) => {
    const p = plan({ ...shape, busyShare }, calibration);
    return p.appCores + p.dbCores;
  };
  assert.ok(need(0.8) < need(0.2), 'the busier the machine, the larger its group commits, the less each request costs');
  for (const cores of [2, 8]) {
    const peak = peakCores(shape, calibration, cores);
    assert.ok(Math.abs(peak - need(peak / cores)) < 0.01, `${cores} cores: ${peak} is what ${peak / cores} busy needs`);
  }
  // A machine too small for the shape: what it would need at 90 % busy, more than it has.
  const tiny = peakCores(shape, calibration, 0.2);
  assert.ok(tiny > 0.2 && Math.abs(tiny - need(0.9)) < 1e-9);
});

test('npm run plan -- --help, and clear messages for wrong options', async () => {
  const run = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'planner/run.ts', ...args],
        { env: { ...process.env, ANSTURM_DATA_DIR: '/nonexistent-ansturm' } },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      ),
    );
  assert.match((await run('--help')).stdout, /npm run plan -- calibrate/);
  const planned = await run('--crowd', '2000000', '--slots', '150000', '--window', '10m');
  assert.equal(planned.code, 0, planned.stderr);
  assert.match(planned.stdout, /of the reference machine \(run npm run plan -- calibrate/);
  assert.match(planned.stdout, /GET \/api\/v1\/queue\/tickets\/\{ticket\}\s+[\d,]+\n/);
  assert.match(planned.stdout, /busiest second \(\d+ s after the opening\)/);
  assert.match(planned.stdout, /PostgreSQL primary\s+[\d.]+ cores/);
  // A district whose searches list 27 centres' times needs more than one with a few.
  const wide = await run('--crowd', '20000', '--slots', '12000', '--window', '300s', '--answer', '1944', '--centres', '27');
  const narrow = await run('--crowd', '20000', '--slots', '12000', '--window', '300s', '--answer', '160', '--centres', '2');
  const keptUp = (out: string) => Number(/keeps up with about ([\d,]+) people/.exec(out)?.[1]?.replace(/,/g, ''));
  assert.ok(keptUp(wide.stdout) < keptUp(narrow.stdout), `${keptUp(wide.stdout)} vs ${keptUp(narrow.stdout)}`);
  const releases = await run('--crowd', '45000', '--slots', '5000,10000,10000,11000', '--every', '45s', '--window', '90s');
  assert.equal(releases.code, 0, releases.stderr);
  assert.match(releases.stdout, /36,000 appointments in 4 releases 45 s apart/);
  assert.match(releases.stdout, /DELETE \/api\/v1\/queue\/tickets\/\{ticket\} \(for the next line\)\s+[\d,]+\n/);
  for (const args of [
    ['--crowd', 'lots', '--slots', '1', '--window', '1m'],
    ['--crowd', '5', '--slots', '1', '--window', 'soon'],
    ['--crowd', '5'],
    ['--crowd', '5', '--slots', '1', '--window', '1m', '--early', '2'],
    ['--crowd', '5', '--slots', '1,many', '--window', '1m'],
    ['--crowd', '5', '--slots', '1', '--window', '1m', '--centres', '0'],
    ['--bogus'],
  ]) {
    const wrong = await run(...args);
    assert.equal(wrong.code, 2, args.join(' '));
    assert.match(wrong.stderr, /npm run plan -- --help/);
    assert.doesNotMatch(wrong.stderr, /^\s+at /m);
  }
});
