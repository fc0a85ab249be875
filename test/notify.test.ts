import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminPost, book, person, post, setUpWorld } from './support/fixtures.js';
import { admin, startTestNode, type TestNode } from './support/node.js';
import { startSmsGateway, startSmtpSink } from './support/peers.js';
import { until } from './support/queue.js';
import { normaliseContact } from '../src/notify/verification.js';
import { pino } from 'pino';
import { createPool } from '../src/db/pool.js';
import { Dispatcher } from '../src/notify/dispatcher.js';
import type { Transport } from '../src/notify/transports.js';
import { TestClock } from '../src/time/clock.js';
import { freshDatabase } from './support/db.js';

let node: TestNode;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let sms: Awaited<ReturnType<typeof startSmsGateway>>;

before(async () => {
  smtp = await startSmtpSink();
  sms = await startSmsGateway();
  node = await startTestNode({
    SMTP_URL: smtp.url,
    SMS_GATEWAY_URL: sms.url,
    ANSTURM_SEND_TIMEOUT_MS: '500',
    ANSTURM_OUTBOX_POLL_MS: '50',
    ANSTURM_RETRY_BASE_MS: '100',
    ANSTURM_MESSAGE_MAX_ATTEMPTS: '3',
    ANSTURM_EMAIL_PER_SECOND: '500',
    ANSTURM_SMS_PER_SECOND: '500',
    ANSTURM_JOINS_PER_MINUTE: '0',
  });
});
after(async () => {
  await node.stop();
  await smtp.close();
  await sms.close();
});

const messageState = async (where: string, values: unknown[]) =>
  (await node.db.query(`SELECT id, kind, channel, state, attempts, last_error, not_before FROM messages WHERE ${where} ORDER BY id`, values)).rows;

describe('booking messages', () => {
  test('a booking sends its confirmation by e-mail (text, HTML, .ics) and SMS, and schedules reminders; cancelling sends word and drops them', async () => {
    const w = await setUpWorld(node.app);
    const who = person({ firstName: 'Post', email: 'Erika.Post@Example.org', phone: '0171 2345678' });
    const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
    const booked = await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: who, locale: 'en' });
    assert.equal(booked.status, 201);
    const code = booked.body.bookingCode;

    const mail = await until(async () => smtp.received.find((m) => m.subject?.includes(code)), Boolean);
    assert.equal(mail!.subject, `Booking confirmation ${code}`);
    assert.match(mail!.text!, /Dose 1: .*Impfzentrum Test/);
    assert.match(String(mail!.html), /<li>/);
    const ics = mail!.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    assert.ok(ics, 'the confirmation carries an .ics');
    assert.equal((ics!.content.toString().match(/BEGIN:VEVENT/g) ?? []).length, 2);
    assert.equal((mail!.to as { value: { address: string }[] }).value[0]!.address, 'erika.post@example.org');

    const text = await until(async () => sms.requests.find((r) => r.text.includes(code)), Boolean);
    assert.equal(text!.to, '+491712345678');

    const messages = await until(
      async () => (await node.app.inject({ url: `/api/v1/bookings/${code}/messages?dateOfBirth=1964-08-12` })).json().messages,
      (list: { kind: string; state: string }[]) => list.filter((m) => m.kind === 'confirmation').every((m) => m.state === 'sent'),
    );
    const reminders = messages.filter((m: { kind: string }) => m.kind === 'reminder');
    assert.equal(reminders.length, 2, 'one reminder per appointment');
    assert.ok(reminders.every((r: { state: string }) => r.state === 'queued'));

    const calendar = await node.app.inject({ url: `/api/v1/bookings/${code}/calendar.ics?dateOfBirth=1964-08-12` });
    assert.equal(calendar.statusCode, 200);
    assert.match(calendar.headers['content-type'] as string, /text\/calendar/);
    assert.match(calendar.body, /^BEGIN:VCALENDAR\r\n/);

    await node.app.inject({ method: 'DELETE', url: `/api/v1/bookings/${code}?dateOfBirth=1964-08-12` });
    await until(async () => smtp.received.find((m) => m.subject === `Appointment cancelled ${code}`), Boolean);
    const after = (await node.app.inject({ url: `/api/v1/bookings/${code}/messages?dateOfBirth=1964-08-12` })).json().messages;
    assert.ok(after.filter((m: { kind: string }) => m.kind === 'reminder').every((m: { state: string }) => m.state === 'cancelled'));
  });

  test('a booking without contact details still gets everything in the answer, and no message', async () => {
    const w = await setUpWorld(node.app);
    const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Ohne' }));
    assert.equal(booking.status, 201);
    assert.equal(booking.body.appointments.length, 2);
    const rows = await node.db.query('SELECT count(*)::int AS n FROM messages m JOIN bookings b ON b.id = m.booking_id WHERE b.first_name = $1', ['Ohne']);
    assert.equal(rows.rows[0].n, 0);
  });
});

