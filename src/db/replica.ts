import type pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, type Db, type Queryable } from './pool.js';

/** How often the replica's staleness is measured. */
const MEASURE_EVERY_MS = 1_000;

/**
 * How far the replica is behind the primary, in milliseconds: 0 when it has replayed all it received
 * (with synchronous replication it has received every acknowledged commit), otherwise the age of the
 * last transaction it replayed (an upper bound); NULL when it does not stream from a primary at all
 * (the primary is away: its reads would grow staler by the second). A replica that has been promoted
 * is a primary and current.
 */
const STALENESS = `
  SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE greatest(0, extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)
  END::float8 AS lag_ms`;

/**
 * Where read-mostly work reads (the availability view, the waiting rooms' view, the dashboard):
 * the replica named by DATABASE_REPLICA_URL while it is at most `maxLagMs` behind, else the primary.
 * Its staleness is measured every second, so a read is at most `maxLagMs` plus one second old. Holds,
 * bookings and everything else that writes or must see the latest write never come here.
 */
export class ReadSource implements Queryable {
  private lagMs: number | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly primary: Db,
    private readonly replica: Db | undefined,
    readonly maxLagMs: number,
    private readonly log: Logger,
  ) {}

  /** Whether DATABASE_REPLICA_URL names a replica. */
  get hasReplica(): boolean {
    return this.replica !== undefined;
  }

  /** Milliseconds the replica is behind; null if there is none or its staleness is unknown. */
  get staleness(): number | null {
    return this.replica ? this.lagMs : null;
  }

  /** Whether reads go to the replica now. */
  get onReplica(): boolean {
    return this.replica !== undefined && this.lagMs !== null && this.lagMs <= this.maxLagMs;
  }

  async start(): Promise<void> {
    if (!this.replica) return;
    await this.measure();
    this.timer = setInterval(() => void this.measure(), MEASURE_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.replica?.end();
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.read<R>(this.primary, text, values);
  }

  /** The same reads, falling back to `primary` (the staff's own pool, so a rush does not starve their dashboard). */
  or(primary: Db): Queryable {
    return { query: (text, values) => this.read(primary, text, values) };
  }

  private async read<R extends pg.QueryResultRow>(primary: Db, text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.onReplica) {
      try {
        return await this.replica!.query<R>(text, values);
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        this.lagMs = null; // gone: the primary answers until a measurement finds it again
      }
    }
    return primary.query<R>(text, values);
  }

  private async measure(): Promise<void> {
    const was = this.onReplica;
    try {
      this.lagMs = (await this.replica!.query<{ lag_ms: number | null }>(STALENESS)).rows[0]!.lag_ms;
    } catch {
      this.lagMs = null;
    }
    if (was !== this.onReplica) {
      this.log[this.onReplica ? 'info' : 'warn'](
        { stalenessMs: this.lagMs, maxLagMs: this.maxLagMs },
        this.onReplica ? 'the replica is fresh enough; reading from it' : 'the replica is away or too far behind; reading from the primary',
      );
    }
  }
}
