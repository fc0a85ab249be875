import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { useCluster } from './support/cluster.js';
import { startSmsGateway, startSmtpSink } from './support/peers.js';
import { SENDS_IN_FLIGHT } from '../src/node.js';
import { until } from './support/queue.js';

let sms: Awaited<ReturnType<typeof startSmsGateway>>;
before(async () => {
  sms = await startSmsGateway();
});
after(() => sms?.close());
const ctx = useCluster(1, () => ({ SMS_GATEWAY_URL: sms.url, ANSTURM_SEND_TIMEOUT_MS: '60000', ANSTURM_OUTBOX_POLL_MS: '50' }));

test('a worker killed in the middle of a send: the message goes out again after its lease, with the same key, and nothing is lost', async () => {
  sms.setMode('hang-once');
  const m = (
    await ctx.db.query(
      `INSERT INTO messages (kind, channel, priority, recipient, subject, body_text) VALUES ('code', 'sms', 0, '+4915112345678', '', 'Ihr Code: 123456') RETURNING id, idempotency_key`,
    )
  ).rows[0];
  await until(
    async () => sms.requests.filter((r) => r.key === m.idempotency_key),
    (l) => l.length === 1,
  );
  const [worker] = [...ctx.cluster.workerPids];
  process.kill(worker!, 'SIGKILL'); // mid-send: the gateway holds the request, the sender is gone

  // Shorten the dead sender's lease (3 x the 60 s send timeout) instead of waiting it out.
  await ctx.db.query(`UPDATE messages SET lease_until = now() WHERE id = $1`, [m.id]);
  const sent = await until(
    async () => (await ctx.db.query('SELECT state, attempts FROM messages WHERE id = $1', [m.id])).rows[0],
    (r) => r.state === 'sent',
    20_000,
  );
  assert.equal(sent.attempts, 2);
  const tries = sms.requests.filter((r) => r.key === m.idempotency_key);
  assert.equal(tries.length, 2, 'sent again after the crash');
  // Counted per request, not as a set: two accepted sends of the key would be two SMS on a gateway that does not dedupe.
  assert.equal(tries.filter((r) => r.answered === 202).length, 1, 'accepted once: the first try hung with the killed worker');
});

describe('e-mails when the sending worker is killed again and again', () => {
  const MESSAGES = 240;
  const CRASHES = 3;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const mail = useCluster(
    1,
    () => ({ SMTP_URL: smtp.url, ANSTURM_EMAIL_PER_SECOND: '100', ANSTURM_OUTBOX_POLL_MS: '50' }),
    async () => {
      smtp = await startSmtpSink();
    },
  );
  after(() => smtp?.close());

  test('a crash repeats only the messages on the wire: duplicates per crash stay within the sends in flight, none is lost', async () => {
    const keys: string[] = (
      await mail.db.query(
        `INSERT INTO messages (kind, channel, priority, recipient, subject, body_text)
       SELECT 'confirmation', 'email', 1, 'person' || i || '@example.org', 'Ihr Termin', 'Text ' || i FROM generate_series(1, $1) i
       RETURNING idempotency_key`,
        [MESSAGES],
      )
    ).rows.map((r) => r.idempotency_key);
    const killed = new Set<number>();
    for (let crash = 1; crash <= CRASHES; crash++) {
      await until(
        async () => smtp.received.length,
        (n) => n >= (crash * MESSAGES) / (CRASHES + 1),
        60_000,
      );
      const worker = [...mail.cluster.workerPids].find((pid) => !killed.has(pid));
      assert.ok(worker, 'a live worker to kill');
      killed.add(worker);
      process.kill(worker, 'SIGKILL');
      // The dead sender's claims would come back when their lease ends; move that moment to now.
      await mail.db.query(`UPDATE messages SET lease_until = now() WHERE state = 'sending'`);
      await until(
        async () => [...mail.cluster.workerPids].filter((pid) => !killed.has(pid)).length,
        (n) => n >= 1,
        30_000,
      );
    }
    await until(
      async () => (await mail.db.query(`SELECT count(*)::int AS n FROM messages WHERE state = 'sent'`)).rows[0].n,
      (n) => n === MESSAGES,
      90_000,
    );

    const deliveries = new Map<string, number>();
    for (const m of smtp.received) {
      const key = /^<([0-9a-f-]+)@ansturm>$/.exec(m.messageId ?? '')?.[1];
      if (key) deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
    }
    assert.deepEqual(
      keys.filter((k) => !deliveries.has(k)),
      [],
      'every message was delivered',
    );
    const duplicates = [...deliveries.values()].reduce((sum, n) => sum + n - 1, 0);
    console.log(
      `# e-mail crashes: ${MESSAGES} messages, ${CRASHES} crashes, ${duplicates} duplicate deliveries (${(duplicates / CRASHES).toFixed(1)} per crash)`,
    );
    assert.ok(duplicates <= CRASHES * SENDS_IN_FLIGHT, `${duplicates} duplicates in ${CRASHES} crashes; at most ${SENDS_IN_FLIGHT} per crash are on the wire`);
  });
});
