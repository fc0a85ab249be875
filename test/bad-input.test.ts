import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setUpWorld, type World } from './support/fixtures.js';
import { admin, startTestNode, type TestNode } from './support/node.js';

let node: TestNode;
let w: World;
before(async () => {
  node = await startTestNode();
  w = await setUpWorld(node.app);
});
after(() => node.stop());

const json = { 'content-type': 'application/json' };

/** Every bad request gets a 4xx with a code and a message; none may be a 500 or leave a row behind. */
async function expect4xx(
  method: 'POST' | 'GET' | 'DELETE',
  url: string,
  payload: string | undefined,
  status: number,
  code?: string,
  headers: Record<string, string> = json,
) {
  const before = await counts();
  const res = await node.app.inject({ method, url, payload, headers });
  assert.equal(res.statusCode, status, `${method} ${url} ${payload}: ${res.body}`);
  const body = res.json();
  assert.match(body.code, /^[A-Z_]+$/);
  assert.ok(body.message.length > 0);
  if (code) assert.equal(body.code, code);
  assert.deepEqual(await counts(), before, 'nothing was written');
}

async function counts() {
  const r = await node.db.query(
    'SELECT (SELECT count(*) FROM holds)::int AS holds, (SELECT count(*) FROM bookings)::int AS bookings, (SELECT count(*) FROM centers)::int AS centers',
  );
  return r.rows[0];
}

describe('bad input is a clear 4xx', () => {
  test('malformed JSON', () => expect4xx('POST', '/api/v1/holds', '{"slotId": 1', 400, 'INVALID_JSON'));
  test('empty body', () => expect4xx('POST', '/api/v1/holds', '', 400));
  test('wrong type', () => expect4xx('POST', '/api/v1/holds', '{"slotId":"1"}', 400, 'VALIDATION_FAILED'));
  test('negative id', () => expect4xx('POST', '/api/v1/holds', '{"slotId":-3}', 400, 'VALIDATION_FAILED'));
  test('unknown field', () => expect4xx('POST', '/api/v1/holds', JSON.stringify({ slotId: w.firstSlotIds[0], extra: 1 }), 400, 'VALIDATION_FAILED'));
  test('array instead of object', () => expect4xx('POST', '/api/v1/holds', '[1,2]', 400));
  test('huge body', () => expect4xx('POST', '/api/v1/holds', JSON.stringify({ slotId: 1, pad: 'x'.repeat(200_000) }), 413, 'PAYLOAD_TOO_LARGE'));
  test('not JSON at all', () =>
    expect4xx('POST', '/api/v1/holds', 'slotId=1', 415, 'UNSUPPORTED_MEDIA_TYPE', { 'content-type': 'application/x-www-form-urlencoded' }));
  test('prototype pollution attempt', () => expect4xx('POST', '/api/v1/holds', '{"slotId":1,"__proto__":{"x":1}}', 400));

  const booking = (p: Record<string, unknown>) =>
    JSON.stringify({
      holdId: '00000000-0000-4000-8000-000000000000',
      person: { firstName: 'A', lastName: 'B', dateOfBirth: '1970-01-01', postalCode: '58332', ...p },
    });
  test('impossible date of birth', () => expect4xx('POST', '/api/v1/bookings', booking({ dateOfBirth: '1970-02-30' }), 400, 'VALIDATION_FAILED'));
  test('date of birth before 1900', () => expect4xx('POST', '/api/v1/bookings', booking({ dateOfBirth: '1850-01-01' }), 400));
  test('blank name', () => expect4xx('POST', '/api/v1/bookings', booking({ firstName: '   ' }), 400));
  test('bad postal code', () => expect4xx('POST', '/api/v1/bookings', booking({ postalCode: '1234' }), 400));
  test('bad e-mail', () => expect4xx('POST', '/api/v1/bookings', booking({ email: 'not-an-address' }), 400));
  test('hold id that is no uuid', () => expect4xx('POST', '/api/v1/bookings', JSON.stringify({ holdId: 'x', person: {} }), 400));

  test('booking code of the wrong shape', () => expect4xx('GET', '/api/v1/bookings/XYZ?dateOfBirth=1970-01-01', undefined, 404, 'BOOKING_NOT_FOUND'));
  test('booking lookup without date of birth', () => expect4xx('GET', '/api/v1/bookings/ABCD2345', undefined, 400));
  test('booking lookup with impossible date', () => expect4xx('GET', '/api/v1/bookings/ABCD2345?dateOfBirth=2020-13-01', undefined, 400));
  test('availability without a place', () => expect4xx('GET', `/api/v1/availability?campaignId=${w.campaignId}`, undefined, 400, 'VALIDATION_FAILED'));
  test('availability for an unknown postal code', () =>
    expect4xx('GET', `/api/v1/availability?campaignId=${w.campaignId}&postalCode=00000`, undefined, 400, 'UNKNOWN_POSTAL_CODE'));
  test('availability for an unknown campaign', () =>
    expect4xx('GET', '/api/v1/availability?campaignId=999999&postalCode=58332', undefined, 404, 'CAMPAIGN_NOT_FOUND'));
  test('unknown route', () => expect4xx('GET', '/api/v1/nothing', undefined, 404, 'NOT_FOUND'));
  test('oversized idempotency key', () =>
    expect4xx('POST', '/api/v1/holds', JSON.stringify({ slotId: w.firstSlotIds[0] }), 400, 'VALIDATION_FAILED', {
      ...json,
      'idempotency-key': 'k'.repeat(300),
    }));
});

