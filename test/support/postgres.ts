import { readFile, rm, mkdtemp, chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';

/** A PostgreSQL server of one test file's own, as a separate process it may stop, start and kill. */
export interface OwnPostgres {
  url: string;
  /** Fast shutdown (SIGINT): sessions are ended with 57P01, as an operator's restart does. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGKILL of the postmaster, as a crash or the OOM killer would: no clean shutdown, crash recovery on the next start. */
  kill(): Promise<void>;
  remove(): Promise<void>;
}

const silent = pino({ level: 'silent' });

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'ansturm-own-pg-'));
  await chmod(dir, 0o755); // the postgres user must reach it when we run as root
  const port = await freePort();
  let server: EmbeddedDatabase | undefined = await startEmbeddedPostgres(dir, port, silent);
  const url = server.url;
  const postmasterPid = async () => Number((await readFile(join(dir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);

  const start = async () => {
    // After a SIGKILL the old server's backends notice their postmaster is gone and leave within
    // moments; until they have, the new one refuses the shared memory they still hold.
    for (let attempt = 1; ; attempt++) {
      try {
        server = await startEmbeddedPostgres(dir, port, silent);
        return;
      } catch (err) {
        if (attempt >= 40) throw err;
        await sleep(250);
      }
    }
  };
  return {
    url,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    start,
    async kill() {
      const pid = await postmasterPid();
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(25);
      server = undefined;
    },
    async remove() {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
