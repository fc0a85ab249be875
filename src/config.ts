import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseOpeningHours, type Hotline } from './catalog/hotline.js';

/**
 * Everything Ansturm reads from its environment, validated once at boot.
 * Standard names (PORT, DATABASE_URL, ...) stay plain; product settings carry the
 * ANSTURM_ prefix so that a mistyped one is caught instead of silently ignored.
 */
/** Who may reuse the published availability, and under which licence (ANSTURM_DATA_LICENSE...). */
export interface DataLicence {
  /** An SPDX identifier or a name, e.g. CC-BY-4.0. */
  id: string;
  url: string;
  /** Whom to credit. */
  attribution: string;
}

/**
 * Worker processes when WEB_CONCURRENCY is not set: one per core, or half the cores (at least one) when PostgreSQL
 * runs on this machine too. In a rush PostgreSQL needs about as much CPU as the nodes, and a worker per core left them
 * fighting for the cores. On 2 cores (ARCHITECTURE.md, "Workers beside their PostgreSQL"): one worker booked
 * 1,350-1,550 a second at 0.8-0.9 ms of CPU per booking, two 1,050 at 1.6 ms; a westfalen-lippe crowd of 20,800 and
 * an ennepe-ruhr burst of 8,250 kept up with one, at a quarter less CPU and half the memory.
 */
export const defaultWorkers = (databaseHere: boolean, cores = availableParallelism()): number => (databaseHere ? Math.max(1, Math.ceil(cores / 2)) : cores);

/** Whether the database runs on this machine: the embedded one, or a URL to loopback or to a local socket. */
export function databaseOnThisMachine(databaseUrl: string | undefined): boolean {
  if (databaseUrl === undefined) return true;
  if (/[?&]host=(\/|%2F)/i.test(databaseUrl)) return true; // a socket in a folder of this machine
  try {
    const url = new URL(databaseUrl);
    if (url.searchParams.has('host')) return false;
    return url.hostname === '' || url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
  } catch {
    return false; // several hosts (libpq's form): a cluster elsewhere
  }
}

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Absent: start the embedded PostgreSQL under dataDir. Several hosts (libpq's form): the primary among them. */
  readonly databaseUrl: string | undefined;
  /** A streaming replica for read-mostly work (the views, the dashboard); absent: everything reads the primary. */
  readonly databaseReplicaUrl: string | undefined;
  /** Over this staleness the replica's reads go to the primary instead. */
  readonly replicaMaxLagMs: number;
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly adminToken: string | undefined;
  readonly workers: number;
  readonly logLevel: string;
  readonly dbPoolSize: number;
  /** Group commits in flight at once per node, for public holds and for confirmations each. */
  readonly bookingLanes: number;
  /** How long a request may wait for a database connection before it is shed with 503. */
  readonly dbConnectTimeoutMs: number;
  readonly holdTtlSeconds: number;
  readonly identityKey: string | undefined;
  readonly seedDemo: boolean;
  readonly availabilityRefreshMs: number;
  readonly bodyLimitBytes: number;
  /** Over this event-loop delay a node sheds requests with 503 (0: never). */
  readonly maxEventLoopDelayMs: number;
  readonly trustProxy: boolean;
  /** Joins (and resume attempts) per client address and minute, per node; 0 turns the limit off. */
  readonly joinsPerMinute: number;
  readonly queueRefreshMs: number;
  /** A waiting person not seen for this long when their turn comes is skipped (until they poll again). */
  readonly queueStaleSeconds: number;
  /** Absent: e-mails go to the local mailbox (admin: /api/v1/admin/messages). */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  /** Absent: SMS go to the local mailbox. */
  readonly smsGatewayUrl: string | undefined;
  readonly smsGatewayToken: string | undefined;
  readonly emailPerSecond: number;
  readonly smsPerSecond: number;
  readonly messageMaxAttempts: number;
  readonly sendTimeoutMs: number;
  readonly outboxPollMs: number;
  /** First retry delay; each further attempt doubles it (with jitter), up to 10 minutes. */
  readonly retryBaseMs: number;
  /** Where citizens reach this installation (links in messages). */
  readonly publicUrl: string;
  /** How long a wait-list offer stays open (a third of it for a slot the same day). */
  readonly offerMinutes: number;
  /** Shown to citizens on every page; the release checklist warns when a release opens outside its hours. */
  readonly hotline: Hotline;
  /** Staff login attempts per client address and minute, per node (the per-username lockout comes on top); 0: off. */
  readonly loginsPerMinute: number;
  /** The largest crowd a simulator run showed this installation holding; the release checklist compares against it (0: unknown). */
  readonly measuredCrowd: number;
  /** How long in-flight requests get to finish on SIGTERM before workers are killed (the exit is then non-zero). */
  readonly shutdownGraceMs: number;
  /** After SIGTERM, how long a node says "not ready" (/readyz 503) while still serving, so a load balancer stops sending first. */
  readonly drainNoticeMs: number;
  /** Prometheus scrapes /metrics here, not on the public port (0: any free port, logged at start). */
  readonly metricsHost: string;
  readonly metricsPort: number;
  /** The licence of the published availability (feed and read API). */
  readonly dataLicence: DataLicence;
  /** Requests per client address and minute for the feed and other sites' API reads, per node; 0: off. */
  readonly openDataPerMinute: number;
  /** The operator's legal pages and sign-language videos (content/<lang>/<page>.md, videos.json, videos/); undefined: the templates. */
  readonly contentDir: string | undefined;
  /** Days after a booking's last appointment (and a campaign's last slot, for its wait list) until its personal data is erased. */
  readonly retentionDays: number;
}

