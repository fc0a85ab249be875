import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { createLogger } from './log.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { prepareDatabase, resolveAdminToken, startDatabase } from './boot.js';
import { whenDatabaseAnswers } from './db/wait.js';
import { startNode, type RunningNode } from './node.js';
import { listenNotReady } from './not-ready.js';
import { serveClusterMetricsFromPrimary } from './metrics/cluster.js';

/** Messages between the primary and its workers. */
const ASK_DATABASE = 'ansturm:database?';
const DATABASE_READY = 'ansturm:database-ready';
const WORKER_READY = 'ansturm:worker-ready';

/** A worker that dies before it ever served is started again after this, doubling each time in a row... */
const FIRST_RESTART_MS = 500;
/** ...until this many in a row have failed: then the fault is not passing, and the primary gives up. */
const MOST_START_FAILURES = 5;

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
const log = createLogger({ level: config.logLevel, base: { pid: process.pid } });

if (cluster.isPrimary) await runPrimary(config, log);
else await runWorker(config, log);

/**
 * The primary owns the embedded database and the workers. It forks the workers at once (they
 * answer 503 until they are ready), migrates and seeds once the database answers, then lets
 * the workers start. On SIGTERM it drains them before it stops PostgreSQL. Its exit code says
 * whether all went well.
 */
async function runPrimary(config: Config, log: Logger): Promise<void> {
  const metrics = await serveClusterMetricsFromPrimary(config.metricsHost, config.metricsPort).catch((err: unknown) => {
    log.fatal({ err }, `cannot serve metrics on ${config.metricsHost}:${config.metricsPort} (set ANSTURM_METRICS_PORT)`);
    process.exit(1);
  });
  log.info(`metrics for Prometheus on http://${metrics.address}:${metrics.port}/metrics`);
  const database = await startDatabase(config, log);
  const adminToken = await resolveAdminToken(config, log);
  const stopped = new AbortController();

  async function shutdown(reason: string, exitCode = 0): Promise<void> {
    if (stopped.signal.aborted) return;
    stopped.abort();
    log.info({ reason }, 'shutting down: draining workers');
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const killed = await Promise.all(workers.map((w) => drain(w, config.shutdownGraceMs)));
    const unclean = killed.filter(Boolean).length;
    await database.embedded?.stop();
    if (unclean > 0) {
      log.error({ workers: unclean, graceMs: config.shutdownGraceMs }, 'stopped uncleanly: workers were killed with requests still in flight');
      process.exit(1);
    }
    log.info('stopped');
    process.exit(exitCode);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const workers = superviseWorkers(
    config,
    { DATABASE_URL: database.url, ADMIN_TOKEN: adminToken },
    log,
    stopped.signal,
    () => void shutdown('start failures', 1),
  );
  try {
    await prepareDatabase(database.url, config, log, stopped.signal);
  } catch (err) {
    if (stopped.signal.aborted) return;
    log.fatal({ err }, 'the database could not be prepared');
    await shutdown('database not prepared', 1);
    return;
  }
  workers.databaseReady();
}

/**
 * Forks the workers and keeps them: tells them when the database is prepared, replaces one that
 * dies after it served, and backs off from one that dies while starting; after
 * MOST_START_FAILURES of those in a row it calls `giveUp`. Announces the address once one serves.
 */
function superviseWorkers(config: Config, env: Record<string, string>, log: Logger, stopped: AbortSignal, giveUp: () => void) {
  let prepared = false;
  let startFailures = 0;
  let publicUrl: string | undefined;
  let announced = false;
  const served = new WeakSet<Worker>();
  const waiting = new Set<Worker>();
  const fork = (): Worker => cluster.fork(env);

  cluster.on('message', (worker, message: { type?: string }) => {
    if (message?.type === ASK_DATABASE) {
      if (prepared) worker.send({ type: DATABASE_READY });
      else waiting.add(worker);
    } else if (message?.type === WORKER_READY) {
      served.add(worker);
      startFailures = 0;
      if (!announced) log.info(`Ansturm is listening on ${publicUrl}  (API docs: /api/docs, ${config.workers} ${config.workers === 1 ? 'worker' : 'workers'})`);
      announced = true;
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    waiting.delete(worker);
    if (stopped.aborted) return;
    if (served.has(worker)) {
      log.error({ worker: worker.process.pid, code, signal }, 'worker died; starting a new one');
      setTimeout(fork, FIRST_RESTART_MS);
      return;
    }
    startFailures++;
    if (startFailures >= MOST_START_FAILURES) {
      log.fatal({ code, signal, failures: startFailures }, `workers failed to start ${startFailures} times in a row; giving up (see the errors above)`);
      giveUp();
      return;
    }
    const delay = FIRST_RESTART_MS * 2 ** (startFailures - 1);
    log.error({ worker: worker.process.pid, code, signal, retryInMs: delay }, 'worker died while starting; trying again');
    setTimeout(fork, delay);
  });
  cluster.on('listening', (_worker, address) => {
    if (publicUrl) return;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    publicUrl = `http://${host}:${address.port}`;
    log.info(`port open on ${publicUrl}: answering 503 until the workers are ready`);
  });
  for (let i = 0; i < config.workers; i++) fork();

  return {
    databaseReady(): void {
      prepared = true;
      for (const worker of waiting) worker.send({ type: DATABASE_READY });
      waiting.clear();
    },
  };
}

/** Asks a worker to finish its requests and stop; kills it after the grace period. Resolves true if it had to be killed. */
function drain(worker: Worker, graceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (worker.isDead()) return resolve(false);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      worker.process.kill('SIGKILL');
    }, graceMs);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve(killed);
    });
    worker.process.kill('SIGTERM');
  });
}

/**
 * A worker answers 503 from its first moment, waits until the primary has prepared the
 * database and until the database answers, then serves. SIGTERM at any point ends it cleanly.
 */
async function runWorker(config: Config, log: Logger): Promise<void> {
  const stopped = new AbortController();
  let node: RunningNode | undefined;
  const server = await listenNotReady(config.host, config.port);
  const close = async () => {
    if (stopped.signal.aborted) return;
    stopped.abort();
    // Behind a balancer: say "not ready" first and keep serving until its health checks have seen it.
    if (node && config.drainNoticeMs > 0) {
      node.drain();
      log.info({ noticeMs: config.drainNoticeMs }, 'draining: /readyz says not ready; serving until the balancer has noticed');
      await new Promise((resolve) => setTimeout(resolve, config.drainNoticeMs));
    }
    await server.close(); // stop accepting, answer what is in flight
    await node?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('SIGINT', () => void close());

  await new Promise<void>((resolve) => {
    process.on('message', (message: { type?: string }) => message?.type === DATABASE_READY && resolve());
    process.send!({ type: ASK_DATABASE });
  });
  try {
    const start = () => startNode(config, process.env.DATABASE_URL!, process.env.ADMIN_TOKEN!, log, { serverFactory: server.factory });
    node = await whenDatabaseAnswers('worker start', start, log, stopped.signal);
  } catch (err) {
    if (stopped.signal.aborted) return;
    throw err;
  }
  if (stopped.signal.aborted) return void (await node.close());
  server.serve();
  log.info(`Server listening at http://${server.address.address}:${server.address.port}`);
  process.send!({ type: WORKER_READY });
}
