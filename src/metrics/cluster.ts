import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import client from 'prom-client';

const REQUEST = 'ansturm:metrics-request';
const RESPONSE = 'ansturm:metrics-response';

/**
 * /metrics lands on whichever worker the primary hands the connection to; that worker
 * asks the primary, which gathers and merges every worker's registry (prom-client's
 * AggregatorRegistry) and sends the text back.
 */
export function serveClusterMetricsFromPrimary(): void {
  const aggregator = new client.AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: message.id, text }),
      (err: Error) => worker.send({ type: RESPONSE, id: message.id, error: err.message }),
    );
  });
}

/** In a worker: answer the primary's requests with this registry, and fetch the merged text for /metrics. */
export function workerMetrics(registry: client.Registry) {
  client.AggregatorRegistry.setRegistries([registry]);
  new client.AggregatorRegistry(); // installs the worker's answering side
  const pending = new Map<string, (result: { text?: string; error?: string }) => void>();
  process.on('message', (message: { type?: string; id?: string; text?: string; error?: string }) => {
    if (message?.type === RESPONSE && message.id) pending.get(message.id)?.(message);
  });
  return (): Promise<string> =>
    new Promise((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('metrics: the primary did not answer'));
      }, 10_000);
      pending.set(id, (result) => {
        clearTimeout(timer);
        pending.delete(id);
        if (result.text !== undefined) resolve(result.text);
        else reject(new Error(result.error ?? 'metrics failed'));
      });
      process.send!({ type: REQUEST, id });
    });
}
