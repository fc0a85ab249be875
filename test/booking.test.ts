import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminPost, book, morningIn, person, post, setUpWorld } from './support/fixtures.js';
import { startTestNode, type TestNode } from './support/node.js';
import { waitUntil } from './support/cluster.js';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.stop());

const slotTaken = async (id: number) => (await node.db.query<{ taken: number }>('SELECT taken FROM slots WHERE id = $1', [id])).rows[0]!.taken;

describe('hold and confirm', () => {
  test('a hold takes one first-dose unit and one matching second-dose unit; confirm returns a code', async () => {
    const w = await setUpWorld(node.app);
    const { hold, booking } = await book(node.app, w.firstSlotIds[0]!);
    assert.equal(hold.body.appointments.length, 2);
    assert.deepEqual(
      hold.body.appointments.map((a: { dose: number }) => a.dose),
      [1, 2],
    );
    const [first, second] = hold.body.appointments;
    const days = (Date.parse(second.startsAt) - Date.parse(first.startsAt)) / 86_400_000;
    assert.ok(days >= 21 && days <= 42, `second dose ${days} days later`);
    assert.ok(Date.parse(hold.body.expiresAt) > Date.now());
    assert.equal(booking.status, 201, JSON.stringify(booking.body));
    assert.match(booking.body.bookingCode, /^[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}$/);
    assert.equal(await slotTaken(w.firstSlotIds[0]!), 1);
    assert.equal(await slotTaken(w.secondSlotIds[0]!), 1);

    const view = await node.app.inject({ url: `/api/v1/bookings/${booking.body.bookingCode.toLowerCase()}?dateOfBirth=1964-08-12` });
    assert.equal(view.statusCode, 200);
    assert.equal(view.json().status, 'active');
    assert.equal(view.json().appointments.length, 2);
  });

  test('a one-dose campaign holds a single appointment', async () => {
    const w = await setUpWorld(node.app, { doses: 1 });
    const { hold, booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Einmal' }));
    assert.equal(hold.body.appointments.length, 1);
    assert.equal(booking.status, 201);
  });

  test('without a free second dose in the interval, nothing is held', async () => {
    const w = await setUpWorld(node.app, { secondCapacity: 0 });
    const res = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'NO_SECOND_DOSE_SLOT');
    assert.equal(await slotTaken(w.firstSlotIds[0]!), 0, 'the first-dose unit was given back');
  });

  test('second-dose capacity bounds first doses: one second-dose unit serves one booking only', async () => {
    const w = await setUpWorld(node.app, { firstCapacity: 5, secondCapacity: 1 });
    assert.equal((await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] })).status, 201);
    const second = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[1] });
    assert.equal(second.body.code, 'NO_SECOND_DOSE_SLOT');
  });

  test('a full slot answers SLOT_FULL', async () => {
    const w = await setUpWorld(node.app, { firstCapacity: 1 });
    assert.equal((await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] })).status, 201);
    const res = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'SLOT_FULL');
  });

  test('a second-dose slot cannot be held directly; an unknown slot is 404', async () => {
    const w = await setUpWorld(node.app);
    const direct = await post(node.app, '/api/v1/holds', { slotId: w.secondSlotIds[0] });
    assert.equal(direct.status, 409);
    assert.equal(direct.body.code, 'WRONG_DOSE');
    const unknown = await post(node.app, '/api/v1/holds', { slotId: 99_999_999 });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'SLOT_NOT_FOUND');
  });

  test('a hold is used once', async () => {
    const w = await setUpWorld(node.app);
    const { hold } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Once' }));
    const again = await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: person({ firstName: 'Twice' }) });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'HOLD_ALREADY_USED');
    const missing = await post(node.app, '/api/v1/bookings', { holdId: '00000000-0000-4000-8000-000000000000', person: person() });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'HOLD_NOT_FOUND');
  });
});

