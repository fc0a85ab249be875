import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useCluster } from './support/cluster.js';
import { startSmsGateway } from './support/peers.js';
import { until } from './support/queue.js';

let sms: Awaited<ReturnType<typeof startSmsGateway>>;
before(async () => {
  sms = await startSmsGateway();
});
after(() => sms?.close());
const ctx = useCluster(1, () => ({ SMS_GATEWAY_URL: sms.url, ANSTURM_SEND_TIMEOUT_MS: '60000', ANSTURM_OUTBOX_POLL_MS: '50' }));

test('a worker killed in the middle of a send: the message goes out again after its lease, with the same key, and nothing is lost', async () => {
  sms.setMode('hang-once');
  const m = (await ctx.db.query(
    `INSERT INTO messages (kind, channel, priority, recipient, subject, body_text) VALUES ('code', 'sms', 0, '+4915112345678', '', 'Ihr Code: 123456') RETURNING id, idempotency_key`,
  )).rows[0];
  await until(async () => sms.requests.filter((r) => r.key === m.idempotency_key), (l) => l.length === 1);
  const [worker] = [...ctx.cluster.workerPids];
  process.kill(worker!, 'SIGKILL'); // mid-send: the gateway holds the request, the sender is gone

  // Shorten the dead sender's lease (3 x the 60 s send timeout) instead of waiting it out.
  await ctx.db.query(`UPDATE messages SET lease_until = now() WHERE id = $1`, [m.id]);
  const sent = await until(async () => (await ctx.db.query('SELECT state, attempts FROM messages WHERE id = $1', [m.id])).rows[0], (r) => r.state === 'sent', 20_000);
  assert.equal(sent.attempts, 2);
  const tries = sms.requests.filter((r) => r.key === m.idempotency_key);
  assert.equal(tries.length, 2, 'sent again after the crash');
  assert.equal(sms.delivered().size >= 1 && [...sms.delivered()].filter((k) => k === m.idempotency_key).length, 1, 'one delivery per key');
});
