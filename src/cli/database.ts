import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { createPool, type Db } from '../db/pool.js';

/**
 * For command-line tools: DATABASE_URL, or the embedded database under the data folder (started for
 * the command and stopped after it), migrated; `fn` gets a small pool. Errors are printed and set the
 * exit code.
 */
export async function withDatabase(config: Config, log: Logger, fn: (db: Db) => Promise<void>): Promise<void> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, log);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    await migrate(url, log);
    const db = createPool(url, 2);
    try {
      await fn(db);
    } finally {
      await db.end();
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  } finally {
    await embedded?.stop();
  }
}
