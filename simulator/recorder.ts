import type { SessionReading } from './sessions.js';

/** What the virtual citizens saw: every answer by phase and endpoint, and a line per second. */
export type Phase = 'before-opening' | 'rush' | 'after';

interface Cell {
  latencies: number[];
  statuses: Record<string, number>;
}

export interface Second {
  t: number;
  requests: number;
  p95Ms: number;
  /** The server's p95 for the second, from its own histogram (a bucket bound: ≤ this). */
  serverP95Ms: number;
  failures: number;
  shed: number;
  booked: number;
  waiting: number;
  admissionRate: number;
  /** Cores the server (Ansturm and PostgreSQL) used in this second, from /proc; null for a target not started here. */
  serverCores: number | null;
  /** Of those, PostgreSQL's. */
  dbCores?: number | null;
  /** Cores the simulator itself used in this second (all its processes). */
  generatorCores: number;
  /** The busiest Ansturm process's main thread (its JavaScript) this second, as a share of the one core it runs on; null when not started here. */
  busiestProcessCores: number | null;
  /** What the database's sessions did on average in this second (simulator/sessions.ts); null when not sampled. */
  database: SessionReading | null;
  /** The p95 of the time requests waited for one of the simulator's own sockets this second (not in p95Ms). */
  socketWaitP95Ms: number;
  /**
   * The machine's stalls this second, as shares of it (bench/accounting.ts `machineStalls`): some task waiting for a
   * core, all tasks waiting for the disk, and the cores the hypervisor gave to someone else (steal). Null where the
   * kernel does not say.
   */
  machine?: { cpuSome: number | null; ioFull: number | null; stealCores: number | null };
}

/** A recorder's observations since its last hand-over (see Recorder.takePart). */
export interface RecorderPart {
  cells: [key: string, latencies: number[], statuses: Record<string, number>][];
  counters: Recorder['counters'];
  codeWaits: number[];
  socketWaits: number[];
  joinTimes: [string, number][];
  firstBookingAt: number | null;
  lastBookingAt: number | null;
}

export const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);

export class Recorder {
  private cells = new Map<string, Cell>();
  private secondLatencies: number[] = [];
  private secondSocketWaits: number[] = [];
  /** Every request's wait for one of the simulator's own sockets (http.ts `queuedMs`). */
  socketWaits: number[] = [];
  private secondFailures = 0;
  private secondShed = 0;
  readonly seconds: Second[] = [];
  counters = {
    arrived: 0,
    joined: 0,
    admitted: 0,
    held: 0,
    booked: 0,
    waitlisted: 0,
    abandoned: 0,
    gaveUp: 0,
    botsRefused: 0,
    secondTabsDropped: 0,
    codesReceived: 0,
    /** Searches answered, and the appointment times their answers listed in all (the planner prices a search by it). */
    searches: 0,
    slotsListed: 0,
    centresListed: 0,
  };
  codeWaits: number[] = [];
  /** When each ticket's join answer arrived, by ticket id: the join order people saw. */
  joinTimes = new Map<string, number>();
  firstBookingAt: number | null = null;
  lastBookingAt: number | null = null;

  constructor(private readonly opensAt: number) {}

  phase(now = Date.now()): Phase {
    return now < this.opensAt ? 'before-opening' : now < this.opensAt + 60_000 ? 'rush' : 'after';
  }

