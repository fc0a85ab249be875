/**
 * Joining the waiting room (fetch a challenge, then join with it) on one Ansturm process vs a bare
 * node:http server answering the same JSON, same load generator and connections, same run. The room's
 * puzzle is set to 0 bits: this measures the server, not the clients' proof of work.
 */
import { api, benchDatabase, benchWaitingRoom, load, startAnsturm, startBareServer } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

export async function benchQueueJoin() {
  const db = await benchDatabase();
  const app = await startAnsturm(db.url, 1, { ANSTURM_JOINS_PER_MINUTE: '0' });
  try {
    const base = app.url;
    const release = { id: await benchWaitingRoom(base, { opensInMs: 3_600_000, prequeueMinutes: 120 }) };

    const challengePath = `/api/v1/queue/rooms/${release.id}/challenge`;
    const joinPath = `/api/v1/queue/rooms/${release.id}/tickets`;
    const sampleJoin = JSON.stringify(await api(base, 'POST', joinPath, { challenge: (await api(base, 'GET', challengePath)).challenge, nonce: '0' }));
    // Each connection alternates: a challenge, then a join that uses it.
    const requests = [
      {
        method: 'GET' as const,
        path: challengePath,
        onResponse: (_status: number, body: string, context: Record<string, unknown>) => (context.challenge = JSON.parse(body).challenge),
      },
      {
        method: 'POST' as const,
        path: joinPath,
        setupRequest: (req: any, context: Record<string, unknown>) => ({
          ...req,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ challenge: context.challenge, nonce: '0' }),
        }),
      },
    ];
    const ours = await load(base, { connections: CONNECTIONS, seconds: SECONDS, requests: requests as any });
    const bare = await startBareServer({ [joinPath]: { body: sampleJoin, type: 'application/json' } });
    const baseline = await load(bare.url, {
      connections: CONNECTIONS,
      seconds: SECONDS,
      requests: requests.map((r) => ({ ...r, onResponse: undefined, path: r.path })) as any,
    });
    await bare.stop();
    return {
      name: 'waiting-room join (challenge + join)',
      ours,
      baseline,
      ratio: ours.requestsPerSecond / baseline.requestsPerSecond,
      extra: { joinsPerSecond: Math.round(ours.requestsPerSecond / 2) },
    };
  } finally {
    await app.stop();
    await db.stop();
  }
}
