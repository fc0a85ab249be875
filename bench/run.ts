/**
 * `npm run bench`: each benchmark prints its figure beside a baseline measured in the
 * same run, on the same machine, with the same load generator and connection count.
 */
import { benchAvailability } from './availability.js';
import { benchBooking } from './booking.js';
import { benchFeed } from './feed.js';
import { benchQueueStatus } from './queue-status.js';
import { benchQueueJoin } from './queue-join.js';
import { pageWeights, printWeights } from './page-weights.js';
import { benchCost, printCost } from './cost.js';
import { benchAvailabilityRefreshers, benchRefreshers, printAvailabilityRefreshers, printRefreshers } from './refreshers.js';
import { benchTargets, printTargets } from './targets.js';

// `npm run bench -- web` measures only the citizen pages, `-- feed` only the open-data feed, `-- cost` only the cost per step.
const onlyWeb = process.argv.includes('web');
const onlyFeed = process.argv.includes('feed');
const onlyCost = process.argv.includes('cost');
// `-- refreshers` measures only how the database's load grows with the nodes refreshing the waiting rooms and the availability.
const onlyRefreshers = process.argv.includes('refreshers');
// `-- targets` measures the speed targets three times and prints the medians against them.
const onlyTargets = process.argv.includes('targets');
const all = [benchQueueStatus, benchQueueJoin, benchAvailability, benchFeed, () => benchBooking(32), () => benchBooking(32, true), () => benchBooking(128)];
const benches = onlyWeb || onlyCost || onlyRefreshers || onlyTargets ? [] : onlyFeed ? [benchFeed] : all;
for (const bench of benches)
  for (const r of [await bench()].flat()) {
    console.log(`\n${r.name}`);
    const latency = (l: { p50: number; p99: number }) => (Number.isNaN(l.p50) ? '' : `  p50 ${l.p50} ms  p99 ${l.p99} ms`);
    console.log(`  Ansturm   ${r.ours.requestsPerSecond.toLocaleString('en')} /s${latency(r.ours)}  failures ${r.ours.failures}`);
    console.log(`  baseline  ${r.baseline.requestsPerSecond.toLocaleString('en')} /s${latency(r.baseline)}`);
    console.log(`  ratio     ${r.ratio.toFixed(2)}x`);
    for (const [k, v] of Object.entries(r.extra)) console.log(`  ${k.padEnd(32)} ${v}`);
  }

if (onlyRefreshers) printRefreshers(await benchRefreshers());
if (onlyRefreshers) printAvailabilityRefreshers(await benchAvailabilityRefreshers());
if (onlyTargets) printTargets(await benchTargets());
const only = onlyRefreshers || onlyTargets;
if (!onlyWeb && !onlyFeed && !only) printCost(await benchCost());
if (!onlyFeed && !onlyCost && !only) printWeights(await pageWeights());
