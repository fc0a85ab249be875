import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import type { Logger } from 'pino';
import { AvailabilityView } from './availability/view.js';
import type { Config } from './config.js';
import { createPool, type Db } from './db/pool.js';
import { sharedSecret } from './db/settings.js';
import { ReadSource } from './db/replica.js';
import { CHANGES_LOCK, Leader } from './jobs/leader.js';
import { coreTasks } from './jobs/tasks.js';
import { freshStatistics } from './db/statistics.js';
import { buildServer } from './server.js';
import { staffAuth } from './staff/auth.js';
import { staffService } from './staff/service.js';
import { agentService } from './agent/service.js';

/** Connections per node reserved for staff routes. */
const STAFF_POOL_SIZE = 3;
/** Connections per node to the replica: the views' refreshes and the dashboard, a few statements a second. */
const REPLICA_POOL_SIZE = 4;
/** Connections per node for the outbox's dispatchers (claims, and recording each outcome). */
const OUTBOX_POOL_SIZE = 2;
/**
 * Messages per channel a node claims and has on the wire at once. A crash repeats at most these
 * (each accepted by the provider, not yet recorded); 5 parallel sends still carry well over the
 * providers' rates (SMTP connections are kept open between messages).
 */
export const SENDS_IN_FLIGHT = 5;
import { admissionController } from './queue/controller.js';
import { HoldStats } from './queue/hold-stats.js';
import { queueService, type QueueService } from './queue/service.js';
import { KeyRing } from './queue/signing.js';
import { QueueView } from './queue/view.js';
import { changePublisher } from './queue/publisher.js';
import { availabilityPublisher } from './availability/publisher.js';
import { Dispatcher } from './notify/dispatcher.js';
import { mailboxTransport, smsGatewayTransport, smtpTransport } from './notify/transports.js';
import { verificationService } from './notify/verification.js';
import { bookingService } from './booking/service.js';
import { waitlistMatcher } from './waitlist/matcher.js';
import { waitlistService } from './waitlist/service.js';
import cluster from 'node:cluster';
import { createMetrics } from './metrics/metrics.js';
import { workerMetrics } from './metrics/cluster.js';
import { systemClock, type Clock } from './time/clock.js';
import { FeedPublisher } from './feed/publisher.js';
import { contentPages } from './content/pages.js';
import { barrierReports, legalPages } from './content/service.js';
import { messageTexts } from './notify/message-texts.js';
import { retentionTask } from './privacy/retention.js';

export interface RunningNode {
  app: FastifyInstance;
  db: Db;
  view: AvailabilityView;
  leader: Leader;
  /** Leads the pages of changes (queue/publisher.ts, availability/publisher.ts), apart from the other periodic tasks. */
  changesLeader: Leader;
  queue: QueueService;
  queueView: QueueView;
  clock: Clock;
  /** The Prometheus text of this process's metrics (a cluster's primary merges the workers'). */
  metricsText: () => Promise<string>;
  /** Says "not ready" from now on (/readyz 503, reason draining) while it still serves. */
  drain(): void;
  /** Stops accepting, finishes in-flight requests, then lets go of the database. */
  close(): Promise<void>;
}

export interface NodeOptions {
  /** The HTTP server to serve on (a cluster worker's, already listening); Fastify makes its own otherwise. */
  serverFactory?: FastifyServerFactory;
  /** Tests pass a TestClock and move it instead of sleeping. */
  clock?: Clock;
}

/**
 * One stateless application node: its pool, its in-memory view, its share of periodic work, its
 * HTTP server. Should the database fail while it starts, what was opened is closed again before
 * the error is thrown, so the caller may simply try again.
 */
export async function startNode(config: Config, databaseUrl: string, adminToken: string, log: Logger, options: NodeOptions = {}): Promise<RunningNode> {
  const opened: (() => unknown)[] = [];
  const closeOpened = async () => {
    for (const close of opened.splice(0).reverse()) await close();
  };
  try {
    return await openNode(config, databaseUrl, adminToken, log, options, opened, closeOpened);
  } catch (err) {
    await closeOpened();
    throw err;
  }
}

