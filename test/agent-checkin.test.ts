import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { startTestNode, admin, type TestNode } from './support/node.js';
import { adminPost, person, post, setUpWorld } from './support/fixtures.js';
import { staffSession } from './support/staff.js';

let node: TestNode;
before(async () => {
  node = await startTestNode({ ANSTURM_LOGINS_PER_MINUTE: '0', ANSTURM_DB_POOL_SIZE: '4', ANSTURM_DB_CONNECT_TIMEOUT_MS: '300' });
});
after(() => node.stop());

/** A Berlin wall-clock instant on a given ISO day: 2026-12-06 is a Sunday. */
const berlin = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+01:00`).toISOString();

describe('release checklist', () => {
  test('warns about a closed hotline, a large release without a waiting room, an unmeasured crowd and short second doses; refuses until acknowledged', async () => {
    const center = await adminPost(node.app, '/api/v1/admin/centers', {
      name: 'Checkliste',
      address: 'C 1',
      postalCode: '58332',
      district: 'EN',
      lat: 51.28,
      lon: 7.29,
    });
    const campaign = await adminPost(node.app, '/api/v1/admin/campaigns', {
      name: 'Checkliste',
      vaccine: { name: 'V', doses: 2, minIntervalDays: 21, maxIntervalDays: 42 },
      eligibility: {},
    });
    const first = await adminPost(node.app, '/api/v1/admin/slots', {
      series: {
        centerId: center.id,
        campaignId: campaign.id,
        dose: 1,
        from: '2026-12-07',
        to: '2026-12-08',
        opens: '08:00',
        closes: '10:00',
        intervalMinutes: 10,
        capacity: 30,
      },
    });
    const second = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [{ centerId: center.id, campaignId: campaign.id, startsAt: berlin('2026-12-30', '09:00'), durationMinutes: 10, capacity: 100, dose: 2 }],
    });
    const slotIds = [...first.slots, ...second.slots].map((s: { id: number }) => s.id);
    const plan = { campaignId: campaign.id, slotIds, opensAt: berlin('2026-12-06', '03:00'), expectedCrowd: 50_000 };

    const checked = await post(node.app, '/api/v1/admin/releases/checklist', plan, admin);
    assert.equal(checked.status, 200, JSON.stringify(checked.body));
    const codes = checked.body.warnings.map((w: { code: string }) => w.code).sort();
    assert.deepEqual(codes, ['CROWD_NOT_MEASURED', 'HOTLINE_CLOSED', 'NO_WAITING_ROOM', 'SECOND_DOSE_SHORT']);
    assert.match(checked.body.warnings.find((w: { code: string }) => w.code === 'SECOND_DOSE_SHORT').message, /720 first doses but only 100/);

    const refused = await post(node.app, '/api/v1/admin/releases', plan, admin);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'RELEASE_CHECKLIST');
    assert.equal(refused.body.warnings.length, 4);
    const unassigned = await node.db.query('SELECT count(*)::int AS n FROM slots WHERE id = ANY($1) AND release_id IS NULL', [slotIds]);
    assert.equal(unassigned.rows[0].n, slotIds.length, 'a refused release changes nothing');
    const partly = await post(node.app, '/api/v1/admin/releases', { ...plan, acknowledge: ['HOTLINE_CLOSED', 'NO_WAITING_ROOM'] }, admin);
    assert.deepEqual(partly.body.warnings.map((w: { code: string }) => w.code).sort(), ['CROWD_NOT_MEASURED', 'SECOND_DOSE_SHORT']);

    // The same plan at a staffed hour, with a waiting room and no expected crowd, leaves only the dose shortage.
    const better = await post(
      node.app,
      '/api/v1/admin/releases/checklist',
      { campaignId: campaign.id, slotIds, opensAt: berlin('2026-12-07', '10:00'), waitingRoom: true },
      admin,
    );
    assert.deepEqual(
      better.body.warnings.map((w: { code: string }) => w.code),
      ['SECOND_DOSE_SHORT'],
    );
    const done = await post(
      node.app,
      '/api/v1/admin/releases',
      { ...plan, acknowledge: ['HOTLINE_CLOSED', 'NO_WAITING_ROOM', 'CROWD_NOT_MEASURED', 'SECOND_DOSE_SHORT'] },
      admin,
    );
    assert.equal(done.status, 201, JSON.stringify(done.body));
    assert.equal(done.body.warnings.length, 4, 'the answer still lists what was acknowledged');
  });

  test('compares the expected crowd with what this installation was measured to hold', async () => {
    const measured = await startTestNode({ ANSTURM_MEASURED_CROWD: '20000' });
    try {
      const w = await setUpWorld(measured.app, { waitingRoom: true, opensAt: berlin('2030-01-08', '10:00') });
      const slotIds = (await measured.db.query('SELECT id FROM slots WHERE campaign_id = $1', [w.campaignId])).rows.map((r) => r.id);
      const check = (expectedCrowd: number) =>
        post(
          measured.app,
          '/api/v1/admin/releases/checklist',
          { campaignId: w.campaignId, slotIds, opensAt: berlin('2030-01-08', '10:00'), waitingRoom: true, expectedCrowd },
          admin,
        );
      assert.deepEqual((await check(15_000)).body.warnings, []);
      assert.deepEqual(
        (await check(30_000)).body.warnings.map((x: { code: string }) => x.code),
        ['CROWD_EXCEEDS_MEASURED'],
      );
    } finally {
      await measured.stop();
    }
  });
});

describe('hotline agents', () => {
  test('the phone share holds against a web rush, and agents book it for callers while the public pool is exhausted', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 10, phoneShare: 0.3, phoneUntil: new Date(Date.now() + 3_600_000).toISOString() });
    const agent = await staffSession(node.app, 'hotline-1', 'agent');

    // The web rush: 50 people at once for 10 units; 3 are kept for the phone.
    const rush = await Promise.all(Array.from({ length: 50 }, () => post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] })));
    assert.equal(rush.filter((r) => r.status === 201).length, 7);
    assert.ok(rush.filter((r) => r.status !== 201).every((r) => r.body.code === 'SLOT_FULL'));
    await node.view.reload();
    const publicView = await node.app.inject({ url: `/api/v1/availability?campaignId=${w.campaignId}&postalCode=58332` });
    assert.deepEqual(publicView.json().centers, [], 'the public sees nothing left');
    const agentView = await agent.get(`/api/v1/agent/availability?campaignId=${w.campaignId}&postalCode=58332`);
    assert.equal(agentView.status, 200);
    assert.equal(agentView.body.centers[0].days[0].slots[0].free, 3);
    assert.equal(agentView.body.centers[0].days[0].slots[0].keptForPhone, 3);

    // Every public connection is busy (the rush); the agents' own pool still books.
    const busy: pg.PoolClient[] = await Promise.all(Array.from({ length: 4 }, () => node.db.connect()));
    try {
      assert.equal((await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] })).status, 503);
      const book = (firstName: string, i: number, sendBy: 'letter' | 'sms') =>
        agent.send('POST', '/api/v1/agent/bookings', {
          slotId: w.firstSlotIds[0],
          person: person({ firstName, dateOfBirth: `194${i}-01-01`, phone: `0170 555000${i}` }),
          sendBy,
        });
      // A caller who wants a letter first, then three callers at once for the two units left.
      const letterCall = await book('Anna', 0, 'letter');
      assert.equal(letterCall.status, 201, JSON.stringify(letterCall.body));
      assert.equal(letterCall.body.sendBy, 'letter');
      assert.match(letterCall.body.letter, new RegExp(`Anna Mustermann[\\s\\S]*${letterCall.body.bookingCode}`));
      const callers = await Promise.all(['Bert', 'Carla', 'Dora'].map((firstName, i) => book(firstName, i + 1, 'sms')));
      assert.deepEqual(callers.map((c) => c.status).sort(), [201, 201, 409]);
    } finally {
      for (const c of busy) c.release();
    }
    const rows = await node.db.query(`SELECT channel, booked_by, phone FROM bookings WHERE campaign_id = $1 AND channel = 'phone' ORDER BY first_name`, [
      w.campaignId,
    ]);
    assert.equal(rows.rowCount, 3);
    assert.ok(rows.rows.every((r) => r.booked_by === 'staff:hotline-1'));
    assert.equal(rows.rows.find((r) => r.phone === null)?.channel, 'phone', 'a letter stores no phone number, so no SMS goes out');
    const slot = await node.db.query('SELECT taken, capacity, phone_reserved FROM slots WHERE id = $1', [w.firstSlotIds[0]]);
    assert.deepEqual(slot.rows[0], { taken: 10, capacity: 10, phone_reserved: 0 });
    const audit = await node.db.query(`SELECT after::text FROM audit_log WHERE actor = 'staff:hotline-1' AND action = 'POST /api/v1/agent/bookings'`);
    assert.equal(audit.rowCount, 3);
    for (const row of audit.rows) {
      assert.match(row.after, /bookingCode/, 'the entry says which booking');
      for (const personal of ['Mustermann', 'Anna', 'Bert', 'Carla']) assert.ok(!row.after.includes(personal), `no "${personal}" in the audit log`);
    }
  });

  test('agents book beside the waiting room, only at their own centres, with the same eligibility rules', async () => {
    const w = await setUpWorld(node.app, { waitingRoom: true, minAge: 60 });
    const elsewhere = await setUpWorld(node.app, { postalCode: '44135', lat: 51.5149, lon: 7.466 });
    const limited = await staffSession(node.app, 'hotline-2', 'agent', [w.centerId]);
    const ok = await limited.send('POST', '/api/v1/agent/bookings', {
      slotId: w.firstSlotIds[0],
      person: person({ dateOfBirth: '1950-02-02' }),
      sendBy: 'letter',
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const young = await limited.send('POST', '/api/v1/agent/bookings', {
      slotId: w.firstSlotIds[0],
      person: person({ firstName: 'Jung', dateOfBirth: '1990-02-02' }),
      sendBy: 'letter',
    });
    assert.equal(young.body.code, 'NOT_ELIGIBLE');
    const foreign = await limited.send('POST', '/api/v1/agent/bookings', {
      slotId: elsewhere.firstSlotIds[0],
      person: person({ firstName: 'Fremd' }),
      sendBy: 'letter',
    });
    assert.equal(foreign.status, 403);
    const taken = await node.db.query('SELECT taken FROM slots WHERE id = $1', [elsewhere.firstSlotIds[0]]);
    assert.equal(taken.rows[0].taken, 0, 'the refused booking kept nothing');
    const search = await limited.get(`/api/v1/agent/availability?campaignId=${elsewhere.campaignId}&postalCode=44135`);
    assert.deepEqual(search.body.centers, [], 'other centres are not shown');
    assert.equal(
      (await limited.send('POST', '/api/v1/agent/bookings', { slotId: w.firstSlotIds[0], person: person({ firstName: 'Ohne' }), sendBy: 'sms' })).status,
      400,
      'SMS needs a number',
    );
  });
});

describe('check-in', () => {
  test('finds a booking by code or QR at its own centres only, records attendance once and on its day, and sends a missed dose to standby', async () => {
    // Appointments today: one starting in a minute, one later today (for the standby unit) when the day has room.
    const soon = new Date(node.clock.now() + 60_000);
    const later = new Date(node.clock.now() + 30 * 60_000);
    const sameDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(d);
    const w = await setUpWorld(node.app, { doses: 1 });
    const slots = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [
        { centerId: w.centerId, campaignId: w.campaignId, startsAt: soon.toISOString(), durationMinutes: 5, capacity: 5, dose: 1 },
        { centerId: w.centerId, campaignId: w.campaignId, startsAt: later.toISOString(), durationMinutes: 5, capacity: 1, dose: 1 },
      ],
    });
    await adminPost(node.app, '/api/v1/admin/releases', {
      campaignId: w.campaignId,
      slotIds: slots.slots.map((s: { id: number }) => s.id),
      opensAt: new Date(node.clock.now() - 1000).toISOString(),
      acknowledge: 'all',
    });
    const [soonSlot, laterSlot] = slots.slots.map((s: { id: number }) => s.id);
    const bookOne = async (firstName: string) => {
      const hold = await post(node.app, '/api/v1/holds', { slotId: soonSlot });
      assert.equal(hold.status, 201, JSON.stringify(hold.body));
      return (
        await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: person({ firstName, email: `${firstName.toLowerCase()}@example.org` }) })
      ).body.bookingCode as string;
    };
    const queuedAbout = async (code: string) =>
      (
        await node.db.query(`SELECT m.kind FROM messages m JOIN bookings b ON b.id = m.booking_id WHERE b.code = $1 AND m.state = 'queued' ORDER BY m.kind`, [
          code.replace('-', ''),
        ])
      ).rows.map((r) => r.kind);
    const came = await bookOne('Kommt');
    const missed = await bookOne('Fehlt');

    const other = await setUpWorld(node.app, { postalCode: '44135' });
    const desk = await staffSession(node.app, 'desk-1', 'checkin', [w.centerId]);
    const byCode = await desk.get(`/api/v1/checkin/bookings/${came.toLowerCase()}`);
    assert.equal(byCode.status, 200, JSON.stringify(byCode.body));
    assert.equal(byCode.body.person.firstName, 'Kommt');
    assert.equal(byCode.body.person.dateOfBirth, '1964-08-12', 'the desk checks the ID against the date of birth');
    const byQr = await desk.get(`/api/v1/checkin/bookings/${encodeURIComponent(`ANSTURM:${came.replace('-', '')}`)}`);
    assert.equal(byQr.body.bookingCode, came);
    const qr = await node.app.inject({ url: `/api/v1/bookings/${came}/qr.svg?dateOfBirth=1964-08-12` });
    assert.match(qr.headers['content-type'] as string, /image\/svg\+xml/);
    assert.match(qr.body, /^<svg/);

    const foreignCode = (
      await post(node.app, '/api/v1/bookings', {
        holdId: (await post(node.app, '/api/v1/holds', { slotId: other.firstSlotIds[0] })).body.holdId,
        person: person({ firstName: 'Woanders' }),
      })
    ).body.bookingCode;
    assert.equal((await desk.get(`/api/v1/checkin/bookings/${foreignCode}`)).status, 404, 'bookings at other centres are invisible');
    assert.equal((await desk.get(`/api/v1/checkin/centers/${other.centerId}/days/${sameDay(new Date())}`)).status, 403);
    const future = await desk.send('POST', `/api/v1/checkin/bookings/${foreignCode}/attendance`, { dose: 1, state: 'attended' });
    assert.equal(future.status, 404);

    const early = await desk.send('POST', `/api/v1/checkin/bookings/${missed}/attendance`, { dose: 1, state: 'no_show' });
    assert.equal(early.body.code, 'NOT_TODAY', 'a no-show only once the appointment began');
    const attended = await desk.send('POST', `/api/v1/checkin/bookings/${came}/attendance`, { dose: 1, state: 'attended' });
    assert.equal(attended.status, 200, JSON.stringify(attended.body));
    assert.equal(attended.body.appointments[0].attendance, 'attended');
    assert.equal((await desk.send('POST', `/api/v1/checkin/bookings/${came}/attendance`, { dose: 1, state: 'attended' })).body.code, 'ALREADY_RECORDED');

    await node.advance(soon.getTime() - node.clock.now() + 1000); // the first appointment has begun
    // A message about the booking still waiting to go out (as a reminder for a later appointment would).
    await node.db.query(
      `INSERT INTO messages (kind, channel, priority, recipient, subject, body_text, booking_id, not_before)
       SELECT 'reminder', 'email', 2, 'fehlt@example.org', 'Erinnerung', 'Morgen', id, now() + interval '1 day' FROM bookings WHERE code = $1`,
      [missed.replace('-', '')],
    );
    assert.deepEqual(await queuedAbout(missed), ['reminder']);
    const noShow = await desk.send('POST', `/api/v1/checkin/bookings/${missed}/attendance`, { dose: 1, state: 'no_show' });
    assert.equal(noShow.status, 200, JSON.stringify(noShow.body));
    assert.equal(noShow.body.status, 'cancelled');
    assert.deepEqual(await queuedAbout(missed), ['cancellation'], 'its reminders are dropped; the person is told of the cancellation');
    if (sameDay(later) === sameDay(new Date())) {
      assert.equal(noShow.body.standby.slotId, laterSlot, 'the missed dose is offered later today');
      const cap = await node.db.query('SELECT capacity FROM slots WHERE id = $1', [laterSlot]);
      assert.equal(cap.rows[0].capacity, 2);
    }
    const list = await desk.get(`/api/v1/checkin/centers/${w.centerId}/days/${sameDay(soon)}`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.appointments.map((a: { name: string; attendance: string | null }) => [a.name, a.attendance]),
      [['Mustermann, Kommt', 'attended']],
    );
    const audit = await node.db.query(`SELECT before, after FROM audit_log WHERE actor = 'staff:desk-1' AND action LIKE 'POST /api/v1/checkin/%' ORDER BY id`);
    assert.equal(audit.rowCount, 2);
  });
});
