import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { migrate } from '../../src/db/migrate.js';

const TEMPLATE = 'ansturm_template';

/** Creates and migrates the template every test file's database is copied from; returns its name. */
export async function migratedTemplate(serverUrl: string): Promise<string> {
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE}`;
  await migrate(url.toString(), pino({ level: 'silent' }));
  return TEMPLATE;
}

/**
 * A fresh, migrated database on the test server for one test file: a copy of the migrated
 * template (`npm test` makes it once), or migrated here when there is none.
 * Returns its URL and a function that drops it.
 */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`');
  const template = process.env.TEST_TEMPLATE_DATABASE;
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (!template) await migrate(url.toString(), pino({ level: 'silent' }));
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client(serverUrl);
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Runs fn with a scratch database on the test server (created empty, not migrated), then
 * drops it once its connections are gone (some clients close without waiting).
 */
export async function withScratchDatabase<T>(serverUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `s_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    for (let i = 0; i < 50; i++) {
      const open = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (open.rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await admin.query(`DROP DATABASE ${name}`);
    await admin.end();
  }
}
