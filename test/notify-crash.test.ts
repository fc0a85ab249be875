import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { freshDatabase } from './support/db.js';
import { startCluster, type RunningCluster } from './support/cluster.js';
import { startSmsGateway } from './support/peers.js';
import { until } from './support/queue.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let cluster: RunningCluster;
let sms: Awaited<ReturnType<typeof startSmsGateway>>;
let db: pg.Client;

before(async () => {
  database = await freshDatabase();
  sms = await startSmsGateway();
  cluster = await startCluster(database.url, 1, { SMS_GATEWAY_URL: sms.url, ANSTURM_SEND_TIMEOUT_MS: '60000', ANSTURM_OUTBOX_POLL_MS: '50' });
  db = new pg.Client(database.url);
  await db.connect();
});
after(async () => {
  await db?.end();
  await cluster?.stop();
  await sms?.close();
  await database?.drop();
});

test('a worker killed in the middle of a send: the message goes out again after its lease, with the same key, and nothing is lost', async () => {
  sms.setMode('hang-once');
  const m = (await db.query(
    `INSERT INTO messages (kind, channel, priority, recipient, subject, body_text) VALUES ('code', 'sms', 0, '+4915112345678', '', 'Ihr Code: 123456') RETURNING id, idempotency_key`,
  )).rows[0];
  await until(async () => sms.requests.filter((r) => r.key === m.idempotency_key), (l) => l.length === 1);
  const [worker] = [...cluster.workerPids];
  process.kill(worker!, 'SIGKILL'); // mid-send: the gateway holds the request, the sender is gone

  // Shorten the dead sender's lease (3 x the 60 s send timeout) instead of waiting it out.
  await db.query(`UPDATE messages SET lease_until = now() WHERE id = $1`, [m.id]);
  const sent = await until(async () => (await db.query('SELECT state, attempts FROM messages WHERE id = $1', [m.id])).rows[0], (r) => r.state === 'sent', 20_000);
  assert.equal(sent.attempts, 2);
  const tries = sms.requests.filter((r) => r.key === m.idempotency_key);
  assert.equal(tries.length, 2, 'sent again after the crash');
  assert.equal(sms.delivered().size >= 1 && [...sms.delivered()].filter((k) => k === m.idempotency_key).length, 1, 'one delivery per key');
});
