/**
 * `npm run simulate -- [preset] [options]`: replays a release day against Ansturm and writes a report.
 *
 *   npm run simulate -- burgenland                     the preset on its own embedded instance
 *   npm run simulate -- sachsen --scale 0.25           a quarter of the people and appointments
 *   npm run simulate -- --crowd 5000 --slots 1000 --centers 4 --no-waiting-room --duration 60
 *   ADMIN_TOKEN=... DATABASE_URL=... npm run simulate -- small --target http://127.0.0.1:3000
 *
 * Options: --scale F, --crowd N, --slots N[,N...] (first doses per release), --centers N, --interval MIN-MAX (days),
 * --one-dose, --sms-rate N, --verification, --no-waiting-room, --spike S (seconds), --early F, --abandon F, --bots F,
 * --tabs F, --waitlist, --duration S, --workers N, --processes N, --difficulty N, --admit N, --out DIR, --seed N, --target URL (127.0.0.1 only),
 * --metrics URL (the target's /metrics, default http://127.0.0.1:9464/metrics), --statements (pg_stat_statements in the report).
 * Presets: small, burgenland, ennepe-ruhr, westfalen-lippe, niedersachsen, sachsen.
 */
import { parseArgs } from 'node:util';
import { PRESETS, scaled, type Scenario } from './presets.js';
import { writeReport } from './report.js';
import { simulate } from './simulate.js';
import { KEPT_UP_TEXT } from '../planner/model.js';

