import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { book, person, post, setUpWorld } from './support/fixtures.js';
import { startTestNode, type TestNode } from './support/node.js';

let node: TestNode;
before(async () => {
  node = await startTestNode({ ANSTURM_HOLD_TTL_SECONDS: '5' });
});
after(() => node.stop());

test('nothing in a release can be held before its instant, by the database clock', async () => {
  const opensAt = new Date(node.clock.now() + 60_000);
  const w = await setUpWorld(node.app, { opensAt: opensAt.toISOString(), firstCapacity: 1000, secondCapacity: 1000 });

  const early = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'NOT_RELEASED');
  assert.equal(early.body.opensAt, opensAt.toISOString());

  // Hammer the slot from before the instant until after it: the clock reaches the instant while
  // requests are in flight (connections take the new time at their next checkout).
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async (_, i) => {
      for (let k = 0; k < 60; k++) {
        if (i === 0 && k === 30) node.clock.advance(opensAt.getTime() - node.clock.now());
        statuses.push((await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] })).status);
      }
    }),
  );
  assert.ok(statuses.includes(409) && statuses.includes(201), 'tries fell on both sides of the instant');
  const res = await node.db.query<{ early: number; first: Date; opens_at: Date }>(
    `SELECT count(*) FILTER (WHERE h.created_at < r.opens_at)::int AS early, min(h.created_at) AS first, r.opens_at
     FROM holds h JOIN slots s ON s.id = h.slot_id JOIN releases r ON r.id = s.release_id
     WHERE r.id = $1 GROUP BY r.opens_at`,
    [w.releaseId],
  );
  assert.equal(res.rows[0]!.early, 0, 'no hold was taken before the release instant');
  assert.ok(res.rows[0]!.first.getTime() >= res.rows[0]!.opens_at.getTime());
});

/** Moves the clock past the holds' time to live (5 s here) instead of waiting for it. */
const pastTheHoldTtl = () => node.advance(5_001);

/** Waits, by polling, until the check holds; bounded. */
async function eventually<T>(check: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20)); // a polling interval, not a wait for time to pass
  }
  return undefined;
}

test('an expired hold cannot be confirmed, and its capacity is bookable again within 5 seconds', async () => {
  const w = await setUpWorld(node.app, { firstCapacity: 1, secondCapacity: 1 });
  const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
  assert.equal(hold.status, 201);
  assert.equal((await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] })).body.code, 'SLOT_FULL');

  await pastTheHoldTtl();
  const expiredAt = Date.now();
  const late = await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: person() });
  assert.equal(late.status, 410);
  assert.equal(late.body.code, 'HOLD_EXPIRED');

  const free = await eventually(
    async () => ((await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] })).status === 201 ? Date.now() - expiredAt : undefined),
    5000,
  );
  assert.ok(free !== undefined, 'capacity came back within 5 s of expiry');
  const status = await node.db.query('SELECT status FROM holds WHERE id = $1', [hold.body.holdId]);
  assert.equal(status.rows[0].status, 'expired');
});

test('a booking made from a hold survives the hold expiring', async () => {
  const w = await setUpWorld(node.app, { firstCapacity: 2 });
  const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Bleibt' }));
  assert.equal(booking.status, 201);
  // The booked hold's end passes, and so does a witness hold's: once the sweep has expired the
  // witness, it has seen the booked hold too.
  const witness = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
  await pastTheHoldTtl();
  const swept = await eventually(
    async () => ((await node.db.query('SELECT status FROM holds WHERE id = $1', [witness.body.holdId])).rows[0].status === 'expired' ? true : undefined),
    10_000,
  );
  assert.equal(swept, true, 'the expiry sweep ran');
  const taken = await node.db.query('SELECT taken FROM slots WHERE id = $1', [w.firstSlotIds[0]]);
  assert.equal(taken.rows[0].taken, 1, 'the booking keeps its unit; only the witness gave its unit back');
});
