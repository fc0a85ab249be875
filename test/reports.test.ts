import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestNode, admin, type TestNode } from './support/node.js';
import { adminPost, book, person, setUpWorld } from './support/fixtures.js';
import { staffSession } from './support/staff.js';
import { publicHolidays } from '../src/catalog/holidays.js';
import { csvCell } from '../src/reports/service.js';
import { summariseHttp } from '../src/reports/http-summary.js';
import { errorRate, p95Between } from '../web/staff/rates.js';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.stop());

test('the dashboard reading carries line, bookings per minute, capacity per centre, messages and request counters', async () => {
  const w = await setUpWorld(node.app, { firstSlots: 2, firstCapacity: 5 });
  await book(node.app, w.firstSlotIds[0]!, person({ email: 'dash@example.org' }));
  await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Zwei' }));
  const res = await node.app.inject({ url: '/api/v1/admin/dashboard', headers: admin });
  assert.equal(res.statusCode, 200, res.body);
  const d = res.json();
  assert.equal(d.bookings.active, 2);
  assert.equal(d.bookings.perMinute.at(-1).n, 2);
  const center = d.centers.find((c: { id: number }) => c.id === w.centerId);
  assert.equal(center.free, 8, '10 first-dose units, 2 booked');
  assert.ok(d.http.requests > 0);
  assert.ok(d.http.buckets.length > 5);
  assert.equal(typeof d.outbox.oldestCodeSeconds, 'number');
});

test('staff who ask within a second share one reading; a second later there is a new one', async () => {
  const reading = async () => {
    const res = await node.app.inject({ url: '/api/v1/admin/dashboard', headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { at: string; bookings: { active: number } };
  };
  node.clock.advance(5_000); // past any reading of an earlier test
  const first = await reading();
  assert.equal(first.bookings.active, 2, 'the bookings of the first test');
  const w = await setUpWorld(node.app, { firstSlots: 1 });
  await book(node.app, w.firstSlotIds[0]!, person({ firstName: 'Später' }));
  node.clock.advance(500);
  const shared = await reading();
  assert.deepEqual(shared, first, 'half a second later: the same reading');
  node.clock.advance(600);
  const next = await reading();
  assert.equal(next.bookings.active, 3, 'a new reading, with the booking made meanwhile');
});

test('the CSV export lists a centre’s day, quoted, with formulas defused', async () => {
  const w = await setUpWorld(node.app, { firstSlots: 1 });
  const { booking } = await book(node.app, w.firstSlotIds[0]!, person({ lastName: '=HYPERLINK("x")', firstName: 'Eva; Maria' }));
  assert.equal(booking.status, 201);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(booking.body.appointments[0].startsAt));
  const res = await node.app.inject({ url: `/api/v1/admin/exports/appointments.csv?centerId=${w.centerId}&day=${day}`, headers: admin });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /text\/csv/);
  const lines = res.body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  // The first line says what the file holds and how to treat it, then a blank line and the columns.
  assert.match(
    lines[0]!,
    /^"?Termine Impfzentrum Test am \d\d\.\d\d\.\d{4} \(Anzahl: 1\)\. Die Datei enthält personenbezogene Daten .*vertraulich behandeln.*Exportiert von bootstrap-token am /,
  );
  assert.equal(lines[1], '');
  assert.equal(lines[2], 'Uhrzeit;Impfung;Buchungscode;Nachname;Vorname;Geburtsdatum;PLZ;Telefon;E-Mail;Kanal;Status;Anwesenheit');
  assert.equal(lines.length, 4);
  const audited = await node.db.query(`SELECT target, after FROM audit_log WHERE action = 'export appointments' ORDER BY id DESC LIMIT 1`);
  assert.deepEqual(
    audited.rows[0],
    { target: { centerId: w.centerId, day }, after: { rows: 1 } },
    'audited: who, which centre and day, how many rows; never the rows',
  );
  assert.ok(lines[3]!.includes(`;${booking.body.bookingCode};"'=HYPERLINK(""x"")";"Eva; Maria";1964-08-12;58332;`), lines[1]);
  assert.equal(csvCell('+49 170'), "'+49 170");
});

