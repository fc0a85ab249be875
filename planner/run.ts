/**
 * `npm run plan -- --crowd 2000000 --slots 150000 --window 10m [--poll 10s] [--nodes 3] ...`: what a release
 * day of that shape needs, from the costs measured on this installation. `npm run plan -- calibrate` measures
 * them (bench/cost.ts: CPU from /proc, the database's counters) and keeps them in data/capacity-calibration.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { CALIBRATION_FILE, loadCalibration } from './calibration.js';
import { parseArgs } from 'node:util';
import {
  crowdFor,
  KEPT_UP_TEXT,
  DEFAULT_ADMIT_PER_SECOND,
  DEFAULT_EARLY_SHARE,
  DEFAULT_SMS_PER_SECOND,
  plan,
  type AloneCost,
  type Calibration,
  type Day,
  type StepCost,
} from './model.js';

const USAGE = `What a release day needs, from the costs measured on this installation.

  npm run plan -- calibrate [--runs N]          measure the costs here (about 4 minutes a run; with several runs,
                                                each figure is their median) and keep them
  npm run plan -- --crowd N --slots N --window 10m [options]

Options:
  --crowd N          people who come
  --slots N[,N...]   first-dose appointments released; several: one release each, --every apart
  --every T          time between releases (default 60s); those far back in a line move to the next one's
  --window T         over how long they come (e.g. 600s, 10m, 1h)
  --poll T           seconds between a waiting person's polls (default: as the server tells them, 2-30 s by place)
  --early F          share of the crowd that comes before the opening, into the pre-queue (default 0.15)
  --admit N          admissions per second the waiting room lets in (default 200)
  --answer N         appointment times a search's answer lists (default: a week at four centres, as calibrated)
  --centres N        centres a search's answer lists (default 4)
  --nodes N          application nodes (default 3)
  --utilisation F    share of a core to count on at the peak (default 0.6)
  --verification     people confirm an SMS code before booking
  --sms-rate N       SMS per second the provider takes (ANSTURM_SMS_PER_SECOND, default 20); confirmations wait for it
  --no-waiting-room  the release opens without a waiting room
  -h, --help         this text`;

function readArgs() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        crowd: { type: 'string' },
        slots: { type: 'string' },
        every: { type: 'string' },
        runs: { type: 'string' },
        window: { type: 'string' },
        poll: { type: 'string' },
        early: { type: 'string' },
        admit: { type: 'string' },
        answer: { type: 'string' },
        centres: { type: 'string' },
        nodes: { type: 'string' },
        utilisation: { type: 'string' },
        verification: { type: 'boolean' },
        'sms-rate': { type: 'string' },
        'no-waiting-room': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return fail((err as Error).message);
  }
}

function fail(message: string): never {
  console.error(`${message}\n\nnpm run plan -- --help lists the options.`);
  process.exit(2);
}

/** 600, 600s, 10m, 1h -> seconds. */
function duration(name: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) return fallback ?? fail(`--${name} is needed`);
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(raw);
  if (!m) return fail(`--${name} ${raw}: expected a duration such as 600s, 10m or 1h`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

function number(name: string, raw: string | undefined, fallback?: number, min = 0): number {
  if (raw === undefined) return fallback ?? fail(`--${name} is needed`);
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < min) return fail(`--${name} ${raw}: expected a number of at least ${min}`);
  return n;
}

const { values, positionals } = readArgs();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

