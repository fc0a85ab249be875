/**
 * The capacity model: what a crowd needs, from the costs measured on this installation
 * (`npm run plan -- calibrate`, bench/cost.ts). The day is followed second by second: people arrive on the
 * simulator's curve (a share before the opening, the rest densest at the opening and thinning out over the
 * window), join, wait and poll as the server tells them (queue/status.ts), are let in at the room's pace
 * while appointments last, search, hold and book. Each second's load is its rates times the measured costs;
 * the plan is the busiest second. Nothing here is a guess but the shape of the day, which the options set.
 */

import { openingSpreadMs } from '../src/queue/status.js';

/** What one step costs, as bench/cost.ts measured it (milliseconds of CPU, per step). */
export interface StepCost {
  appMs: number;
  dbMs: number;
  writeTransactions: number;
  walBytes: number;
}

export interface AloneCost extends StepCost {
  perSecond: number;
}

/** A search asked from a place of its own, and how many appointment times (at how many centres) its answer listed. */
export interface SearchPoint extends StepCost {
  answerSlots: number;
  answerCentres?: number;
}

export type WritingStep = 'join' | 'bind' | 'hold' | 'booking' | 'bookedWithSms';

export interface Calibration {
  measuredAt: string;
  machine: string;
  cores: number;
  workers: number;
  /**
   * `bookedWithSms`: a booking with a phone number, until its confirmation SMS is handed over (the booking's
   * transaction also writes the message and two reminders); the planner counts every booking so.
   */
  steps: {
    join: StepCost;
    bind?: StepCost;
    /** Leaving a line (for the next release's). */
    leave?: StepCost;
    poll: StepCost;
    /** A search the answer cache answers (the same postal code each time). */
    search: StepCost;
    /**
     * Searches from places of their own (a phone's location: no two answers alike, so the cache does not help), in
     * three shapes of answer. The planner prices every search so, by what its answer lists (`searchCost`).
     */
    searchFromPlace?: SearchPoint[];
    hold: StepCost;
    booking: StepCost;
    bookedWithSms?: StepCost;
    code: StepCost;
  };
  /** The writing steps measured one request at a time (each its own transaction), with the rate one client reached. */
  alone?: Partial<Record<WritingStep, AloneCost>>;
  /** What a node and PostgreSQL use per second with nobody there (views, leader, outbox), CPU ms/s. */
  idle: { appMsPerSecond: number; dbMsPerSecond: number };
  /** Heap a worker holds per person in a waiting room (each worker keeps every room). */
  bytesPerWaitingPerson: number;
}

export interface Day {
  crowd: number;
  /** First-dose appointments released (all of them, over every release). */
  slots: number;
  /**
   * Several releases, `releaseEverySeconds` apart: the first-dose appointments of each (they add up to `slots`).
   * Each has its own waiting room; when the next opens, those still in line without a likely turn (more people
   * ahead of them than appointments left) leave and join its line, each on their next poll.
   */
  releases?: number[];
  releaseEverySeconds?: number;
  /** Seconds over which the crowd arrives after the opening. */
  windowSeconds: number;
  /**
   * Appointment times a search's answer lists (every centre in reach, a page of days each); undefined: as many as
   * the larger calibrated search's (a week at four centres).
   */
  answerSlots?: number;
  /** Centres a search's answer lists; undefined: as many as the larger calibrated search's. */
  answerCentres?: number;
  /** Seconds between a waiting person's polls; undefined: as the server tells them (2-30 s by place). */
  pollSeconds?: number;
  /** Share of the crowd that comes before the opening, into the pre-queue (default 0.15). */
  earlyShare?: number;
  /** The waiting room's pace: admissions per second (the simulator's 200; a new room's default is 50). */
  admitPerSecond?: number;
  waitingRoom: boolean;
  verification: boolean;
  /** SMS the provider takes a second (ANSTURM_SMS_PER_SECOND, default 20): confirmations beyond it wait in the outbox. */
  smsPerSecond?: number;
  /** Share of a core a planner may count on at the peak (the rest is headroom). */
  utilisation: number;
  /**
   * Share of the machine busy at the peak, which stretches each transaction and so fills the group commits
   * (default: `utilisation`, the share the plan sizes for).
   */
  busyShare?: number;
  nodes: number;
}

