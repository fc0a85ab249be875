import pg from 'pg';

/**
 * What the database's sessions were doing, on average over a second: PostgreSQL's own view
 * (`pg_stat_activity`), sampled ten times a second. A server that falls behind with cores to spare waits for
 * something; this says what.
 */
export interface SessionReading {
  /** Running a statement on a core (no wait event). */
  running: number;
  /** Waiting for a row or table lock another transaction holds. */
  rowLocks: number;
  /** Waiting for the WAL: its flush to disk at a commit, or another session's write of it. */
  walFlush: number;
  /** Waiting for anything else (buffers, other internal locks, reads). */
  otherWaits: number;
  /** In a transaction, waiting for its node to send the next statement (the node's event loop, the network). */
  waitingForNode: number;
  /** Of those, by the statement each had run last (its first words): what the node was to follow up. */
  waitingAfter?: Record<string, number>;
}

/** The first characters of a statement that say which it is. */
const HEAD = 48;

const SAMPLE = `SELECT count(*) FILTER (WHERE state = 'active' AND wait_event_type IS NULL)::int AS running,
         count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')::int AS row_locks,
         count(*) FILTER (WHERE state = 'active' AND wait_event IN ('WalSync', 'WalWrite', 'WALWrite', 'WALInsert'))::int AS wal_flush,
         count(*) FILTER (WHERE state = 'active' AND wait_event_type IS NOT NULL AND wait_event_type <> 'Lock'
                            AND wait_event NOT IN ('WalSync', 'WalWrite', 'WALWrite', 'WALInsert'))::int AS other_waits,
         count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS waiting_for_node,
         coalesce(array_agg(left(regexp_replace(query, '\\s+', ' ', 'g'), ${HEAD})) FILTER (WHERE state LIKE 'idle in transaction%'), '{}') AS waiting_after
       FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()`;

const EVERY_MS = 100;

/** Samples the sessions of the database at `url` until stopped; `second()` hands over the average since the last call. */
export async function sampleSessions(url: string) {
  const client = new pg.Client(url);
  client.on('error', () => undefined); // a run that stops early stops its database under it
  await client.connect();
  const zero = (): SessionReading & { waitingAfter: Record<string, number> } => ({
    running: 0,
    rowLocks: 0,
    walFlush: 0,
    otherWaits: 0,
    waitingForNode: 0,
    waitingAfter: {},
  });
  let sum = zero();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const row = (
        await client
          .query<{ running: number; row_locks: number; wal_flush: number; other_waits: number; waiting_for_node: number; waiting_after: string[] }>(SAMPLE)
          .catch(() => ({ rows: [] }))
      ).rows[0];
      if (row) {
        sum = {
          running: sum.running + row.running,
          rowLocks: sum.rowLocks + row.row_locks,
          walFlush: sum.walFlush + row.wal_flush,
          otherWaits: sum.otherWaits + row.other_waits,
          waitingForNode: sum.waitingForNode + row.waiting_for_node,
          waitingAfter: sum.waitingAfter,
        };
        for (const head of row.waiting_after) sum.waitingAfter[head] = (sum.waitingAfter[head] ?? 0) + 1;
        samples++;
      }
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
  })();
  return {
    /** The average number of sessions in each state since the last call (null: no sample). */
    second(): SessionReading | null {
      if (samples === 0) return null;
      const round = (n: number) => Math.round((n / samples) * 100) / 100;
      const average = {
        running: round(sum.running),
        rowLocks: round(sum.rowLocks),
        walFlush: round(sum.walFlush),
        otherWaits: round(sum.otherWaits),
        waitingForNode: round(sum.waitingForNode),
        waitingAfter: Object.fromEntries(Object.entries(sum.waitingAfter).map(([head, n]) => [head, round(n)])),
      };
      sum = zero();
      samples = 0;
      return average;
    },
    async stop() {
      stopped = true;
      await loop;
      await client.end().catch(() => undefined);
    },
  };
}
