/**
 * `npm test`: starts one throwaway embedded PostgreSQL, then runs every test file with
 * node's test runner. Each test file creates its own database on that server
 * (test/support/db.ts), so files run in parallel without seeing each other's rows.
 * Pass file paths to run only those: `npm test -- test/booking.test.ts`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migratedTemplate } from '../test/support/db.js';
import { debianPostgresBin } from '../test/topology/postgres.js';

const TEST_PG_PORT = 54399;

const log = pino({ level: process.env.TEST_PG_LOG ?? 'warn' });
const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : (await readdir('test'))
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => join('test', f));

await ensureDebianPrograms(files);

const dir = await mkdtemp(join(tmpdir(), 'ansturm-test-'));
await import('node:fs/promises').then((fs) => fs.chmod(dir, 0o755)); // the postgres user must reach it when we run as root
const pg = await startEmbeddedPostgres(dir, Number(process.env.TEST_PG_PORT ?? TEST_PG_PORT), log, { persistent: false });
// Migrated once; each test file's database is a copy of it (test/support/db.ts), not a fresh migration.
const template = await migratedTemplate(pg.url);

const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: pg.url, TEST_TEMPLATE_DATABASE: template, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

await pg.stop();
await rm(dir, { recursive: true, force: true });
process.exit(code);

/**
 * Some tests run Debian programs: the browser tests its Chromium (playwright-core never downloads one),
 * the balancer test its HAProxy. When one a chosen test needs is missing, install it if this process
 * may (root with apt-get, as on CI and a fresh VM); otherwise stop before any test starts, with the one
 * command to run.
 */
async function ensureDebianPrograms(testFiles: string[]): Promise<void> {
  const programs = [
    { pkg: 'chromium', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', for: /web(-languages)?\.test\.ts$/ }, // as test/support/browser.ts
    { pkg: 'haproxy', path: '/usr/sbin/haproxy', for: /haproxy\.test\.ts$/ },
    // A primary and a standby of Debian's own PostgreSQL, made with its pg_basebackup (test/topology/postgres.ts)
    { pkg: 'postgresql', path: debianPostgresBin() ?? '/usr/lib/postgresql/<version>/bin', for: /database-hosts\.test\.ts$/ },
  ];
  const missing = programs.filter((p) => !existsSync(p.path) && testFiles.some((f) => p.for.test(f)));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.map((p) => p.pkg).join(' ')}`;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`npm test: ${missing.map((p) => p.path).join(', ')} missing; installing from Debian: ${command}`);
    const done = spawnSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (done.status === 0 && missing.every((p) => existsSync(p.pkg === 'postgresql' ? (debianPostgresBin() ?? p.path) : p.path))) return;
  }
  console.error(
    `npm test: some tests need ${missing.map((p) => p.pkg).join(' and ')} from Debian. Install, then run npm test again:\n\n  sudo sh -c '${command}'\n`,
  );
  process.exit(1);
}