describe('verification', () => {
  const request = (contact: string, channel = 'sms') => post(node.app, '/api/v1/verifications', { channel, contact });
  const confirm = (contact: string, code: string, channel = 'sms') => post(node.app, '/api/v1/verifications/confirm', { channel, contact, code });
  const codeSentTo = async (to: string, nth = 0) =>
    (
      await until(
        async () => sms.requests.filter((r) => r.to === to && r.answered === 202),
        (l) => l.length > nth,
      )
    )[nth]!.text.match(/\d{6}/)![0];

  test('a code verifies a phone number; a resend leaves the first code valid; codes are stored hashed', async () => {
    assert.equal((await request('0151 11111111')).status, 202);
    assert.equal((await request('+49 151 11111111')).status, 202, 'the same number, written another way');
    const first = await codeSentTo('+4915111111111', 0);
    await codeSentTo('+4915111111111', 1);
    const stored = await node.db.query('SELECT code_hash FROM verification_codes WHERE contact = $1', ['+4915111111111']);
    assert.ok(stored.rows.every((r) => !r.code_hash.toString('utf8').includes(first)));
    const ok = await confirm('015111111111', first);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.verified, true);
  });

  test('wrong codes count down, then the contact is locked even for the right code; expired codes fail', async () => {
    await request('0152 22222222');
    const right = await codeSentTo('+4915222222222');
    const wrong = right === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await confirm('015222222222', wrong));
    assert.deepEqual(
      answers.map((a) => a.status),
      [422, 422, 422, 422, 429],
    );
    assert.match(answers[0]!.body.message, /4 attempt\(s\) left/);
    const locked = await confirm('015222222222', right);
    assert.equal(locked.status, 429);
    assert.equal(locked.body.code, 'VERIFICATION_LOCKED');
    const codes = async () => (await node.db.query('SELECT count(*)::int AS n FROM verification_codes WHERE contact = $1', ['+4915222222222'])).rows[0].n;
    const before = await codes();
    const refused = await request('0152 22222222');
    assert.equal(refused.body.code, 'VERIFICATION_LOCKED', 'a locked contact gets no new code either');
    assert.equal(await codes(), before);

    await request('0170 3333333');
    const code = await codeSentTo('+491703333333');
    await node.db.query(`UPDATE verification_codes SET expires_at = now() - interval '1 second' WHERE contact = $1`, ['+491703333333']);
    const expired = await confirm('01703333333', code);
    assert.equal(expired.status, 422);
    assert.equal(expired.body.code, 'CODE_INVALID');
  });

  test('five codes an hour, the sixth refused with nothing written; a right code clears the wrong ones before it', async () => {
    const contact = '+4915333333333';
    for (let i = 0; i < 5; i++) assert.equal((await request('0153 33333333')).status, 202);
    const messages = async () => (await node.db.query('SELECT count(*)::int AS n FROM messages WHERE recipient = $1', [contact])).rows[0].n;
    const sent = await messages();
    const sixth = await request('0153 33333333');
    assert.equal(sixth.status, 429);
    assert.equal(sixth.body.code, 'RATE_LIMITED');
    assert.equal(await messages(), sent, 'no message for a refused code');
    assert.equal((await node.db.query('SELECT count(*)::int AS n FROM verification_codes WHERE contact = $1', [contact])).rows[0].n, 5);

    const right = await codeSentTo(contact, 4);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 2; i++) assert.equal((await confirm('0153 33333333', wrong)).status, 422);
    assert.equal((await confirm('0153 33333333', right)).status, 200);
    const attempts = await node.db.query('SELECT failures, locked_until FROM verification_attempts WHERE contact = $1', [contact]);
    assert.deepEqual(attempts.rows[0], { failures: 0, locked_until: null });
    assert.equal((await node.db.query('SELECT count(*)::int AS n FROM verified_contacts WHERE contact = $1', [contact])).rows[0].n, 1);
  });

  test('phone numbers are checked and normalised by libphonenumber: German numbers in any notation, others with their country code', async () => {
    for (const number of ['0170 1234567', '(0170) 123-4567', '0049 170 1234567', '+49 170 1234567']) {
      assert.equal(normaliseContact('sms', number), '+491701234567', number);
    }
    assert.equal(normaliseContact('sms', '+43 664 1234567'), '+436641234567');
    for (const invalid of ['0151 1111111', '12345', '+49 170', '+999 1234567']) {
      const res = await request(invalid);
      assert.equal(res.status, 400, `${invalid}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'CONTACT_INVALID');
    }
  });

  test('a campaign that requires it books only with a verified contact', async () => {
    const center = await adminPost(node.app, '/api/v1/admin/centers', {
      name: 'V',
      address: 'V 1',
      postalCode: '58332',
      district: 'EN',
      lat: 51.28,
      lon: 7.29,
    });
    const campaign = await adminPost(node.app, '/api/v1/admin/campaigns', {
      name: 'Verified only',
      vaccine: { name: 'Solo', doses: 1 },
      requireVerifiedContact: true,
    });
    const slots = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [
        {
          centerId: center.id,
          campaignId: campaign.id,
          startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
          durationMinutes: 10,
          capacity: 5,
          dose: 1,
        },
      ],
    });
    await adminPost(node.app, '/api/v1/admin/releases', {
      campaignId: campaign.id,
      slotIds: [slots.slots[0].id],
      opensAt: new Date(Date.now() - 1000).toISOString(),
      acknowledge: 'all',
    });
    const unverified = await book(node.app, slots.slots[0].id, person({ firstName: 'Unbestätigt', email: 'wer@example.org' }));
    assert.equal(unverified.booking.status, 422);
    assert.equal(unverified.booking.body.code, 'CONTACT_NOT_VERIFIED');

    await request('wer@example.org', 'email');
    const mail = await until(
      async () => smtp.received.find((m) => (m.to as { value: { address: string }[] }).value[0]!.address === 'wer@example.org'),
      Boolean,
    );
    const code = mail!.text!.match(/\d{6}/)![0];
    assert.equal((await confirm('WER@example.org', code, 'email')).status, 200);
    const retry = await post(node.app, '/api/v1/bookings', {
      holdId: unverified.hold.body.holdId,
      person: person({ firstName: 'Unbestätigt', email: 'wer@example.org' }),
    });
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
  });
});

describe('delivery', () => {
  const enqueueSms = async (text: string) =>
    (
      await node.db.query(
        `INSERT INTO messages (kind, channel, priority, recipient, subject, body_text) VALUES ('confirmation', 'sms', 1, '+4915900000', '', $1) RETURNING id, idempotency_key`,
        [text],
      )
    ).rows[0] as { id: number; idempotency_key: string };

  test('429 and 500 are retried with backoff; after the last attempt the message is a dead letter with its reason', async () => {
    sms.setMode('500');
    const failing = await enqueueSms('dead letter');
    const dead = await until(
      async () => (await messageState('id = $1', [failing.id]))[0],
      (m) => m.state === 'failed',
    );
    assert.equal(dead.attempts, 3);
    assert.match(dead.last_error, /answered 500 \(after 3 attempts\)/);
    const listed = (await node.app.inject({ url: '/api/v1/admin/messages?state=failed', headers: admin })).json().messages;
    assert.ok(listed.some((m: { id: number }) => m.id === failing.id));

    sms.setMode('429');
    const throttled = await enqueueSms('rate limited');
    await until(
      async () => (await messageState('id = $1', [throttled.id]))[0],
      (m) => m.attempts >= 2,
    );
    sms.setMode('ok');
    const sent = await until(
      async () => (await messageState('id = $1', [throttled.id]))[0],
      (m) => m.state === 'sent',
    );
    assert.ok(sent.attempts >= 2);

    const retried = await node.app.inject({ method: 'POST', url: `/api/v1/admin/messages/${failing.id}/retry`, headers: admin });
    assert.equal(retried.statusCode, 200);
    await until(
      async () => (await messageState('id = $1', [failing.id]))[0],
      (m) => m.state === 'sent',
    );
  });

  test('an outage loses nothing, and a send that hung is sent again with the same key: delivered once', async () => {
    sms.setMode('hang');
    const during = await Promise.all([1, 2, 3].map((i) => enqueueSms(`outage ${i}`)));
    // Every message hangs and times out once (the send timeout is 500 ms) and waits for its retry.
    await until(
      async () => messageState('id = ANY($1)', [during.map((m) => m.id)]),
      (rows) => rows.every((m) => m.attempts >= 1 && m.state === 'queued' && m.last_error !== null),
    );
    assert.ok((await messageState('id = ANY($1)', [during.map((m) => m.id)])).every((m) => m.state !== 'sent'));
    sms.setMode('ok');
    await until(
      async () => messageState('id = ANY($1)', [during.map((m) => m.id)]),
      (rows) => rows.every((m) => m.state === 'sent'),
    );
    for (const m of during) {
      const seen = sms.requests.filter((r) => r.key === m.idempotency_key);
      assert.ok(seen.length >= 2, 'tried during the outage and after it');
      assert.equal(new Set(seen.map((r) => r.key)).size, 1, 'every try carries the same idempotency key');
    }
  });

  test('an SMTP outage: mail waits, and goes out when the server is back', async () => {
    await smtp.close();
    const w = await setUpWorld(node.app);
    const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Ausfall', email: 'ausfall@example.org' }));
    const code = booking.body.bookingCode;
    await until(
      async () => (await messageState(`kind = 'confirmation' AND recipient = 'ausfall@example.org'`, []))[0],
      (m) => m.attempts >= 1 && m.state !== 'sent',
    );
    const states = (await node.app.inject({ url: `/api/v1/bookings/${code}/messages?dateOfBirth=1964-08-12` })).json().messages;
    assert.ok(states.some((m: { kind: string; state: string }) => m.kind === 'confirmation' && ['delayed', 'queued'].includes(m.state)));
    smtp = await startSmtpSink(smtp.port, smtp.received);
    await until(async () => smtp.received.find((m) => m.subject?.includes(code)), Boolean, 10_000);
  });

  test('a sender that died mid-send: its lease runs out, the message goes out again, once per key', async () => {
    const m = await enqueueSms('orphaned');
    // As a dead node leaves it: claimed, attempt counted, lease in the past, never reported.
    await node.db.query(`UPDATE messages SET state = 'sending', attempts = 1, lease_until = now() - interval '1 second' WHERE id = $1`, [m.id]);
    await until(
      async () => (await messageState('id = $1', [m.id]))[0],
      (row) => row.state === 'sent',
    );
    assert.equal(sms.requests.filter((r) => r.key === m.idempotency_key && r.answered === 202).length, 1);
  });

  test('a backlog of 20,000 confirmations does not hold up a code', async () => {
    await node.db.query(
      `INSERT INTO messages (kind, channel, priority, recipient, subject, body_text)
       SELECT 'confirmation', 'email', 1, 'backlog' || g || '@example.org', 'Backlog', 'x' FROM generate_series(1, 20000) g`,
    );
    const started = Date.now();
    await post(node.app, '/api/v1/verifications', { channel: 'email', contact: 'eilig@example.org' });
    await until(async () => smtp.received.find((m) => (m.to as { value: { address: string }[] }).value[0]!.address === 'eilig@example.org'), Boolean, 10_000);
    const seconds = (Date.now() - started) / 1000;
    const left = (await node.db.query(`SELECT count(*)::int AS n FROM messages WHERE subject = 'Backlog' AND state = 'queued'`)).rows[0].n;
    console.log(`# code delivered ${seconds.toFixed(2)} s after the request, with ${left} confirmations still queued`);
    assert.ok(left > 10_000, 'the backlog was still there');
    assert.ok(seconds < 5, `code took ${seconds} s`);
    const outbox = (await node.app.inject({ url: '/api/v1/admin/outbox', headers: admin })).json();
    assert.ok(
      outbox.backlog.some((b: { channel: string; priority: number; queued: number }) => b.channel === 'email' && b.priority === 1 && b.queued > 10_000),
    );
    // Let the backlog drain out of the way of later tests.
    await node.db.query(`UPDATE messages SET state = 'cancelled' WHERE subject = 'Backlog' AND state = 'queued'`);
  });
});

