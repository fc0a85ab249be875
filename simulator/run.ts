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
 * --tabs F, --waitlist, --duration S, --workers N, --out DIR, --seed N, --target URL (127.0.0.1 only),
 * --metrics URL (the target's /metrics, default http://127.0.0.1:9464/metrics).
 * Presets: small, burgenland, ennepe-ruhr, westfalen-lippe, niedersachsen, sachsen.
 */
import { parseArgs } from 'node:util';
import { PRESETS, scaled, type Scenario } from './presets.js';
import { writeReport } from './report.js';
import { simulate } from './simulate.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
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
    out: { type: 'string' },
    seed: { type: 'string' },
    target: { type: 'string' },
    metrics: { type: 'string' },
  },
});

const preset = positionals[0] ?? 'small';
const chosen = PRESETS[preset];
if (!chosen) {
  console.error(`unknown preset ${preset}; presets: ${Object.keys(PRESETS).join(', ')}`);
  process.exit(2);
}
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
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
  onSecond: (line) => process.stdout.write(`\r${line.padEnd(150)}`),
});
process.stdout.write('\n');
const files = writeReport(values.out ?? 'simulation-reports', report);
const i = report.integrity;
console.log(report.verdict.text);
console.log(
  `opening to sold out: ${report.soldOutSeconds ?? 'not sold out'} s · bookings/s ${report.bookingsPerSecond} (peak ${report.peakBookingsPerSecond}) · fairness ${i.fairness.rankCorrelation} · code delivery p95 ${i.codeDeliveryMs.p95} ms`,
);
console.log(
  `overbooked ${i.overbookedSlots} · without second dose ${i.bookingsWithoutSecondDose} · messages lost ${i.messagesLost} · ledger mismatches ${i.ledgerMismatches}`,
);
console.log(
  `server: ${report.server.cpuSeconds} CPU s, ${report.server.residentMb} MB, p95 per second median ${report.serverLatency.medianSecondP95Ms} ms, worst ${report.serverLatency.worstSecondP95Ms} ms · report: ${files.html} and ${files.json}`,
);
process.exitCode = report.verdict.held ? 0 : 1;
