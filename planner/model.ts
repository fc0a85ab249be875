/**
 * The capacity model: what a crowd needs, from the costs measured on this installation
 * (`npm run plan -- calibrate`, bench/cost.ts). Every figure is a rate times a measured cost; nothing
 * here is a guess but the shape of the day, which the options set.
 */

/** What one step costs, as bench/cost.ts measured it (milliseconds of CPU, per step). */
export interface StepCost {
  appMs: number;
  dbMs: number;
  writeTransactions: number;
  walBytes: number;
}

export interface Calibration {
  measuredAt: string;
  machine: string;
  cores: number;
  workers: number;
  steps: { join: StepCost; poll: StepCost; search: StepCost; hold: StepCost; booking: StepCost; code: StepCost };
  /** What a node and PostgreSQL use per second with nobody there (views, leader, outbox), CPU ms/s. */
  idle: { appMsPerSecond: number; dbMsPerSecond: number };
  /** Heap a worker holds per person in a waiting room (each worker keeps every room). */
  bytesPerWaitingPerson: number;
}

export interface Day {
  crowd: number;
  /** First-dose appointments released. */
  slots: number;
  /** Seconds over which the crowd arrives. */
  windowSeconds: number;
  /** Seconds between a waiting person's polls, on average. */
  pollSeconds: number;
  /** The busiest second against the average (arrivals bunch at the opening). */
  peak: number;
  waitingRoom: boolean;
  verification: boolean;
  /** Share of a core a planner may count on at the peak (the rest is headroom). */
  utilisation: number;
  nodes: number;
}

export interface Plan {
  perSecond: { joins: number; polls: number; searches: number; holds: number; bookings: number; codes: number };
  appCores: number;
  dbCores: number;
  coresPerNode: number;
  dbWriteTransactionsPerSecond: number;
  walMegabytesPerSecond: number;
  memoryPerWorkerMb: number;
}

/** A person searches about twice and holds about 1.2 times per booking (a time taken meanwhile is tried again). */
const SEARCHES_PER_BOOKING = 2;
const HOLDS_PER_BOOKING = 1.2;

export function plan(day: Day, c: Calibration): Plan {
  const booked = Math.min(day.crowd, day.slots);
  const joins = day.waitingRoom ? (day.crowd / day.windowSeconds) * day.peak : 0;
  // At the peak nearly everyone who came is waiting and polling.
  const polls = day.waitingRoom ? day.crowd / day.pollSeconds : 0;
  const bookings = (booked / day.windowSeconds) * day.peak;
  const rates = {
    joins,
    polls,
    searches: bookings * SEARCHES_PER_BOOKING,
    holds: bookings * HOLDS_PER_BOOKING,
    bookings,
    codes: day.verification ? bookings : 0,
  };
  const s = c.steps;
  const sum = (pick: (x: StepCost) => number) =>
    rates.joins * pick(s.join) +
    rates.polls * pick(s.poll) +
    rates.searches * pick(s.search) +
    rates.holds * pick(s.hold) +
    rates.bookings * pick(s.booking) +
    rates.codes * pick(s.code);
  const appCores = (sum((x) => x.appMs) / 1000 + (day.nodes * c.idle.appMsPerSecond) / 1000) / day.utilisation;
  const dbCores = (sum((x) => x.dbMs) / 1000 + c.idle.dbMsPerSecond / 1000) / day.utilisation;
  return {
    perSecond: Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, Math.ceil(v)])) as Plan['perSecond'],
    appCores: round(appCores),
    dbCores: round(dbCores),
    coresPerNode: Math.ceil(appCores / day.nodes),
    dbWriteTransactionsPerSecond: Math.ceil(sum((x) => x.writeTransactions)),
    walMegabytesPerSecond: round(sum((x) => x.walBytes) / 2 ** 20),
    memoryPerWorkerMb: Math.ceil(((day.waitingRoom ? day.crowd : 0) * c.bytesPerWaitingPerson) / 2 ** 20),
  };
}

/**
 * The largest crowd `cores` (the application and PostgreSQL on the same machine, as here) carry for a day
 * of this shape, the appointments growing with the crowd in the day's proportion: the model solved for
 * the crowd (it is linear in it).
 */
export function crowdFor(cores: number, day: Day, c: Calibration): number {
  const at = (crowd: number) => {
    const p = plan({ ...day, crowd, slots: (day.slots / day.crowd) * crowd, nodes: 1 }, c);
    return p.appCores + p.dbCores;
  };
  const fixed = at(0);
  const perPerson = (at(1_000_000) - fixed) / 1_000_000;
  return Math.max(0, Math.floor((cores - fixed) / perPerson));
}

const round = (n: number) => Math.round(n * 100) / 100;
