import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUSY_PAGE } from './web/routes.js';

/** Clients are asked to come back after this many seconds. */
const RETRY_AFTER_SECONDS = 2;
const BODY = JSON.stringify({ code: 'UNAVAILABLE', message: 'The service is starting. Please try again in a moment; nothing you sent was lost.' });

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** The server settings Fastify hands its serverFactory (its options, validated, with defaults). */
interface ServerTimeouts {
  keepAliveTimeout: number;
  requestTimeout: number;
  connectionTimeout: number;
  maxRequestsPerSocket?: number | null;
}

/** A worker's one HTTP server: it answers "not ready" until the node takes it over. */
export interface Standby {
  address: AddressInfo;
  /** Fastify's `serverFactory`: the node's app is built on this server; its handler waits for `serve()`. */
  factory(handler: Handler, options: Record<string, unknown>): Server;
  /** From now on every request goes to the node's app. */
  serve(): void;
  /** Stops accepting and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/**
 * What a worker answers while it waits for its database (at start, or while PostgreSQL is
 * away at start): every request gets 503 with Retry-After, a person opening a page the calm
 * page that reloads itself, and /readyz says "not ready" (/healthz: alive), so a load balancer sends people
 * elsewhere. The port answers from the first moment, and the same server later carries the
 * node (a second listen in a cluster worker would get a port of its own).
 */
export async function listenNotReady(host: string, port: number): Promise<Standby> {
  let app: Handler | undefined;
  let current: Handler = notReady;
  const server = createServer((request, response) => current(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, resolve);
  });
  return {
    address: server.address() as AddressInfo,
    factory(handler, fastifyOptions) {
      app = handler;
      const options = fastifyOptions as unknown as ServerTimeouts;
      // What Fastify sets on a server it makes itself, and leaves to a factory: without it idle
      // keep-alive connections close after Node's 5 s, racing the clients (and load balancers)
      // that reuse them, and a request could take as long as Node's default allows.
      server.keepAliveTimeout = options.keepAliveTimeout;
      server.requestTimeout = options.requestTimeout;
      server.setTimeout(options.connectionTimeout);
      if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
      return server;
    },
    serve() {
      if (app) current = app;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Connections idle between keep-alive requests are closed as they become idle.
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        server.close(() => {
          clearInterval(idle);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function notReady(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
  response.setHeader('cache-control', 'no-store');
  const url = request.url ?? '/';
  // Alive (the process runs), not ready (no database yet): a balancer keeps it out, a supervisor leaves it be.
  if (url === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ ok: true, ready: false }));
    return;
  }
  if (request.method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/assets/') && url !== '/readyz') {
    response.writeHead(503, { 'content-type': 'text/html; charset=utf-8' }).end(BUSY_PAGE);
    return;
  }
  const body = url === '/readyz' ? JSON.stringify({ ready: false, notReady: ['starting'] }) : BODY;
  response.writeHead(503, { 'content-type': 'application/json; charset=utf-8' }).end(body);
}
