import { percentile, type Second } from './recorder.js';
import type { SessionReading } from './sessions.js';

/** What set the pace in the seconds a run fell behind. */
export type Limit = 'none' | 'simulator' | 'connections' | 'one process' | 'disk' | 'host' | 'machine' | 'waits';

/** What the load generator saw besides the server's seconds. */
export interface GeneratorSigns {
  /** Requests that got no answer at all (status 0: the connection timed out, was refused or reset). */
  unanswered?: number;
  /** The longest stall of a crowd process's event loop, ms. */
  stallMs?: number;
}

export interface LimitFinding {
  limit: Limit;
  /** Seconds whose server p95 was above the kept-up bound. */
  behindSeconds: number;
  /** Medians over those seconds (null when none or not measured). */
  serverCores: number | null;
  generatorCores: number | null;
  busiestProcessCores: number | null;
  text: string;
}

/** A Node process at this share of a core, or the machine at this share of its cores, is full. */
const FULL = 0.9;
/** The machine stalled: all its tasks waiting for the disk this share of the time, or this many cores stolen. */
const STALLED = 0.2;

const median = (xs: number[]): number | null =>
  xs.length === 0
    ? null
    : percentile(
        [...xs].sort((a, b) => a - b),
        0.5,
      );

/**
 * Why the server fell behind, from the seconds it did (its p95 above `boundMs`), by medians over them so one odd
 * second does not decide: the simulator itself (its own verdict, `simulatorSaturated`); one Ansturm process whose
 * main thread, where a Node process runs its JavaScript, was near a whole core; the machine's cores all busy, with
 * the simulator's share; or none of these, so the server waited with cores to spare. Each says what the database's
 * sessions were doing then.
 */