test('slot series leave out the public holidays, of the centre’s Land too, unless told otherwise', async () => {
  assert.deepEqual(publicHolidays(2026), [
    '2026-01-01',
    '2026-04-03',
    '2026-04-06',
    '2026-05-01',
    '2026-05-14',
    '2026-05-25',
    '2026-10-03',
    '2026-12-25',
    '2026-12-26',
  ]);
  const w = await setUpWorld(node.app);
  const series = {
    centerId: w.centerId,
    campaignId: w.campaignId,
    from: '2030-12-23',
    to: '2030-12-28',
    opens: '08:00',
    closes: '09:00',
    intervalMinutes: 60,
    capacity: 1,
  };
  const days = (slots: { startsAt: string }[]) => slots.map((s) => s.startsAt.slice(0, 10));
  assert.deepEqual(days((await adminPost(node.app, '/api/v1/admin/slots', { series })).slots), ['2030-12-23', '2030-12-24', '2030-12-27', '2030-12-28']);
  assert.equal(
    (await adminPost(node.app, '/api/v1/admin/slots', { series: { ...series, skipHolidays: false, from: '2031-12-25', to: '2031-12-25' } })).slots.length,
    1,
  );

  // 2031-01-06 is Epiphany, a holiday in Bavaria; 2031-06-12 Corpus Christi, one in Bavaria and NRW, not in Berlin.
  const centerIn = async (state: string) =>
    (
      await adminPost(node.app, '/api/v1/admin/centers', {
        name: `Zentrum ${state}`,
        address: 'Weg 1',
        postalCode: '58332',
        district: 'EN',
        lat: 51,
        lon: 7,
        state,
      })
    ).id;
  const seriesAt = async (centerId: number, from: string) =>
    days((await adminPost(node.app, '/api/v1/admin/slots', { series: { ...series, centerId, from, to: from } })).slots);
  const [bavaria, berlin] = [await centerIn('BY'), await centerIn('BE')];
  assert.deepEqual(await seriesAt(bavaria, '2031-01-06'), [], 'Epiphany in Bavaria');
  assert.deepEqual(await seriesAt(berlin, '2031-01-06'), ['2031-01-06']);
  assert.deepEqual(await seriesAt(bavaria, '2031-06-12'), [], 'Corpus Christi in Bavaria');
  assert.deepEqual(await seriesAt(berlin, '2031-06-12'), ['2031-06-12']);
  const unknownLand = await node.app.inject({
    method: 'POST',
    url: '/api/v1/admin/centers',
    headers: admin,
    payload: { name: 'X', address: 'Y', postalCode: '58332', district: 'EN', lat: 51, lon: 7, state: 'XX' },
  });
  assert.equal(unknownLand.statusCode, 400);
});

