import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminPost, book, morningIn, person, post, setUpWorld } from './support/fixtures.js';
import { admin, startTestNode, type TestNode } from './support/node.js';
import { until } from './support/queue.js';

let node: TestNode;
before(async () => {
  node = await startTestNode({ ANSTURM_OFFER_MINUTES: '60' });
});
after(() => node.stop());

let n = 0;
/** A person whose phone number is already verified (the code flow itself is tested in notify.test.ts). */
async function verifiedPerson(overrides: Record<string, string> = {}) {
  n++;
  const phone = `+49160${String(1_000_000 + n)}`;
  await node.db.query('INSERT INTO verified_contacts (contact) VALUES ($1) ON CONFLICT DO NOTHING', [phone]);
  return person({ firstName: `Warte${n}`, phone, ...overrides });
}
const joinList = (campaignId: number, who: Record<string, string>, preferences?: object) =>
  post(node.app, '/api/v1/waitlist', { campaignId, person: who, ...(preferences ? { preferences } : {}) });
const entryStatus = async (e: { entryId: number; secret: string }) =>
  (await node.app.inject({ url: `/api/v1/waitlist/entries/${e.entryId}?secret=${e.secret}` })).json();
const offerOf = (e: { entryId: number; secret: string }) =>
  until(
    () => entryStatus(e),
    (s) => s.offerId !== null,
  );
const cancel = (code: string) => node.app.inject({ method: 'DELETE', url: `/api/v1/bookings/${code}?dateOfBirth=1964-08-12` });

async function ledgerConsistent(campaignId: number) {
  const rows = (
    await node.db.query(
      `SELECT s.id, s.capacity, s.taken,
            (SELECT count(*) FROM holds h WHERE (h.slot_id = s.id OR h.second_slot_id = s.id) AND h.status = 'held')::int
          + (SELECT count(*) FROM bookings b WHERE (b.slot_id = s.id OR b.second_slot_id = s.id) AND b.status = 'active')::int AS used
     FROM slots s WHERE s.campaign_id = $1`,
      [campaignId],
    )
  ).rows;
  for (const r of rows) {
    assert.ok(r.taken <= r.capacity, `slot ${r.id} overbooked`);
    assert.equal(r.taken, r.used, `slot ${r.id} counter`);
  }
}

describe('joining', () => {
  test('needs a verified contact; one entry per person; priority groups first; leaving', async () => {
    const center = await adminPost(node.app, '/api/v1/admin/centers', {
      name: 'W',
      address: 'W 1',
      postalCode: '58332',
      district: 'EN',
      lat: 51.28,
      lon: 7.29,
    });
    const campaign = await adminPost(node.app, '/api/v1/admin/campaigns', {
      name: 'Prio',
      vaccine: { name: 'P', doses: 1 },
      eligibility: { priorityGroups: ['staff', 'over80'] },
    });
    assert.ok(center.id);
    const unverified = await joinList(campaign.id, person({ phone: '+491609999999', priorityGroup: 'staff' }));
    assert.equal(unverified.status, 422);
    assert.equal(unverified.body.code, 'CONTACT_NOT_VERIFIED');

    const a = (await joinList(campaign.id, await verifiedPerson({ priorityGroup: 'staff' }))).body;
    const b = (await joinList(campaign.id, await verifiedPerson({ priorityGroup: 'staff' }))).body;
    const twin = await joinList(campaign.id, {
      ...(await verifiedPerson()),
      firstName: b.firstName ?? `Warte${n - 1}`,
      phone: `+49160${String(1_000_000 + n - 1)}`,
      priorityGroup: 'staff',
    });
    assert.equal(twin.status, 409);
    assert.equal(twin.body.code, 'ALREADY_ON_WAITLIST');
    const c = (await joinList(campaign.id, await verifiedPerson({ priorityGroup: 'over80' }))).body;
    assert.deepEqual([a.position, b.position, c.position], [1, 2, 3]);

    const left = await node.app.inject({ method: 'DELETE', url: `/api/v1/waitlist/entries/${a.entryId}?secret=${a.secret}` });
    assert.equal(left.statusCode, 200);
    assert.equal((await entryStatus(b)).position, 1);
    const wrongSecret = await node.app.inject({ url: `/api/v1/waitlist/entries/${b.entryId}?secret=not-the-secret-at-all` });
    assert.equal(wrongSecret.statusCode, 404);
  });
});

