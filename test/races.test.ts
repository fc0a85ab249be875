import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { solve } from '../src/queue/pow.js';
import { person, post, setUpWorld } from './support/fixtures.js';
import { admin, startTestNode, type TestNode } from './support/node.js';
import { join, opened, setRoom, status, until } from './support/queue.js';

/**
 * Every race a citizen (or two staff members) can cause ends in one winner and clear 409s,
 * never a 500. The node runs four group-commit lanes, so requests that race here are written
 * in different transactions at the same moment, as on two nodes.
 */

let node: TestNode;
before(async () => {
  node = await startTestNode({ ANSTURM_BOOKING_LANES: '4', ANSTURM_DB_POOL_SIZE: '12', ANSTURM_JOINS_PER_MINUTE: '0' });
});
after(() => node.stop());

type Answer = { status: number; body: any };

/** One winner, the rest refused with 409 and the expected code. */
function oneWinner(answers: Answer[], winStatus: number, code: string) {
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [winStatus, ...Array<number>(answers.length - 1).fill(409)].sort(), JSON.stringify(answers.map((a) => a.body)));
  for (const a of answers.filter((x) => x.status === 409)) assert.equal(a.body.code, code, JSON.stringify(a.body));
}

const times = <T>(n: number, fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
const inject = async (method: 'POST' | 'DELETE' | 'PUT', url: string, payload?: object, headers: Record<string, string> = {}): Promise<Answer> => {
  const res = await node.app.inject({ method, url, payload, headers });
  return { status: res.statusCode, body: res.body ? res.json() : null };
};

test('ten holds at once on one admission token: one hold, nine ADMISSION_IN_USE', async () => {
  const w = await setUpWorld(node.app, { waitingRoom: true, firstCapacity: 50, firstSlots: 2, secondCapacity: 100 });
  await setRoom(node.app, w.releaseId, { difficulty: 4, maxAdmissionsPerSecond: 100, targetActive: 100 });
  await opened(node.app, w.releaseId);
  const t = (await join(node.app, w.releaseId)).body;
  const token: string = (
    await until(
      () => status(node.app, t.ticket),
      (r) => r.body.admission !== null,
    )
  ).body.admission.token;
  const answers = await times(10, (i) => post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[i % 2] }, { 'admission-token': token }));
  oneWinner(answers, 201, 'ADMISSION_IN_USE');
  const held = await node.db.query(`SELECT count(*)::int AS n FROM holds WHERE ticket_id = $1 AND status = 'held'`, [t.ticketId]);
  assert.equal(held.rows[0].n, 1);
});

test('one hold confirmed five times at once: one booking, four HOLD_ALREADY_USED', async () => {
  const w = await setUpWorld(node.app);
  const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
  const answers = await times(5, (i) => post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: person({ firstName: `Doppelt${i}` }) }));
  oneWinner(answers, 201, 'HOLD_ALREADY_USED');
});

test('one person booked from five holds at once: one booking, four ALREADY_BOOKED', async () => {
  const w = await setUpWorld(node.app, { firstCapacity: 10 });
  const holds = await times(5, () => post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] }));
  const who = person({ firstName: 'Einmal' });
  const answers = await times(5, (i) => post(node.app, '/api/v1/bookings', { holdId: holds[i]!.body.holdId, person: who }));
  oneWinner(answers, 201, 'ALREADY_BOOKED');
});

test('one booking cancelled five times at once: one cancellation, four ALREADY_CANCELLED', async () => {
  const w = await setUpWorld(node.app);
  const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
  const who = person({ firstName: 'Storno' });
  const booking = await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: who });
  const answers = await times(5, () => inject('DELETE', `/api/v1/bookings/${booking.body.bookingCode}?dateOfBirth=${who.dateOfBirth}`));
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409, 409, 409], JSON.stringify(answers));
  for (const a of answers.filter((x) => x.status === 409)) assert.equal(a.body.code, 'ALREADY_CANCELLED');
});

test('one booking moved five times at once: one move, the others refused with 409', async () => {
  const w = await setUpWorld(node.app, { firstCapacity: 10, firstSlots: 2 });
  const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
  const who = person({ firstName: 'Umbuchung' });
  const booking = await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: who });
  const answers = await times(5, () =>
    inject('POST', `/api/v1/bookings/${booking.body.bookingCode}/rebook`, { dateOfBirth: who.dateOfBirth, slotId: w.firstSlotIds[1] }),
  );
  assert.ok(
    answers.every((a) => a.status === 200 || a.status === 409),
    JSON.stringify(answers),
  );
  assert.ok(answers.some((a) => a.status === 200));
  const taken = await node.db.query('SELECT id, taken FROM slots WHERE id = ANY($1) ORDER BY id', [w.firstSlotIds]);
  assert.deepEqual(
    taken.rows.map((r) => r.taken),
    [0, 1],
    'the booking holds exactly one unit, on the new slot',
  );
});

test('one person joins the wait list five times at once: one entry, four ALREADY_ON_WAITLIST', async () => {
  const w = await setUpWorld(node.app);
  const who = { ...person({ firstName: 'Warteliste' }), phone: '+4916055500001' };
  await node.db.query('INSERT INTO verified_contacts (contact) VALUES ($1) ON CONFLICT DO NOTHING', [who.phone]);
  const answers = await times(5, () => post(node.app, '/api/v1/waitlist', { campaignId: w.campaignId, person: who }));
  oneWinner(answers, 201, 'ALREADY_ON_WAITLIST');
});

