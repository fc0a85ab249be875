import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { seedDemoIfEmpty } from './seed/demo.js';
import { ensureFirstAdmin } from './staff/service.js';

export interface PreparedDatabase {
  url: string;
  embedded: EmbeddedDatabase | undefined;
}

/** Starts the embedded PostgreSQL unless DATABASE_URL names a server, then migrates and seeds it. */
export async function prepareDatabase(config: Config, log: Logger): Promise<PreparedDatabase> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, log);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    await migrate(url, log);
    const db = createPool(url, 2);
    try {
      if (config.seedDemo) await seedDemoIfEmpty(db, log);
      const first = await ensureFirstAdmin(db);
      if (first) {
        log.warn(`created the first staff admin for the console at /staff: username "${first.username}", password "${first.password}" (shown only this once; change it or reset it with npm run staff)`);
      }
    } finally {
      await db.end();
    }
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return { url, embedded };
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
  log.warn(`generated an admin token (kept in ${file}; shown only this once): ${token}`);
  return token;
}
