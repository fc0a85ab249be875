import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminPost, book, morningIn, post, setUpWorld, type World } from './support/fixtures.js';
import { startTestNode, type TestNode } from './support/node.js';
import { validateFeed, type FeedFiles } from './support/fhir.js';
import { launchBrowser } from './support/browser.js';
import { FeedPublisher, REBUILD_MS } from '../src/feed/publisher.js';
import { freeFor } from '../src/capacity/sql.js';

const PUBLIC_URL = 'https://termine.example.de';

/** The slot file of a Land and the week of a day: named by the week's Monday. */
const slotFile = (land: string, day: string) => {
  const monday = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return `/fhir/slots-${land}-week-${monday.toISOString().slice(0, 10)}.ndjson`;
};

/** Reads the whole feed as a finder would: the manifest, then every file it names. */
async function readFeed(node: TestNode): Promise<FeedFiles> {
  const res = await node.app.inject({ url: '/fhir/$bulk-publish' });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const manifest = res.json();
  const files = new Map<string, any[]>();
  for (const out of manifest.output) {
    const file = await node.app.inject({ url: new URL(out.url).pathname });
    assert.equal(file.statusCode, 200, `${out.url}: ${file.body}`);
    assert.match(String(file.headers['content-type']), /^application\/fhir\+ndjson\b/);
    assert.ok(file.body === '' || file.body.endsWith('\n'), 'NDJSON: every line ends');
    files.set(
      out.url,
      file.body
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    );
  }
  return { manifest, files };
}

/** What the ledger says the public may take of every opened, future first-dose slot: free and busy units. */
async function ledger(node: TestNode): Promise<Map<string, number>> {
  const { rows } = await node.db.query<{ id: string; capacity: number; free: number }>(
    `SELECT s.id, s.capacity, ${freeFor('public')} AS free FROM slots s JOIN releases r ON r.id = s.release_id
     WHERE s.dose = 1 AND r.opens_at <= clock_now() AND s.starts_at > clock_now()`,
  );
  const expected = new Map<string, number>();
  for (const r of rows) {
    if (r.free > 0) expected.set(`${r.id}-free`, r.free);
    if (r.capacity - r.free > 0) expected.set(`${r.id}-busy`, r.capacity - r.free);
  }
  return expected;
}

const published = (slots: any[]) =>
  new Map(slots.map((s) => [s.id, s.extension.find((e: { url: string }) => e.url.endsWith('slot-capacity')).valueInteger as number]));

/** Once the view has a change, the feed shows it after at most one rebuild interval: the clock is moved, not waited for. */
async function feedAfterChange(node: TestNode) {
  await node.view.reload();
  node.clock.advance(REBUILD_MS);
  const feed = await readFeed(node);
  const resources = validateFeed(feed);
  assert.deepEqual(published(resources.Slot), await ledger(node), 'every opened future slot, free and busy units as in the ledger');
  return { ...feed, ...resources };
}

