import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { book, person, post, setUpWorld, DAY } from './support/fixtures.js';
import { admin, startTestNode, type TestNode } from './support/node.js';
import { join, until } from './support/queue.js';

/** Storage limitation: personal data goes when its purpose has passed; the counts stay. Time is moved, not waited for. */
describe('retention', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({ ANSTURM_RETENTION_DAYS: '30' });
  });
  after(() => node.stop());

  const bookingRow = async (code: string) =>
    (
      await node.db.query(
        `SELECT first_name, last_name, date_of_birth::text, postal_code, email, phone, anonymised_at IS NOT NULL AS anonymised, status, channel
         FROM bookings WHERE code = $1`,
        [code.replace('-', '')],
      )
    ).rows[0];

  test('a booking, its messages, codes and the wait list keep personal data until their time, then only what counts', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 2, firstCapacity: 1 }); // first doses in 3 days, second in 31
    const kept = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Klara', lastName: 'Kurz', email: 'klara@example.org' }));
    const gone = await book(node.app, w.firstSlotIds[1]!, person({ firstName: 'Gerd', lastName: 'Geht', dateOfBirth: '1951-06-30', phone: '0170 5550111' }));
    const cancel = await node.app.inject({ method: 'DELETE', url: `/api/v1/bookings/${gone.booking.body.bookingCode}?dateOfBirth=1951-06-30` });
    assert.equal(cancel.statusCode, 200);
    // A contact confirmed for the wait list, and the person on it.
    await post(node.app, '/api/v1/verifications', { channel: 'sms', contact: '0170 5550112' });
    const code = await until(
      () => node.db.query(`SELECT body_text FROM messages WHERE kind = 'code' AND recipient = '+491705550112' AND state = 'sent'`),
      (r) => r.rowCount === 1,
    );
    await post(node.app, '/api/v1/verifications/confirm', { channel: 'sms', contact: '0170 5550112', code: /\b(\d{6})\b/.exec(code.rows[0].body_text)![1] });
    const joined = await post(node.app, '/api/v1/waitlist', {
      campaignId: w.campaignId,
      person: person({ firstName: 'Wanda', dateOfBirth: '1940-02-02', phone: '0170 5550112' }),
    });
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    // The outbox sends what is due (reminders wait for their day); the checks below wait for it, not for time.
    const drained = () =>
      until(
        () => node.db.query(`SELECT count(*)::int AS n FROM messages WHERE state IN ('queued', 'sending') AND not_before <= clock_now()`),
        (r) => r.rows[0].n === 0,
      );
    await drained();
    // A place in a waiting room bound to a person (one place per person).
    const room = await setUpWorld(node.app, { waitingRoom: true, prequeueMinutes: 30, opensAt: new Date(node.clock.now() + 60_000).toISOString() });
    await node.queueView.refresh();
    const place = await join(node.app, room.releaseId);
    assert.equal(place.status, 201, JSON.stringify(place.body));
    const bound = await node.app.inject({
      method: 'PUT',
      url: `/api/v1/queue/tickets/${encodeURIComponent(place.body.ticket)}/person`,
      payload: { firstName: 'Klara', lastName: 'Kurz', dateOfBirth: '1964-08-12' },
    });
    assert.equal(bound.statusCode, 200, bound.body);
    // A barrier report with a contact for the answer, closed today.
    const report = await post(node.app, '/api/v1/barrier-reports', { message: 'Kontrast zu schwach', contact: 'klara@example.org' });
    assert.equal((await node.app.inject({ method: 'POST', url: `/api/v1/admin/barrier-reports/${report.body.id}/done`, headers: admin })).statusCode, 200);
    // The rows that exist now must all still exist at the end (the wait list may add offers meanwhile).
    const lastMessage = (await node.db.query(`SELECT coalesce(max(id), 0) AS id FROM messages`)).rows[0].id;
    const counts = async () =>
      (
        await node.db.query(
          `SELECT (SELECT count(*) FROM bookings)::int AS bookings, (SELECT count(*) FROM messages WHERE id <= $1)::int AS messages,
                  (SELECT count(*) FROM waitlist_entries)::int AS entries`,
          [lastMessage],
        )
      ).rows[0];
    const before = await counts();

    // Today nothing is due.
    await node.leader.runNow('retention');
    assert.equal((await bookingRow(kept.booking.body.bookingCode)).first_name, 'Klara');
    assert.equal((await bookingRow(gone.booking.body.bookingCode)).first_name, 'Gerd', 'a cancelled booking is kept until its appointment day has passed, too');

    // Eight days on: message texts and codes are gone, bookings are not.
    await node.advance(8 * DAY);
    await drained();
    await node.leader.runNow('retention');
    const messages = await node.db.query(`SELECT kind, state, recipient, body_text, erased_at IS NOT NULL AS erased FROM messages WHERE id <= $1`, [
      lastMessage,
    ]);
    const done = messages.rows.filter((m) => ['sent', 'failed', 'cancelled'].includes(m.state));
    assert.ok(done.length >= 3 && done.every((m) => m.erased && m.recipient === '' && m.body_text === ''), JSON.stringify(messages.rows));
    assert.ok(
      messages.rows.filter((m) => !done.includes(m)).every((m) => !m.erased && m.recipient !== ''),
      'a message still to be sent keeps its recipient',
    );
    assert.equal((await node.db.query(`SELECT count(*)::int AS n FROM verification_codes`)).rows[0].n, 0);
    assert.equal((await bookingRow(kept.booking.body.bookingCode)).last_name, 'Kurz');

    // Past the last appointment (the second dose, 31 days out) plus 30 days: the bookings keep only what counts.
    await node.advance(60 * DAY);
    await node.leader.runNow('waitlist-offers'); // an offer that lapsed meanwhile is settled first
    await drained();
    await node.leader.runNow('retention');
    for (const b of [kept, gone]) {
      const row = await bookingRow(b.booking.body.bookingCode);
      assert.deepEqual(
        { first: row.first_name, last: row.last_name, email: row.email, phone: row.phone, anonymised: row.anonymised },
        { first: '', last: '', email: null, phone: null, anonymised: true },
      );
      assert.match(row.date_of_birth, /^\d{4}-01-01$/, 'the year of birth stays, for statistics by age');
      assert.equal(row.postal_code, '58', 'the region stays');
    }
    assert.equal((await bookingRow(gone.booking.body.bookingCode)).status, 'cancelled');
    const lookup = await node.app.inject({ url: `/api/v1/bookings/${kept.booking.body.bookingCode}?dateOfBirth=1964-08-12` });
    assert.equal(lookup.statusCode, 404, 'an erased booking is found no more');
    const entry = (await node.db.query(`SELECT first_name, phone, state, anonymised_at IS NOT NULL AS anonymised FROM waitlist_entries`)).rows[0];
    assert.deepEqual(entry, { first_name: '', phone: null, state: 'left', anonymised: true });
    assert.equal((await node.db.query(`SELECT count(*)::int AS n FROM verified_contacts`)).rows[0].n, 0);
    assert.deepEqual((await node.db.query(`SELECT message, contact FROM barrier_reports`)).rows, [{ message: 'Kontrast zu schwach', contact: null }]);
    assert.equal(
      (await node.db.query(`SELECT count(*)::int AS n FROM queue_tickets WHERE person_hash IS NOT NULL`)).rows[0].n,
      0,
      'the waiting-room binding is gone',
    );
    assert.deepEqual(await counts(), before, 'every row stays: the counts for statistics are unchanged');
    // Nothing personal anywhere in these tables now.
    const dump = JSON.stringify(
      (
        await node.db.query(`SELECT row_to_json(b)::text AS r FROM bookings b UNION ALL SELECT row_to_json(e)::text FROM waitlist_entries e
                            UNION ALL SELECT row_to_json(m)::text FROM messages m`)
      ).rows,
    );
    for (const personal of ['Klara', 'Kurz', 'Gerd', 'Wanda', 'klara@example.org', '5550111', '5550112', '1951-06-30', '1940-02-02']) {
      assert.ok(!dump.includes(personal), `no trace of ${personal}`);
    }
  });
});