describe('offers', () => {
  test('a cancellation is offered to the first in line within seconds; accepting books it; the offer went out through the outbox', async () => {
    const w = await setUpWorld(node.app, { firstCapacity: 1, firstSlots: 1 });
    const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Storniert' }));
    const first = (await joinList(w.campaignId, await verifiedPerson())).body;
    const second = (await joinList(w.campaignId, await verifiedPerson())).body;

    const cancelledAt = Date.now();
    await cancel(booking.body.bookingCode);
    const s = await offerOf(first);
    console.log(`# offer made ${Date.now() - cancelledAt} ms after the cancellation`);
    assert.equal((await entryStatus(second)).offerId, null);
    const message = await node.db.query(`SELECT channel, body_text FROM messages WHERE kind = 'offer' AND recipient = $1`, [
      `+49160${String(1_000_000 + n - 1)}`,
    ]);
    assert.equal(message.rowCount, 1);
    assert.match(message.rows[0].body_text, new RegExp(`/angebot/${s.offerId}\\?secret=`));

    const accepted = await post(node.app, `/api/v1/waitlist/offers/${s.offerId}/accept`, { secret: first.secret });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(accepted.body.appointments.length, 2);
    assert.equal((await entryStatus(first)).state, 'booked');
    const again = await post(node.app, `/api/v1/waitlist/offers/${s.offerId}/accept`, { secret: first.secret });
    assert.equal(again.body.code, 'OFFER_CLOSED');
    await ledgerConsistent(w.campaignId);
  });

  test('declining passes the unit to the next in line at once; so does an expired offer, and accepting late is refused', async () => {
    const w = await setUpWorld(node.app, { firstCapacity: 1, firstSlots: 1 });
    const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Kette' }));
    const [a, b, c] = [
      (await joinList(w.campaignId, await verifiedPerson())).body,
      (await joinList(w.campaignId, await verifiedPerson())).body,
      (await joinList(w.campaignId, await verifiedPerson())).body,
    ];
    await cancel(booking.body.bookingCode);

    const offerA = (await offerOf(a)).offerId;
    const declined = await post(node.app, `/api/v1/waitlist/offers/${offerA}/decline`, { secret: a.secret });
    assert.equal(declined.status, 200);
    const offerB = (await offerOf(b)).offerId;
    assert.equal((await entryStatus(a)).state, 'waiting', 'who declines stays on the list');

    await node.db.query(`UPDATE holds SET expires_at = now() - interval '1 second' FROM waitlist_offers o WHERE o.hold_id = holds.id AND o.id = $1`, [offerB]);
    const late = await post(node.app, `/api/v1/waitlist/offers/${offerB}/accept`, { secret: b.secret });
    assert.equal(late.status, 410);
    assert.equal(late.body.code, 'OFFER_EXPIRED');
    const offerC = await offerOf(c);
    assert.ok(offerC.offerId);
    assert.equal((await entryStatus(b)).offerId, null, 'an offer let lapse is not made again to the same person');
    assert.equal((await entryStatus(a)).offerId, null, 'a declined slot is not offered again to the one who declined it');
    await ledgerConsistent(w.campaignId);
  });

  test('booking another way takes the person off the wait list', async () => {
    const w = await setUpWorld(node.app, { firstCapacity: 5, firstSlots: 1 });
    const who = await verifiedPerson();
    // Wishes for a later day keep the matcher from offering this slot while the person books it themselves.
    const entry = (await joinList(w.campaignId, who, { earliest: morningIn(20).slice(0, 10) })).body;
    assert.equal((await book(node.app, w.firstSlotIds[0]!, who)).booking.status, 201);
    assert.equal((await entryStatus(entry)).state, 'booked');
  });

  test('distance, dates and weekdays are honoured', async () => {
    const w = await setUpWorld(node.app, { firstCapacity: 1, firstSlots: 1 });
    const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Wunsch' }));
    const slotDay = morningIn(3).slice(0, 10);
    const isoDow = ((new Date(morningIn(3)).getUTCDay() + 6) % 7) + 1;
    const farAway = (await joinList(w.campaignId, await verifiedPerson({ postalCode: '10115' }), { maxDistanceKm: 20 })).body;
    const tooEarly = (await joinList(w.campaignId, await verifiedPerson(), { earliest: morningIn(5).slice(0, 10) })).body;
    const wrongDay = (await joinList(w.campaignId, await verifiedPerson(), { weekdays: [(isoDow % 7) + 1] })).body;
    const fits = (
      await joinList(w.campaignId, await verifiedPerson({ postalCode: '58285' }), { maxDistanceKm: 30, earliest: slotDay, latest: slotDay, weekdays: [isoDow] })
    ).body;
    await cancel(booking.body.bookingCode);
    await offerOf(fits);
    for (const e of [farAway, tooEarly, wrongDay]) assert.equal((await entryStatus(e)).offerId, null);
  });

  test('offers never exceed capacity while cancellations and public bookings race', async () => {
    const w = await setUpWorld(node.app, { firstCapacity: 10, firstSlots: 1, secondCapacity: 100 });
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await book(node.app, w.firstSlotIds[0]!, person({ firstName: `Voll${i}` }))).booking.body.bookingCode);
    const entries = [];
    for (let i = 0; i < 8; i++) entries.push((await joinList(w.campaignId, await verifiedPerson())).body);

    const publicTries = Array.from({ length: 30 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 20)); // spread over the cancellations: interleaving, not waiting
      return post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
    });
    const cancels = await Promise.all(codes.slice(0, 6).map((c) => cancel(c)));
    assert.deepEqual(
      cancels.map((c) => c.statusCode),
      [200, 200, 200, 200, 200, 200],
      cancels.map((c) => c.body).join(' '),
    );
    await Promise.all(publicTries);
    await node.leader.runNow('waitlist-offers'); // the matcher has seen every freed unit
    await node.leader.runNow('waitlist-offers');
    const taken = (await node.db.query('SELECT taken, capacity FROM slots WHERE id = $1', [w.firstSlotIds[0]])).rows[0];
    assert.ok(taken.taken <= taken.capacity);
    const offers = (
      await node.db.query(
        `SELECT count(*)::int AS n FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id WHERE e.campaign_id = $1 AND o.state = 'open'`,
        [w.campaignId],
      )
    ).rows[0].n;
    const publicHolds = (await Promise.all(publicTries)).filter((r) => r.status === 201).length;
    assert.ok(offers + publicHolds <= 6, `${offers} offers + ${publicHolds} public holds for 6 freed units`);
    const statuses = (await Promise.all(publicTries)).map((r) => r.status).join(',');
    assert.equal(taken.taken, 4 + offers + publicHolds, `${offers} offers, public answers ${statuses}`);
    await ledgerConsistent(w.campaignId);
  });

  test('a release can keep a share for the wait list: the public cannot take it, the wait list is offered it', async () => {
    const center = await adminPost(node.app, '/api/v1/admin/centers', {
      name: 'Anteil',
      address: 'A 1',
      postalCode: '58332',
      district: 'EN',
      lat: 51.28,
      lon: 7.29,
    });
    const campaign = await adminPost(node.app, '/api/v1/admin/campaigns', { name: 'Anteil', vaccine: { name: 'A', doses: 1 } });
    const waiting = [(await joinList(campaign.id, await verifiedPerson())).body, (await joinList(campaign.id, await verifiedPerson())).body];
    const slots = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [{ centerId: center.id, campaignId: campaign.id, startsAt: morningIn(4), durationMinutes: 10, capacity: 4, dose: 1 }],
    });
    await adminPost(node.app, '/api/v1/admin/releases', {
      campaignId: campaign.id,
      slotIds: [slots.slots[0].id],
      opensAt: new Date(Date.now() - 1000).toISOString(),
      waitlistShare: 0.5,
      waitlistMinutes: 60,
      acknowledge: 'all',
    });
    const publicAnswers = [];
    for (let i = 0; i < 4; i++) publicAnswers.push((await post(node.app, '/api/v1/holds', { slotId: slots.slots[0].id })).status);
    const publicGot = publicAnswers.filter((s) => s === 201).length;
    for (const e of waiting) await offerOf(e);
    assert.ok(publicGot <= 2, `the public took ${publicGot} of 4 with half kept`);
    const summary = (await node.app.inject({ url: `/api/v1/admin/waitlist?campaignId=${campaign.id}`, headers: admin })).json();
    assert.equal(summary.offers.open, 2);
  });
});