test('a centre in another time zone: its series, days, appointments and export follow its own zone', async () => {
  const w = await setUpWorld(node.app);
  const lisbon = await adminPost(node.app, '/api/v1/admin/centers', {
    name: 'Zentrum Lissabon',
    address: 'Rua 1',
    postalCode: '58332',
    district: 'EN',
    lat: 51,
    lon: 7,
    timeZone: 'Europe/Lisbon',
  });
  assert.equal(lisbon.timeZone, 'Europe/Lisbon');
  // 08:00 in Lisbon is 07:00 UTC in winter and 08:00 in Berlin: a series at 08:00 opens one hour later (UTC) than Berlin's.
  const series = {
    centerId: lisbon.id,
    campaignId: w.campaignId,
    from: '2031-01-07',
    to: '2031-01-07',
    opens: '08:00',
    closes: '09:00',
    intervalMinutes: 60,
    capacity: 1,
  };
  const slots = (await adminPost(node.app, '/api/v1/admin/slots', { series })).slots;
  assert.deepEqual(
    slots.map((s: { startsAt: string }) => s.startsAt),
    ['2031-01-07T08:00:00.000Z'],
  );
  const berlinSlots = (await adminPost(node.app, '/api/v1/admin/slots', { series: { ...series, centerId: w.centerId } })).slots;
  assert.deepEqual(
    berlinSlots.map((s: { startsAt: string }) => s.startsAt),
    ['2031-01-07T07:00:00.000Z'],
  );

  // An appointment at 23:30 UTC is on the 7th in Lisbon, the 8th in Berlin: the day list and the export say so.
  const slot = { centerId: lisbon.id, campaignId: w.campaignId, durationMinutes: 10, capacity: 1 };
  const [late, second] = (
    await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [
        { ...slot, startsAt: '2031-01-07T23:30:00Z', dose: 1 },
        { ...slot, startsAt: '2031-02-04T10:00:00Z', dose: 2 },
      ],
    })
  ).slots;
  await node.db.query('UPDATE slots SET release_id = (SELECT release_id FROM slots WHERE id = $3) WHERE id IN ($1, $2)', [
    late.id,
    second.id,
    w.firstSlotIds[0],
  ]);
  const { booking } = await book(node.app, late.id, person({ firstName: 'Lissabon' }));
  assert.equal(booking.status, 201, JSON.stringify(booking.body));
  assert.equal(booking.body.appointments[0].center.timeZone, 'Europe/Lisbon', 'the answer says in which zone the appointment is');
  const csv = await node.app.inject({ url: `/api/v1/admin/exports/appointments.csv?centerId=${lisbon.id}&day=2031-01-07`, headers: admin });
  const line = csv.body
    .split('\r\n')
    .slice(2)
    .find((l) => l.includes('Lissabon'));
  assert.ok(line?.startsWith('23:30;'), `local time in the export: ${line}`);
  const listed = await node.app.inject({ url: `/api/v1/checkin/centers/${lisbon.id}/days/2031-01-07`, headers: admin });
  assert.deepEqual(
    listed.json().appointments.map((a: { bookingCode: string }) => a.bookingCode),
    [booking.body.bookingCode],
    'on the door list of the 7th',
  );

  const unknown = await node.app.inject({
    method: 'POST',
    url: '/api/v1/admin/centers',
    headers: admin,
    payload: { name: 'X', address: 'Y', postalCode: '58332', district: 'EN', lat: 51, lon: 7, timeZone: 'Mars/Olympus' },
  });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().code, 'VALIDATION_FAILED');
  const inDatabase = await node.db
    .query(`INSERT INTO centers (name, address, postal_code, district, lat, lon, time_zone) VALUES ('X', 'Y', '58332', 'EN', 51, 7, 'Mars/Olympus')`)
    .catch((e: { code: string }) => e);
  assert.equal((inDatabase as { code: string }).code, '22023', 'the database refuses an unknown zone too');
});

test('p95 between two readings of the request histogram', () => {
  const text = (fast: number, slow: number) =>
    [
      `ansturm_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/a",status="200"} ${fast}`,
      `ansturm_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/a",status="200"} ${fast + slow}`,
      `ansturm_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/a",status="200"} ${fast + slow}`,
      `ansturm_http_request_duration_seconds_count{method="GET",route="/a",status="200"} ${fast + slow}`,
      `ansturm_http_request_duration_seconds_count{method="POST",route="/b",status="503"} 3`,
    ].join('\n');
  const before = summariseHttp(text(100, 0));
  assert.equal(before.shed, 3);
  assert.equal(p95Between(before, summariseHttp(text(200, 0))), 0.01);
  assert.equal(p95Between(before, summariseHttp(text(190, 10))), 0.1, '10 of 100 new requests were slow');
  assert.equal(p95Between(before, before), null);
  assert.equal(errorRate(before, summariseHttp(text(200, 0))), 0);
});