describe('a person’s own data', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode();
  });
  after(() => node.stop());
  const bookingRow = async (code: string) =>
    (await node.db.query(`SELECT first_name, email, status, anonymised_at IS NOT NULL AS anonymised FROM bookings WHERE code = $1`, [code.replace('-', '')]))
      .rows[0];

  test('a person sees everything stored about their booking, and can cancel it and erase their data', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 2 });
    const who = person({ firstName: 'Ida', lastName: 'Inhalt', dateOfBirth: '1957-07-07', email: 'ida@example.org' });
    const { booking } = await book(node.app, w.firstSlotIds[0]!, who);
    const code = booking.body.bookingCode;
    const data = await node.app.inject({ url: `/api/v1/bookings/${code}/data?dateOfBirth=1957-07-07` });
    assert.equal(data.statusCode, 200, data.body);
    assert.equal(data.headers['cache-control'], 'no-store');
    const mine = data.json();
    assert.equal(mine.booking.first_name, 'Ida');
    assert.equal(mine.booking.email, 'ida@example.org');
    assert.equal(mine.booking.identity_hash, undefined, 'the keyed hash says nothing to a person and is left out');
    assert.equal(mine.appointments.length, 2);
    assert.ok(mine.messages.some((m: { kind: string; recipient: string }) => m.kind === 'confirmation' && m.recipient === 'ida@example.org'));
    const file = await node.app.inject({ url: `/api/v1/bookings/${code}/data?dateOfBirth=1957-07-07&download=true` });
    assert.match(String(file.headers['content-disposition']), /^attachment; filename="ansturm-daten-[A-Z0-9-]+\.json"$/);
    assert.equal((await node.app.inject({ url: `/api/v1/bookings/${code}/data?dateOfBirth=1957-07-08` })).statusCode, 404);

    const erased = await post(node.app, `/api/v1/bookings/${code}/erase`, { dateOfBirth: '1957-07-07' });
    assert.equal(erased.status, 200, JSON.stringify(erased.body));
    assert.deepEqual(erased.body, { erased: true, cancelled: true });
    const row = await bookingRow(code);
    assert.deepEqual(
      { first: row.first_name, email: row.email, status: row.status, anonymised: row.anonymised },
      { first: '', email: null, status: 'cancelled', anonymised: true },
    );
    const slot = await node.db.query(`SELECT taken FROM slots WHERE id = $1`, [w.firstSlotIds[0]]);
    assert.equal(slot.rows[0].taken, 0, 'the appointment is free again');
    const messages = await node.db.query(`SELECT state, recipient, body_text FROM messages WHERE booking_id = (SELECT id FROM bookings WHERE code = $1)`, [
      code.replace('-', ''),
    ]);
    assert.ok(
      messages.rows.length > 0 && messages.rows.every((m) => m.recipient === '' && m.body_text === '' && m.state !== 'queued'),
      JSON.stringify(messages.rows),
    );
    assert.equal((await node.app.inject({ url: `/api/v1/bookings/${code}?dateOfBirth=1957-07-07` })).statusCode, 404, 'found no more');
    assert.equal((await post(node.app, `/api/v1/bookings/${code}/erase`, { dateOfBirth: '1957-07-07' })).status, 404);
  });
});
