/** Rates from two readings of the request counters (see src/reports/http-summary.ts). */
export interface HttpReading {
  requests: number;
  serverErrors: number;
  shed: number;
  buckets: [number, number][];
}

/** The 95th percentile of the requests between two readings, as the upper bound of its bucket (seconds). */
export function p95Between(before: HttpReading, after: HttpReading): number | null {
  const total = after.requests - before.requests;
  if (total <= 0) return null;
  const earlier = new Map(before.buckets);
  for (const [le, count] of after.buckets) {
    if (count - (earlier.get(le) ?? 0) >= total * 0.95) return le;
  }
  return Infinity;
}

/** Share of requests between two readings that failed on the server (load shedding not counted). */
export function errorRate(before: HttpReading, after: HttpReading): number {
  const total = after.requests - before.requests;
  return total <= 0 ? 0 : (after.serverErrors - before.serverErrors) / total;
}