if (positionals[0] === 'calibrate') {
  const { benchCost, medianCost, printCost } = await import('../bench/cost.js');
  const runs = Math.round(number('runs', values.runs, 1, 1));
  const reports = [];
  for (let k = 0; k < runs; k++) reports.push(await benchCost());
  const report = medianCost(reports);
  printCost(report);
  const step = (name: string): StepCost => {
    const s = report.steps.find((x) => x.step.startsWith(name))!;
    // The idle rate is taken off each step; a step that costs the database nothing can come out a hair below 0.
    return { appMs: Math.max(0, s.appMs), dbMs: Math.max(0, s.dbMs), writeTransactions: s.writeTransactions, walBytes: s.walBytes };
  };
  const alone = (name: string): AloneCost => {
    const s = report.steps.find((x) => x.step === `one at a time: ${name}`)!;
    return { ...step(s.step), perSecond: s.perSecond };
  };
  const calibration: Calibration = {
    measuredAt: new Date().toISOString(),
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${cpus()[0]?.model ?? ''}`.trim(),
    cores: availableParallelism(),
    workers: report.workers,
    steps: {
      join: step('join'),
      bind: step('bind'),
      leave: step('leave'),
      poll: step('status poll'),
      search: step('search by postal code'),
      searchFromPlace: report.steps
        .filter((x) => x.step.startsWith('search from a place'))
        .map((x) => ({ ...step(x.step), answerSlots: x.answerSlots!, answerCentres: x.answerCentres! })),
      hold: step('hold'),
      booking: step('booking'),
      bookedWithSms: step('booked and confirmed by SMS'),
      code: step('verification'),
    },
    alone: {
      join: alone('join'),
      bind: alone('bind'),
      hold: alone('hold'),
      booking: alone('booking'),
      bookedWithSms: alone('booked and confirmed by SMS'),
    },
    idle: report.idleRates,
    bytesPerWaitingPerson: report.bytesPerWaitingPerson,
  };
  mkdirSync(dirname(CALIBRATION_FILE), { recursive: true });
  writeFileSync(CALIBRATION_FILE, JSON.stringify(calibration, null, 2) + '\n');
  console.log(`\nkept in ${CALIBRATION_FILE}; npm run plan -- --crowd ... now plans from it`);
  process.exit(0);
}
if (positionals.length > 0) fail(`unknown command ${positionals[0]}`);

const { costs: calibration, measuredHere: fromHere } = loadCalibration();
const releases = (values.slots ?? '').split(',').map((x) => number('slots', x.trim() || undefined, undefined, 1));
const day: Day = {
  crowd: number('crowd', values.crowd, undefined, 1),
  slots: releases.reduce((n, x) => n + x, 0),
  ...(releases.length > 1 ? { releases, releaseEverySeconds: duration('every', values.every ?? '60s') } : {}),
  windowSeconds: duration('window', values.window),
  ...(values.poll === undefined ? {} : { pollSeconds: duration('poll', values.poll) }),
  earlyShare: number('early', values.early, DEFAULT_EARLY_SHARE),
  admitPerSecond: number('admit', values.admit, DEFAULT_ADMIT_PER_SECOND, 1),
  ...(values.answer === undefined ? {} : { answerSlots: number('answer', values.answer) }),
  ...(values.centres === undefined ? {} : { answerCentres: number('centres', values.centres, undefined, 1) }),
  nodes: number('nodes', values.nodes, 3, 1),
  utilisation: number('utilisation', values.utilisation, 0.6, 0.05),
  verification: values.verification ?? false,
  smsPerSecond: number('sms-rate', values['sms-rate'], DEFAULT_SMS_PER_SECOND, 1),
  waitingRoom: !values['no-waiting-room'],
};
if (day.windowSeconds <= 0) fail('--window must be longer than 0');
if ((day.earlyShare ?? 0) > 1) fail('--early is a share between 0 and 1');
const p = plan(day, calibration);
const here = crowdFor(calibration.cores, day, calibration);

console.log(
  `costs ${fromHere ? `measured on this installation ${calibration.measuredAt}` : `of the reference machine (run npm run plan -- calibrate to measure yours)`}: ${calibration.machine}\n`,
);
console.log(
  `${day.crowd.toLocaleString('en')} people for ${day.slots.toLocaleString('en')} appointments${day.releases ? ` in ${day.releases.length} releases ${day.releaseEverySeconds} s apart` : ''}, arriving over ${day.windowSeconds} s after the opening (${Math.round((day.earlyShare ?? 0) * 100)} % before it)${day.waitingRoom ? `, let in at ${day.admitPerSecond}/s, polling ${day.pollSeconds ? `every ${day.pollSeconds} s` : 'as the server tells them'}` : ', no waiting room'}${day.verification ? ', SMS codes' : ''}:\n`,
);
console.log(`requests per second in the busiest second (${p.peakAtSecond} s after the opening)`);
for (const [route, n] of [
  ['POST /api/v1/queue/rooms/{id}/tickets (+ challenge)', p.perSecond.joins],
  ['DELETE /api/v1/queue/tickets/{ticket} (for the next line)', p.perSecond.leaves],
  ['GET /api/v1/queue/tickets/{ticket}', p.perSecond.polls],
  ['GET /api/v1/availability', p.perSecond.searches],
  ['POST /api/v1/holds', p.perSecond.holds],
  ['POST /api/v1/bookings', p.perSecond.bookings],
  ['POST /api/v1/verifications (+ the SMS)', p.perSecond.codes],
] as const)
  console.log(`  ${route.padEnd(52)} ${n.toLocaleString('en').padStart(10)}`);
console.log(`\ncores at ${Math.round(day.utilisation * 100)} % busy`);
console.log(
  `  application nodes      ${p.appCores} cores in all: ${day.nodes} nodes of ${p.coresPerNode} cores, or ${Math.max(2, Math.ceil(p.appCores / 8))} nodes of 8 (one worker per core)`,
);
console.log(`  PostgreSQL primary     ${p.dbCores} cores`);
console.log(
  `  database writes        ${p.dbWriteTransactionsPerSecond.toLocaleString('en')} transactions/s, ${p.walMegabytesPerSecond} MB/s of WAL (the standby receives the same)`,
);
console.log(
  `  memory per worker      ${p.memoryPerWorkerMb} MB for the waiting room (${calibration.bytesPerWaitingPerson} bytes per person, every worker keeps every room)`,
);
console.log(
  `\nthis machine (${calibration.cores} cores, application and PostgreSQL together) keeps up with about ${here.toLocaleString('en')} people for a day of this shape (${KEPT_UP_TEXT}).\n` +
    `Run the simulator with that crowd (npm run simulate -- --crowd ${here} ...) and set ANSTURM_MEASURED_CROWD to what it held with no failure.`,
);
