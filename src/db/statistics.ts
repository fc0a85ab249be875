import type { Logger } from 'pino';
import { PG, pgCode, run, type Db, type Sql } from './pool.js';
import type { PeriodicTask } from '../jobs/leader.js';

/** A table is analysed once this many of its rows changed, and more than it had at its last analysis. */
const CHANGED_ROWS = 500;

/** Tables changed by more rows than they had when last analysed (never analysed: more than CHANGED_ROWS). */
const outdatedTables = (): Sql => ({
  text: `SELECT format('%I.%I', s.schemaname, s.relname) AS name
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
         WHERE s.n_mod_since_analyze >= $1 AND s.n_mod_since_analyze > greatest(c.reltuples, 0)
         ORDER BY s.n_mod_since_analyze DESC LIMIT 5`,
  values: [CHANGED_ROWS],
});

/**
 * Keeps the planner's statistics up with tables that grow fast from nearly empty. A node prepares the statements it
 * sends again (db/prepared.ts), and PostgreSQL keeps one plan for each once it has run a few times. Planned while a
 * table was small (the first release day of a new installation: no tickets, holds or bookings yet), that plan
 * scans the whole table, and each run costs more as the table grows: binding 8 people in line took 7 ms at 30,000
 * tickets instead of 0.3 ms. Autovacuum analyses a table about once a minute at best; this analyses a table as soon
 * as it has changed by more rows than it had when last analysed, so a growing table is analysed about each time it
 * doubles. ANALYZE makes PostgreSQL plan the statements on it again.
 */
export function freshStatistics(db: Db, log: Logger): PeriodicTask {
  /** Tables this role may not analyse (not their owner): asked once, then left to autovacuum. */
  const refused = new Set<string>();
  return {
    name: 'fresh-statistics',
    everyMs: 2000,
    async run() {
      const tables = (await run<{ name: string }>(db, outdatedTables())).rows.map((r) => r.name).filter((t) => !refused.has(t));
      for (const table of tables) {
        try {
          // The name comes from the catalog, quoted by format('%I'); ANALYZE takes no parameters.
          await db.query(`ANALYZE ${table}`);
        } catch (err) {
          if (pgCode(err) !== PG.insufficientPrivilege) throw err;
          refused.add(table);
          log.warn({ table }, 'this role may not ANALYZE the table; its statistics are left to autovacuum');
        }
      }
    },
  };
}
