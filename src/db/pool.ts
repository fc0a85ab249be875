import pg from 'pg';
import { primaryClient } from './hosts.js';
import { commitWith } from './pipeline.js';
import { isStalePlan, preparing } from './prepared.js';
import { clockOffsetStatement, systemClock, type Clock } from '../time/clock.js';

/** A parameterised statement, written by hand next to the aggregate that owns it. */
export interface Sql {
  text: string;
  values: unknown[];
}

/** Anything that can run a statement: the pool, or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export type Db = pg.Pool;

// Return bigint ids as numbers (ours stay far below 2^53) and dates as text, so a
// date of birth is never shifted by the server's time zone.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
const INT8_ARRAY = 1016 as Parameters<typeof pg.types.getTypeParser>[0]; // int8[], e.g. the centres of a staff account
const parseTextArray = pg.types.getTypeParser(INT8_ARRAY) as (v: string) => (string | null)[];
pg.types.setTypeParser(INT8_ARRAY, (v) => parseTextArray(v).map((x) => (x === null ? null : Number(x))));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/**
 * A request that waits longer than `connectTimeoutMs` for a connection is shed with 503
 * (and Retry-After) instead of queueing on behind a saturated database.
 */
export function createPool(connectionString: string, max: number, connectTimeoutMs = 5_000, clock: Clock = systemClock): Db {
  const pool = new pg.Pool({
    connectionString,
    // Several hosts in the URL: each connection goes to the one that is the primary now (db/hosts.ts).
    // Statements sent again and again are prepared once per connection (db/prepared.ts).
    Client: preparing(primaryClient(connectionString)),
    max,
    application_name: 'ansturm',
    connectionTimeoutMillis: connectTimeoutMs,
    // A server that vanished without closing its sockets is noticed by the kernel, not never.
    keepAlive: true,
  });
  // A client that loses its connection must not crash the process: pg emits 'error' on it, and
  // the pool listens only while the client is idle. A client checked out at that moment (a
  // transaction in flight when PostgreSQL stops) had no listener, so Node threw. The query in
  // flight fails with the same error and is answered 503; the pool drops the broken client.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', () => undefined);
  if (clock !== systemClock) followClock(pool, clock);
  return pool;
}

/**
 * Gives each connection the clock's offset (time/clock.ts) before it is handed out, once the clock has
 * moved: checkout (`connect`, which `pool.query` uses too) awaits the SET first. Only test clocks move.
 */
function followClock(pool: pg.Pool, clock: Clock): void {
  const seen = new WeakMap<pg.PoolClient, number>();
  const checkout = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const following = async (): Promise<pg.PoolClient> => {
    const client = await checkout();
    const generation = clock.generation;
    if (seen.get(client) === generation) return client;
    try {
      await client.query(clockOffsetStatement(clock));
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    seen.set(client, generation);
    return client;
  };
  type Callback = (err: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void;
  pool.connect = ((callback?: Callback) => {
    if (!callback) return following();
    following().then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as Error | boolean | undefined)),
      (err: Error) => callback(err),
    );
  }) as typeof pool.connect;
}

export const run = <R extends pg.QueryResultRow = pg.QueryResultRow>(db: Queryable, sql: Sql) => db.query<R>(sql.text, sql.values);

/** PostgreSQL error codes we expect and handle by name. */
export const PG = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  foreignKeyViolation: '23503',
  exclusionViolation: '23P01',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  /** A lock not waited for (NOWAIT, or a row SKIP LOCKED passed over that was needed after all). */
  lockNotAvailable: '55P03',
  insufficientPrivilege: '42501',
} as const;

/** pg-pool's error when no connection became free in time: the node is over capacity. */
export const isPoolTimeout = (err: unknown): boolean => err instanceof Error && err.message === 'timeout exceeded when trying to connect';

/** Network errors of the socket to PostgreSQL. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** What pg says when a connection ends under it, or never came. */
const CONNECTION_LOST = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * The database is not there (stopped, restarting, failing over, unreachable) rather than the
 * request being wrong: the request is answered 503 with Retry-After and may be sent again.
 * 57P01-57P03: the server shuts down, crashed, or is still starting; class 08: the connection failed;
 * 53300: it has no connection slot left; 25006: it is read-only (a standby: the primary is failing over);
 * a prepared statement's plan went stale under a migration (db/prepared.ts: the next attempt prepares it anew).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (isStalePlan(err)) return true;
  const code = pgCode(err);
  if (code !== undefined && (SOCKET_ERRORS.has(code) || /^57P0[123]$/.test(code) || code.startsWith('08') || code === '53300' || code === '25006')) return true;
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable);
  return err instanceof Error && CONNECTION_LOST.test(err.message);
}

