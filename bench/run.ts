/**
 * `npm run bench`: each benchmark prints its figure beside a baseline measured in the
 * same run, on the same machine, with the same load generator and connection count.
 */
import { benchQueueStatus } from './queue-status.js';

const benches = [benchQueueStatus];
for (const bench of benches) {
  const r = await bench();
  console.log(`\n${r.name}`);
  console.log(`  Ansturm   ${r.ours.requestsPerSecond.toLocaleString('en')} req/s  p50 ${r.ours.p50} ms  p99 ${r.ours.p99} ms  non-2xx ${r.ours.non2xx}`);
  console.log(`  baseline  ${r.baseline.requestsPerSecond.toLocaleString('en')} req/s  p50 ${r.baseline.p50} ms  p99 ${r.baseline.p99} ms`);
  console.log(`  ratio     ${r.ratio.toFixed(2)}x`);
  for (const [k, v] of Object.entries(r.extra)) console.log(`  ${k.padEnd(32)} ${v}`);
}
