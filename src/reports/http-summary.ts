/**
 * Reads the request counters out of the Prometheus text that /metrics serves (already merged over all
 * workers): total requests, server errors, load shed, and the latency histogram summed over routes.
 * The dashboard subtracts two readings to get rates and a p95 for the interval between them
 * (web/staff/rates.ts).
 */
export interface HttpSummary {
  requests: number;
  serverErrors: number;
  shed: number;
  /** Cumulative counts per upper bound in seconds, ascending. */
  buckets: [number, number][];
}

const LINE = /^ansturm_http_request_duration_seconds_(bucket|count)\{([^}]*)\} ([0-9.e+-]+)$/;

export function summariseHttp(metricsText: string): HttpSummary {
  const buckets = new Map<number, number>();
  let requests = 0;
  let serverErrors = 0;
  let shed = 0;
  for (const line of metricsText.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const value = Number(m[3]);
    if (m[1] === 'count') {
      requests += value;
      const status = Number(labels.status);
      if (status === 503 || status === 429) shed += value;
      else if (status >= 500) serverErrors += value;
    } else if (labels.le !== '+Inf') {
      const le = Number(labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + value);
    }
  }
  return { requests, serverErrors, shed, buckets: [...buckets.entries()].sort((a, b) => a[0] - b[0]) };
}