test('without providers, messages land in the local mailbox the admin can read', async () => {
  const plain = await startTestNode({ ANSTURM_OUTBOX_POLL_MS: '50' });
  try {
    await post(plain.app, '/api/v1/verifications', { channel: 'sms', contact: '0170 7777777' });
    const list = await until(
      async () => (await plain.app.inject({ url: '/api/v1/admin/messages?recipient=%2B491707777777', headers: admin })).json().messages,
      (l: { state: string; deliveredTo: string; text: string }[]) => l.length === 1 && l[0]!.state === 'sent',
    );
    assert.equal(list[0]!.deliveredTo, 'mailbox');
    assert.match(list[0]!.text, /\d{6}/);
  } finally {
    await plain.stop();
  }
});

test('the calendar file folds long lines at 75 octets (RFC 5545), escapes text, and unfolds to what was put in', async () => {
  const { calendar } = await import('../src/notify/ics.js');
  const center = {
    id: 1,
    name: 'Impfzentrum Ennepe-Ruhr-Kreis, Standort Schwelm; Halle 3',
    address: 'Sehr lange Straße mit Umlauten äöü und viel mehr Text 123, 58332 Schwelm',
    postalCode: '58332',
    lat: 51,
    lon: 7,
  };
  const text = calendar('ABCD-2345', [{ dose: 1, startsAt: '2030-05-06T07:00:00.000Z', durationMinutes: 15, center } as never]);
  const lines = text.split('\r\n');
  assert.ok(
    lines.every((l) => Buffer.byteLength(l, 'utf8') <= 75),
    lines.find((l) => Buffer.byteLength(l, 'utf8') > 75),
  );
  const unfolded = text.replace(/\r\n[ \t]/g, '');
  assert.match(
    unfolded,
    /\r\nLOCATION:Impfzentrum Ennepe-Ruhr-Kreis\\, Standort Schwelm\\; Halle 3\\, Sehr lange Straße mit Umlauten äöü und viel mehr Text 123\\, 58332 Schwelm\r\n/,
  );
  assert.match(unfolded, /\r\nDTSTART:20300506T070000Z\r\n/);
  assert.match(unfolded, /\r\nUID:ABCD-2345-1@ansturm\r\n/);
});