type Env = Record<string, string | undefined>;

const KNOWN_PREFIXED = new Set([
  'ANSTURM_DATA_DIR',
  'ANSTURM_EMBEDDED_PG_PORT',
  'ANSTURM_DB_POOL_SIZE',
  'ANSTURM_BOOKING_LANES',
  'ANSTURM_DB_CONNECT_TIMEOUT_MS',
  'ANSTURM_HOLD_TTL_SECONDS',
  'ANSTURM_IDENTITY_KEY',
  'ANSTURM_SEED_DEMO',
  'ANSTURM_AVAILABILITY_REFRESH_MS',
  'ANSTURM_BODY_LIMIT_BYTES',
  'ANSTURM_MAX_EVENT_LOOP_DELAY_MS',
  'ANSTURM_TRUST_PROXY',
  'ANSTURM_JOINS_PER_MINUTE',
  'ANSTURM_QUEUE_REFRESH_MS',
  'ANSTURM_QUEUE_STALE_SECONDS',
  'ANSTURM_EMAIL_PER_SECOND',
  'ANSTURM_SMS_PER_SECOND',
  'ANSTURM_MESSAGE_MAX_ATTEMPTS',
  'ANSTURM_SEND_TIMEOUT_MS',
  'ANSTURM_OUTBOX_POLL_MS',
  'ANSTURM_RETRY_BASE_MS',
  'ANSTURM_PUBLIC_URL',
  'ANSTURM_OFFER_MINUTES',
  'ANSTURM_HOTLINE_PHONE',
  'ANSTURM_HOTLINE_HOURS',
  'ANSTURM_LOGINS_PER_MINUTE',
  'ANSTURM_MEASURED_CROWD',
  'ANSTURM_SHUTDOWN_GRACE_MS',
  'ANSTURM_DRAIN_NOTICE_MS',
  'ANSTURM_METRICS_HOST',
  'ANSTURM_METRICS_PORT',
  'ANSTURM_DATA_LICENSE',
  'ANSTURM_DATA_LICENSE_URL',
  'ANSTURM_DATA_ATTRIBUTION',
  'ANSTURM_OPEN_DATA_PER_MINUTE',
  'ANSTURM_CONTENT_DIR',
  'ANSTURM_RETENTION_DAYS',
  'ANSTURM_REPLICA_MAX_LAG_MS',
  'ANSTURM_LOG_FORMAT', // read by log.ts, before the configuration
]);