const OPTIONS = {
  scale: { type: 'string' },
  crowd: { type: 'string' },
  slots: { type: 'string' },
  centers: { type: 'string' },
  interval: { type: 'string' },
  'one-dose': { type: 'boolean' },
  'sms-rate': { type: 'string' },
  verification: { type: 'boolean' },
  'no-waiting-room': { type: 'boolean' },
  spike: { type: 'string' },
  early: { type: 'string' },
  abandon: { type: 'string' },
  bots: { type: 'string' },
  tabs: { type: 'string' },
  waitlist: { type: 'boolean' },
  duration: { type: 'string' },
  workers: { type: 'string' },
  processes: { type: 'string' },
  difficulty: { type: 'string' },
  admit: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  target: { type: 'string' },
  metrics: { type: 'string' },
  statements: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Replays a release day against Ansturm and writes a report (HTML and JSON).

  npm run simulate -- [preset] [options]

Presets:
${Object.entries(PRESETS)
  .map(([name, p]) => `  ${name.padEnd(16)} ${p.description} (crowd ${p.crowd.toLocaleString('en')}, first doses ${p.releases.join(' + ')})`)
  .join('\n')}

Options:
  --scale F              the preset's people and appointments times F
  --crowd N              people who try to book
  --slots N[,N...]       first-dose appointments per release
  --centers N            vaccination centres
  --interval MIN-MAX     days between the doses
  --one-dose             a one-dose vaccine
  --sms-rate N           SMS per second the gateway takes
  --verification         people confirm a code by SMS before booking
  --no-waiting-room      the release opens without a waiting room
  --spike S              seconds over which the crowd arrives after opening
  --early F              share that arrives before opening (the pre-queue)
  --abandon F            share that gives up while waiting
  --bots F               share of bots (refused by the proof of work and the rules)
  --tabs F               share that opens a second tab
  --waitlist             people who find nothing join the wait list
  --duration S           at most this many seconds after opening
  --workers N            Ansturm's worker processes (own instance; default: as Ansturm starts by itself, half the cores beside its PostgreSQL)
  --processes N          processes that drive the crowd (default 1); the report says when they were the limit
  --difficulty N         the join puzzle's difficulty in leading zero bits (default 4; every citizen solves it)
  --admit N              admissions per second the waiting room lets in (default 200)
  --seed N               the random seed (default 2021)
  --out DIR              where the report goes (default simulation-reports)
  --target URL           a running Ansturm on 127.0.0.1 (with ADMIN_TOKEN and DATABASE_URL set) instead of an own one
  --metrics URL          the target's /metrics (default http://127.0.0.1:9464/metrics)
  --statements           own instance: PostgreSQL counts each statement's time (pg_stat_statements); the report
                         lists the dearest (the counting itself costs the database a little)
  -h, --help             this text

Examples:
  npm run simulate -- burgenland
  npm run simulate -- sachsen --scale 0.25
  npm run simulate -- --crowd 5000 --slots 1000 --centers 4 --no-waiting-room --duration 60`;

function readArgs() {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (err) {
    console.error(`${(err as Error).message}\n\nnpm run simulate -- --help lists the options and presets.`);
    process.exit(2);
  }
}
const { values, positionals } = readArgs();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const preset = positionals[0] ?? 'small';
const chosen = PRESETS[preset];
if (!chosen) {
  console.error(`unknown preset ${preset}; presets: ${Object.keys(PRESETS).join(', ')} (npm run simulate -- --help)`);
  process.exit(2);
}
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
for (const name of [
  'scale',
  'crowd',
  'centers',
  'sms-rate',
  'spike',
  'early',
  'abandon',
  'bots',
  'tabs',
  'duration',
  'workers',
  'processes',
  'difficulty',
  'seed',
] as const) {
  const v = values[name];
  if (v !== undefined && !(Number.isFinite(Number(v)) && Number(v) >= 0)) {
    console.error(`--${name} ${v}: expected a number (npm run simulate -- --help)`);
    process.exit(2);
  }
}
let scenario: Scenario = values.scale ? scaled(chosen, Number(values.scale)) : { ...chosen };
scenario = {
  ...scenario,
  ...(values.crowd ? { crowd: Number(values.crowd) } : {}),
  ...(values.slots ? { releases: values.slots.split(',').map(Number) } : {}),
  ...(values.centers ? { centers: Number(values.centers), centersWithoutVaccine: Math.min(scenario.centersWithoutVaccine, Number(values.centers) - 1) } : {}),
  ...(values.interval ? { intervalDays: values.interval.split('-').map(Number) as [number, number] } : {}),
  ...(values['one-dose'] ? { doses: 1 as const } : {}),
  ...(values['sms-rate'] ? { smsPerSecond: Number(values['sms-rate']) } : {}),
  ...(values.verification ? { verification: true } : {}),
  ...(values['no-waiting-room'] ? { waitingRoom: false } : {}),
  ...(values.spike ? { spikeSeconds: Number(values.spike) } : {}),
  ...(values.early ? { earlyShare: Number(values.early) } : {}),
  ...(values.abandon ? { abandonShare: Number(values.abandon) } : {}),
  ...(values.bots ? { botShare: Number(values.bots) } : {}),
  ...(values.tabs ? { secondTabShare: Number(values.tabs) } : {}),
  ...(values.waitlist ? { waitlist: true } : {}),
  ...(values.duration ? { durationSeconds: Number(values.duration) } : {}),
  ...(values.difficulty ? { difficulty: Number(values.difficulty) } : {}),
  ...(values.admit ? { admitPerSecond: Number(values.admit) } : {}),
};
if (!Number.isFinite(scenario.crowd) || scenario.crowd < 1 || scenario.releases.some((n) => !Number.isFinite(n) || n < 1)) {
  console.error('--crowd and --slots need positive numbers');
  process.exit(2);
}

console.log(`simulating ${scenario.name}: ${scenario.description}`);
console.log(
  `crowd ${scenario.crowd}, first doses ${scenario.releases.join(' + ')}, ${scenario.centers} centres, at most ${scenario.durationSeconds} s after opening`,
);
const report = await simulate({
  scenario,
  ...(values.target ? { target: values.target } : {}),
  ...(values.metrics ? { metricsUrl: values.metrics } : {}),
  ...(values.workers ? { workers: num(values.workers) } : {}),
  ...(values.seed ? { seed: num(values.seed) } : {}),
  ...(values.processes ? { processes: num(values.processes) } : {}),
  ...(values.statements ? { statements: true } : {}),
  onSecond: (line) => process.stdout.write(`\r${line.padEnd(150)}`),
}).catch((err: unknown) => {
  console.error(`\nthe simulation stopped: ${(err as Error).message}`);
  process.exit(1);
});
process.stdout.write('\n');
const files = writeReport(values.out ?? 'simulation-reports', report);
const i = report.integrity;
console.log(report.verdict.text);
console.log(
  `sold out (every released first dose booked or held): ${report.soldOutSeconds === null ? 'no' : `${report.soldOutSeconds} s after opening`} · fully booked (every one booked): ${report.fullyBookedSeconds === null ? 'no' : `${report.fullyBookedSeconds} s`} · bookings/s ${report.bookingsPerSecond} (peak ${report.peakBookingsPerSecond}) · fairness ${i.fairness.rankCorrelation} · code delivery p95 ${i.codeDeliveryMs.p95} ms`,
);
console.log(
  `overbooked ${i.overbookedSlots} · without second dose ${i.bookingsWithoutSecondDose} · messages lost ${i.messagesLost} · ledger mismatches ${i.ledgerMismatches}`,
);
console.log(
  `server: ${report.server.cpuSeconds} CPU s, ${report.server.residentMb} MB, p95 per second median ${report.serverLatency.medianSecondP95Ms} ms, worst ${report.serverLatency.worstSecondP95Ms} ms · report: ${files.html} and ${files.json}`,
);
const c = report.cost.perCitizen;
const g = report.loadGenerator;
console.log(
  `cost per person who came (/proc and the database): Ansturm ${c.ansturmCpuMs ?? 'n/a'} ms CPU, PostgreSQL ${c.postgresCpuMs ?? 'n/a'} ms CPU, ${c.writeTransactions} write transactions, ${c.walBytes} WAL bytes`,
);
console.log(
  `load generator: ${g.processes} process${g.processes === 1 ? '' : 'es'}, ${g.cpuSeconds} CPU s (${g.cpuPerCitizenMs} ms per person; busiest process ${Math.round(g.busyShare * 100)} % of a core), event-loop delay p99 ${g.eventLoopDelayP99Ms} ms (longest ${g.eventLoopDelayMaxMs} ms), waits for its own sockets p95 ${g.socketWaitP95Ms} ms (worst second ${g.worstSecondSocketWaitP95Ms} ms; not in the citizens' latency)${g.machineShare === null ? '' : `, machine ${Math.round(g.machineShare * 100)} % busy with simulator + server`}`,
);
console.log(`what limited it: ${report.limit.text}`);
const pl = report.planner;
console.log(
  `capacity: ${report.keptUp ? 'kept up' : 'did not keep up'} (nothing failed or shed, every second's server p95 ≤ 1 s) with ${scenario.crowd.toLocaleString('en')} people · the planner (costs of ${pl.costsFrom}): this shape needs ${pl.predictedPeakCores} cores at its busiest${pl.measuredPeakCores === null ? '' : `, the server used at most ${pl.measuredPeakCores}`}; the server's ${pl.serverCores} cores here keep up with about ${pl.predictedCrowd.toLocaleString('en')} people (${KEPT_UP_TEXT})`,
);
if (report.statements) {
  console.log("the database's dearest statements (pg_stat_statements, from the crowd's start):");
  for (const st of report.statements.slice(0, 8))
    console.log(
      `  ${String(st.totalMs).padStart(7)} ms  ${String(st.calls).padStart(7)} calls  ${st.meanMs.toFixed(3).padStart(8)} ms each  ${st.query.slice(0, 110)}`,
    );
}
process.exitCode = report.verdict.held ? 0 : 1;