describe('one active booking per person and campaign', () => {
  test('the same person, however the name is typed, books once; after cancelling, again', async () => {
    const w = await setUpWorld(node.app);
    const first = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Jürgen', lastName: 'Müller' }));
    assert.equal(first.booking.status, 201);
    const second = await book(node.app, w.firstSlotIds[1]!, person({ firstName: ' JUERGEN ', lastName: 'mueller' }));
    assert.equal(second.booking.status, 409);
    assert.equal(second.booking.body.code, 'ALREADY_BOOKED');

    const cancel = await node.app.inject({ method: 'DELETE', url: `/api/v1/bookings/${first.booking.body.bookingCode}?dateOfBirth=1964-08-12` });
    assert.equal(cancel.statusCode, 200);
    const retry = await post(node.app, '/api/v1/bookings', { holdId: second.hold.body.holdId, person: person({ firstName: 'Jürgen', lastName: 'Müller' }) });
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
  });

  test('another campaign is another booking', async () => {
    const a = await setUpWorld(node.app);
    const b = await setUpWorld(node.app);
    const who = person({ firstName: 'Zwei', lastName: 'Kampagnen' });
    assert.equal((await book(node.app, a.firstSlotIds[0]!, who)).booking.status, 201);
    assert.equal((await book(node.app, b.firstSlotIds[0]!, who)).booking.status, 201);
  });
});