/** Licences an operator is likely to name, with their text's address, so naming one is enough. */
const LICENCE_URLS: Record<string, string> = {
  'CC-BY-4.0': 'https://creativecommons.org/licenses/by/4.0/',
  'CC0-1.0': 'https://creativecommons.org/publicdomain/zero/1.0/',
  'DL-DE-BY-2.0': 'https://www.govdata.de/dl-de/by-2-0',
  'DL-DE-ZERO-2.0': 'https://www.govdata.de/dl-de/zero-2-0',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Reads and validates the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${name}=${raw}: expected true or false`);
    return fallback;
  };

  for (const name of Object.keys(env)) {
    if (name.startsWith('ANSTURM_') && !KNOWN_PREFIXED.has(name)) {
      problems.push(`${name}: unknown setting (known: ${[...KNOWN_PREFIXED].join(', ')})`);
    }
  }

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  }
  const databaseReplicaUrl = env.DATABASE_REPLICA_URL || undefined;
  if (databaseReplicaUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseReplicaUrl)) {
    problems.push('DATABASE_REPLICA_URL: expected a postgres:// or postgresql:// URL');
  }
  if (databaseReplicaUrl !== undefined && databaseUrl === undefined) {
    problems.push('DATABASE_REPLICA_URL: a replica needs DATABASE_URL (the embedded database has no replica)');
  }
  const adminToken = env.ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    problems.push('ADMIN_TOKEN: must be at least 16 characters');
  }
  const identityKey = env.ANSTURM_IDENTITY_KEY || undefined;
  if (identityKey !== undefined && identityKey.length < 32) {
    problems.push('ANSTURM_IDENTITY_KEY: must be at least 32 characters');
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL: expected smtp://user:pass@host:port or smtps://...');
  const smsGatewayUrl = env.SMS_GATEWAY_URL || undefined;
  if (smsGatewayUrl !== undefined && !/^https?:\/\//.test(smsGatewayUrl)) problems.push('SMS_GATEWAY_URL: expected an http:// or https:// URL');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL=${logLevel}: expected one of fatal, error, warn, info, debug, trace, silent`);
  }

  if (env.ANSTURM_LOG_FORMAT && !['json', 'pretty'].includes(env.ANSTURM_LOG_FORMAT)) {
    problems.push(`ANSTURM_LOG_FORMAT=${env.ANSTURM_LOG_FORMAT}: expected json or pretty`);
  }

  const hotlinePhone = env.ANSTURM_HOTLINE_PHONE || '116 117';
  if (!/^\+?[0-9][0-9 /-]{2,24}$/.test(hotlinePhone)) problems.push(`ANSTURM_HOTLINE_PHONE=${hotlinePhone}: expected a phone number`);
  let hotlineHours = parseOpeningHours(env.ANSTURM_HOTLINE_HOURS || 'Mo-Fr 08:00-18:00, Sa 09:00-12:00');
  if (typeof hotlineHours === 'string') {
    problems.push(`ANSTURM_HOTLINE_HOURS=${env.ANSTURM_HOTLINE_HOURS}: ${hotlineHours}`);
    hotlineHours = [];
  }

  const publicUrl = (env.ANSTURM_PUBLIC_URL || `http://127.0.0.1:${env.PORT || 3000}`).replace(/\/$/, '');
  const licenceId = env.ANSTURM_DATA_LICENSE || 'CC-BY-4.0';
  const licenceUrl = env.ANSTURM_DATA_LICENSE_URL || LICENCE_URLS[licenceId] || '';
  if (!/^https?:\/\/\S+$/.test(licenceUrl)) {
    problems.push(`ANSTURM_DATA_LICENSE_URL: the address of the licence ${licenceId} is needed (known without it: ${Object.keys(LICENCE_URLS).join(', ')})`);
  }

  const config: Config = {
    host: env.HOST || '127.0.0.1',
    port: int('PORT', 3000, 0, 65535),
    databaseUrl,
    databaseReplicaUrl,
    // 2 s: a search may show a slot taken a moment ago (the hold is decided by the primary), never more.
    replicaMaxLagMs: int('ANSTURM_REPLICA_MAX_LAG_MS', 2_000, 0, 600_000),
    dataDir: resolve(env.ANSTURM_DATA_DIR || 'data'),
    embeddedPgPort: int('ANSTURM_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    adminToken,
    workers: int('WEB_CONCURRENCY', defaultWorkers(databaseOnThisMachine(databaseUrl)), 1, 256),
    metricsHost: env.ANSTURM_METRICS_HOST || '127.0.0.1', // loopback: metrics say much about a release; expose them on purpose
    metricsPort: int('ANSTURM_METRICS_PORT', 9464, 0, 65535), // 9464: the usual port of a Prometheus exporter beside an app
    shutdownGraceMs: int('ANSTURM_SHUTDOWN_GRACE_MS', 25_000, 100, 600_000), // 25 s: under systemd's 90 s stop timeout
    // 0 alone; behind a balancer at least its health-check interval x fall count (HAProxy 1 s x 2: 3000)
    drainNoticeMs: int('ANSTURM_DRAIN_NOTICE_MS', 0, 0, 60_000),
    logLevel,
    dbPoolSize: int('ANSTURM_DB_POOL_SIZE', 10, 1, 500),
    // One lane each way per node: hot rows (the earliest second-dose slot) serialise batches anyway,
    // so one batch in flight gathers the most requests per commit (measured in npm run bench).
    bookingLanes: int('ANSTURM_BOOKING_LANES', 1, 1, 64),
    dbConnectTimeoutMs: int('ANSTURM_DB_CONNECT_TIMEOUT_MS', 5_000, 50, 120_000),
    holdTtlSeconds: int('ANSTURM_HOLD_TTL_SECONDS', 10 * 60, 5, 24 * 60 * 60), // 10 minutes
    identityKey,
    seedDemo: bool('ANSTURM_SEED_DEMO', true),
    availabilityRefreshMs: int('ANSTURM_AVAILABILITY_REFRESH_MS', 1000, 50, 60_000),
    bodyLimitBytes: int('ANSTURM_BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024), // 64 KiB
    maxEventLoopDelayMs: int('ANSTURM_MAX_EVENT_LOOP_DELAY_MS', 1_000, 0, 60_000), // 1 s: a node that far behind helps no one by queueing more
    trustProxy: bool('ANSTURM_TRUST_PROXY', false),
    // Generous: many phones share one address behind a carrier's NAT; the proof of work is the main brake.
    joinsPerMinute: int('ANSTURM_JOINS_PER_MINUTE', 30, 0, 1_000_000),
    queueRefreshMs: int('ANSTURM_QUEUE_REFRESH_MS', 1000, 50, 60_000),
    queueStaleSeconds: int('ANSTURM_QUEUE_STALE_SECONDS', 45, 1, 24 * 3600),
    smtpUrl,
    smtpFrom: env.SMTP_FROM || 'Ansturm <no-reply@localhost>',
    smsGatewayUrl,
    smsGatewayToken: env.SMS_GATEWAY_TOKEN || undefined,
    emailPerSecond: int('ANSTURM_EMAIL_PER_SECOND', 50, 1, 100_000),
    smsPerSecond: int('ANSTURM_SMS_PER_SECOND', 20, 1, 100_000),
    // 12 attempts at 2 s doubling (capped at 10 min) ride out a provider outage of about 40 minutes.
    messageMaxAttempts: int('ANSTURM_MESSAGE_MAX_ATTEMPTS', 12, 1, 100),
    sendTimeoutMs: int('ANSTURM_SEND_TIMEOUT_MS', 10_000, 100, 120_000),
    outboxPollMs: int('ANSTURM_OUTBOX_POLL_MS', 200, 10, 60_000),
    retryBaseMs: int('ANSTURM_RETRY_BASE_MS', 2_000, 10, 600_000),
    publicUrl,
    offerMinutes: int('ANSTURM_OFFER_MINUTES', 120, 1, 7 * 24 * 60),
    hotline: { phone: hotlinePhone, hours: hotlineHours },
    loginsPerMinute: int('ANSTURM_LOGINS_PER_MINUTE', 20, 0, 1_000_000),
    measuredCrowd: int('ANSTURM_MEASURED_CROWD', 0, 0, 1_000_000_000),
    dataLicence: { id: licenceId, url: licenceUrl, attribution: env.ANSTURM_DATA_ATTRIBUTION || publicUrl },
    // A finder polls the manifest and a few files once a minute; 120 leaves room for several behind one address.
    openDataPerMinute: int('ANSTURM_OPEN_DATA_PER_MINUTE', 120, 0, 1_000_000),
    contentDir: env.ANSTURM_CONTENT_DIR ? resolve(env.ANSTURM_CONTENT_DIR) : undefined,
    retentionDays: int('ANSTURM_RETENTION_DAYS', 30, 1, 3650),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
