import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { adminPost, book, morningIn, person, setUpWorld } from './support/fixtures.js';
import { admin, startTestNode, type TestNode } from './support/node.js';
import { until } from './support/queue.js';
import { pino } from 'pino';
import { AvailabilityView } from '../src/availability/view.js';
import { availabilityPublisher } from '../src/availability/publisher.js';
import { systemClock, TestClock } from '../src/time/clock.js';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.stop());

const search = async (query: string) => {
  const res = await node.app.inject({ url: `/api/v1/availability?${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

test('centres come nearest first, from a postal code or coordinates, within the radius', async () => {
  const w = await setUpWorld(node.app, { postalCode: '44135', lat: 51.5149, lon: 7.466 }); // Dortmund
  const near = await adminPost(node.app, '/api/v1/admin/centers', {
    name: 'Schwelm',
    address: 'A',
    postalCode: '58332',
    district: 'EN',
    lat: 51.2863,
    lon: 7.2939,
  });
  const far = await adminPost(node.app, '/api/v1/admin/centers', {
    name: 'Berlin',
    address: 'B',
    postalCode: '10115',
    district: 'Berlin',
    lat: 52.5244,
    lon: 13.4105,
  });
  const slots = await adminPost(node.app, '/api/v1/admin/slots', {
    slots: [near.id, far.id].flatMap((centerId) => [
      { centerId, campaignId: w.campaignId, startsAt: morningIn(3), durationMinutes: 15, capacity: 3, dose: 1 },
      { centerId, campaignId: w.campaignId, startsAt: morningIn(30), durationMinutes: 15, capacity: 3, dose: 2 },
    ]),
  });
  await adminPost(node.app, '/api/v1/admin/releases', {
    campaignId: w.campaignId,
    slotIds: slots.slots.map((s: { id: number }) => s.id),
    opensAt: new Date().toISOString(),
    acknowledge: 'all',
  });
  await node.view.reload(); // the view reloads by itself every 200 ms here; a test need not wait for it

  const fromSchwelm = await search(`campaignId=${w.campaignId}&postalCode=58332&radiusKm=600`);
  assert.deepEqual(
    fromSchwelm.centers.map((c: { name: string }) => c.name),
    ['Schwelm', 'Impfzentrum Test', 'Berlin'],
  );
  assert.ok(fromSchwelm.centers[0].distanceKm < 5);
  const fromBerlin = await search(`campaignId=${w.campaignId}&lat=52.52&lon=13.40&radiusKm=600`);
  assert.equal(fromBerlin.centers[0].name, 'Berlin');
  const nearby = await search(`campaignId=${w.campaignId}&postalCode=58332&radiusKm=50`);
  assert.deepEqual(
    nearby.centers.map((c: { name: string }) => c.name),
    ['Schwelm', 'Impfzentrum Test'],
  );
  const day = nearby.centers[0].days[0];
  assert.equal(day.date, morningIn(3).slice(0, 10));
  assert.equal(day.freeFirstDoses, 3);
  assert.equal(day.slots[0].free, 3);
});

test("a search's answer is the text of its centres written whole, though each centre's part is written once per snapshot", async () => {
  const w = await setUpWorld(node.app, { doses: 1, firstSlots: 3, campaignName: 'Teile' });
  const other = await adminPost(node.app, '/api/v1/admin/centers', {
    name: 'Zweites "Zentrum" \\ Süd',
    address: 'B 2',
    postalCode: '58452',
    district: 'EN',
    lat: 51.43,
    lon: 7.33,
  });
  const more = await adminPost(node.app, '/api/v1/admin/slots', {
    slots: [3, 4, 9].map((days) => ({ centerId: other.id, campaignId: w.campaignId, startsAt: morningIn(days), durationMinutes: 15, capacity: 2, dose: 1 })),
  });
  const later = await adminPost(node.app, '/api/v1/admin/releases', {
    campaignId: w.campaignId,
    slotIds: more.slots.map((x: { id: number }) => x.id),
    opensAt: new Date(Date.now() - 1000).toISOString(),
    acknowledge: 'all',
  });
  await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Teil' }));
  await node.view.reload();

  const queries = [
    { origin: { lat: 51.2863, lon: 7.2939 }, radiusKm: 50 },
    { origin: { lat: 51.43, lon: 7.33 }, radiusKm: 50 },
    { origin: { lat: 51.43, lon: 7.33 }, radiusKm: 5 },
    { origin: { lat: 51.35, lon: 7.31 }, radiusKm: 50, releaseId: later.id },
    { origin: { lat: 51.35, lon: 7.31 }, radiusKm: 50, compact: true },
    { origin: { lat: 51.35, lon: 7.31 }, radiusKm: 50, from: morningIn(4).slice(0, 10), to: morningIn(9).slice(0, 10) },
    { origin: { lat: 51.35, lon: 7.31 }, radiusKm: 50, centerId: other.id },
    { origin: { lat: 0, lon: 0 }, radiusKm: 50 },
  ].map((q) => ({ campaignId: w.campaignId, ...q }));
  const digests: string[] = [];
  for (const q of queries) {
    const whole = node.view.search(q);
    const answer = node.view.searchJson(q);
    assert.equal(answer.json, JSON.stringify(whole), JSON.stringify(q));
    digests.push(answer.digest);
  }
  // Both centres were found, and the booked unit is not offered.
  const [first, second] = JSON.parse(node.view.searchJson(queries[0]!).json) as { name: string; freeFirstDoses: number }[];
  assert.deepEqual([first!.name, first!.freeFirstDoses, second!.name, second!.freeFirstDoses], ['Impfzentrum Test', 14, 'Zweites "Zentrum" \\ Süd', 6]);
  // A new snapshot with nothing changed says the same (the ETag stays); a booking changes what it says.
  await node.view.reload();
  assert.deepEqual(
    queries.map((q) => node.view.searchJson(q).digest),
    digests,
  );
  await book(node.app, more.slots[0].id, person({ firstName: 'Teil', lastName: 'Zwei' }));
  await node.view.reload();
  assert.notEqual(node.view.searchJson(queries[1]!).digest, digests[1]);
  assert.equal(node.view.searchJson(queries[1]!).json, JSON.stringify(node.view.search(queries[1]!)));
});

test('bookings show up in the search within about a second; unreleased slots never do', async () => {
  const w = await setUpWorld(node.app, { firstCapacity: 2, firstSlots: 1 });
  const hidden = await setUpWorld(node.app, { opensAt: new Date(Date.now() + 3_600_000).toISOString() });
  await node.view.reload(); // the view reloads by itself every 200 ms here; a test need not wait for it
  const query = `campaignId=${w.campaignId}&postalCode=58332&radiusKm=5`;
  assert.equal((await search(query)).centers[0].freeFirstDoses, 2);
  await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Sichtbar' }));
  // The periodic reload, not a test's call, brings the booking into the view (bounded wait, polled).
  let free = (await search(query)).centers[0].freeFirstDoses;
  for (const end = Date.now() + 3000; free !== 1 && Date.now() < end; free = (await search(query)).centers[0].freeFirstDoses) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(free, 1);
  assert.deepEqual((await search(`campaignId=${hidden.campaignId}&postalCode=58332`)).centers, []);
});

test("an admitted person's search shows only their release's appointments, the ones the admission may hold", async () => {
  const w = await setUpWorld(node.app, { firstCapacity: 3, firstSlots: 1 });
  // A second release of the same campaign at the same centre, later that day.
  const later = await adminPost(node.app, '/api/v1/admin/slots', {
    slots: [{ centerId: w.centerId, campaignId: w.campaignId, startsAt: morningIn(3, 11), durationMinutes: 15, capacity: 4, dose: 1 }],
  });
  const second = await adminPost(node.app, '/api/v1/admin/releases', {
    campaignId: w.campaignId,
    slotIds: later.slots.map((s: { id: number }) => s.id),
    opensAt: new Date(Date.now() - 60_000).toISOString(),
    acknowledge: 'all',
  });
  await node.view.reload();
  const slotsOf = (answer: any) => answer.centers.flatMap((c: any) => c.days.flatMap((d: any) => d.slots.map((s: any) => s.id)));
  const query = `campaignId=${w.campaignId}&centerId=${w.centerId}`;
  assert.deepEqual(slotsOf(await search(query)).sort(), [w.firstSlotIds[0], later.slots[0].id].sort(), 'everyone else sees both');
  assert.deepEqual(slotsOf(await search(`${query}&releaseId=${w.releaseId}`)), [w.firstSlotIds[0]]);
  const own = await search(`${query}&releaseId=${second.id}`);
  assert.deepEqual(slotsOf(own), [later.slots[0].id]);
  assert.equal(own.centers[0].freeFirstDoses, 4, "the counts are the release's own");
  assert.deepEqual((await search(`${query}&releaseId=999999`)).centers, [], 'an unknown release: nothing');
  const bad = await node.app.inject({ url: `/api/v1/availability?${query}&releaseId=abc` });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'VALIDATION_FAILED');
});

test('a first-dose slot counts only as many units as second doses are free for it', async () => {
  const w = await setUpWorld(node.app, { firstCapacity: 10, firstSlots: 1, secondCapacity: 4 });
  await node.view.reload(); // the view reloads by itself every 200 ms here; a test need not wait for it
  const result = await search(`campaignId=${w.campaignId}&postalCode=58332&radiusKm=5`);
  assert.equal(result.centers[0].days[0].slots[0].free, 4);
});

test('the campaign list carries rules and releases', async () => {
  const w = await setUpWorld(node.app, { minAge: 60 });
  await node.view.reload(); // the view reloads by itself every 200 ms here; a test need not wait for it
  const res = await node.app.inject({ url: '/api/v1/campaigns' });
  const campaign = res.json().campaigns.find((c: { id: number }) => c.id === w.campaignId);
  assert.equal(campaign.eligibility.minAge, 60);
  assert.equal(campaign.vaccine.doses, 2);
  assert.equal(campaign.releases[0].open, true);
});

test('a large answer goes out gzip-compressed to clients that accept it, the same JSON inside', async () => {
  const w = await setUpWorld(node.app, { firstSlots: 40 });
  await node.view.reload(); // the view reloads by itself every 200 ms here; a test need not wait for it
  const url = `/api/v1/availability?campaignId=${w.campaignId}&postalCode=58332`;
  const plain = await node.app.inject({ url });
  const zipped = await node.app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate' } });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.ok(zipped.rawPayload.length < plain.rawPayload.length / 3, `${zipped.rawPayload.length} vs ${plain.rawPayload.length} bytes`);
  assert.equal(gunzipSync(zipped.rawPayload).toString(), plain.body);
  assert.equal(plain.json().centers[0].days[0].slots.length, 40);
});

test('other web pages may read campaigns and availability (CORS, preflight answered), nothing else', async () => {
  const w = await setUpWorld(node.app);
  const origin = { origin: 'https://impffinder.example' };
  for (const url of ['/api/v1/campaigns', `/api/v1/availability?campaignId=${w.campaignId}&postalCode=58332`]) {
    const res = await node.app.inject({ url, headers: origin });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*', url);
    const preflight = await node.app.inject({ method: 'OPTIONS', url, headers: { ...origin, 'access-control-request-method': 'GET' } });
    assert.equal(preflight.statusCode, 204, url);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.match(String(preflight.headers['access-control-allow-methods']), /^GET$/);
  }
  // A citizen's own booking and the staff API are not for other origins.
  const own = await node.app.inject({ url: '/api/v1/bookings/ABCD2345?dateOfBirth=1960-01-01', headers: origin });
  assert.equal(own.headers['access-control-allow-origin'], undefined);
  const staff = await node.app.inject({ url: '/api/v1/admin/centers', headers: { ...origin, ...admin } });
  assert.equal(staff.headers['access-control-allow-origin'], undefined);
});

test('the refresh every second reads the free units only; reload() (a catalog change) reads every field', async () => {
  const w = await setUpWorld(node.app, { doses: 1, firstCapacity: 5 });
  // A view of its own, started after the world's catalog changes: no NOTIFY of theirs can make it read everything later.
  const view = new AvailabilityView(node.db, node.url, 50, pino({ level: 'silent' }));
  await view.start();
  try {
    const slotId = w.firstSlotIds[0]!;
    const seen = async () => {
      const found = view.search({ campaignId: w.campaignId, centerId: w.centerId, origin: { lat: 0, lon: 0 }, radiusKm: 50_000 });
      return found.flatMap((c) => c.days.flatMap((d) => d.slots ?? [])).find((s) => s.id === slotId)!;
    };
    const before = await seen();
    // Another node takes a unit; a change of the duration comes without NOTIFY (the catalog's routes always send one:
    // this shows which read reads what).
    await node.db.query(`UPDATE slots SET taken = taken + 1, duration_minutes = duration_minutes + 5 WHERE id = $1`, [slotId]);
    const after = await until(seen, (s) => s.free === before.free - 1);
    assert.equal(after.durationMinutes, before.durationMinutes, 'the refresh read the free units only');
    await view.reload();
    assert.equal((await seen()).durationMinutes, before.durationMinutes + 5, 'a full read sees the rest');
  } finally {
    await view.stop();
  }
});

test("a view reads the leader's pages of free units, not the slots, once the leader has read after it", async () => {
  const w = await setUpWorld(node.app, { doses: 1, firstCapacity: 5 });
  const slotId = w.firstSlotIds[0]!;
  const texts: string[] = [];
  const recorded = { query: (text: string, values?: unknown[]) => (texts.push(text), node.db.query(text, values)) } as typeof node.db;
  const views = [0, 1].map(() => new AvailabilityView(recorded, node.url, 50, pino({ level: 'silent' })));
  await Promise.all(views.map((v) => v.start()));
  try {
    const free = (v: AvailabilityView) =>
      v
        .search({ campaignId: w.campaignId, centerId: w.centerId, origin: { lat: 0, lon: 0 }, radiusKm: 50_000 })
        .flatMap((c) => c.days.flatMap((d) => d.slots ?? []))
        .find((s) => s.id === slotId)?.free ?? 0;
    // The node's leader publishes twice a second; each view joins its chain once a page is fresher than its own read.
    for (const v of views)
      await until(
        async () => v.countsFrom,
        (from) => from === 'chain',
      );
    texts.length = 0;
    await node.db.query(`UPDATE slots SET taken = taken + 2 WHERE id = $1`, [slotId]);
    for (const v of views)
      await until(
        async () => free(v),
        (n) => n === 3,
      );
    assert.deepEqual(
      texts.filter((t) => /\bslots\b/.test(t)),
      [],
      'the views learnt the change from the pages, reading no slot',
    );
    assert.ok(
      texts.some((t) => t.includes('availability_pages')),
      'they read the pages',
    );
  } finally {
    await Promise.all(views.map((v) => v.stop()));
  }
});

test('a slot that begins leaves the search at the next refresh, though no page names it and nothing else changed', async () => {
  const w = await setUpWorld(node.app, { doses: 1, firstCapacity: 5 });
  const soon = await adminPost(node.app, '/api/v1/admin/slots', {
    slots: [
      {
        centerId: w.centerId,
        campaignId: w.campaignId,
        startsAt: new Date(node.clock.now() + 5 * 60_000).toISOString(),
        durationMinutes: 15,
        capacity: 5,
        dose: 1,
      },
    ],
  });
  const soonId: number = soon.slots[0].id;
  const release = await adminPost(node.app, '/api/v1/admin/releases', {
    campaignId: w.campaignId,
    slotIds: [soonId],
    opensAt: new Date(node.clock.now() - 60_000).toISOString(),
    acknowledge: 'all',
  });
  const view = new AvailabilityView(node.db, node.url, 50, pino({ level: 'silent' }));
  await view.start();
  try {
    const shown = () =>
      view
        .search({ campaignId: w.campaignId, centerId: w.centerId, origin: { lat: 0, lon: 0 }, radiusKm: 50_000 })
        .flatMap((c) => c.days.flatMap((d) => d.slots ?? []))
        .some((s) => s.id === soonId);
    await until(
      async () => view.countsFrom,
      (from) => from === 'chain',
    );
    assert.ok(shown(), 'the slot in five minutes is there');
    assert.equal(view.releaseFree(release.id), 5, 'its release has its 5 units free');
    // Ten minutes on: the leader's read leaves the slot out, and its page names nothing. The release's free units
    // (what the waiting room tells its line) come from the index, not from the search's own look at the clock.
    node.clock.advance(10 * 60_000);
    await until(
      async () => view.releaseFree(release.id),
      (n) => n === 0,
    );
    assert.equal(shown(), false);
  } finally {
    await view.stop();
  }
});

// Stops the node's leader of changes: the last test of this file.
test("a view that joins the chain takes the leader's read whole: a unit taken and given back between the two reads is not lost", async () => {
  await node.changesLeader.stop();
  await node.db.query('DELETE FROM availability_pages');
  const w = await setUpWorld(node.app, { doses: 1, firstCapacity: 5 });
  const slotId = w.firstSlotIds[0]!;
  const publisher = availabilityPublisher(node.db, pino({ level: 'silent' }), systemClock);
  const clock = new TestClock();
  const view = new AvailabilityView(node.db, node.url, 3_600_000, pino({ level: 'silent' }), 'pages', clock);
  const free = () =>
    view
      .search({ campaignId: w.campaignId, centerId: w.centerId, origin: { lat: 0, lon: 0 }, radiusKm: 50_000 })
      .flatMap((c) => c.days.flatMap((d) => d.slots ?? []))
      .find((s) => s.id === slotId)?.free ?? 0;
  const take = (n: number) => node.db.query(`UPDATE slots SET taken = taken + $2 WHERE id = $1`, [slotId, n]);
  await publisher.run(); // the first page is full: 5 free
  await take(1);
  await view.start(); // its own reads: 4 free
  await view.tick();
  assert.equal(view.countsFrom, 'own');
  assert.equal(free(), 4);
  await take(-1);
  // The leader's next read finds 5 free, as at its last: an empty page, read after the view's own read.
  await publisher.run();
  const [last] = (await node.db.query(`SELECT cardinality(slot_ids) AS n FROM availability_pages ORDER BY seq DESC LIMIT 1`)).rows;
  assert.equal(last.n, 0, "nothing changed between the leader's two reads");
  await view.tick();
  assert.equal(view.countsFrom, 'chain');
  assert.equal(free(), 5, 'the view took the full page and the pages after it, not only the pages after its own read');
  await take(3);
  await publisher.run();
  await view.tick();
  assert.equal(free(), 2);
  // The leader stops publishing (it writes a page twice a second, changes or not): after five seconds without one,
  // the view reads the free units itself again.
  await take(-1);
  clock.advance(4_000);
  await view.tick();
  assert.deepEqual([view.countsFrom, free()], ['chain', 2], 'four silent seconds: still on the chain');
  clock.advance(2_000);
  await view.tick();
  assert.deepEqual([view.countsFrom, free()], ['own', 3], 'six: its own read');
  await view.stop();

  // Another process led meanwhile and wrote a chain of its own: this one starts a new chain, not a page after its old one.
  await availabilityPublisher(node.db, pino({ level: 'silent' }), clock).run();
  await publisher.run();
  const [newest, before] = (await node.db.query(`SELECT seq, follows FROM availability_pages ORDER BY seq DESC LIMIT 2`)).rows;
  assert.equal(newest.follows, null, `a full page after the other leader's page ${before.seq}`);
});