test('one challenge used to join five times at once: one ticket, four CHALLENGE_USED', async () => {
  const w = await setUpWorld(node.app, { waitingRoom: true });
  await setRoom(node.app, w.releaseId, { difficulty: 4 });
  const c = (await node.app.inject({ url: `/api/v1/queue/rooms/${w.releaseId}/challenge` })).json();
  const nonce = solve(c.challenge, c.difficulty);
  const answers = await times(5, () => post(node.app, `/api/v1/queue/rooms/${w.releaseId}/tickets`, { challenge: c.challenge, nonce }));
  oneWinner(answers, 201, 'CHALLENGE_USED');
});

test('one person bound to two places at once: one place stays, never a 500', async () => {
  const w = await setUpWorld(node.app, { waitingRoom: true });
  await setRoom(node.app, w.releaseId, { difficulty: 4 });
  const a = (await join(node.app, w.releaseId)).body;
  const b = (await join(node.app, w.releaseId)).body;
  const who = { firstName: 'Zwei', lastName: 'Plätze', dateOfBirth: '1950-05-05' };
  const answers = await Promise.all([a, b, a, b].map((t) => inject('PUT', `/api/v1/queue/tickets/${encodeURIComponent(t.ticket)}/person`, who)));
  // The place that loses is withdrawn (DUPLICATE_PLACE); binding it again finds it withdrawn (TICKET_INACTIVE).
  assert.ok(
    answers.every((x) => x.status === 200 || (x.status === 409 && ['DUPLICATE_PLACE', 'TICKET_INACTIVE'].includes(x.body.code))),
    JSON.stringify(answers),
  );
  const places = await node.db.query(
    `SELECT count(*)::int AS n FROM queue_tickets WHERE release_id = $1 AND person_hash IS NOT NULL AND state IN ('waiting', 'admitted')`,
    [w.releaseId],
  );
  assert.equal(places.rows[0].n, 1);
});

test('forty people bind their places at once, two of them twice: each bound to their own place, the double ones once', async () => {
  const w = await setUpWorld(node.app, { waitingRoom: true });
  await setRoom(node.app, w.releaseId, { difficulty: 0 });
  const tickets = [];
  for (let i = 0; i < 42; i++) tickets.push((await join(node.app, w.releaseId)).body);
  const who = (i: number) => ({ firstName: `Bind${i % 40}`, lastName: 'Gleichzeitig', dateOfBirth: '1960-01-01' });
  const answers = await Promise.all(tickets.map((t, i) => inject('PUT', `/api/v1/queue/tickets/${encodeURIComponent(t.ticket)}/person`, who(i))));
  assert.ok(
    answers.every((x) => x.status === 200 || (x.status === 409 && ['DUPLICATE_PLACE', 'TICKET_INACTIVE'].includes(x.body.code))),
    JSON.stringify(answers.filter((x) => x.status !== 200)),
  );
  assert.ok(answers.filter((x) => x.status === 200).length >= 40);
  const places = await node.db.query<{ n: number; people: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT person_hash)::int AS people FROM queue_tickets
     WHERE release_id = $1 AND person_hash IS NOT NULL AND state IN ('waiting', 'admitted')`,
    [w.releaseId],
  );
  assert.deepEqual(places.rows[0], { n: 40, people: 40 }, 'forty people, one place each');
});

test('two admins create the same username at once: one account, the others USERNAME_TAKEN', async () => {
  const answers = await times(5, () =>
    inject('POST', '/api/v1/admin/staff', { username: 'gleichzeitig', displayName: 'G', role: 'agent', password: 'pw-gleichzeitig-0123' }, admin),
  );
  oneWinner(answers, 201, 'USERNAME_TAKEN');
});

test('a place bound to one person books that person only', async () => {
  const w = await setUpWorld(node.app, { waitingRoom: true, firstCapacity: 10, secondCapacity: 100 });
  await setRoom(node.app, w.releaseId, { difficulty: 4, maxAdmissionsPerSecond: 100, targetActive: 100 });
  const t = (await join(node.app, w.releaseId)).body;
  const bound = { firstName: 'Gebunden', lastName: 'Person', dateOfBirth: '1948-04-04' };
  assert.equal((await inject('PUT', `/api/v1/queue/tickets/${encodeURIComponent(t.ticket)}/person`, bound)).status, 200);
  await opened(node.app, w.releaseId);
  const token: string = (
    await until(
      () => status(node.app, t.ticket),
      (r) => r.body.admission !== null,
    )
  ).body.admission.token;
  const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] }, { 'admission-token': token });
  assert.equal(hold.status, 201);

  const other = await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: person({ firstName: 'Jemand', lastName: 'Anderes' }) });
  assert.equal(other.status, 403, JSON.stringify(other.body));
  assert.equal(other.body.code, 'ADMISSION_OTHER_PERSON');
  // The same person, typed as people type (other case, spaces), books.
  const same = await post(node.app, '/api/v1/bookings', {
    holdId: hold.body.holdId,
    person: { ...person(), firstName: ' gebunden', lastName: 'PERSON ', dateOfBirth: bound.dateOfBirth },
  });
  assert.equal(same.status, 201, JSON.stringify(same.body));
});
