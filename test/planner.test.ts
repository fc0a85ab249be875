import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { crowdFor, plan, type Calibration, type Day } from '../planner/model.js';

/** The capacity planner (npm run plan): its model against the costs measured on the reference machine, and its command line. */
const calibration = JSON.parse(readFileSync(new URL('../planner/reference-calibration.json', import.meta.url), 'utf8')) as Calibration;
const day: Day = {
  crowd: 2_000_000,
  slots: 150_000,
  windowSeconds: 600,
  pollSeconds: 10,
  peak: 2,
  waitingRoom: true,
  verification: false,
  utilisation: 0.6,
  nodes: 3,
};

test('the reference calibration holds a measured cost for every step', () => {
  for (const [step, cost] of Object.entries(calibration.steps)) {
    assert.ok(cost.appMs > 0 && cost.dbMs >= 0 && cost.walBytes >= 0, `${step}: ${JSON.stringify(cost)}`);
  }
  assert.ok(calibration.bytesPerWaitingPerson > 0);
});

test('the plan is the rates times the measured costs: polls follow the crowd and the poll interval, codes only with verification', () => {
  const p = plan(day, calibration);
  assert.equal(p.perSecond.polls, 200_000, 'everyone waiting polls every 10 s');
  assert.equal(p.perSecond.joins, Math.ceil((2_000_000 / 600) * 2));
  assert.equal(p.perSecond.bookings, Math.ceil((150_000 / 600) * 2));
  assert.equal(p.perSecond.codes, 0);
  const slower = plan({ ...day, pollSeconds: 20 }, calibration);
  assert.equal(slower.perSecond.polls, 100_000);
  assert.ok(slower.appCores < p.appCores);
  const withCodes = plan({ ...day, verification: true }, calibration);
  assert.equal(withCodes.perSecond.codes, p.perSecond.bookings);
  assert.ok(withCodes.dbCores > p.dbCores);
  const noRoom = plan({ ...day, waitingRoom: false }, calibration);
  assert.equal(noRoom.perSecond.polls + noRoom.perSecond.joins + noRoom.memoryPerWorkerMb, 0);
  assert.equal(p.memoryPerWorkerMb, Math.ceil((2_000_000 * calibration.bytesPerWaitingPerson) / 2 ** 20));
});

test('the crowd a machine carries is the plan solved for the crowd: planning that crowd needs those cores', () => {
  for (const cores of [1.2, 4, 32]) {
    const crowd = crowdFor(cores, day, calibration);
    const p = plan({ ...day, crowd, slots: (day.slots / day.crowd) * crowd, nodes: 1 }, calibration);
    assert.ok(Math.abs(p.appCores + p.dbCores - cores) < 0.02 * cores + 0.02, `${cores} cores: ${crowd} people need ${p.appCores + p.dbCores}`);
  }
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
  assert.match(planned.stdout, /GET \/api\/v1\/queue\/tickets\/\{ticket\}\s+200,000/);
  assert.match(planned.stdout, /PostgreSQL primary\s+[\d.]+ cores/);
  for (const args of [
    ['--crowd', 'lots', '--slots', '1', '--window', '1m'],
    ['--crowd', '5', '--slots', '1', '--window', 'soon'],
    ['--crowd', '5'],
    ['--bogus'],
  ]) {
    const wrong = await run(...args);
    assert.equal(wrong.code, 2, args.join(' '));
    assert.match(wrong.stderr, /npm run plan -- --help/);
    assert.doesNotMatch(wrong.stderr, /^\s+at /m);
  }
});