async function openNode(
  config: Config,
  databaseUrl: string,
  adminToken: string,
  log: Logger,
  { serverFactory, clock = systemClock }: NodeOptions,
  opened: (() => unknown)[],
  closeOpened: () => Promise<void>,
): Promise<RunningNode> {
  const db = createPool(databaseUrl, config.dbPoolSize, config.dbConnectTimeoutMs, clock);
  // Staff (agents on the phone, check-in desks, the console) get connections of their own, so a public
  // rush that fills the main pool does not lock out the people running the release.
  const staffDb = createPool(databaseUrl, STAFF_POOL_SIZE, config.dbConnectTimeoutMs, clock);
  // The outbox records each send on connections of its own: a send the provider accepted is marked
  // at once, not after the rush's requests ahead of it in the main pool (a crash in between repeats it).
  const outboxDb = createPool(databaseUrl, OUTBOX_POOL_SIZE, config.dbConnectTimeoutMs, clock);
  opened.push(
    () => outboxDb.end(),
    () => staffDb.end(),
    () => db.end(),
  );
  // Read-mostly work may read a replica (DATABASE_REPLICA_URL) while it is fresh enough; writes never do.
  const replica = config.databaseReplicaUrl ? createPool(config.databaseReplicaUrl, REPLICA_POOL_SIZE, config.dbConnectTimeoutMs, clock) : undefined;
  const reads = new ReadSource(db, replica, config.replicaMaxLagMs, log.child({ component: 'replica' }));
  opened.push(() => reads.stop());
  await reads.start();
  const identityKey = config.identityKey ?? (await sharedSecret(db, 'identity_hash_key'));
  const view = new AvailabilityView(reads, databaseUrl, config.availabilityRefreshMs, log.child({ component: 'availability' }));
  opened.push(() => view.stop());
  await view.start();
  const keys = new KeyRing(db);
  await keys.start();
  const queueView = new QueueView(reads, config.queueRefreshMs, log.child({ component: 'queue' }), clock);
  opened.push(() => queueView.stop());
  await queueView.start();
  const queue = queueService({ db, keys, view: queueView, availability: view, identityKey, staleSeconds: config.queueStaleSeconds, clock });
  opened.push(() => queue.stop());
  const holdStats = new HoldStats(db);
  opened.push(() => holdStats.stop());
  const texts = messageTexts(staffDb);
  opened.push(() => texts.stop());
  await texts.start();
  const metrics = createMetrics(db, queueView, reads);
  const metricsText = cluster.isWorker ? workerMetrics(metrics.registry) : () => metrics.registry.metrics();
  const bookings = bookingService({ holdTtlSeconds: config.holdTtlSeconds, identityKey });
  const waitlist = waitlistService({ db, bookings, identityKey, publicUrl: config.publicUrl, offerMinutes: config.offerMinutes });
  const dispatchers = [
    new Dispatcher(
      outboxDb,
      config.smtpUrl ? smtpTransport(config.smtpUrl, config.smtpFrom, config.sendTimeoutMs, SENDS_IN_FLIGHT) : mailboxTransport('email'),
      dispatchOptions(config, config.emailPerSecond),
      log.child({ component: 'outbox' }),
    ),
    new Dispatcher(
      outboxDb,
      config.smsGatewayUrl ? smsGatewayTransport(config.smsGatewayUrl, config.smsGatewayToken, config.sendTimeoutMs) : mailboxTransport('sms'),
      dispatchOptions(config, config.smsPerSecond),
      log.child({ component: 'outbox' }),
    ),
  ];
  for (const d of dispatchers) d.start();
  opened.push(() => Promise.all(dispatchers.map((d) => d.stop())));
  const leader = new Leader(
    databaseUrl,
    [
      ...coreTasks(db, log),
      freshStatistics(db, log),
      admissionController(db, log.child({ component: 'admission' }), config.queueStaleSeconds, clock),
      waitlistMatcher(db, waitlist, log.child({ component: 'waitlist' })),
      retentionTask(db, log.child({ component: 'retention' }), config.retentionDays),
    ],
    log.child({ component: 'leader' }),
  );
  leader.start();
  opened.push(() => leader.stop());
  const changesLeader = new Leader(
    databaseUrl,
    [changePublisher(db, log.child({ component: 'queue' }), clock), availabilityPublisher(db, log.child({ component: 'availability' }), clock)],
    log.child({ component: 'leader' }),
    250,
    CHANGES_LOCK,
  );
  changesLeader.start();
  opened.push(() => changesLeader.stop());
  const content = contentPages(config.contentDir);
  const lifecycle = { draining: false };
  const app = await buildServer({
    lifecycle,
    db,
    view,
    queue,
    queueView,
    keys,
    holdStats,
    joinsPerMinute: config.joinsPerMinute,
    verification: verificationService(db, identityKey),
    log,
    auth: staffAuth(staffDb, adminToken),
    staff: staffService(staffDb),
    staffDb,
    reads,
    agent: agentService(bookings),
    https: config.publicUrl.startsWith('https://'),
    loginsPerMinute: config.loginsPerMinute,
    measuredCrowd: config.measuredCrowd,
    bookings,
    batching: { lanes: Math.min(config.bookingLanes, config.dbPoolSize), maxBatch: MAX_BATCH, maxQueue: MAX_WAITING },
    waitlist,
    metrics,
    metricsText,
    bodyLimitBytes: config.bodyLimitBytes,
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
    trustProxy: config.trustProxy,
    hotline: config.hotline,
    clock,
    content,
    barrierReports: barrierReports(staffDb),
    legalPages: legalPages(staffDb, content, clock),
    messageTexts: texts,
    feed: new FeedPublisher(view, clock, { publicUrl: config.publicUrl, phone: config.hotline.phone, licence: config.dataLicence }),
    openData: { licence: config.dataLicence, perMinute: config.openDataPerMinute, publicUrl: config.publicUrl },
    serverFactory,
  });
  opened.push(() => app.close());
  await app.ready();
  return {
    app,
    db,
    view,
    leader,
    changesLeader,
    queue,
    queueView,
    clock,
    metricsText,
    drain: () => void (lifecycle.draining = true),
    // In the order of a drain: stop accepting and finish in-flight requests first, the database last.
    close: closeOpened,
  };
}

/** Requests per group commit, and how many may wait for one before a node sheds them (503). */
const MAX_BATCH = 200;
const MAX_WAITING = 5_000;

function dispatchOptions(config: Config, ratePerSecond: number) {
  return {
    ratePerSecond,
    maxAttempts: config.messageMaxAttempts,
    pollMs: config.outboxPollMs,
    // The lease outlasts a send's timeout, so a live sender is never taken for a dead one.
    leaseSeconds: Math.ceil((config.sendTimeoutMs * 3) / 1000),
    batch: Math.max(1, Math.min(SENDS_IN_FLIGHT, ratePerSecond)),
    retryBaseMs: config.retryBaseMs,
  };
}
