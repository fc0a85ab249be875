import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { book, setUpWorld, type World } from './support/fixtures.js';
import { admin, startTestNode, type TestNode } from './support/node.js';
import { staffSession, type Session } from './support/staff.js';

/**
 * What an attacker found with malformed requests: each answered 500 before. Every one must be a
 * 4xx with a code and a message, and write nothing.
 */

let node: TestNode;
let w: World;
let bookingCode: string;
let agent: Session;
let adminSession: Session;
before(async () => {
  node = await startTestNode();
  w = await setUpWorld(node.app);
  bookingCode = (await book(node.app, w.firstSlotIds[0]!)).booking.body.bookingCode;
  agent = await staffSession(node.app, 'hostile-agent', 'agent');
  adminSession = await staffSession(node.app, 'hostile-admin', 'admin');
});
after(() => node.stop());

const json = { 'content-type': 'application/json' };

async function counts() {
  const r = await node.db.query(
    `SELECT (SELECT count(*) FROM holds)::int AS holds, (SELECT count(*) FROM bookings)::int AS bookings,
            (SELECT count(*) FROM centers)::int AS centers, (SELECT count(*) FROM staff_accounts)::int AS staff,
            (SELECT count(*) FROM verification_codes)::int AS codes, (SELECT count(*) FROM releases)::int AS releases`,
  );
  return r.rows[0];
}

async function expect4xx(method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: string, headers: Record<string, string> = json): Promise<void> {
  const before = await counts();
  const res = await node.app.inject({ method, url, payload, headers });
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} ${url} ${payload ?? ''}: ${res.statusCode} ${res.body}`);
  const body = res.json();
  assert.match(body.code, /^[A-Z_]+$/);
  assert.ok(body.message.length > 0);
  assert.deepEqual(await counts(), before, 'nothing was written');
}

describe('dates with year 0000', () => {
  const dob = 'dateOfBirth=0000-01-01';
  test('booking view', () => expect4xx('GET', `/api/v1/bookings/ABCD2345?${dob}`));
  test('cancel', () => expect4xx('DELETE', `/api/v1/bookings/ABCD2345?${dob}`));
  test('calendar file', () => expect4xx('GET', `/api/v1/bookings/ABCD2345/calendar.ics?${dob}`));
  test('QR code', () => expect4xx('GET', `/api/v1/bookings/ABCD2345/qr.svg?${dob}`));
  test('messages', () => expect4xx('GET', `/api/v1/bookings/ABCD2345/messages?${dob}`));
  test('rebook', () => expect4xx('POST', `/api/v1/bookings/ABCD2345/rebook?${dob}`, JSON.stringify({ slotId: w.firstSlotIds[1] })));
  test('rebook body', () =>
    expect4xx('POST', `/api/v1/bookings/${bookingCode}/rebook`, JSON.stringify({ dateOfBirth: '0000-01-01', slotId: w.firstSlotIds[1] })));
  test('check-in day list', () => expect4xx('GET', `/api/v1/checkin/centers/${w.centerId}/days/0000-01-01`, undefined, admin));
  test('CSV export', () => expect4xx('GET', `/api/v1/admin/exports/appointments.csv?centerId=${w.centerId}&day=0000-01-01`, undefined, admin));
  test('agent search', () => expect4xx('GET', `/api/v1/agent/availability?campaignId=${w.campaignId}&postalCode=58332&from=0000-01-01`, undefined, admin));
  test('availability', () => expect4xx('GET', `/api/v1/availability?campaignId=${w.campaignId}&postalCode=58332&from=0000-01-01`));
  test('a release opening in year 0000', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/releases',
      JSON.stringify({ campaignId: w.campaignId, slotIds: [w.firstSlotIds[0]], opensAt: '0000-01-01T00:00:00Z', acknowledge: 'all' }),
      { ...json, ...admin },
    ));
  test('a year past 9999 in an instant', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/releases',
      JSON.stringify({ campaignId: w.campaignId, slotIds: [w.firstSlotIds[0]], opensAt: '+275760-09-13T00:00:00Z', acknowledge: 'all' }),
      { ...json, ...admin },
    ));
  test('a date of birth in year 0000 when booking', async () => {
    const hold = await node.app.inject({ method: 'POST', url: '/api/v1/holds', payload: { slotId: w.firstSlotIds[1] } });
    await expect4xx(
      'POST',
      '/api/v1/bookings',
      JSON.stringify({ holdId: hold.json().holdId, person: { firstName: 'A', lastName: 'B', dateOfBirth: '0000-01-01', postalCode: '58332' } }),
    );
  });
});

describe('a NUL character in a string', () => {
  test('staff login', () => expect4xx('POST', '/api/v1/staff/login', JSON.stringify({ username: 'a\u0000b', password: 'x' })));
  test('a person’s first name', () =>
    expect4xx(
      'POST',
      '/api/v1/eligibility',
      JSON.stringify({ campaignId: w.campaignId, person: { firstName: 'Er\u0000ika', lastName: 'B', dateOfBirth: '1970-01-01', postalCode: '58332' } }),
    ));
  test('a booking', async () => {
    const hold = await node.app.inject({ method: 'POST', url: '/api/v1/holds', payload: { slotId: w.firstSlotIds[1] } });
    await expect4xx(
      'POST',
      '/api/v1/bookings',
      JSON.stringify({ holdId: hold.json().holdId, person: { firstName: 'Er\u0000ika', lastName: 'B', dateOfBirth: '1970-01-01', postalCode: '58332' } }),
    );
  });
  test('a contact to verify', () => expect4xx('POST', '/api/v1/verifications', JSON.stringify({ channel: 'sms', contact: '+49\u0000170' })));
  test('a staff form', () =>
    expect4xx('POST', '/api/v1/admin/centers', JSON.stringify({ name: 'X\u0000', address: 'Y', postalCode: '58332', district: 'Z', lat: 51, lon: 7 }), {
      ...json,
      ...admin,
    }));
  test('a query string', () => expect4xx('GET', '/api/v1/admin/messages?recipient=%00', undefined, admin));
  test('other control characters', () => expect4xx('POST', '/api/v1/staff/login', JSON.stringify({ username: 'a\u001bb', password: 'x' })));
});

describe('numbers and Unicode', () => {
  test('1e309 for an integer', () => expect4xx('GET', '/api/v1/admin/slots?campaignId=1e309', undefined, admin));
  test('an integer beyond PostgreSQL’s range', () => expect4xx('GET', '/api/v1/admin/slots?campaignId=99999999999999999999', undefined, admin));
  test('a lone surrogate in a staff change', () =>
    adminSession
      .send('POST', '/api/v1/admin/centers', { name: 'Zentrum \ud800', address: 'Y', postalCode: '58332', district: 'Z', lat: 51, lon: 7 })
      .then((r) => {
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.code, 'VALIDATION_FAILED');
      }));
  test('a CSRF token of the right length in non-ASCII bytes', async () => {
    const res = await node.app.inject({
      method: 'POST',
      url: '/api/v1/agent/bookings',
      headers: { ...json, cookie: agent.cookie, 'x-csrf-token': Buffer.alloc(agent.csrf.length, 0xe9).toString('latin1') },
      payload: '{}',
    });
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(res.json().code, 'CSRF_FAILED');
  });
});