test('the senders of two nodes together keep to the channel rate: one shared bucket, each round one statement', async () => {
  const database = await freshDatabase();
  const clock = new TestClock();
  const pools = [createPool(database.url, 2, 5_000, clock), createPool(database.url, 2, 5_000, clock)];
  const sent: string[] = [];
  const transport: Transport = { channel: 'sms', send: async (m) => (sent.push(String(m.id)), { ok: true, deliveredTo: m.recipient }) };
  const options = { ratePerSecond: 10, maxAttempts: 3, pollMs: 1_000, leaseSeconds: 30, batch: 100, retryBaseMs: 100 };
  const senders = pools.map((db) => new Dispatcher(db, transport, options, pino({ level: 'silent' })));
  try {
    const db = pools[0]!;
    await db.query(`INSERT INTO messages (kind, channel, priority, recipient, subject, body_text)
                    SELECT 'confirmation', 'sms', 1, '+49159' || g, '', 'x' FROM generate_series(1, 60) g`);
    // The first round finds no bucket, makes it full and spends it.
    assert.equal(await senders[0]!.cycle(), 10, 'the first round sends what a full bucket holds');
    const started = (await db.query<{ at: Date }>('SELECT now() AS at')).rows[0]!.at.getTime();
    let total = 0;
    for (let second = 0; second < 3; second++) {
      clock.advance(1_000);
      const round = await Promise.all(senders.map((s) => s.cycle()));
      total += round[0]! + round[1]!;
    }
    const realSeconds = ((await db.query<{ at: Date }>('SELECT now() AS at')).rows[0]!.at.getTime() - started) / 1000;
    // Three seconds of the clock: 30 more, plus what the real time the rounds took refilled. Each node on its own would send 60.
    assert.ok(total >= 29, `the senders use the rate (${total} in three seconds)`);
    assert.ok(total <= 30 + Math.ceil(10 * realSeconds) + 1, `the two nodes together keep to 10 a second (${total} in 3 + ${realSeconds.toFixed(2)} s)`);
    assert.equal(new Set(sent).size, sent.length, 'no message is sent twice');
    const states = (await db.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM messages GROUP BY state ORDER BY state`)).rows;
    assert.deepEqual(
      states,
      [
        { state: 'queued', n: 60 - sent.length },
        { state: 'sent', n: sent.length },
      ],
      'each claimed message is sent and recorded; the rest wait',
    );
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await database.drop();
  }
});

test('messages handed over together are recorded as sent together, each at once: not a transaction each', async () => {
  const database = await freshDatabase();
  const db = createPool(database.url, 4);
  // Every send of a round is handed over in the same moment, as a provider that answers a burst at once.
  let release: () => void = () => undefined;
  const handedOver = new Promise<void>((resolve) => (release = resolve));
  const transport: Transport = { channel: 'email', send: async (m) => (await handedOver, { ok: true, deliveredTo: m.recipient }) };
  const sender = new Dispatcher(
    db,
    transport,
    { ratePerSecond: 1_000, maxAttempts: 3, pollMs: 1_000, leaseSeconds: 30, batch: 100, retryBaseMs: 100 },
    pino({ level: 'silent' }),
  );
  try {
    await db.query(`INSERT INTO messages (kind, channel, priority, recipient, subject, body_text)
                    SELECT 'confirmation', 'email', 1, 'p' || g || '@example.org', 's', 'x' FROM generate_series(1, 50) g`);
    const round = sender.cycle();
    setImmediate(() => release());
    assert.equal(await round, 50);
    const sent = (
      await db.query<{ n: number; records: number }>(`SELECT count(*)::int AS n, count(DISTINCT sent_at)::int AS records FROM messages WHERE state = 'sent'`)
    ).rows[0]!;
    assert.equal(sent.n, 50, 'every message is recorded as sent');
    // A statement's transaction has one clock_now(): fifty records, one each, would have fifty times.
    assert.ok(sent.records <= 3, `recorded in ${sent.records} statements`);
  } finally {
    await db.end();
    await database.drop();
  }
});