test('release day: with 2,000 people on the wait list, every cancelled or lapsed unit is offered within seconds', async () => {
  const w = await setUpWorld(node.app, { firstCapacity: 100, firstSlots: 1, secondCapacity: 200 });
  const codes: string[] = [];
  for (let i = 0; i < 100; i++) codes.push((await book(node.app, w.firstSlotIds[0]!, person({ firstName: `Tag${i}` }))).booking.body.bookingCode);
  await node.db.query(
    `INSERT INTO waitlist_entries (campaign_id, secret_hash, identity_hash, first_name, last_name, date_of_birth, postal_code, phone, lat, lon, joined_at)
     SELECT $1, sha256(('s' || g)::bytea), sha256(('p' || g)::bytea), 'Liste' || g, 'Tag', '1970-01-01', '58332', '+4916200' || g, 51.29, 7.29,
            now() - make_interval(secs => 10000 - g)
     FROM generate_series(1, 2000) g`,
    [w.campaignId],
  );

  // Fifty cancellations over a second and a half, as they come in on a busy day.
  const cancelledAt: number[] = [];
  for (const c of codes.slice(0, 50)) {
    await cancel(c);
    cancelledAt.push(Date.now());
    await new Promise((r) => setTimeout(r, 30));
  }
  const offered = await until(
    async () =>
      (
        await node.db.query(
          `SELECT o.created_at FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id WHERE e.campaign_id = $1 ORDER BY o.created_at`,
          [w.campaignId],
        )
      ).rows,
    (rows) => rows.length === 50,
    10_000,
  );
  // The i-th unit freed is the i-th offered: the time between them is what a freed unit waits.
  const waits = offered.map((o, i) => o.created_at.getTime() - cancelledAt[i]!).sort((a, b) => a - b);
  console.log(`# cancellation to offer: median ${waits[25]} ms, max ${waits[49]} ms (50 units, 2,000 waiting)`);
  assert.ok(waits[49]! < 5000);
  const order = (
    await node.db.query(
      `SELECT e.first_name FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id WHERE e.campaign_id = $1 ORDER BY e.joined_at`,
      [w.campaignId],
    )
  ).rows;
  assert.deepEqual(
    order.map((r) => r.first_name),
    Array.from({ length: 50 }, (_, i) => `Liste${i + 1}`),
    'offers follow the line',
  );

  // Twenty let their offers lapse: their units pass to the next twenty at once.
  await node.db.query(
    `UPDATE holds SET expires_at = now() - interval '1 second' WHERE id IN (
       SELECT o.hold_id FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id WHERE e.campaign_id = $1 ORDER BY e.joined_at LIMIT 20)`,
    [w.campaignId],
  );
  const lapsed = Date.now();
  const passedOn = await until(
    async () =>
      (
        await node.db.query(
          `SELECT count(*) FILTER (WHERE o.state = 'expired')::int AS expired, count(*) FILTER (WHERE o.state = 'open')::int AS open, count(*)::int AS made
       FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id WHERE e.campaign_id = $1`,
          [w.campaignId],
        )
      ).rows[0],
    (c) => c.expired === 20 && c.made === 70,
    10_000,
  );
  assert.equal(passedOn.open, 50);
  const announced = await node.db.query(`SELECT count(*)::int AS n FROM messages WHERE kind = 'offer' AND recipient LIKE '+4916200%'`);
  assert.equal(announced.rows[0].n, 70, 'the outbox carries every offer');
  console.log(`# 20 lapsed offers passed on within ${Date.now() - lapsed} ms`);
  await ledgerConsistent(w.campaignId);
});
