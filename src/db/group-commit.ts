import type pg from 'pg';
import { AppError } from '../errors.js';
import { alone, isDatabaseUnavailable, isPoolTimeout, tx, type Db } from './pool.js';

export interface GroupCommitOptions<I> {
  /** Batches in flight at once, each on its own connection. */
  lanes: number;
  maxBatch: number;
  /** Requests waiting beyond this are shed with 503 and Retry-After. */
  maxQueue: number;
  /** Items that share a key never share a batch (one hold, one admission, one idempotency key). */
  keysOf?: (item: I) => string[];
  /**
   * `write` sends one statement, which is its own transaction: no BEGIN and COMMIT around it, two round
   * trips fewer (each one a wait for a busy node's event loop, with the connection idle in transaction).
   */
  oneStatement?: boolean;
  /** Told the size and time of each batch that committed. */
  onBatch?: (size: number, seconds: number) => void;
}

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(err: unknown): void;
}

const RETRY_AFTER_SECONDS = 2;

/**
 * Group commit: requests that arrive while earlier ones are being written wait, then go
 * together in one transaction, so a rush pays one commit (one WAL flush, one turn on each
 * hot row lock) per batch instead of one per request. There is no waiting window: a lone
 * request is written at once, and batches grow only while every lane is busy.
 *
 * `write` decides each item under the row locks it takes and returns one answer or refusal
 * (an AppError) per item, leaving nothing behind for a refused one. Answers are released
 * only after COMMIT. When a batch fails as a whole (a deadlock, a rule the decisions did not
 * foresee), each of its items is written again alone, so one bad item cannot sink its neighbours.
 */
export class GroupCommit<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private busy = 0;

  constructor(
    private readonly db: Db,
    private readonly options: GroupCommitOptions<I>,
    private readonly write: (q: pg.PoolClient, items: I[]) => Promise<(O | AppError)[]>,
  ) {}

  submit(item: I): Promise<O> {
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new AppError('OVERLOADED', undefined, { retryAfterSeconds: RETRY_AFTER_SECONDS }));
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Requests waiting for a lane (for the metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.busy < this.options.lanes && this.queue.length > 0) {
      const batch = this.take();
      this.busy++;
      void this.run(batch).finally(() => {
        this.busy--;
        this.pump();
      });
    }
  }

  /** The oldest waiting items, up to maxBatch, skipping any whose key is already in the batch. */
  private take(): Pending<I, O>[] {
    const keysOf = this.options.keysOf;
    if (!keysOf) return this.queue.splice(0, this.options.maxBatch);
    const batch: Pending<I, O>[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < this.options.maxBatch;) {
      const keys = keysOf(this.queue[i]!.item);
      if (keys.some((k) => seen.has(k))) {
        i++;
        continue;
      }
      for (const k of keys) seen.add(k);
      batch.push(...this.queue.splice(i, 1));
    }
    return batch;
  }

  private async run(batch: Pending<I, O>[]): Promise<void> {
    let results: (O | AppError)[];
    const started = performance.now();
    try {
      const items = batch.map((p) => p.item);
      results = this.options.oneStatement
        ? await alone(this.db, (q) => this.write(q, items))
        : await tx(this.db, (q) => this.write(q, items), { genericPlans: true });
      this.options.onBatch?.(batch.length, (performance.now() - started) / 1000);
    } catch (err) {
      // No connection came (the pool is exhausted, the database is away): trying each item alone would not help.
      if (batch.length === 1 || isPoolTimeout(err) || isDatabaseUnavailable(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) await this.run([p]);
      return;
    }
    results.forEach((r, i) => (r instanceof AppError ? batch[i]!.reject(r) : batch[i]!.resolve(r)));
  }
}