describe('SMART Scheduling Links feed', () => {
  let node: TestNode;
  let w: World;
  before(async () => {
    node = await startTestNode({ ANSTURM_PUBLIC_URL: PUBLIC_URL, ANSTURM_HOTLINE_PHONE: '0800 123 456' });
    w = await setUpWorld(node.app, { firstSlots: 3, firstCapacity: 5 });
  });
  after(() => node.stop());

  test('the manifest, Location, Schedule and Slot files validate, and follow the ledger through holds, bookings, cancellations and a new release', async () => {
    // Announced for tomorrow: not published before it opens.
    const unreleased = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [{ centerId: w.centerId, campaignId: w.campaignId, startsAt: morningIn(4), durationMinutes: 15, capacity: 7, dose: 1 }],
    });
    const tomorrow = await adminPost(node.app, '/api/v1/admin/releases', {
      campaignId: w.campaignId,
      slotIds: unreleased.slots.map((s: { id: number }) => s.id),
      opensAt: new Date(Date.now() + 86_400_000).toISOString(),
      acknowledge: 'all',
    });

    let feed = await feedAfterChange(node);
    assert.equal(feed.manifest.request, `${PUBLIC_URL}/fhir/$bulk-publish`);
    assert.deepEqual(
      feed.manifest.output.map((o: any) => [o.type, o.url, o.extension?.state]),
      [
        ['Location', `${PUBLIC_URL}/fhir/locations.ndjson`, undefined],
        ['Schedule', `${PUBLIC_URL}/fhir/schedules.ndjson`, undefined],
        ['Slot', `${PUBLIC_URL}${slotFile('de', morningIn(3))}`, ['DE']],
      ],
    );
    assert.equal(feed.manifest.extension.license, 'CC-BY-4.0');
    assert.equal(feed.manifest.extension.licenseUrl, 'https://creativecommons.org/licenses/by/4.0/');
    assert.match(feed.manifest.extension.terms, /no personal data/);
    const docs = (await node.app.inject({ url: '/api/docs/json' })).json();
    assert.deepEqual(docs.info.license, { name: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' });
    assert.match(docs.info.description, /Terms: Availability of appointments/);
    assert.deepEqual(docs.paths['/fhir/$bulk-publish'].get.tags, ['open data']);
    assert.equal(feed.Location.length, 1);
    assert.deepEqual(feed.Location[0].telecom, [
      { system: 'phone', value: '0800 123 456' },
      { system: 'url', value: `${PUBLIC_URL}/suche?zentrum=${w.centerId}` },
    ]);
    assert.deepEqual(feed.Schedule[0].actor, [{ reference: `Location/${w.centerId}` }]);
    assert.deepEqual(
      feed.Slot.map((s: any) => s.id),
      w.firstSlotIds.map((id) => `${id}-free`),
      'three free first-dose slots; the second dose and the unreleased slot are not published',
    );
    const [first] = feed.Slot;
    assert.equal(first.start, morningIn(3).replace('Z', '.000Z'));
    assert.equal(Date.parse(first.end) - Date.parse(first.start), 15 * 60_000);
    const link = new URL(first.extension.find((e: any) => e.url.endsWith('booking-deep-link')).valueUrl);
    assert.equal(link.origin + link.pathname, `${PUBLIC_URL}/suche`);
    assert.deepEqual(Object.fromEntries(link.searchParams), {
      kampagne: String(w.campaignId),
      zentrum: String(w.centerId),
      tag: morningIn(3).slice(0, 10),
      termin: String(w.firstSlotIds[0]),
    });

    // A hold makes a unit busy; its booking keeps it so; a cancellation frees it again.
    const [a, b] = w.firstSlotIds;
    const hold = await post(node.app, '/api/v1/holds', { slotId: a });
    assert.equal(hold.status, 201);
    feed = await feedAfterChange(node);
    assert.equal(published(feed.Slot).get(`${a}-busy`), 1);
    assert.equal(published(feed.Slot).get(`${a}-free`), 4);
    await post(node.app, '/api/v1/bookings', {
      holdId: hold.body.holdId,
      person: { firstName: 'A', lastName: 'B', dateOfBirth: '1950-01-01', postalCode: '58332' },
    });
    const other = await book(node.app, b!);
    feed = await feedAfterChange(node);
    assert.equal(published(feed.Slot).get(`${a}-busy`), 1);
    assert.equal(published(feed.Slot).get(`${b}-busy`), 1);
    const cancel = await node.app.inject({ method: 'DELETE', url: `/api/v1/bookings/${other.booking.body.bookingCode}?dateOfBirth=1964-08-12` });
    assert.equal(cancel.statusCode, 200, cancel.body);
    feed = await feedAfterChange(node);
    assert.equal(published(feed.Slot).get(`${b}-busy`), undefined);
    assert.equal(published(feed.Slot).get(`${b}-free`), 5);

    // The release opens (the clock moves to it) and a COVID-19 campaign in another Land is released.
    await node.advance(Date.parse(tomorrow.opensAt) - node.clock.now() + 1_000);
    const covid = await adminPost(node.app, '/api/v1/admin/campaigns', { name: 'COVID-19-Auffrischung', vaccine: { name: 'Comirnaty', doses: 1 } });
    const munich = await adminPost(node.app, '/api/v1/admin/centers', {
      name: 'Impfzentrum München',
      address: 'Messestraße 1, 81823 München',
      postalCode: '81823',
      district: 'München',
      lat: 48.136,
      lon: 11.69,
      state: 'BY',
    });
    const more = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [{ centerId: munich.id, campaignId: covid.id, startsAt: morningIn(5), durationMinutes: 10, capacity: 12, dose: 1 }],
    });
    await adminPost(node.app, '/api/v1/admin/releases', {
      campaignId: covid.id,
      slotIds: more.slots.map((s: { id: number }) => s.id),
      opensAt: new Date(node.clock.now() - 1_000).toISOString(),
      acknowledge: 'all',
    });
    feed = await feedAfterChange(node);
    assert.equal(published(feed.Slot).get(`${unreleased.slots[0].id}-free`), 7, 'the announced release is published once it has opened');
    assert.equal(published(feed.Slot).get(`${more.slots[0].id}-free`), 12);
    const expectedFiles = [...new Set([slotFile('by', morningIn(5)), slotFile('de', morningIn(3)), slotFile('de', morningIn(4))])].sort();
    assert.deepEqual(
      feed.manifest.output.filter((o: any) => o.type === 'Slot').map((o: any) => [new URL(o.url).pathname, o.extension.state]),
      expectedFiles.map((f) => [f, [f.slice(12, 14).toUpperCase()]]),
      'one slot file per Land and week',
    );
    const munichLocation = feed.Location.find((l: any) => l.id === String(munich.id));
    assert.deepEqual(munichLocation.address, {
      text: 'Messestraße 1, 81823 München',
      line: ['Messestraße 1'],
      city: 'München',
      district: 'München',
      state: 'BY',
      postalCode: '81823',
      country: 'DE',
    });
    const covidSchedule = feed.Schedule.find((s: any) => s.id === `${covid.id}-${munich.id}`);
    assert.deepEqual(
      covidSchedule.serviceType[0].coding.map((c: any) => c.code),
      ['57', 'covid19-immunization'],
      'a COVID-19 schedule carries both codings the specification asks for',
    );
    const otherSchedule = feed.Schedule.find((s: any) => s.id === `${w.campaignId}-${w.centerId}`);
    assert.deepEqual(
      otherSchedule.serviceType[0].coding.map((c: any) => c.code),
      ['57'],
    );
    const everything = JSON.stringify([...feed.files.values()]);
    for (const personal of ['Mustermann', 'Erika', '1964-08-12', '1950-01-01']) assert.ok(!everything.includes(personal), `no personal data: ${personal}`);
  });

  test('files carry ETag, Last-Modified and Cache-Control; unchanged files answer 304 and keep both; gzip on request', async () => {
    await node.view.reload();
    node.clock.advance(REBUILD_MS);
    const first = await node.app.inject({ url: '/fhir/locations.ndjson' });
    assert.equal(first.statusCode, 200);
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    assert.match(etag, /^W\/"[A-Za-z0-9_-]+"$/);
    assert.ok(Date.parse(lastModified) > 0);
    assert.match(String(first.headers['cache-control']), /public, max-age=60, s-maxage=1/);
    assert.match(String(first.headers.link), /<https:\/\/creativecommons.org\/licenses\/by\/4.0\/>; rel="license"/);
    assert.equal((await node.app.inject({ url: '/fhir/locations.ndjson', headers: { 'if-none-match': etag } })).statusCode, 304);
    assert.equal((await node.app.inject({ url: '/fhir/locations.ndjson', headers: { 'if-modified-since': lastModified } })).statusCode, 304);
    assert.equal((await node.app.inject({ url: '/fhir/locations.ndjson', headers: { 'if-none-match': 'W/"other"' } })).statusCode, 200);

    // A rebuild with the same centres keeps the same validators; a booking changes only the slot file.
    const slots = slotFile('de', morningIn(3));
    const slotsBefore = await node.app.inject({ url: slots });
    await book(node.app, w.firstSlotIds[2]!, { firstName: 'C', lastName: 'D', dateOfBirth: '1940-02-02', postalCode: '58332' });
    await node.view.reload();
    node.clock.advance(REBUILD_MS);
    const again = await node.app.inject({ url: '/fhir/locations.ndjson', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers['last-modified'], lastModified);
    const slotsAfter = await node.app.inject({ url: slots, headers: { 'if-none-match': slotsBefore.headers.etag as string } });
    assert.equal(slotsAfter.statusCode, 200);
    assert.notEqual(slotsAfter.headers.etag, slotsBefore.headers.etag);

    const zipped = await node.app.inject({ url: slots, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), slotsAfter.body);

    // Any Accept the specification names gets the same bytes; an unknown file is a clear 404.
    for (const accept of ['application/fhir+ndjson', '*/*']) {
      assert.equal((await node.app.inject({ url: slots, headers: { accept } })).body, slotsAfter.body);
    }
    assert.equal((await node.app.inject({ url: '/fhir/$bulk-publish', headers: { accept: 'application/json' } })).statusCode, 200);
    const unknown = await node.app.inject({ url: '/fhir/slots-xx.ndjson' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'NOT_FOUND');
    assert.equal((await node.app.inject({ url: '/fhir/..%2Fpasswd' })).statusCode, 400);
  });

  test('the feed is rebuilt at most once per rebuild interval of the clock, however often it is asked for', async () => {
    let now = 1_000_000;
    const publisher = new FeedPublisher(
      node.view,
      { now: () => now, offsetMs: 0, generation: 0 },
      {
        publicUrl: PUBLIC_URL,
        phone: '0800',
        licence: { id: 'CC0-1.0', url: 'https://creativecommons.org/publicdomain/zero/1.0/', attribution: 'Test' },
      },
    );
    const built = publisher.current();
    await node.view.reload();
    now += REBUILD_MS - 1;
    assert.equal(publisher.current(), built, 'a newer snapshot waits for the interval');
    now += 1;
    const rebuilt = publisher.current();
    assert.notEqual(rebuilt, built);
    now += 10 * REBUILD_MS;
    assert.equal(publisher.current(), rebuilt, 'nothing new in the view: nothing rebuilt');
  });

  test('campaigns and availability answer 304 to If-None-Match, and availability has a compact mode and a search by centre', async () => {
    await node.view.reload();
    const campaigns = await node.app.inject({ url: '/api/v1/campaigns' });
    assert.equal(campaigns.statusCode, 200);
    assert.equal((await node.app.inject({ url: '/api/v1/campaigns', headers: { 'if-none-match': campaigns.headers.etag as string } })).statusCode, 304);

    const url = `/api/v1/availability?campaignId=${w.campaignId}&postalCode=58332`;
    const full = await node.app.inject({ url });
    assert.equal(full.statusCode, 200);
    await node.view.reload(); // a new snapshot with the same slots keeps the ETag
    const same = await node.app.inject({ url, headers: { 'if-none-match': full.headers.etag as string } });
    assert.equal(same.statusCode, 304);
    assert.equal(same.body, '');

    const compact = await node.app.inject({ url: `${url}&compact=true` });
    const centre = compact.json().centers[0];
    assert.deepEqual(Object.keys(centre.days[0]), ['date', 'freeFirstDoses']);
    assert.equal(centre.freeFirstDoses, full.json().centers[0].freeFirstDoses);
    assert.ok(compact.body.length < full.body.length);
    assert.notEqual(compact.headers.etag, full.headers.etag);

    const byCentre = await node.app.inject({ url: `/api/v1/availability?campaignId=${w.campaignId}&centerId=${w.centerId}` });
    assert.equal(byCentre.statusCode, 200, byCentre.body);
    assert.deepEqual(
      byCentre.json().centers.map((c: any) => [c.id, c.distanceKm]),
      [[w.centerId, 0]],
    );
    const noCentre = await node.app.inject({ url: `/api/v1/availability?campaignId=${w.campaignId}&centerId=999999` });
    assert.equal(noCentre.statusCode, 404);
    assert.equal(noCentre.json().code, 'CENTER_NOT_FOUND');
  });
});

