import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import client from 'prom-client';

const REQUEST = 'ansturm:metrics-request';
const RESPONSE = 'ansturm:metrics-response';

/**
 * The primary serves /metrics on a listener of its own (loopback by default, never the public
 * port): it gathers and merges every worker's registry (prom-client's AggregatorRegistry). A
 * worker that needs the merged text (the live dashboard) asks the primary for it the same way.
 */
export async function serveClusterMetricsFromPrimary(host: string, port: number): Promise<AddressInfo> {
  const aggregator = new client.AggregatorRegistry();
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at /metrics\n');
      return;
    }
    aggregator.clusterMetrics().then(
      (text) => response.writeHead(200, { 'content-type': aggregator.contentType }).end(text),
      (err: Error) => response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end(`metrics not available: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, resolve);
  });
  server.unref();
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: message.id, text }),
      (err: Error) => worker.send({ type: RESPONSE, id: message.id, error: err.message }),
    );
  });
  return server.address() as AddressInfo;
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
