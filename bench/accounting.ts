import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * What the operating system and the database count, not estimates: CPU seconds of a process tree from
 * /proc (user + system time of every live process in it, plus what its processes reaped from children
 * that ended, so a PostgreSQL backend that exited is still counted in its postmaster), and the database's
 * write transactions (xids assigned) and WAL bytes.
 */

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface Proc {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

function processes(): Proc[] {
  const all: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime fields 14-17.
    all.push({ pid: Number(entry), ppid: Number(fields[1]), ticks: [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) });
  }
  return all;
}

/** `root` and every live process below it. */
function tree(root: number): Proc[] {
  const all = processes();
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: Proc[] = [];
  const stack = all.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop()!;
    found.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return found;
}

/** CPU seconds used so far by `root` and every process below it (the ended ones included, once reaped). */
export function treeCpuSeconds(root: number): number {
  return tree(root).reduce((n, p) => n + p.ticks, 0) / TICKS_PER_SECOND;
}

/**
 * Each live process of the tree with the CPU seconds its main thread used: a Node process runs its JavaScript on
 * that one thread (its garbage collector's and libuv's helpers are threads of their own, not counted), so a worker
 * whose main thread is near a whole core is a limit however many cores the machine has left.
 */
export function mainThreadCpuSeconds(root: number): Map<number, number> {
  const found = new Map<number, number>();
  for (const p of tree(root)) {
    try {
      const stat = readFileSync(`/proc/${p.pid}/task/${p.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.set(p.pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // ended while we looked
    }
  }
  return found;
}

export interface DatabaseWork {
  /** Transactions that wrote (each gets a transaction id; read-only ones do not). */
  writeTransactions: number;
  walBytes: number;
}

/** The database's counters now: exact, with no statistics delay. */
export async function databaseWork(db: pg.ClientBase): Promise<DatabaseWork> {
  const { rows } = await db.query<{ xid: string; wal: string }>(
    `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid, (pg_current_wal_lsn() - '0/0'::pg_lsn)::text AS wal`,
  );
  return { writeTransactions: Number(rows[0]!.xid), walBytes: Number(rows[0]!.wal) };
}

/**
 * The machine's own stalls so far, in seconds (Linux pressure stall information and /proc/stat): the time some
 * task waited for a core, the time all tasks waited for the disk, and the time the hypervisor ran someone else on
 * this machine's cores (steal, summed over the cores). Null where the kernel does not say.
 */
export interface MachineStalls {
  cpuSome: number | null;
  ioFull: number | null;
  steal: number | null;
}

export function machineStalls(): MachineStalls {
  const pressure = (resource: string, kind: 'some' | 'full'): number | null => {
    try {
      const line = readFileSync(`/proc/pressure/${resource}`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(kind));
      const total = line ? /total=(\d+)/.exec(line)?.[1] : undefined;
      return total === undefined ? null : Number(total) / 1e6;
    } catch {
      return null;
    }
  };
  let steal: number | null;
  try {
    // cpu  user nice system idle iowait irq softirq steal ...
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    steal = fields[8] === undefined ? null : Number(fields[8]) / TICKS_PER_SECOND;
  } catch {
    steal = null;
  }
  return { cpuSome: pressure('cpu', 'some'), ioFull: pressure('io', 'full'), steal };
}
