import client from 'prom-client';
import type { Db } from '../db/pool.js';
import { run } from '../db/pool.js';
import { backlog } from '../notify/repo.js';
import type { QueueView } from '../queue/view.js';
import type { ReadSource } from '../db/replica.js';

/**
 * The metrics of one process. In a cluster the primary merges every worker's registry
 * (src/metrics/cluster.ts): counters and histograms add up; gauges that describe shared
 * state (the line, the outbox), which every worker sees alike, take the largest value.
 */
export function createMetrics(db: Db, queueView: QueueView, reads?: ReadSource) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'ansturm_' });

  const httpDuration = new client.Histogram({
    name: 'ansturm_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const holds = new client.Counter({ name: 'ansturm_holds_total', help: 'Hold attempts by outcome', labelNames: ['result'], registers: [registry] });
  const bookings = new client.Counter({ name: 'ansturm_bookings_total', help: 'Confirmed bookings', registers: [registry] });
  const cancellations = new client.Counter({ name: 'ansturm_cancellations_total', help: 'Cancelled bookings', registers: [registry] });

  const queueGauge = (name: string, help: string, value: (m: ReturnType<QueueView['rooms']>[number], now: number) => number) =>
    new client.Gauge({
      name,
      help,
      labelNames: ['release'],
      aggregator: 'max',
      registers: [registry],
      collect() {
        this.reset();
        const now = Date.now();
        for (const m of queueView.rooms()) this.set({ release: String(m.room.release_id) }, value(m, now));
      },
    });
  queueGauge('ansturm_queue_waiting', 'People waiting in line', (m) => m.waitingTotal());
  queueGauge('ansturm_queue_admitted_total', 'People admitted so far', (m) => m.room.admitted_total);
  queueGauge('ansturm_queue_active', 'Admissions not yet used or lapsed', (m, now) => m.activeAdmissions(now));
  queueGauge('ansturm_queue_abandoned', 'Places skipped because their people stopped polling', (m) => m.abandoned);
  queueGauge('ansturm_queue_admission_rate', 'Admissions per second over the last minute', (m) => m.admissionRate());
  queueGauge(
    'ansturm_queue_memory_bytes',
    "Memory the room's line takes in a worker (its own accounting: typed arrays exactly, map entries at ~80 bytes)",
    (m) => m.footprintBytes(),
  );

  if (reads?.hasReplica) {
    new client.Gauge({
      name: 'ansturm_replica_staleness_seconds',
      help: 'How far the replica (DATABASE_REPLICA_URL) is behind the primary, measured every second; NaN when unknown',
      aggregator: 'max',
      registers: [registry],
      collect() {
        this.set(reads.staleness === null ? NaN : reads.staleness / 1000);
      },
    });
    new client.Gauge({
      name: 'ansturm_replica_in_use',
      help: 'Whether the read-mostly work reads the replica (1) or the primary (0, the replica is away or too stale)',
      aggregator: 'min',
      registers: [registry],
      collect() {
        this.set(reads.onReplica ? 1 : 0);
      },
    });
  }

  const outboxBacklog = new client.Gauge({
    name: 'ansturm_outbox_backlog',
    help: 'Messages due and not yet sent',
    labelNames: ['channel', 'priority'],
    aggregator: 'max',
    registers: [registry],
  });
  const outboxOldest = new client.Gauge({
    name: 'ansturm_outbox_oldest_seconds',
    help: 'Age of the oldest due message',
    labelNames: ['channel', 'priority'],
    aggregator: 'max',
    registers: [registry],
  });
  new client.Gauge({
    name: 'ansturm_outbox_scrape_ok',
    help: '1 if the outbox could be read for this scrape',
    aggregator: 'max',
    registers: [registry],
    async collect() {
      try {
        const rows = (await run<{ channel: string; priority: number; queued: number; oldest_seconds: number | null }>(db, backlog())).rows;
        outboxBacklog.reset();
        outboxOldest.reset();
        for (const r of rows) {
          outboxBacklog.set({ channel: r.channel, priority: String(r.priority) }, r.queued);
          outboxOldest.set({ channel: r.channel, priority: String(r.priority) }, r.oldest_seconds ?? 0);
        }
        this.set(1);
      } catch {
        this.set(0);
      }
    },
  });
  new client.Gauge({
    name: 'ansturm_db_pool_connections',
    help: 'Database pool connections by state, summed over processes',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, db.totalCount);
      this.set({ state: 'idle' }, db.idleCount);
      this.set({ state: 'waiting' }, db.waitingCount);
    },
  });

  const batchSize = new client.Histogram({
    name: 'ansturm_group_commit_batch_size',
    help: 'Requests written together in one transaction, by use (hold, confirm)',
    labelNames: ['use'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200],
    registers: [registry],
  });
  const batchSeconds = new client.Histogram({
    name: 'ansturm_group_commit_seconds',
    help: 'Time of one group-commit transaction, by use',
    labelNames: ['use'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const waiting = new Map<string, () => number>();
  new client.Gauge({
    name: 'ansturm_group_commit_waiting',
    help: 'Requests waiting for their group commit, by use, summed over processes',
    labelNames: ['use'],
    registers: [registry],
    collect() {
      for (const [use, count] of waiting) this.set({ use }, count());
    },
  });

  return {
    registry,
    /** A group commit of `size` requests took `seconds`. */
    batch(use: string, size: number, seconds: number) {
      batchSize.observe({ use }, size);
      batchSeconds.observe({ use }, seconds);
    },
    /** Reports how many requests wait for a group commit of this use. */
    watchWaiting(use: string, count: () => number) {
      waiting.set(use, count);
    },
    /** Called for every response: latency per route, and the booking events by their routes' answers. */
    observe(method: string, route: string | undefined, status: number, seconds: number) {
      httpDuration.observe({ method, route: route ?? 'unmatched', status: String(status) }, seconds);
      if (method === 'POST' && route === '/api/v1/holds')
        holds.inc({ result: status === 201 ? 'held' : status === 409 ? 'refused' : status >= 500 ? 'error' : 'invalid' });
      if (status < 300 && method === 'POST' && (route === '/api/v1/bookings' || route === '/api/v1/waitlist/offers/:offerId/accept')) bookings.inc();
      if (status < 300 && method === 'DELETE' && route === '/api/v1/bookings/:bookingCode') cancellations.inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
