import pg from 'pg';
import type { Logger } from 'pino';
import { primaryConnection } from '../db/hosts.js';

export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/** Advisory lock key for "the node that runs periodic work" ('ansturm1' as an integer). */
export const LEADER_LOCK = 0x616e7374_75726d31n;
/**
 * The waiting rooms' one reader (queue/publisher.ts) leads on its own ('ansturm2'): its turn every half second
 * must not wait behind the admission controller and the other tasks in a rush.
 */
export const CHANGES_LOCK = 0x616e7374_75726d32n;

/**
 * Runs periodic tasks on exactly one process at a time: whoever holds a session-level
 * advisory lock on its own connection. If that process dies, its connection closes,
 * the lock is free, and another process takes over within one tick. The tasks are
 * written so that two overlapping runs would still be correct, should a network
 * split ever let a stale leader run on for a moment.
 */
export class Leader {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastRun = new Map<string, number>();
  private busy = false;
  private stopped = false;
  /** Ticks and runNow() take turns: the tail of the line of work. */
  private line: Promise<void> = Promise.resolve();
  isLeader = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly tasks: PeriodicTask[],
    private readonly log: Logger,
    private readonly tickMs = 500,
    private readonly lock = LEADER_LOCK,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.line;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
    this.isLeader = false;
  }

  /**
   * Runs one task now, after the work in progress, on this process, which must lead. Tests use it
   * (with a moved clock) instead of waiting for the task's next turn.
   */
  runNow(name: string): Promise<void> {
    return this.inTurn(async () => {
      if (!this.isLeader) await this.tryToLead();
      if (!this.isLeader) throw new Error('another process runs the periodic tasks');
      const task = this.tasks.find((t) => t.name === name);
      if (!task) throw new Error(`no periodic task ${name}`);
      this.lastRun.set(task.name, Date.now());
      await task.run();
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.line.then(work);
    this.line = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    await this.inTurn(async () => {
      if (!this.isLeader) await this.tryToLead();
      if (this.isLeader) await this.runDueTasks();
    })
      .catch((err: unknown) => this.log.warn({ err }, 'leader tick failed'))
      .finally(() => {
        this.busy = false;
      });
  }

  private async tryToLead(): Promise<void> {
    if (!this.client) {
      const client = primaryConnection(this.databaseUrl, { application_name: 'ansturm-leader' });
      client.on('error', () => this.lose(client));
      await client.connect();
      this.client = client;
    }
    const res = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [this.lock.toString()]);
    if (res.rows[0]!.ok) {
      this.isLeader = true;
      this.log.info({ tasks: this.tasks.map((t) => t.name) }, 'this process now runs these periodic tasks');
    }
  }

  private lose(client: pg.Client): void {
    if (this.client !== client) return;
    if (this.isLeader) this.log.warn('lost the leader connection; another process will take over');
    this.client = undefined;
    this.isLeader = false;
    client.end().catch(() => undefined);
  }

  private async runDueTasks(): Promise<void> {
    const now = Date.now();
    for (const task of this.tasks) {
      if (now - (this.lastRun.get(task.name) ?? 0) < task.everyMs) continue;
      this.lastRun.set(task.name, now);
      try {
        await task.run();
      } catch (err) {
        this.log.warn({ err, task: task.name }, 'periodic task failed');
      }
    }
  }
}