export const pgCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;

export const pgConstraint = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'constraint' in err ? String((err as { constraint: unknown }).constraint) : undefined;

export interface TxOptions {
  /** Tries in all (5): see `tx` for the failures that are tried again. */
  attempts?: number;
  /**
   * Every prepared statement of the transaction runs on the plan it was given once per connection
   * (db/prepared.ts), never planned again for its parameters' values. For the rush's own transactions
   * (db/group-commit.ts), whose statements find their rows by key and write their states as literals.
   */
  genericPlans?: boolean;
}

/**
 * Runs fn in one transaction. A deadlock or serialization failure means PostgreSQL chose
 * this transaction as the victim and rolled all of it back, so running it again is safe; so does
 * a lock it did not wait for (55P03), a stale prepared statement (db/prepared.ts), which the
 * next attempt prepares anew, and a unique violation by a statement sent with the COMMIT (`atCommit`):
 * a concurrent transaction wrote that row first, and the next attempt reads it.
 */
export async function tx<T>(db: Db, fn: (q: pg.PoolClient) => Promise<T>, options: TxOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const begin = options.genericPlans ? 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan' : 'BEGIN';
  for (let attempt = 1; ; attempt++) {
    const client = await db.connect();
    const last: Sql[] = [];
    withCommit.set(client, last);
    let committing = false;
    try {
      await client.query(begin);
      const result = await fn(client);
      committing = true;
      if (last.length === 0) await client.query('COMMIT');
      else await commitWith(client, last.length === 1 ? last[0]! : together(last));
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = pgCode(err);
      const retryable =
        code === PG.deadlockDetected ||
        code === PG.serializationFailure ||
        code === PG.lockNotAvailable ||
        isStalePlan(err) ||
        (committing && last.length > 0 && code === PG.uniqueViolation);
      if (!retryable || attempt >= attempts) throw err;
    } finally {
      withCommit.delete(client);
      client.release();
    }
  }
}

/** The statements each open `tx` sends with its COMMIT. */
const withCommit = new WeakMap<pg.ClientBase, Sql[]>();

/**
 * Sends a statement whose answer nobody reads (it writes what the transaction decided, such as the answers kept for
 * Idempotency-Keys) together with the COMMIT of the `tx` that `q` runs: one round trip fewer, in which the
 * transaction's row locks would be held while the node's event loop gets round to it. Should it fail, the COMMIT
 * does not happen and the transaction rolls back as a whole (and is tried again for a unique violation: see `tx`).
 * The statement and the COMMIT go in one write (db/pipeline.ts); several sent so go as one (`together`).
 * Outside a `tx` it runs at once.
 */
export async function atCommit(q: pg.ClientBase, sql: Sql): Promise<void> {
  const last = withCommit.get(q);
  if (last) last.push(sql);
  else await run(q, sql);
}

/**
 * Statements that do not depend on each other, sent as one in one round trip: each (an INSERT, UPDATE or
 * DELETE without RETURNING, its parameters numbered from $1) becomes a data-modifying WITH query. They run
 * on one snapshot, so none sees what another changes. The answer is one row: `changed`, how many rows each
 * statement changed, in order.
 */
export function together(statements: Sql[]): Sql {
  if (statements.length === 0) throw new Error('together() needs a statement');
  let before = 0;
  const queries = statements.map((statement, i) => {
    const text = renumbered(statement, before);
    before += statement.values.length;
    return `s${i} AS (${text} RETURNING 1)`;
  });
  return {
    text: `WITH ${queries.join(', ')} SELECT ARRAY[${statements.map((_, i) => `(SELECT count(*) FROM s${i})`).join(', ')}]::int[] AS changed`,
    values: statements.flatMap((statement) => statement.values),
  };
}

/** A statement's text with its parameters numbered after `before` others ($1 becomes $before+1), to be part of a larger one. */
export const renumbered = (statement: Sql, before: number): string => statement.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + before}`);

/** Runs `fn` on a connection of its own outside a transaction: for a single statement, which is one by itself. */
export async function alone<T>(db: Db, fn: (q: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/** Whether the database answers a trivial statement within `timeoutMs` (a readiness probe's question). */
export async function databaseAnswers(db: Db, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([db.query('SELECT 1').then(() => true as const), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
