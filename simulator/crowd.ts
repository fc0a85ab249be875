import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { citizen } from './citizen.js';
import { client } from './http.js';
import type { Scenario } from './presets.js';
import { mulberry32 } from './random.js';
import { Recorder, type RecorderPart } from './recorder.js';
import { remoteCodes, type SmsCodes } from './sms-sink.js';
import type { World } from './world.js';

/**
 * The crowd: every virtual citizen of a run, driven from this process or, with `--processes N`, from N
 * processes of their own (each takes every N-th person, its own sockets and its own core), so the load
 * generator is not the limit of a run. The other processes send what they saw twice a second; this
 * process's recorder absorbs it. Each process measures its own CPU and event-loop delay.
 */

export interface CrowdRun {
  target: string;
  sockets: number;
  scenario: Scenario;
  world: World;
  opensAt: number;
  deadline: number;
  seed: number;
  codesUrl: string;
}

/** What one process of the crowd used: its CPU and how late its event loop ran. */
export interface CrowdUsage {
  cpuSeconds: number;
  wallSeconds: number;
  eventLoopDelayP99Ms: number;
  /** Its event loop's longest stall: a puzzle or a burst that held the thread (the p99 hides a single one). */
  eventLoopDelayMaxMs: number;
}

/** A crowd process's report: what it saw since the last, and the CPU it has used so far (seconds). */
type Message = { type: 'part'; part: RecorderPart; usage: CrowdUsage } | { type: 'done'; part: RecorderPart; usage: CrowdUsage };

/** Drives these people (index, arrival) with `rec` and `sms` in this process; resolves when all are done. */
export async function driveHere(run: CrowdRun, people: [number, number][], rec: Recorder, sms: SmsCodes, random: () => number): Promise<void> {
  const api = client(run.target, run.sockets);
  try {
    await Promise.all(people.map(([i, at]) => citizen(i, at, { api, rec, scenario: run.scenario, world: run.world, sms, deadline: run.deadline, random })));
  } finally {
    api.close();
  }
}

/**
 * Forks `processes` crowd processes for these people and feeds what they see into `rec`. `finished` resolves
 * with each process's usage once all are done; `stop()` kills those still running (only these, by their id).
 */
export function forkCrowd(processes: number, run: CrowdRun, people: [number, number][], rec: Recorder) {
  const children: ChildProcess[] = [];
  const started = Date.now();
  const latest: CrowdUsage[] = Array.from({ length: processes }, () => ({ cpuSeconds: 0, wallSeconds: 0, eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0 }));
  const finished = Promise.all(
    Array.from({ length: processes }, (_, k) => {
      const child = fork(new URL('./crowd.ts', import.meta.url), ['--crowd-process'], {
        execArgv: ['--import', 'tsx'],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      return new Promise<CrowdUsage>((resolve, reject) => {
        child.on('message', (m: Message) => {
          rec.absorb(m.part);
          latest[k] = m.usage;
          if (m.type === 'done') resolve(m.usage);
        });
        child.on('exit', (code) => reject(new Error(`crowd process ${k} ended with ${code} before its people were done`)));
        child.send({
          run: { ...run, sockets: Math.max(1, Math.ceil(run.sockets / processes)), seed: run.seed + k },
          people: people.filter((_, n) => n % processes === k),
        });
      });
    }),
  );
  return {
    finished,
    /** The CPU the crowd processes have used so far, as they last reported it (twice a second). */
    cpuSeconds: () => latest.reduce((n, x) => n + x.cpuSeconds, 0),
    /**
     * What each process used, as it last reported: at the end of a run some may still be waiting on people
     * the deadline cut short, and their last report stands for them.
     */
    usage: (): CrowdUsage[] => latest.map((u) => ({ ...u, wallSeconds: Math.max(u.wallSeconds, (Date.now() - started) / 1000) })),
    stop() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** The body of a crowd process: one task from the parent, its people driven, its usage reported. */
async function crowdProcess(task: { run: CrowdRun; people: [number, number][] }): Promise<void> {
  const started = Date.now();
  const cpuFrom = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const rec = new Recorder(task.run.opensAt);
  const send = (m: Message) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
  const usage = (): CrowdUsage => {
    const u = process.cpuUsage(cpuFrom);
    return {
      cpuSeconds: (u.user + u.system) / 1e6,
      wallSeconds: (Date.now() - started) / 1000,
      eventLoopDelayP99Ms: loop.percentile(99) / 1e6,
      eventLoopDelayMaxMs: loop.max / 1e6,
    };
  };
  const timer = setInterval(() => void send({ type: 'part', part: rec.takePart(), usage: usage() }), 500);
  await driveHere(task.run, task.people, rec, remoteCodes(task.run.codesUrl), mulberry32(task.run.seed));
  clearInterval(timer);
  const last = usage();
  loop.disable();
  await send({ type: 'done', part: rec.takePart(), usage: last });
  process.disconnect();
}

if (process.argv.includes('--crowd-process')) {
  // Without its parent a crowd process has no one to report to: it ends.
  process.on('disconnect', () => process.exit(0));
  process.once('message', (task: { run: CrowdRun; people: [number, number][] }) => void crowdProcess(task));
}
