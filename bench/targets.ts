/**
 * The speed targets of issue #15 (`npm run bench -- targets`): each measured three times in this run and the
 * median printed beside the target. Wall-clock figures are ratios against the baselines measured in the same run
 * (a bare node:http server, plain SQL), or throughput at a fixed number of clients; CPU comes from /proc.
 */
import { benchBooking } from './booking.js';
import { benchCost, fullBookingMs } from './cost.js';
import { benchQueueJoin } from './queue-join.js';
import { benchQueueStatus } from './queue-status.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export interface TargetReading {
  target: string;
  goal: string;
  runs: number[];
  median: number;
  met: boolean;
  unit: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchTargets(): Promise<TargetReading[]> {
  const runs = { booking: [] as number[], poll: [] as number[], join: [] as number[], cpu: [] as number[] };
  for (let k = 0; k < RUNS; k++) {
    runs.booking.push((await benchBooking(32)).ours.requestsPerSecond);
    runs.poll.push((await benchQueueStatus()).ratio);
    runs.join.push((await benchQueueJoin()).ratio);
    runs.cpu.push(fullBookingMs(await benchCost()));
  }
  const reading = (target: string, goal: string, xs: number[], unit: string, met: (m: number) => boolean): TargetReading => ({
    target,
    goal,
    runs: xs.map((x) => Math.round(x * 100) / 100),
    median: Math.round(median(xs) * 100) / 100,
    met: met(median(xs)),
    unit,
  });
  return [
    reading('full booking over HTTP at 32 clients', '>= 2,000/s', runs.booking, '/s', (m) => m >= 2000),
    reading('status poll against a bare node:http server', '>= 0.9x', runs.poll, 'x', (m) => m >= 0.9),
    reading('join against a bare node:http server', '>= 0.5x', runs.join, 'x', (m) => m >= 0.5),
    reading('server CPU per full booking (hold + confirmation, app + PostgreSQL)', '<= 0.5 ms', runs.cpu, ' ms', (m) => m <= 0.5),
  ];
}

export function printTargets(readings: TargetReading[]): void {
  console.log(`\nspeed targets (median of ${RUNS} runs in this run; each run's figure in brackets)`);
  for (const r of readings)
    console.log(
      `  ${r.target.padEnd(68)} ${`${r.median}${r.unit}`.padStart(10)}  target ${r.goal.padEnd(10)} ${r.met ? 'met' : 'NOT met'}  [${r.runs.join(', ')}]`,
    );
}