describe('the open-data limit', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({ ANSTURM_OPEN_DATA_PER_MINUTE: '5', ANSTURM_PUBLIC_URL: PUBLIC_URL });
  });
  after(() => node.stop());

  test('counts the feed and other sites’ reads per address, apart from the citizens’ own searches', async () => {
    const w = await setUpWorld(node.app);
    await node.view.reload();
    const search = `/api/v1/availability?campaignId=${w.campaignId}&postalCode=58332`;
    const finder = { origin: 'https://impffinder.example' };
    const statuses: number[] = [];
    for (const url of ['/fhir/$bulk-publish', '/fhir/locations.ndjson', search, '/api/v1/campaigns', '/fhir/schedules.ndjson', '/fhir/$bulk-publish']) {
      statuses.push((await node.app.inject({ url, headers: finder })).statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const limited = await node.app.inject({ url: search, headers: finder });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
    // The citizen app on this origin searches on, and the API's own pages and bookings are untouched.
    for (let i = 0; i < 10; i++) assert.equal((await node.app.inject({ url: search })).statusCode, 200);
    assert.equal((await node.app.inject({ url: search, headers: { origin: PUBLIC_URL } })).statusCode, 200);
    // Another address has its own budget.
    assert.equal((await node.app.inject({ url: '/fhir/$bulk-publish', remoteAddress: '192.0.2.7' })).statusCode, 200);
  });
});