describe('eligibility', () => {
  test('age is judged on the appointment day', async () => {
    const w = await setUpWorld(node.app, { minAge: 18, maxAge: 59 });
    const appointmentDay = morningIn(3).slice(0, 10);
    const [y, m, d] = appointmentDay.split('-').map(Number) as [number, number, number];
    const turns18Tomorrow = `${y - 18}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const birthdayAfter = new Date(Date.UTC(y - 18, m - 1, d + 1)).toISOString().slice(0, 10);

    const ok = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Achtzehn', dateOfBirth: turns18Tomorrow }));
    assert.equal(ok.booking.status, 201, 'turns 18 on the appointment day: eligible');
    const young = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Siebzehn', dateOfBirth: birthdayAfter }));
    assert.equal(young.booking.status, 422);
    assert.equal(young.booking.body.code, 'NOT_ELIGIBLE');
    assert.equal(young.booking.body.reason, 'TOO_YOUNG');
    assert.match(young.booking.body.message, /at least 18/);
    const old = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Alt', dateOfBirth: '1940-01-01' }));
    assert.equal(old.booking.body.reason, 'TOO_OLD');
  });

  test('a district-limited campaign admits residents by postal code', async () => {
    await adminPost(node.app, '/api/v1/admin/districts', { name: 'Testkreis', postalCodes: ['58285', '58300'] });
    const w = await setUpWorld(node.app, { districts: ['Testkreis'] });
    const inside = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Drinnen', postalCode: '58300' }));
    assert.equal(inside.booking.status, 201);
    const outside = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Draussen', postalCode: '10115' }));
    assert.equal(outside.booking.status, 422);
    assert.equal(outside.booking.body.reason, 'DISTRICT');
    assert.match(outside.booking.body.message, /10115/);
  });

  test('a date of birth in the future is refused', async () => {
    const w = await setUpWorld(node.app);
    const res = await book(node.app, w.firstSlotIds[0]!, person({ dateOfBirth: '2099-01-01' }));
    assert.equal(res.booking.status, 400);
  });
});

describe('cancel and rebook', () => {
  test('cancel gives both units back at once and cannot be repeated', async () => {
    const w = await setUpWorld(node.app);
    const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Storno' }));
    assert.equal(await slotTaken(w.firstSlotIds[0]!), 1);
    const url = `/api/v1/bookings/${booking.body.bookingCode}?dateOfBirth=1964-08-12`;
    const wrongDob = await node.app.inject({ method: 'DELETE', url: url.replace('1964-08-12', '1964-08-13') });
    assert.equal(wrongDob.statusCode, 404);
    const res = await node.app.inject({ method: 'DELETE', url });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'cancelled');
    assert.equal(await slotTaken(w.firstSlotIds[0]!), 0);
    assert.equal(await slotTaken(w.secondSlotIds[0]!), 0);
    const twice = await node.app.inject({ method: 'DELETE', url });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().code, 'ALREADY_CANCELLED');
  });

  test('rebook moves the booking, or changes nothing when the new slot is full', async () => {
    const w = await setUpWorld(node.app, { firstCapacity: 1, firstSlots: 3 });
    const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Umbuchung' }));
    const code = booking.body.bookingCode;
    await book(node.app, w.firstSlotIds[2]!, person({ firstName: 'Besetzt' }));

    const full = await post(node.app, `/api/v1/bookings/${code}/rebook`, { dateOfBirth: '1964-08-12', slotId: w.firstSlotIds[2] });
    assert.equal(full.status, 409);
    assert.equal(full.body.code, 'SLOT_FULL');
    assert.equal(await slotTaken(w.firstSlotIds[0]!), 1, 'old appointment kept');

    const moved = await post(node.app, `/api/v1/bookings/${code}/rebook`, { dateOfBirth: '1964-08-12', slotId: w.firstSlotIds[1] });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.appointments[0].slotId, w.firstSlotIds[1]);
    assert.equal(await slotTaken(w.firstSlotIds[0]!), 0);
    assert.equal(await slotTaken(w.firstSlotIds[1]!), 1);
    assert.equal(await slotTaken(w.secondSlotIds[0]!), 2, 'one unit for each of the two bookings');
  });
});

describe('Idempotency-Key', () => {
  test('a retried hold returns the first answer and takes nothing more', async () => {
    const w = await setUpWorld(node.app);
    const headers = { 'idempotency-key': 'hold-retry-1' };
    const a = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] }, headers);
    const b = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] }, headers);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.body.holdId, a.body.holdId);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.equal(await slotTaken(w.firstSlotIds[0]!), 1);
    const other = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[1] }, headers);
    assert.equal(other.status, 422);
    assert.equal(other.body.code, 'IDEMPOTENCY_KEY_REUSED');
  });

  test('concurrent retries of one booking create one booking', async () => {
    const w = await setUpWorld(node.app);
    const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
    const body = { holdId: hold.body.holdId, person: person({ firstName: 'Parallel' }) };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(node.app, '/api/v1/bookings', body, { 'idempotency-key': 'confirm-1' })));
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 201, 201, 201],
    );
    assert.equal(new Set(answers.map((a) => a.body.bookingCode)).size, 1);
    const count = await node.db.query('SELECT count(*)::int AS n FROM bookings WHERE hold_id = $1', [hold.body.holdId]);
    assert.equal(count.rows[0].n, 1);
  });

  /**
   * Another node's transaction has written the key with its answer and not yet committed, as when a client's retry
   * reaches a second node while the first is still writing. The racing request does its work, waits on the key at
   * its COMMIT, and then either answers with the first answer (taking nothing) or, if the first rolled back, its own.
   */
  for (const [ending, replayed] of [
    ['COMMIT', true],
    ['ROLLBACK', false],
  ] as const)
    test(`a retry racing the first on another node, which ends in ${ending}: ${replayed ? 'the first answer, nothing taken' : 'its own hold'}`, async () => {
      const w = await setUpWorld(node.app);
      const slot = w.firstSlotIds[0]!;
      const body = { slotId: slot };
      const first = await post(node.app, '/api/v1/holds', body, { 'idempotency-key': `race-first-${ending}` });
      // The same body's hash, as the node computed it.
      const { request_hash: hash } = (await node.db.query('SELECT request_hash FROM idempotency_keys WHERE key = $1', [`race-first-${ending}`])).rows[0];
      const taken = await slotTaken(slot);
      const other = await node.db.connect();
      try {
        const otherPid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body) VALUES ('POST /api/v1/holds', $1, $2, 201, $3)`,
          [`race-${ending}`, hash, JSON.stringify(first.body)],
        );
        const racing = post(node.app, '/api/v1/holds', body, { 'idempotency-key': `race-${ending}` });
        await waitUntil('the racing request waits on the key', async () => {
          const waiting = await node.db.query(
            // The key's INSERT, sent with the COMMIT (db/pipeline.ts).
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND query LIKE 'INSERT INTO idempotency_keys%'`,
            [otherPid],
          );
          return waiting.rows[0].n === 1;
        });
        await other.query(ending);
        const answer = await racing;
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        assert.equal(answer.headers['idempotent-replayed'], String(replayed));
        if (replayed) assert.equal(answer.body.holdId, first.body.holdId);
        else assert.notEqual(answer.body.holdId, first.body.holdId);
        assert.equal(await slotTaken(slot), replayed ? taken : taken + 1);
        const keys = await node.db.query('SELECT response_body FROM idempotency_keys WHERE key = $1', [`race-${ending}`]);
        assert.equal(keys.rows[0].response_body.holdId, answer.body.holdId, 'the stored answer is the one given');
      } finally {
        other.release();
      }
    });
});
