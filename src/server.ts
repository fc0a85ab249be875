import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerFactory } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Logger } from 'pino';
import { databaseAnswers, type Db } from './db/pool.js';
import { registerErrorHandling } from './http/error-handler.js';
import { ErrorReply } from './http/schemas.js';
import { addInputFormats, finiteNumbersOnly } from './http/formats.js';
import { bookingRoutes, type BatchOptions } from './booking/routes.js';
import { catalogRoutes } from './catalog/routes.js';
import { availabilityRoutes } from './availability/routes.js';
import type { AvailabilityView } from './availability/view.js';
import rateLimit from '@fastify/rate-limit';
import { queueAdminRoutes, queueRoutes } from './queue/routes.js';
import type { QueueService } from './queue/service.js';
import type { QueueView } from './queue/view.js';
import type { KeyRing } from './queue/signing.js';
import type { HoldStats } from './queue/hold-stats.js';
import { messageTextRoutes, outboxAdminRoutes, verificationRoutes } from './notify/routes.js';
import type { MessageTextsService } from './notify/message-texts.js';
import type { verificationService } from './notify/verification.js';
import { waitlistAdminRoutes, waitlistRoutes } from './waitlist/routes.js';
import type { WaitlistService } from './waitlist/service.js';
import type { BookingService } from './booking/service.js';
import type { Metrics } from './metrics/metrics.js';
import type { Hotline } from './catalog/hotline.js';
import { BUSY_PAGE, webRoutes } from './web/routes.js';
import { requireNamedCenters, type StaffAuth } from './staff/auth.js';
import type { StaffService } from './staff/service.js';
import { staffAdminRoutes, staffSessionRoutes } from './staff/routes.js';
import { agentRoutes } from './agent/routes.js';
import type { agentService } from './agent/service.js';
import { checkinRoutes } from './checkin/routes.js';
import { reportRoutes } from './reports/routes.js';
import type { ReadSource } from './db/replica.js';
import type { DataLicence } from './config.js';
import type { Clock } from './time/clock.js';
import type { ContentPages } from './content/pages.js';
import type { BarrierReports, LegalPages } from './content/service.js';
import { contentAdminRoutes, contentRoutes } from './content/routes.js';
import type { FeedPublisher } from './feed/publisher.js';
import { feedRoutes } from './feed/routes.js';
import { OPEN_DATA_TERMS } from './feed/terms.js';
import { openDataLimit, openDataRoutes } from './http/open-data.js';

/** What the node's readiness says beyond its database and views: set when it drains. */
export interface Lifecycle {
  draining: boolean;
}

export interface ServerDeps {
  lifecycle: Lifecycle;
  db: Db;
  view: AvailabilityView;
  queue: QueueService;
  queueView: QueueView;
  keys: KeyRing;
  holdStats: HoldStats;
  joinsPerMinute: number;
  verification: ReturnType<typeof verificationService>;
  waitlist: WaitlistService;
  metrics: Metrics;
  /** The Prometheus text for the live dashboard: this process's, or in a cluster all workers' merged by the primary. */
  metricsText: () => Promise<string>;
  log: Logger;
  auth: StaffAuth;
  staff: StaffService;
  /** The installation is reached over https (ANSTURM_PUBLIC_URL): Secure cookies and HSTS. */
  https: boolean;
  loginsPerMinute: number;
  measuredCrowd: number;
  /** The staff routes' own pool (see node.ts). */
  staffDb: Db;
  /** Read-mostly work: a fresh replica (DATABASE_REPLICA_URL), else the primary. */
  reads: ReadSource;
  agent: ReturnType<typeof agentService>;
  bookings: BookingService;
  /** How public holds and confirmations are batched into group commits. */
  batching: BatchOptions;
  bodyLimitBytes: number;
  /** The load shedder's limit on event-loop delay (0: off, as in-process tests run it). */
  maxEventLoopDelayMs: number;
  trustProxy: boolean;
  hotline: Hotline;
  /** The legal and accessibility pages, and the barrier reports their form sends. */
  content: ContentPages;
  barrierReports: BarrierReports;
  legalPages: LegalPages;
  messageTexts: MessageTextsService;
  /** The node's clock: what /api/v1/info tells pages the time is. */
  clock: Clock;
  /** The SMART Scheduling Links feed of this node's availability view. */
  feed: FeedPublisher;
  /** The published availability's licence and the open-data limit (requests per address and minute, 0: off). */
  openData: { licence: DataLicence; perMinute: number; publicUrl: string };
  /** Build the app on this server instead of one of its own (a cluster worker's, see not-ready.ts). */
  serverFactory?: FastifyServerFactory;
}