export function whatLimited(seconds: Second[], cores: number, boundMs: number, simulatorSaturated: boolean, signs: GeneratorSigns = {}): LimitFinding {
  const behind = seconds.filter((x) => x.requests > 0 && x.serverP95Ms > boundMs);
  const measured = behind.filter((x) => x.serverCores !== null);
  const server = median(measured.map((x) => x.serverCores!));
  const generator = median(measured.map((x) => x.generatorCores));
  const busiest = median(measured.flatMap((x) => (x.busiestProcessCores === null ? [] : [x.busiestProcessCores])));
  const finding = { behindSeconds: behind.length, serverCores: server, generatorCores: generator, busiestProcessCores: busiest };
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const stalled = signs.stallMs !== undefined && signs.stallMs >= 1000 ? ` (its event loop stopped for ${(signs.stallMs / 1000).toFixed(1)} s at once)` : '';
  if (behind.length === 0) {
    const kept = `The server kept up in every second (its p95 within ${boundMs} ms)`;
    if (simulatorSaturated)
      return {
        ...finding,
        limit: 'simulator',
        text: `${kept}, but the simulator was late${stalled || ' (a core of it saturated or its event loop late)'}: what its citizens waited for then was the load generator, not the server. Run it with more --processes.`,
      };
    if (signs.unanswered)
      return {
        ...finding,
        limit: 'connections',
        text: `${kept}, but ${signs.unanswered} request${signs.unanswered === 1 ? '' : 's'} got no answer at all (the connection timed out, was refused or reset): they were lost between the simulator's sockets and the server's, before the server's clock started. See the waits for the simulator's own sockets.`,
      };
    return { ...finding, limit: 'none', text: 'The server kept up in every second: nothing here limited it.' };
  }
  if (simulatorSaturated) {
    return {
      ...finding,
      limit: 'simulator',
      text: `The simulator was the limit${stalled || ' (a core of it saturated or its event loop late)'}: the server may carry more. Run it with more --processes.`,
    };
  }
  const said = `In the ${behind.length} second${behind.length === 1 ? '' : 's'} the server fell behind`;
  if (server === null || generator === null) {
    return { ...finding, limit: 'waits', text: `${said}, its CPU was not measured (a server not started here): its limit is not known.` };
  }
  if (busiest !== null && busiest >= FULL) {
    return {
      ...finding,
      limit: 'one process',
      text: `${said}, the main thread of its busiest process used ${pct(busiest)} of a core: one Node process was the limit, with ${(cores - server - generator).toFixed(2)} of ${cores} cores left over. ${waitsOf(behind)}`,
    };
  }
  // The machine itself stalled: every task waiting for the disk, or the hypervisor running someone else on its cores.
  const ioFull = median(behind.flatMap((x) => (x.machine?.ioFull == null ? [] : [x.machine.ioFull])));
  const steal = median(behind.flatMap((x) => (x.machine?.stealCores == null ? [] : [x.machine.stealCores])));
  if (ioFull !== null && ioFull >= STALLED) {
    return {
      ...finding,
      limit: 'disk',
      text: `${said}, every task on the machine waited for the disk ${pct(ioFull)} of the time (the kernel's I/O pressure): the disk was the limit, not the cores (the server used ${server.toFixed(2)} of ${cores}). ${waitsOf(behind)}`,
    };
  }
  if (steal !== null && steal >= STALLED) {
    return {
      ...finding,
      limit: 'host',
      text: `${said}, the hypervisor gave ${steal.toFixed(2)} of this machine's ${cores} cores to someone else (steal time): the host was the limit, and the run says little about Ansturm. ${waitsOf(behind)}`,
    };
  }
  if (server + generator >= FULL * cores) {
    const simulatorShare = generator / (server + generator);
    return {
      ...finding,
      limit: 'machine',
      text: `${said}, the machine was full: the server used ${server.toFixed(2)} and the simulator ${generator.toFixed(2)} of its ${cores} cores${simulatorShare >= 0.15 ? ` (${pct(simulatorShare)} of what was used). The simulator shared the limit; the server alone may carry more on a machine of its own.` : '.'} ${waitsOf(behind)}`,
    };
  }
  return {
    ...finding,
    limit: 'waits',
    text: `${said}, it used ${server.toFixed(2)} cores (the simulator ${generator.toFixed(2)}) of ${cores}, and no process was near a whole core${busiest === null ? '' : ` (busiest ${pct(busiest)})`}: it waited with cores to spare. ${waitsOf(behind)}`,
  };
}

const WAITS: [Exclude<keyof SessionReading, 'waitingAfter'>, string][] = [
  ['rowLocks', 'for row locks other transactions held'],
  ['waitingForNode', 'in a transaction for their node to send the next statement'],
  ['walFlush', "for the WAL's flush to disk"],
  ['otherWaits', 'for other internal locks or reads'],
];

/** What the database's sessions waited for in those seconds (medians of each second's averages), most first. */
function waitsOf(behind: Second[]): string {
  const read = behind.flatMap((x) => (x.database ? [x.database] : []));
  if (read.length === 0) return "The database's sessions were not sampled.";
  const waits = WAITS.map(([key, what]) => ({ what, n: median(read.map((r) => r[key]))! })).sort((a, b) => b.n - a.n);
  const running = median(read.map((r) => r.running))!;
  return `The database's sessions on average: ${running.toFixed(1)} running, ${waits.map((w) => `${w.n.toFixed(1)} waiting ${w.what}`).join(', ')}.${waitingAfter(read)}`;
}

/** The statements the sessions waiting for their node had run last, the most waited after first (the three largest). */
function waitingAfter(read: SessionReading[]): string {
  const sum = new Map<string, number>();
  for (const r of read) for (const [head, n] of Object.entries(r.waitingAfter ?? {})) sum.set(head, (sum.get(head) ?? 0) + n / read.length);
  const top = [...sum].sort((a, b) => b[1] - a[1]).slice(0, 3);
  if (top.length === 0) return '';
  return ` Those waiting for their node had last run: ${top.map(([head, n]) => `"${head}…" (${n.toFixed(1)})`).join(', ')}.`;
}
