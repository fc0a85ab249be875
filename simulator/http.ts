import http from 'node:http';

/**
 * The virtual citizens' HTTP client: keep-alive connections to 127.0.0.1 only, a bounded number of
 * them (a crowd of phones shares the machine's sockets here), and the time each request took.
 */
export interface Answer {
  status: number;
  body: any;
  retryAfter: number | null;
  /** From a connection to the answer: what a citizen with a phone of their own would have waited. */
  ms: number;
  /**
   * How long the request waited for one of this client's own sockets before it was sent: the load generator's
   * queue, not the server's (a real citizen has a connection of their own). Not part of `ms`.
   */
  queuedMs: number;
}

const IDLE_SOCKET_MS = 60_000;
const REPEATABLE = new Set(['GET', 'PUT', 'DELETE']);

export function client(target: string, maxSockets: number) {
  const url = new URL(target);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`the simulator talks only to 127.0.0.1, not ${url.hostname}`);
  // Idle connections are closed before the server's keep-alive timeout (Fastify's 72 s) closes them: otherwise a
  // request sent on one just as the server closes it fails, which a browser would have sent again.
  const agent = new http.Agent({ keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS });
  function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, retried = false): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const created = performance.now();
    // Until a socket is assigned, the request waits in this client's pool; from then on the server is answering.
    let started = created;
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          agent,
          timeout: 30_000,
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString() || 'null');
            } catch {
              parsed = null;
            }
            const after = Number(res.headers['retry-after']);
            resolve({
              status: res.statusCode ?? 0,
              body: parsed,
              retryAfter: Number.isFinite(after) ? after : null,
              ms: performance.now() - started,
              queuedMs: started - created,
            });
          });
        },
      );
      req.once('socket', () => (started = performance.now()));
      // A connection that fails or hangs counts as status 0: a failure the report shows.
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept connection the server closed as this was sent: the server never saw it, so a browser sends it
        // again on a new connection (GET, PUT and DELETE, which may be repeated). Anything else is a failure.
        if (req.reusedSocket && err.code === 'ECONNRESET' && !retried && REPEATABLE.has(method)) {
          resolve(request(method, path, body, headers, true));
          return;
        }
        resolve({ status: 0, body: null, retryAfter: null, ms: performance.now() - started, queuedMs: started - created });
      });
      if (payload) req.write(payload);
      req.end();
    });
  }
  return { request, close: () => agent.destroy() };
}

export type Client = ReturnType<typeof client>;
