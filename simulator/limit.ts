import { percentile, type Second } from './recorder.js';
import type { SessionReading } from './sessions.js';

/** What set the pace in the seconds a run fell behind. */
export type Limit = 'none' | 'simulator' | 'connections' | 'one process' | 'machine' | 'waits';

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

const WAITS: [keyof SessionReading, string][] = [
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
  return `The database's sessions on average: ${running.toFixed(1)} running, ${waits.map((w) => `${w.n.toFixed(1)} waiting ${w.what}`).join(', ')}.`;
}