export interface Plan {
  /** Requests per second per route in the busiest second. */
  perSecond: { joins: number; leaves: number; polls: number; searches: number; holds: number; bookings: number; codes: number };
  /** Seconds after the opening of the busiest second. */
  peakAtSecond: number;
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
/** Arrivals after the opening: an exponential with this many means in the window, cut at the window's end. */
const ARRIVAL_STEEPNESS = 3;
export const DEFAULT_EARLY_SHARE = 0.15;
export const DEFAULT_ADMIT_PER_SECOND = 200;

/** When (0..1 of the window) an arrival after the opening comes, for a uniform `u` in 0..1: the simulator's draw. */
export const arrivalAt = (u: number): number => -Math.log(1 - u * (1 - Math.exp(-ARRIVAL_STEEPNESS))) / ARRIVAL_STEEPNESS;

/** The share of the after-opening arrivals that has come by `x` (0..1 of the window): the simulator's curve. */
export function arrivedShare(x: number): number {
  const k = ARRIVAL_STEEPNESS;
  return Math.min(1, (1 - Math.exp(-k * Math.max(0, x))) / (1 - Math.exp(-k)));
}

/**
 * Status polls per second of `waiting` people in line, let in at `rate` per second, polling as the server
 * tells them: every max(2 s, min(30 s, a quarter of their expected wait)) (queue/status.ts pollAfter).
 */
export function pollsPerSecond(waiting: number, rate: number, fixedSeconds?: number): number {
  if (waiting <= 0) return 0;
  if (fixedSeconds) return waiting / fixedSeconds;
  if (rate <= 0) return waiting / 5;
  const fast = Math.min(waiting, 8 * rate); // ahead/rate/4 <= 2 s
  const slowFrom = 120 * rate; // ahead/rate/4 >= 30 s
  const middle = Math.max(0, Math.min(waiting, slowFrom) - fast);
  const slow = Math.max(0, waiting - slowFrom);
  return fast / 2 + (middle > 0 ? 4 * rate * Math.log((fast + middle) / fast) : 0) + slow / 30;
}

/** Seconds between the polls of someone `ahead` people from the front, let in at `rate` a second (queue/status.ts pollAfter). */
const pollInterval = (ahead: number, rate: number) => Math.min(30, Math.max(2, rate > 0 ? ahead / rate / 4 : 5));

/**
 * When the next release opens, the people in line from place `from` to `to` leave for its line, each at their next poll:
 * how many of them come in each second after the opening.
 */
export function movesAfterOpening(from: number, to: number, rate: number): number[] {
  const seconds = new Array<number>(30).fill(0);
  const parts = 200;
  const width = (to - from) / parts;
  if (width <= 0) return seconds;
  for (let k = 0; k < parts; k++) {
    const interval = pollInterval(from + (k + 0.5) * width, rate);
    for (let s = 0; s < Math.ceil(interval); s++) seconds[s]! += (width * Math.min(1, interval - s)) / interval;
  }
  return seconds;
}

interface Second {
  t: number;
  rates: Plan['perSecond'];
  waiting: number;
}

/** The day second by second, from the opening until the line is empty or the appointments are gone. */
export function timeline(day: Day): Second[] {
  const early = day.waitingRoom ? (day.earlyShare ?? DEFAULT_EARLY_SHARE) : 0;
  const admit = day.admitPerSecond ?? DEFAULT_ADMIT_PER_SECOND;
  const later = day.crowd * (1 - early);
  const prequeue = day.crowd * early;
  const spreadSeconds = Math.max(1, Math.round(openingSpreadMs(prequeue) / 1000));
  const releases = day.releases && day.releases.length > 0 ? day.releases : [day.slots];
  const every = day.releaseEverySeconds ?? 0;
  const lastOpening = every * (releases.length - 1);
  let waiting = prequeue;
  // Appointments released so far and not yet booked.
  let left = releases[0]!;
  // People on their way from one release's line to the next, by the second they come.
  const moving = new Map<number, number>();
  // With SMS codes, those let in wait for their code, which the provider sends at its rate.
  const smsRate = day.smsPerSecond ?? DEFAULT_SMS_PER_SECOND;
  let awaitingCode = 0;
  const seconds: Second[] = [];
  // The line's pace as the server tells it to those waiting (queue/view.ts admissionRate): admissions a second over
  // the last minute of the room, or the room's cap while it has none.
  const admitted: number[] = [];
  const pace = (t: number, openedAt: number) => {
    const from = Math.max(openedAt, t - 60);
    const n = admitted.slice(from, t).reduce((sum, x) => sum + x, 0);
    return t - from >= 1 && n > 0 ? n / (t - from) : admit;
  };
  let openedAt = 0;
  for (let t = 0; t < day.windowSeconds + lastOpening + 3600 && (t < day.windowSeconds || t <= lastOpening || waiting >= 1 || awaitingCode >= 1); t++) {
    const r = every > 0 && t % every === 0 ? t / every : 0;
    if (r > 0 && r < releases.length && day.waitingRoom) {
      // Those without a likely turn in this release's line leave for the next one's, each at their next poll.
      const likely = Math.max(0, left - awaitingCode);
      movesAfterOpening(likely, waiting, pace(t, openedAt)).forEach((n, s) => moving.set(t + s, (moving.get(t + s) ?? 0) + n));
    }
    if (r > 0 && r < releases.length) {
      left += releases[r]!;
      openedAt = t;
    }
    const arriving = later * (arrivedShare((t + 1) / day.windowSeconds) - arrivedShare(t / day.windowSeconds));
    const moves = moving.get(t) ?? 0;
    moving.delete(t);
    let ready: number;
    let searches: number;
    let joins = 0;
    if (day.waitingRoom) {
      joins = arriving + moves;
      waiting += arriving;
      ready = Math.max(0, Math.min(waiting, admit, left - awaitingCode));
      waiting -= ready;
    } else {
      ready = Math.max(0, Math.min(arriving, left - awaitingCode));
    }
    let codes = 0;
    let bookings = ready;
    if (day.verification) {
      awaitingCode += ready;
      codes = Math.min(awaitingCode, smsRate);
      awaitingCode -= codes;
      bookings = codes;
    }
    if (day.waitingRoom) {
      searches = bookings * SEARCHES_PER_BOOKING;
      // Once the last release's appointments are gone the line is told so and empties.
      if (t >= lastOpening && left - bookings - awaitingCode <= 0) waiting = 0;
    } else {
      // Everyone who comes searches; those too late find nothing and search again.
      searches = arriving * SEARCHES_PER_BOOKING;
    }
    left -= bookings;
    admitted.push(ready);
    // The pre-queue comes back once, at a moment spread over the opening's first seconds (queue/status.ts),
    // on top of the line's own polls.
    const prequeueBack = !day.pollSeconds && t < spreadSeconds ? prequeue / spreadSeconds : 0;
    seconds.push({
      t,
      waiting,
      rates: {
        joins,
        leaves: moves,
        polls: day.waitingRoom ? prequeueBack + pollsPerSecond(waiting, pace(t, openedAt), day.pollSeconds) : 0,
        searches,
        holds: bookings * HOLDS_PER_BOOKING,
        bookings,
        codes,
      },
    });
  }
  return seconds;
}

/**
 * A writing step's cost at `rate` a second. Group commits let requests that overlap share a transaction, so
 * what a request costs depends on how many come at once: alone, each is a transaction of its own (the step
 * measured one request at a time); at a rate, a transaction carries on average the requests that arrive while
 * one is written, so the transactions per request fall with the rate, down to what 32 clients at once made (the
 * step measured so). The other costs go with the transactions: each one's commit, its round trips, its wake-ups.
 */
export function costAt(busy: StepCost, alone: AloneCost | undefined, rate: number, busyShare = 0): StepCost {
  if (!alone || alone.writeTransactions <= busy.writeTransactions + 0.05) return busy;
  // A group commit carries the request that starts it and those that came while the one before was written:
  // 1 + rate x (one request's time) on average. On a machine busy `busyShare` of the time a request takes
  // 1 / (1 - busyShare) times as long as alone (it shares the cores), so more come while it is written.
  const stretch = 1 / (1 - Math.min(MAX_BUSY_SHARE, Math.max(0, busyShare)));
  const batch = 1 + (Math.max(0, rate) * stretch) / alone.perSecond;
  const w = Math.max(busy.writeTransactions, alone.writeTransactions / batch);
  const f = (w - busy.writeTransactions) / (alone.writeTransactions - busy.writeTransactions);
  const mix = (pick: (x: StepCost) => number) => pick(busy) + f * (pick(alone) - pick(busy));
  return { appMs: mix((x) => x.appMs), dbMs: mix((x) => x.dbMs), writeTransactions: w, walBytes: mix((x) => x.walBytes) };
}

/**
 * What a search costs whose answer lists `slots` appointment times at `centres` centres, asked from a place of its
 * own: a fixed part, a part per time listed and a part per centre (each centre's part of the answer is found,
 * measured from the place and joined in), through the searches calibrated so (three shapes; with two, along the line
 * through them by the times alone), never below the cheapest of them (an empty answer still costs its request).
 * Without them (a calibration from before), the search as it was measured.
 */
export function searchCost(c: Calibration, slots?: number, centres?: number): StepCost {
  const points = [...(c.steps.searchFromPlace ?? [])].sort((x, y) => x.answerSlots - y.answerSlots);
  if (points.length < 2) return c.steps.search;
  const largest = points[points.length - 1]!;
  const n = slots ?? largest.answerSlots;
  const k = centres ?? largest.answerCentres ?? 0;
  const pick = (f: (x: StepCost) => number) => {
    const floor = Math.min(...points.map(f));
    const fit = fitted(points, f);
    return Math.max(floor, fit ? fit.fixed + fit.perSlot * n + fit.perCentre * k : floor);
  };
  return { appMs: pick((x) => x.appMs), dbMs: pick((x) => x.dbMs), writeTransactions: pick((x) => x.writeTransactions), walBytes: pick((x) => x.walBytes) };
}

/** cost = fixed + perSlot x times + perCentre x centres through three points (by the times alone through two). */
function fitted(points: SearchPoint[], f: (x: StepCost) => number): { fixed: number; perSlot: number; perCentre: number } | undefined {
  const [a, b, c] = points;
  if (a && b && c && a.answerCentres !== undefined && b.answerCentres !== undefined && c.answerCentres !== undefined) {
    // Cramer's rule on [1, slots, centres] . [fixed, perSlot, perCentre] = cost.
    const rows = [a, b, c].map((p) => [1, p.answerSlots, p.answerCentres!, f(p)] as const);
    const det = (m: number[][]) =>
      m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
      m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
      m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
    const base = rows.map((r) => [r[0], r[1], r[2]]);
    const d = det(base);
    if (Math.abs(d) > 1e-9) {
      const solve = (col: number) => det(base.map((r, i) => r.map((x, j) => (j === col ? rows[i]![3] : x)))) / d;
      return { fixed: solve(0), perSlot: Math.max(0, solve(1)), perCentre: Math.max(0, solve(2)) };
    }
  }
  const small = points[0]!;
  const large = points[points.length - 1]!;
  const span = large.answerSlots - small.answerSlots;
  if (span <= 0) return undefined;
  const perSlot = Math.max(0, (f(large) - f(small)) / span);
  return { fixed: f(small) - perSlot * small.answerSlots, perSlot, perCentre: 0 };
}

/** Beyond this share a machine's queues grow without bound; the stretch of a request's time is counted up to it. */
const MAX_BUSY_SHARE = 0.9;

function load(rates: Plan['perSecond'], c: Calibration, search: StepCost, smsPerSecond: number, busyShare: number, pick: (x: StepCost) => number): number {
  const s = c.steps;
  const at = (step: WritingStep, busy: StepCost | undefined, rate: number) => (busy ? pick(costAt(busy, c.alone?.[step], rate, busyShare)) : 0);
  // A booking's confirmation SMS is sent as the provider's rate allows: what the SMS adds, at most that many a second.
  const sms = Math.min(rates.bookings, smsPerSecond);
  const perSms = s.bookedWithSms ? Math.max(0, at('bookedWithSms', s.bookedWithSms, sms) - at('booking', s.booking, sms)) : 0;
  return (
    rates.joins * (at('join', s.join, rates.joins) + at('bind', s.bind, rates.joins)) +
    rates.leaves * (s.leave ? pick(s.leave) : 0) +
    rates.polls * pick(s.poll) +
    rates.searches * pick(search) +
    rates.holds * at('hold', s.hold, rates.holds) +
    rates.bookings * at('booking', s.booking, rates.bookings) +
    sms * perSms +
    rates.codes * pick(s.code)
  );
}

export const DEFAULT_SMS_PER_SECOND = 20;

export function plan(day: Day, c: Calibration): Plan {
  const seconds = timeline(day);
  const smsRate = day.smsPerSecond ?? DEFAULT_SMS_PER_SECOND;
  const busy = day.busyShare ?? day.utilisation;
  const search = searchCost(c, day.answerSlots, day.answerCentres);
  const cpu = (x: Second) => load(x.rates, c, search, smsRate, busy, (s) => s.appMs + s.dbMs);
  const peak = seconds.reduce((best, x) => (cpu(x) > cpu(best) ? x : best), seconds[0]!);
  const appCores = (load(peak.rates, c, search, smsRate, busy, (x) => x.appMs) / 1000 + (day.nodes * c.idle.appMsPerSecond) / 1000) / day.utilisation;
  const dbCores = (load(peak.rates, c, search, smsRate, busy, (x) => x.dbMs) / 1000 + c.idle.dbMsPerSecond / 1000) / day.utilisation;
  const mostWaiting = Math.max(...seconds.map((x) => x.waiting), day.waitingRoom ? day.crowd * (day.earlyShare ?? DEFAULT_EARLY_SHARE) : 0);
  return {
    perSecond: Object.fromEntries(Object.entries(peak.rates).map(([k, v]) => [k, Math.ceil(v)])) as Plan['perSecond'],
    peakAtSecond: peak.t,
    appCores: round(appCores),
    dbCores: round(dbCores),
    coresPerNode: Math.ceil(appCores / day.nodes),
    dbWriteTransactionsPerSecond: Math.ceil(load(peak.rates, c, search, smsRate, busy, (x) => x.writeTransactions)),
    walMegabytesPerSecond: round(load(peak.rates, c, search, smsRate, busy, (x) => x.walBytes) / 2 ** 20),
    memoryPerWorkerMb: Math.ceil((mostWaiting * c.bytesPerWaitingPerson) / 2 ** 20),
  };
}

/**
 * The cores a day's busiest second keeps busy on a machine of `cores` (application and PostgreSQL together):
 * the demand at the busy share it causes, found where the two agree (more busy, larger group commits, less
 * demand). At `cores` or more the machine is saturated and the answer is what it would need at 90 % busy.
 */
export function peakCores(day: Day, c: Calibration, cores: number): number {
  const need = (busyShare: number) => {
    const p = plan({ ...day, utilisation: 1, busyShare, nodes: 1 }, c);
    return p.appCores + p.dbCores;
  };
  if (need(MAX_BUSY_SHARE) >= MAX_BUSY_SHARE * cores) return need(MAX_BUSY_SHARE);
  let low = 0;
  let high = MAX_BUSY_SHARE;
  for (let i = 0; i < 30; i++) {
    const mid = (low + high) / 2;
    if (need(mid) > mid * cores) low = mid;
    else high = mid;
  }
  return need(high);
}

/**
 * How busy a day may keep the machine and still have every second's requests answered within a second (p95): its
 * busiest 5 seconds at most 90 % of the cores, its busiest 30 seconds at most 73 %. A short burst queues and drains;
 * minutes near the limit (westfalen-lippe's shape: admissions at the room's pace for as long as appointments last)
 * leave no room for the bursts of arrivals, garbage collection and the transactions' waits for each other. Fitted on
 * the simulator's runs of all five presets on the 2-core machine (2026-12-03, the costs calibrated that day; see
 * ARCHITECTURE.md, "What each part costs"). Checked again on 2026-12-04 with the code and costs of that day: the
 * largest crowd each preset was run with (none fell behind) 0.75-1.03 of the planner's, except ennepe-ruhr at 30,000,
 * which kept up where the planner says 13,520 (a spike the simulator on the same cores smoothed; ARCHITECTURE.md).
 */
export const KEPT_UP = { burst: { seconds: 5, share: 0.9 }, sustained: { seconds: 30, share: 0.73 } } as const;

/** The rule in words, for what the planner and the simulator print. */
export const KEPT_UP_TEXT = `its busiest ${KEPT_UP.burst.seconds} s needing at most ${Math.round(KEPT_UP.burst.share * 100)} % of the cores, its busiest ${KEPT_UP.sustained.seconds} s at most ${Math.round(KEPT_UP.sustained.share * 100)} %`;

/** Whether `cores` keep up with the day (KEPT_UP). */
export function keepsUp(day: Day, c: Calibration, cores: number): boolean {
  const seconds = coresBySecond(day, c);
  return (
    busiest(seconds, KEPT_UP.burst.seconds) <= KEPT_UP.burst.share * cores && busiest(seconds, KEPT_UP.sustained.seconds) <= KEPT_UP.sustained.share * cores
  );
}

/** The cores a day's busiest `windowSeconds` keep busy on average (application and PostgreSQL together). */
export const busiestCores = (day: Day, c: Calibration, windowSeconds: number): number => busiest(coresBySecond(day, c), windowSeconds);

/** The largest average of `windowSeconds` seconds in a row (of all of them, in a shorter day). */
function busiest(seconds: number[], windowSeconds: number): number {
  const w = Math.max(1, Math.min(windowSeconds, seconds.length));
  let sum = seconds.slice(0, w).reduce((a, b) => a + b, 0);
  let most = sum;
  for (let t = w; t < seconds.length; t++) {
    sum += seconds[t]! - seconds[t - w]!;
    most = Math.max(most, sum);
  }
  return most / w;
}

/**
 * The cores (application and PostgreSQL together, idle work included) each second of the day keeps busy, from the
 * opening on, at the costs of a machine 90 % busy: what the simulator's report sets beside the cores it measured.
 */
export function coresBySecond(day: Day, c: Calibration): number[] {
  const smsRate = day.smsPerSecond ?? DEFAULT_SMS_PER_SECOND;
  const idle = (c.idle.appMsPerSecond + c.idle.dbMsPerSecond) / 1000;
  const search = searchCost(c, day.answerSlots, day.answerCentres);
  return timeline(day).map((x) => load(x.rates, c, search, smsRate, MAX_BUSY_SHARE, (k) => k.appMs + k.dbMs) / 1000 + idle);
}

/**
 * The largest crowd `cores` (the application and PostgreSQL on the same machine, as here) keep up with for a day of
 * this shape, the appointments growing with the crowd in the day's proportion (KEPT_UP).
 */
export function crowdFor(cores: number, day: Day, c: Calibration): number {
  const share = (crowd: number) => crowd / day.crowd;
  const fits = (crowd: number) =>
    keepsUp({ ...day, crowd, slots: day.slots * share(crowd), releases: day.releases?.map((n) => n * share(crowd)), nodes: 1 }, c, cores);
  if (!fits(1)) return 0;
  let low = 1;
  let high = 2;
  while (fits(high) && high < 1e9) [low, high] = [high, high * 2];
  while (high - low > Math.max(1, low / 1000)) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return low;
}

const round = (n: number) => Math.round(n * 100) / 100;