  record(endpoint: string, status: number, ms: number, queuedMs = 0): void {
    this.socketWaits.push(queuedMs);
    this.secondSocketWaits.push(queuedMs);
    const key = `${this.phase()}|${endpoint}`;
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = { latencies: [], statuses: {} }));
    cell.latencies.push(ms);
    cell.statuses[status] = (cell.statuses[status] ?? 0) + 1;
    this.secondLatencies.push(ms);
    if (status === 503 || status === 429) this.secondShed++;
    else if (status === 0 || status >= 500) this.secondFailures++;
  }

  /**
   * What this recorder saw since the last call, handed over and forgotten here: a crowd process sends it to
   * the simulator's main process twice a second (crowd.ts), which absorbs it into its own recorder.
   */
  takePart(): RecorderPart {
    const part: RecorderPart = {
      cells: [...this.cells.entries()].map(([key, cell]) => [key, cell.latencies, cell.statuses]),
      counters: this.counters,
      codeWaits: this.codeWaits,
      socketWaits: this.socketWaits,
      joinTimes: [...this.joinTimes.entries()],
      firstBookingAt: this.firstBookingAt,
      lastBookingAt: this.lastBookingAt,
    };
    this.cells = new Map();
    this.counters = Object.fromEntries(Object.keys(this.counters).map((k) => [k, 0])) as Recorder['counters'];
    this.codeWaits = [];
    this.socketWaits = [];
    this.secondSocketWaits = [];
    this.joinTimes = new Map();
    this.firstBookingAt = this.lastBookingAt = null;
    this.secondLatencies = [];
    return part;
  }

  /** Takes in what another process's recorder saw (takePart) as if it had been recorded here. */
  absorb(part: RecorderPart): void {
    for (const [key, latencies, statuses] of part.cells) {
      let cell = this.cells.get(key);
      if (!cell) this.cells.set(key, (cell = { latencies: [], statuses: {} }));
      for (const ms of latencies) {
        cell.latencies.push(ms);
        this.secondLatencies.push(ms);
      }
      for (const [status, n] of Object.entries(statuses)) {
        cell.statuses[status] = (cell.statuses[status] ?? 0) + n;
        if (status === '503' || status === '429') this.secondShed += n;
        else if (status === '0' || Number(status) >= 500) this.secondFailures += n;
      }
    }
    for (const [k, n] of Object.entries(part.counters)) this.counters[k as keyof Recorder['counters']] += n;
    for (const ms of part.codeWaits) this.codeWaits.push(ms);
    for (const ms of part.socketWaits) {
      this.socketWaits.push(ms);
      this.secondSocketWaits.push(ms);
    }
    for (const [id, at] of part.joinTimes) this.joinTimes.set(id, at);
    if (part.firstBookingAt !== null) this.firstBookingAt = Math.min(this.firstBookingAt ?? Infinity, part.firstBookingAt);
    if (part.lastBookingAt !== null) this.lastBookingAt = Math.max(this.lastBookingAt ?? 0, part.lastBookingAt);
  }

  booked(): void {
    this.counters.booked++;
    this.lastBookingAt = Date.now();
    this.firstBookingAt ??= this.lastBookingAt;
  }

  /**
   * Closes the current reading (about a second; longer when the machine is saturated, so requests are
   * counted per second of the reading's length); `waiting` and `admissionRate` come from the server.
   */
  tick(
    t: number,
    waiting: number,
    admissionRate: number,
    serverP95Ms: number,
    serverCores: number | null = null,
    generatorCores = 0,
    busiestProcessCores: number | null = null,
    database: SessionReading | null = null,
    more: Pick<Second, 'machine' | 'dbCores'> = {},
  ): Second {
    const sorted = this.secondLatencies.sort((a, b) => a - b);
    const seconds = Math.max(1, t - (this.seconds.at(-1)?.t ?? 0));
    const second = {
      t,
      requests: Math.round(sorted.length / seconds),
      p95Ms: Math.round(percentile(sorted, 0.95)),
      serverP95Ms,
      failures: this.secondFailures,
      shed: this.secondShed,
      booked: this.counters.booked,
      waiting,
      admissionRate,
      serverCores,
      generatorCores,
      busiestProcessCores,
      database,
      ...more,
      socketWaitP95Ms: Math.round(
        percentile(
          this.secondSocketWaits.sort((a, b) => a - b),
          0.95,
        ),
      ),
    };
    this.seconds.push(second);
    this.secondLatencies = [];
    this.secondSocketWaits = [];
    this.secondFailures = 0;
    this.secondShed = 0;
    return second;
  }

  /** Per phase and endpoint: requests, latency percentiles, status counts. */
  table() {
    return [...this.cells.entries()]
      .map(([key, cell]) => {
        const [phase, endpoint] = key.split('|') as [Phase, string];
        const sorted = cell.latencies.sort((a, b) => a - b);
        const failures = Object.entries(cell.statuses)
          .filter(([s]) => s === '0' || (Number(s) >= 500 && s !== '503'))
          .reduce((n, [, c]) => n + c, 0);
        return {
          phase,
          endpoint,
          requests: sorted.length,
          p50Ms: Math.round(percentile(sorted, 0.5)),
          p95Ms: Math.round(percentile(sorted, 0.95)),
          p99Ms: Math.round(percentile(sorted, 0.99)),
          statuses: cell.statuses,
          failures,
        };
      })
      .sort((a, b) => a.phase.localeCompare(b.phase) || a.endpoint.localeCompare(b.endpoint));
  }
}
