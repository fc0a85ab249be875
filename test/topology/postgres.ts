import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { waitUntil } from '../support/cluster.js';
import { freePort, isAlive } from '../support/postgres.js';

/**
 * Debian's PostgreSQL as an operator runs it, on loopback: a primary and a synchronous standby
 * made with pg_basebackup, both using deploy/postgres/replication.conf, WAL archived to a folder,
 * promotion with deploy/postgres/promote.sql. The servers are separate processes this module
 * starts and may kill; every one it started is stopped by `remove()`.
 */

const run = promisify(execFile);
const PASSWORD = 'topology-secret';
const DEPLOY = resolve('deploy/postgres');

/** The newest PostgreSQL from Debian's packages (postgresql-NN). */
export function debianPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'pg_basebackup')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the postgres user. */
const asPostgres = (program: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];

async function pgTool(bin: string, tool: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const [program, argv] = asPostgres(join(bin, tool), args);
  const { stdout } = await run(program, argv, { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  return stdout;
}

export interface PgServer {
  name: string;
  port: number;
  dir: string;
  /** The application's URL (user ansturm). */
  url: string;
  pid(): Promise<number>;
  start(): Promise<void>;
  /** SIGKILL of the postmaster, as a power cut would: its backends notice and leave. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
}

export interface ReplicatedPostgres {
  primary: PgServer;
  standby: PgServer;
  /** Both, in libpq's multi-host form, for DATABASE_URL. */
  url: string;
  archiveDir: string;
  bin: string;
  /** Makes the standby the primary with deploy/postgres/promote.sql. */
  promote(server: PgServer): Promise<void>;
  /** pg_basebackup of `from` into a new folder (for a restore). */
  baseBackup(from: PgServer): Promise<string>;
  /** Starts a server from a base backup and the WAL archive (recovery to the archive's end), as a restore does. */
  restore(backupDir: string): Promise<PgServer>;
  remove(): Promise<void>;
}

export async function startReplicatedPostgres(): Promise<ReplicatedPostgres> {
  const bin = debianPostgresBin();
  if (!bin) throw new Error('Debian PostgreSQL (apt-get install postgresql) is needed for the topology test');
  const root = await mkdtemp(join(tmpdir(), 'ansturm-topology-pg-'));
  await chmod(root, 0o777);
  const archiveDir = join(root, 'wal-archive');
  await mkdir(archiveDir, { mode: 0o777 });
  await chmod(archiveDir, 0o777);
  const servers: PgServer[] = [];

  const server = async (name: string, dir: string, port?: number): Promise<PgServer> => {
    port ??= await freePort();
    const url = `postgres://ansturm:${PASSWORD}@127.0.0.1:${port}/ansturm`;
    let admin: pg.Pool | undefined;
    const s: PgServer = {
      name,
      port,
      dir,
      url,
      pid: async () => Number((await readFile(join(dir, 'postmaster.pid'), 'utf8')).split('\n')[0]),
      async start() {
        // After a SIGKILL the old backends take a moment to leave the shared memory; try again until they have.
        for (let attempt = 1; ; attempt++) {
          try {
            await pgTool(bin, 'pg_ctl', ['-D', dir, '-o', `-p ${port}`, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
            return;
          } catch (err) {
            if (attempt >= 40) throw new Error(`${name} did not start:\n${await readFile(join(dir, 'server.log'), 'utf8').catch(() => '')}`, { cause: err });
            await sleep(250);
          }
        }
      },
      async kill() {
        await admin?.end().catch(() => undefined);
        admin = undefined;
        const pid = await s.pid();
        process.kill(pid, 'SIGKILL');
        for (let i = 0; i < 400 && isAlive(pid); i++) await sleep(25);
      },
      async stop() {
        await admin?.end().catch(() => undefined);
        admin = undefined;
        if (existsSync(join(dir, 'postmaster.pid'))) await pgTool(bin, 'pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      },
      async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
        if (!admin) {
          admin = new pg.Pool({ connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/ansturm`, max: 2 });
          admin.on('error', () => undefined);
        }
        return (await admin.query<R>(text, values)).rows;
      },
    };
    servers.push(s);
    return s;
  };

  const configure = async (dir: string, name: string, port: number) => {
    // The shipped file, then what differs on loopback: one machine's paths, ports and names.
    await appendFile(
      join(dir, 'postgresql.conf'),
      [
        `include '${join(DEPLOY, 'replication.conf')}'`,
        `port = ${port}`,
        `listen_addresses = '127.0.0.1'`,
        `max_connections = 300`,
        `cluster_name = '${name}'`,
        `archive_command = 'test ! -f ${archiveDir}/%f && cp %p ${archiveDir}/%f.tmp && mv ${archiveDir}/%f.tmp ${archiveDir}/%f || cmp -s %p ${archiveDir}/%f'`,
        `unix_socket_directories = '${dir}'`,
        `fsync = on`,
        '',
      ].join('\n'),
    );
  };

  // The primary: initdb, the roles of deploy/README.md (ansturm owns its database; replicator streams).
  const primaryDir = join(root, 'db1');
  const pwfile = join(root, 'pw');
  await writeFile(pwfile, PASSWORD + '\n', { mode: 0o644 });
  await pgTool(bin, 'initdb', ['-D', primaryDir, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8']);
  const primary = await server('db1', primaryDir);
  await configure(primaryDir, 'db1', primary.port);
  await writeFile(
    join(primaryDir, 'pg_hba.conf'),
    ['local all all scram-sha-256', 'host all all 127.0.0.1/32 scram-sha-256', 'host replication replicator 127.0.0.1/32 scram-sha-256', ''].join('\n'),
  );
  await primary.start();
  {
    const db = new pg.Client(`postgres://postgres:${PASSWORD}@127.0.0.1:${primary.port}/postgres`);
    await db.connect();
    // No standby yet to wait for: these commits are local (the rest of the world waits for db2).
    await db.query(`SET synchronous_commit = local`);
    await db.query(`CREATE ROLE ansturm LOGIN PASSWORD '${PASSWORD}'`);
    await db.query(`CREATE ROLE replicator LOGIN REPLICATION PASSWORD '${PASSWORD}'`);
    await db.query(`CREATE DATABASE ansturm OWNER ansturm`);
    // The replica's staleness is read from pg_stat_wal_receiver, whose details need this role.
    await db.query(`GRANT pg_read_all_stats TO ansturm`);
    await db.end();
  }

  // The standby: a base backup of the primary that follows it (-R writes standby.signal and primary_conninfo).
  const standbyDir = join(root, 'db2');
  const standbyPort = await freePort();
  await pgTool(
    bin,
    'pg_basebackup',
    ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'replicator', '-D', standbyDir, '-R', '-X', 'stream', '-c', 'fast'],
    {
      PGPASSWORD: PASSWORD,
    },
  );
  await appendFile(
    join(standbyDir, 'postgresql.auto.conf'),
    `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=replicator password=${PASSWORD} application_name=db2'\n`,
  );
  await appendFile(join(standbyDir, 'postgresql.conf'), `port = ${standbyPort}\ncluster_name = 'db2'\nunix_socket_directories = '${standbyDir}'\n`);
  const standby = await server('db2', standbyDir, standbyPort);
  await standby.start();
  await waitFor('the standby to stream synchronously', async () => {
    const rows = await primary.query<{ sync_state: string }>(`SELECT sync_state FROM pg_stat_replication WHERE application_name = 'db2'`);
    return rows[0]?.sync_state === 'sync';
  });

  return {
    primary,
    standby,
    url: `postgres://ansturm:${PASSWORD}@127.0.0.1:${primary.port},127.0.0.1:${standby.port}/ansturm`,
    archiveDir,
    bin,
    async promote(s) {
      const text = await readFile(join(DEPLOY, 'promote.sql'), 'utf8');
      // As psql -f does: one statement at a time (ALTER SYSTEM may not run inside a transaction block).
      const statements = text
        .split('\n')
        .filter((l) => !l.trimStart().startsWith('--'))
        .join('\n')
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean);
      for (const statement of statements) await s.query(statement);
    },
    async baseBackup(from) {
      const dir = join(root, `backup-${Date.now()}`);
      await pgTool(bin, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(from.port), '-U', 'replicator', '-D', dir, '-X', 'stream', '-c', 'fast'], {
        PGPASSWORD: PASSWORD,
      });
      return dir;
    },
    async restore(backupDir) {
      const dir = join(root, `restored-${Date.now()}`);
      await run('cp', ['-a', backupDir, dir]);
      // Recovery from the archive to its end, then a server of its own (no standby to wait for, no archiving).
      await appendFile(
        join(dir, 'postgresql.auto.conf'),
        [
          `restore_command = 'cp ${archiveDir}/%f %p'`,
          `recovery_target_action = 'promote'`,
          `synchronous_standby_names = ''`,
          `archive_mode = off`,
          `primary_conninfo = ''`,
          '',
        ].join('\n'),
      );
      await writeFile(join(dir, 'recovery.signal'), '');
      if (process.getuid?.() === 0) await run('chown', ['-R', 'postgres:postgres', dir]);
      const restored = await server('restored', dir);
      await appendFile(join(dir, 'postgresql.conf'), `port = ${restored.port}\nunix_socket_directories = '${dir}'\n`);
      await restored.start();
      await waitFor('the restore to finish recovery', async () => (await restored.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]?.r === false);
      return restored;
    },
    async remove() {
      for (const s of servers) await s.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A server still starting refuses the check's connection: that is "not yet". */
const waitFor = (what: string, check: () => Promise<boolean>) => waitUntil(what, check, 60_000, { retryErrors: true });