const RETRY_AFTER_SECONDS = 2;
/** A person reports a barrier or two; more from one address in a minute is someone filling the staff's inbox. */
const BARRIER_REPORTS_PER_MINUTE = 5;

/** Bodies are checked as sent: no type coercion, no silently dropped fields. */
const bodyAjv = addFormats.default(new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, strict: 'log' }), {
  keywords: true,
});
/** Query strings and paths arrive as text, so their numbers and booleans are coerced. */
const textAjv = addFormats.default(new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, strict: 'log' }), {
  keywords: true,
});
for (const ajv of [bodyAjv, textAjv]) {
  addInputFormats(ajv);
  ajv.addSchema(ErrorReply);
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    trustProxy: deps.trustProxy,
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 1000 }, // queue tickets travel in the path
    forceCloseConnections: 'idle',
    // A line per request would cost more than the request itself during a rush; metrics count them instead.
    logController: new LogController({ disableRequestLogging: true }),
    ...(deps.serverFactory ? { serverFactory: deps.serverFactory } : {}),
  });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv.compile(schema) : finiteNumbersOnly(textAjv.compile(schema))));
  app.addSchema(ErrorReply);
  registerErrorHandling(app);
  // Hooks every request runs are callbacks, not async functions: a promise and a turn of the microtask queue fewer each.
  app.addHook('onRequest', (_request, reply, done) => {
    // Every answer, JSON and errors included: browsers must not guess another type than we send.
    reply.header('x-content-type-options', 'nosniff');
    // No address of ours (a booking code in a path) travels to another site in a Referer header.
    reply.header('referrer-policy', 'no-referrer');
    // Over https, browsers are told to come back only over https (a year; subdomains are the operator's call).
    if (deps.https) reply.header('strict-transport-security', 'max-age=31536000');
    done();
  });

  // Over this event-loop delay the node answers 503 with Retry-After instead of falling behind (0: off).
  if (deps.maxEventLoopDelayMs > 0)
    await app.register(underPressure, {
      maxEventLoopDelay: deps.maxEventLoopDelayMs,
      retryAfter: RETRY_AFTER_SECONDS,
      pressureHandler: (request, reply) => {
        void reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS));
        // A person opening a page gets a calm page that reloads itself; programs get the error code.
        if (request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/assets/')) {
          void reply.type('text/html; charset=utf-8').send(BUSY_PAGE);
          return;
        }
        void reply.send({ code: 'OVERLOADED', message: 'The service is busy. Please try again in a moment.' });
      },
    });

  // Limits are opted into per route (joining the line); each node counts on its own.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `Too many requests from your address. Please wait ${Math.ceil(context.ttl / 1000)} s.`,
    }),
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Ansturm API',
        version: '1',
        description:
          'Appointment booking that holds the rush.\n\n' +
          `**Open data.** The routes tagged "open data" (campaigns, availability, the SMART Scheduling Links feed at /fhir/$bulk-publish) ` +
          `may be read from any web page (CORS) and answer If-None-Match with 304. ` +
          `Data licence: ${deps.openData.licence.id} (${deps.openData.licence.url}), attribution: ${deps.openData.licence.attribution}. ` +
          `Terms: ${OPEN_DATA_TERMS} Limit: ${deps.openData.perMinute || 'no'} requests per address and minute for the feed and for ` +
          `reads from other sites, counted apart from the citizens' own.`,
        license: { name: deps.openData.licence.id, url: deps.openData.licence.url },
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      tags: [
        { name: 'booking', description: 'What citizens use' },
        { name: 'open data', description: 'Availability for appointment finders and maps: CORS, 304, SMART Scheduling Links (FHIR R4)' },
        { name: 'queue', description: 'The waiting room of a release' },
        { name: 'verification', description: 'Verifying a phone number or e-mail address' },
        { name: 'waitlist', description: 'The wait list and its offers' },
        { name: 'ops', description: 'For operators and their monitoring' },
        { name: 'staff', description: 'Staff accounts, sessions, API tokens, the audit log' },
        { name: 'admin', description: 'What admins use (session cookie + X-CSRF-Token, an API token, or Bearer <ADMIN_TOKEN>)' },
      ],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // The docs page gets a CSP of its own (hashes of its inline script); over plain http, its
    // upgrade-insecure-requests would send the page's own assets to an https that is not there.
    staticCSP: true,
    transformStaticCSP: (header: string) => (deps.https ? header : header.replace(/\s*upgrade-insecure-requests;/, '')),
  });

  const service = deps.bookings;
  // One budget per address for the feed and other sites' reads, shared by their routes.
  const openData = openDataLimit(app, deps.openData.perMinute, deps.openData.publicUrl);
  const rooms: FastifyPluginAsyncTypebox[] = [
    openDataRoutes(availabilityRoutes(deps.view, openData), feedRoutes(deps.feed, deps.openData.licence, openData)),
    bookingRoutes(
      deps.db,
      service,
      async (token) => {
        const claim = await deps.queue.admission(token);
        return { ticketId: claim.t, releaseId: claim.r };
      },
      deps.batching,
      deps.metrics,
    ),
    catalogRoutes(deps.db, deps.auth, { hotline: deps.hotline, measuredCrowd: deps.measuredCrowd }),
    queueRoutes(deps.queue, deps.joinsPerMinute),
    queueAdminRoutes(deps.db, deps.queueView, deps.keys, deps.auth),
    verificationRoutes(deps.verification, deps.joinsPerMinute),
    outboxAdminRoutes(deps.db, deps.auth),
    messageTextRoutes(deps.messageTexts, deps.auth),
    waitlistRoutes(deps.waitlist),
    waitlistAdminRoutes(deps.db, deps.waitlist, deps.auth),
    staffSessionRoutes(deps.staff, deps.auth, deps.https, deps.loginsPerMinute),
    staffAdminRoutes(deps.staffDb, deps.staff, deps.auth),
    agentRoutes(deps.staffDb, deps.agent, deps.auth),
    checkinRoutes(deps.staffDb, deps.auth, deps.bookings),
    reportRoutes({
      db: deps.staffDb,
      reads: deps.reads.or(deps.staffDb),
      auth: deps.auth,
      queueView: deps.queueView,
      availability: deps.view,
      metricsText: deps.metricsText,
      clock: deps.clock,
    }),
    contentRoutes(deps.content, deps.legalPages, deps.barrierReports, BARRIER_REPORTS_PER_MINUTE),
    contentAdminRoutes(deps.barrierReports, deps.legalPages, deps.auth),
    webRoutes(deps.hotline, deps.clock),
  ];
  // A staff account limited to some centres is refused any request that names another.
  app.addHook('preHandler', requireNamedCenters);
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route === '/api/v1/holds') deps.holdStats.record(reply.elapsedTime, reply.statusCode);
    deps.metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  for (const room of rooms) await app.register(room);

  // Probes are answered even under pressure: a busy node is alive and ready, and a balancer that took it
  // out for being busy would only make the others busier.
  const probe = { schema: { hide: true }, config: { pressureHandler: () => undefined } };
  app.get('/healthz', probe, async () => ({ ok: true, availabilityAsOf: new Date(deps.view.loadedAt).toISOString() }));
  const readiness = readinessCheck(deps);
  app.get('/readyz', probe, async (_request, reply) => {
    const r = await readiness();
    if (!r.ready) void reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.header('cache-control', 'no-store').send(r);
  });
  return app;
}

/** How stale the availability view may be and still serve: it refreshes every second or so. */
const VIEW_STALE_MS = 30_000;

/**
 * Ready to take traffic: not draining, the database answers (asked at most once a second, so a
 * balancer's probes add no load), the availability view is loaded and fresh.
 */
function readinessCheck(deps: ServerDeps) {
  let asked: { at: number; answers: Promise<boolean> } | undefined;
  return async () => {
    const now = Date.now();
    if (!asked || now - asked.at >= 1_000) asked = { at: now, answers: databaseAnswers(deps.db) };
    const database = await asked.answers;
    const viewAgeMs = now - deps.view.loadedAt;
    const reasons = [
      ...(deps.lifecycle.draining ? ['draining'] : []),
      ...(database ? [] : ['database']),
      ...(viewAgeMs <= VIEW_STALE_MS ? [] : ['availability view']),
    ];
    return { ready: reasons.length === 0, ...(reasons.length ? { notReady: reasons } : {}), database, draining: deps.lifecycle.draining, viewAgeMs };
  };
}