describe('admin routes', () => {
  const center = JSON.stringify({ name: 'X', address: 'Y', postalCode: '58332', district: 'Z', lat: 51, lon: 7 });
  test('need the admin token', () => expect4xx('POST', '/api/v1/admin/centers', center, 401, 'UNAUTHORIZED'));
  test('refuse a wrong token', () => expect4xx('POST', '/api/v1/admin/centers', center, 401, 'UNAUTHORIZED', { ...json, authorization: 'Bearer nope' }));
  const auth = { ...json, ...admin };
  test('refuse coordinates off the globe', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/centers',
      JSON.stringify({ name: 'X', address: 'Y', postalCode: '58332', district: 'Z', lat: 91, lon: 7 }),
      400,
      'VALIDATION_FAILED',
      auth,
    ));
  test('refuse a two-dose vaccine without interval', () =>
    expect4xx('POST', '/api/v1/admin/campaigns', JSON.stringify({ name: 'K', vaccine: { name: 'V', doses: 2 } }), 400, 'VALIDATION_FAILED', auth));
  test('refuse min age above max age', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/campaigns',
      JSON.stringify({ name: 'K', vaccine: { name: 'V', doses: 1 }, eligibility: { minAge: 60, maxAge: 18 } }),
      400,
      'VALIDATION_FAILED',
      auth,
    ));
  test('refuse slots for an unknown centre', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/slots',
      JSON.stringify({ slots: [{ centerId: 999999, campaignId: w.campaignId, startsAt: '2030-01-01T08:00:00Z', durationMinutes: 10, capacity: 1, dose: 1 }] }),
      404,
      'CENTER_NOT_FOUND',
      auth,
    ));
  test('refuse slot start without offset', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/slots',
      JSON.stringify({ slots: [{ centerId: w.centerId, campaignId: w.campaignId, startsAt: '2030-01-01 08:00', durationMinutes: 10, capacity: 1, dose: 1 }] }),
      400,
      'VALIDATION_FAILED',
      auth,
    ));
  test('refuse a series larger than the limit', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/slots',
      JSON.stringify({
        series: {
          centerId: w.centerId,
          campaignId: w.campaignId,
          from: '2030-01-01',
          to: '2031-12-31',
          opens: '00:00',
          closes: '23:59',
          intervalMinutes: 1,
          capacity: 1,
        },
      }),
      400,
      'VALIDATION_FAILED',
      auth,
    ));
  test('refuse releasing a slot twice', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/releases',
      JSON.stringify({ campaignId: w.campaignId, slotIds: [w.firstSlotIds[0]], opensAt: '2030-01-01T08:00:00Z' }),
      409,
      'SLOT_ALREADY_RELEASED',
      auth,
    ));
  test('refuse releasing unknown slots', () =>
    expect4xx(
      'POST',
      '/api/v1/admin/releases',
      JSON.stringify({ campaignId: w.campaignId, slotIds: [99999999], opensAt: '2030-01-01T08:00:00Z' }),
      404,
      'SLOT_NOT_FOUND',
      auth,
    ));
});

test('a series follows Berlin wall-clock time across the switch to summer time', async () => {
  const res = await node.app.inject({
    method: 'POST',
    url: '/api/v1/admin/slots',
    headers: admin,
    payload: {
      series: {
        centerId: w.centerId,
        campaignId: w.campaignId,
        from: '2031-03-29',
        to: '2031-03-31',
        opens: '08:00',
        closes: '09:00',
        intervalMinutes: 30,
        capacity: 2,
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        skipDates: ['2031-03-31'],
      },
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const starts = res.json().slots.map((s: { startsAt: string }) => s.startsAt);
  // 29 March 2031 is winter time (UTC+1), 30 March summer time (UTC+2); the 31st is skipped.
  assert.deepEqual(starts, ['2031-03-29T07:00:00.000Z', '2031-03-29T07:30:00.000Z', '2031-03-30T06:00:00.000Z', '2031-03-30T06:30:00.000Z']);
});