describe('a page on another origin reads the feed in Chromium', () => {
  let node: TestNode;
  let other: Server;
  let closeBrowser: (() => Promise<void>) | undefined;
  after(async () => {
    await closeBrowser?.();
    other?.closeAllConnections();
    await new Promise((resolve) => (other ? other.close(resolve) : resolve(undefined)));
    await node?.stop();
  });

  test('fetch() from another origin gets the manifest and a file (CORS), and 304 on a second ask', async () => {
    node = await startTestNode();
    const w = await setUpWorld(node.app);
    await node.view.reload();
    const feedOrigin = await node.app.listen({ host: '127.0.0.1', port: 0 });
    // A finder's page, served from another port of loopback: another origin.
    other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Impffinder</title><p>Finder</p>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const finderOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const launched = await launchBrowser();
    closeBrowser = launched.close;
    const page = await launched.browser.newPage();
    await page.goto(`${finderOrigin}/`);
    const result = await page.evaluate(async (base) => {
      const manifest = await (await fetch(`${base}/fhir/$bulk-publish`)).json();
      const slotFile = manifest.output.find((o: { type: string }) => o.type === 'Slot');
      const path = new URL(slotFile.url).pathname;
      const first = await fetch(`${base}${path}`, { cache: 'no-store' });
      const text = await first.text();
      const etag = first.headers.get('etag')!;
      // A finder that keeps its own validators (no-store would add "Cache-Control: no-cache", which asks for the full body).
      const second = await fetch(`${base}${path}`, { cache: 'no-store', headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } });
      return {
        output: manifest.output.length,
        lines: text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).id),
        etag,
        second: second.status,
      };
    }, feedOrigin);
    assert.equal(result.output, 3);
    assert.deepEqual(
      result.lines,
      w.firstSlotIds.map((id) => `${id}-free`),
    );
    assert.match(result.etag, /^W\//, 'the ETag is exposed to the other page, so it can ask again with If-None-Match');
    assert.equal(result.second, 304);
  });
});
