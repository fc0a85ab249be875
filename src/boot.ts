import { framedNotice } from './log.js';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { whenDatabaseAnswers } from './db/wait.js';
import { seedDemoIfEmpty } from './seed/demo.js';
import { ensureFirstAdmin } from './staff/service.js';

export interface StartedDatabase {
  url: string;
  embedded: EmbeddedDatabase | undefined;
}

/** Starts the embedded PostgreSQL unless DATABASE_URL names a server. */
export async function startDatabase(config: Config, log: Logger): Promise<StartedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: undefined };
  const embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, log);
  return { url: embedded.url, embedded };
}

/**
 * Migrates the database and seeds it (the demo, the first admin). Waits while the database is
 * not reachable (a server named by DATABASE_URL may start after us); `signal` ends the wait.
 */
export async function prepareDatabase(url: string, config: Config, log: Logger, signal?: AbortSignal): Promise<void> {
  await whenDatabaseAnswers('migrations', () => migrate(url, log), log, signal);
  await whenDatabaseAnswers('first start', () => seed(url, config, log), log, signal);
}

async function seed(url: string, config: Config, log: Logger): Promise<void> {
  const db = createPool(url, 2);
  try {
    if (config.seedDemo) await seedDemoIfEmpty(db, log);
    const first = await ensureFirstAdmin(db);
    if (first) {
      framedNotice([
        'The first staff admin for the console at /staff:',
        `  username  ${first.username}`,
        `  password  ${first.password}`,
        'Shown only this once. Change it after logging in, or reset it with',
        `  npm run staff -- reset-password ${first.username}`,
      ]);
      log.warn({ username: first.username }, 'created the first staff admin; its password is printed above, framed, and not logged');
    }
  } finally {
    await db.end();
  }
}

/**
 * ADMIN_TOKEN from the environment, or the one generated on first start and kept in
 * the data folder (printed once, when it is made).
 */
export async function resolveAdminToken(config: Config, log: Logger): Promise<string> {
  if (config.adminToken) return config.adminToken;
  const file = join(config.dataDir, 'admin-token');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const token = randomBytes(24).toString('base64url');
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, token + '\n', { mode: 0o600 });
  framedNotice([`An admin token for the API was generated and kept in ${file}:`, `  ${token}`, 'Shown only this once.']);
  log.warn({ file }, 'generated an admin token; it is printed above, framed, and not logged');
  return token;
}
