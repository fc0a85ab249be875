import type { Logger } from 'pino';
import { GroupCommit } from '../db/group-commit.js';
import { run, type Db } from '../db/pool.js';
import * as sql from './repo.js';
import type { Transport } from './transports.js';

export interface DispatcherOptions {
  /** The provider's contract: messages per second across all nodes. */
  ratePerSecond: number;
  maxAttempts: number;
  pollMs: number;
  /** A sender that has not reported by then is presumed dead; its messages are claimed again. */
  leaseSeconds: number;
  batch: number;
  retryBaseMs: number;
}

const BACKOFF_MAX_MS = 10 * 60_000;

/** Exponential backoff with jitter (half to one-and-a-half times the step). */
export const backoff = (attempt: number, baseMs: number) => Math.min(BACKOFF_MAX_MS, baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random());

/**
 * Sends one channel's messages from the outbox. Every node runs one per channel; they
 * share the channel's rate through a token bucket row, and claim disjoint messages with
 * SKIP LOCKED, most urgent lane first, so a code never waits behind a backlog.
 */
export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /**
   * Each message is recorded as sent as soon as it is handed over (a lease that ran out meanwhile would send it
   * again), and those handed over while one record is written go together in the next: a rush's thousands of
   * messages are not each a transaction of their own with its own flush of the WAL.
   */
  private readonly sent: GroupCommit<{ id: number; deliveredTo: string }, void>;

  constructor(
    private readonly db: Db,
    private readonly transport: Transport,
    private readonly options: DispatcherOptions,
    private readonly log: Logger,
  ) {
    this.sent = new GroupCommit(db, { lanes: 1, maxBatch: 500, maxQueue: 100_000, oneStatement: true }, async (q, items) => {
      await run(q, sql.markSent(items));
      return items.map(() => undefined);
    });
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      let full = false;
      this.running = this.cycle()
        .then((n) => void (full = n >= this.options.batch))
        .catch((err: unknown) => this.log.warn({ err, channel: this.transport.channel }, 'dispatch cycle failed'));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(() => void loop(), full ? 0 : this.options.pollMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close?.();
  }

  /** One round: take tokens, claim that many due messages (one statement), send them, record each outcome. */
  async cycle(): Promise<number> {
    const { channel } = this.transport;
    const { ratePerSecond: rate, batch, leaseSeconds } = this.options;
    const round = () => run<sql.ClaimRow>(this.db, sql.claimWithinBudget(channel, rate, batch, leaseSeconds));
    let rows = (await round()).rows;
    if (rows[0]!.budgets === 0) {
      await run(this.db, sql.ensureBudget(channel, rate));
      rows = (await round()).rows;
    }
    const claimed = rows.filter((r): r is sql.ClaimRow & sql.ClaimedMessage => r.id !== null);
    await Promise.all(claimed.map((m) => this.deliver(m)));
    return claimed.length;
  }

  private async deliver(m: sql.ClaimedMessage): Promise<void> {
    const result = await this.transport.send(m);
    if (result.ok) {
      await this.sent.submit({ id: m.id, deliveredTo: result.deliveredTo });
      // Never the recipient or the text: logs carry no personal data. At debug: the message's row keeps when and
      // through whom it went, and in a rush a line per message (hundreds a second) is a synchronous write each on
      // the worker's event loop (stdout).
      this.log.debug({ message: m.id, kind: m.kind, channel: m.channel, to: result.deliveredTo }, 'message sent');
    } else if (result.retry && m.attempts < this.options.maxAttempts) {
      await run(this.db, sql.markRetry(m.id, backoff(m.attempts, this.options.retryBaseMs), result.error));
    } else {
      await run(this.db, sql.markFailed(m.id, `${result.error} (after ${m.attempts} attempt${m.attempts === 1 ? '' : 's'})`));
      this.log.warn({ message: m.id, kind: m.kind, channel: m.channel, attempts: m.attempts }, 'message failed; in the dead letters');
    }
  }
}