test('an account limited to one centre exports and lists that centre only, and sets up slots there only', async () => {
  const mine = await setUpWorld(node.app, { firstSlots: 1 });
  const theirs = await setUpWorld(node.app, { firstSlots: 1, postalCode: '44135' });
  const { booking } = await book(node.app, theirs.firstSlotIds[0]!, person({ firstName: 'Fremd' }));
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(booking.body.appointments[0].startsAt));
  const limited = await staffSession(node.app, 'bezirk-admin', 'admin', [mine.centerId]);

  const foreign = await limited.get(`/api/v1/admin/exports/appointments.csv?centerId=${theirs.centerId}&day=${day}`);
  assert.equal(foreign.status, 403, 'no names, birth dates or phone numbers of another centre');
  assert.equal(foreign.body.code, 'FORBIDDEN');
  const own = await node.app.inject({
    url: `/api/v1/admin/exports/appointments.csv?centerId=${mine.centerId}&day=${day}`,
    headers: { cookie: limited.cookie },
  });
  assert.equal(own.statusCode, 200);
  assert.equal((await limited.get(`/api/v1/checkin/centers/${theirs.centerId}/days/${day}`)).status, 403);
  const slot = { campaignId: theirs.campaignId, startsAt: '2031-03-03T09:00:00Z', durationMinutes: 10, capacity: 1, dose: 1 };
  const elsewhere = await limited.send('POST', '/api/v1/admin/slots', {
    slots: [
      { ...slot, centerId: mine.centerId },
      { ...slot, centerId: theirs.centerId },
    ],
  });
  assert.equal(elsewhere.status, 403, 'a list naming another centre is refused whole');
  const listed = async (campaignId: number) => (await limited.get(`/api/v1/admin/slots?campaignId=${campaignId}`)).body.slots.map((s: { id: number }) => s.id);
  assert.deepEqual(await listed(theirs.campaignId), [], 'another centre’s slots are not listed, even when no centre is named');
  assert.deepEqual(await listed(mine.campaignId), [...mine.firstSlotIds, ...mine.secondSlotIds]);
});

test('the slot list picks by dose, local day and release, and says when its limit left some out', async () => {
  const w = await setUpWorld(node.app);
  const created = (
    await adminPost(node.app, '/api/v1/admin/slots', {
      series: {
        centerId: w.centerId,
        campaignId: w.campaignId,
        from: '2030-03-04',
        to: '2030-03-23',
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        opens: '00:00',
        closes: '23:00',
        intervalMinutes: 4,
        capacity: 1,
      },
    })
  ).slots;
  assert.equal(created.length, 20 * 345);
  const list = async (query: string) => {
    const res = await node.app.inject({ url: `/api/v1/admin/slots?campaignId=${w.campaignId}&${query}`, headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { slots: { id: number; dose: number; releaseId: number | null; startsAt: string; day: string }[]; more: boolean };
  };

  const capped = await list('dose=1&unreleased=true');
  assert.equal(capped.slots.length, 5000, 'the default limit');
  assert.equal(capped.more, true, 'and it says that more were left out');
  const all = await list('dose=1&unreleased=true&limit=50000');
  assert.equal(all.more, false);
  assert.deepEqual(
    all.slots.map((s) => s.id).sort((a, b) => a - b),
    created.map((s: { id: number }) => s.id).sort((a: number, b: number) => a - b),
  );
  assert.ok(!all.slots.some((s) => w.firstSlotIds.includes(s.id)), 'released slots are left out');
  const withReleased = await list('dose=1&limit=50000');
  assert.equal(withReleased.slots.length, created.length + w.firstSlotIds.length);
  assert.deepEqual(
    (await list('dose=2')).slots.map((s) => s.id),
    w.secondSlotIds,
  );

  // Days are the centre's: its day starts at 00:00 in Berlin, 23:00 the day before in UTC.
  const day = await list('dose=1&from=2030-03-05&to=2030-03-05');
  assert.equal(day.slots.length, 345);
  assert.ok(day.slots.every((s) => s.day === '2030-03-05'));
  assert.equal(day.slots[0]!.startsAt, '2030-03-04T23:00:00.000Z');

  for (const bad of ['limit=0', 'limit=50001', 'dose=3', 'from=2030-02-30']) {
    const res = await node.app.inject({ url: `/api/v1/admin/slots?campaignId=${w.campaignId}&${bad}`, headers: admin });
    assert.equal(res.statusCode, 400, bad);
    assert.equal(res.json().code, 'VALIDATION_FAILED', bad);
  }
});
