import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import { primaryConnection } from './hosts.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Applies pending migrations. node-pg-migrate holds an advisory lock while it runs;
 * with advisoryLockMode 'wait', processes that start together queue behind it instead of failing.
 */
export async function migrate(databaseUrl: string, log: Logger): Promise<void> {
  const client = primaryConnection(databaseUrl, { application_name: 'ansturm-migrate' });
  client.on('error', () => undefined); // the statement in flight fails with it
  await client.connect();
  const applied = await runner({
    dbClient: client,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    advisoryLockMode: 'wait',
    singleTransaction: true,
    log: () => undefined,
  }).finally(() => client.end().catch(() => undefined));
  if (applied.length > 0) log.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
}
