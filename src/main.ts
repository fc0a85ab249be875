import cluster, { type Worker } from 'node:cluster';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { prepareDatabase, resolveAdminToken } from './boot.js';
import { startNode } from './node.js';
import { serveClusterMetricsFromPrimary } from './metrics/cluster.js';

/** How long in-flight requests get to finish on SIGTERM before workers are killed. */
const SHUTDOWN_GRACE_MS = 25_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

const config = readConfig();
const log = pino({ level: config.logLevel, base: { pid: process.pid } });

if (cluster.isPrimary) await runPrimary(config, log);
else await runWorker(config, log);

/**
 * The primary owns the embedded database and the workers: it migrates and seeds once,
 * forks one worker per core, replaces workers that die, and on SIGTERM drains them
 * before it stops PostgreSQL.
 */
async function runPrimary(config: Config, log: Logger): Promise<void> {
  const database = await prepareDatabase(config, log);
  const adminToken = await resolveAdminToken(config, log);
  const env = { DATABASE_URL: database.url, ADMIN_TOKEN: adminToken };
  let stopping = false;
  let announced = false;

  const fork = (): Worker => cluster.fork(env);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ worker: worker.process.pid, code, signal }, 'worker died; starting a new one');
    setTimeout(fork, 500);
  });
  cluster.on('listening', (_worker, address) => {
    if (announced) return;
    announced = true;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    log.info(`Ansturm is listening on http://${host}:${address.port}  (API docs: /api/docs, ${config.workers} workers)`);
  });
  serveClusterMetricsFromPrimary();
  for (let i = 0; i < config.workers; i++) fork();

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining workers');
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => w.kill('SIGKILL'), SHUTDOWN_GRACE_MS);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
    await database.embedded?.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function runWorker(config: Config, log: Logger): Promise<void> {
  const node = await startNode(config, process.env.DATABASE_URL!, process.env.ADMIN_TOKEN!, log);
  await node.app.listen({ host: config.host, port: config.port });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await node.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('SIGINT', () => void close());
}
