import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { book, person, post, setUpWorld } from './support/fixtures.js';
import { startTestNode, type TestNode } from './support/node.js';
import { until } from './support/queue.js';

/** Logs and metrics are read by operators and kept by their tools: nothing a person typed may reach them. */
describe('nothing personal in logs or metrics', () => {
  let node: TestNode;
  let logged = '';
  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    // Every level, so that nothing is hidden by the level production runs at.
    node = await startTestNode({}, { log: pino({ level: 'trace' }, sink) });
  });
  after(() => node.stop());

  test('a booking, a failed lookup, a verification, a wait-list join and bad input leave no name, birth date or contact behind', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 1 });
    const who = person({ firstName: 'Protokolla', lastName: 'Geheimnis', dateOfBirth: '1933-03-13', email: 'protokolla@example.org', phone: '0170 5550177' });
    const { booking } = await book(node.app, w.firstSlotIds[0]!, who);
    assert.equal(booking.status, 201);
    await node.app.inject({ url: `/api/v1/bookings/${booking.body.bookingCode}?dateOfBirth=1933-03-14` }); // a wrong guess
    await post(node.app, '/api/v1/verifications', { channel: 'email', contact: 'protokolla@example.org' });
    await post(node.app, '/api/v1/waitlist', { campaignId: w.campaignId, person: { ...who, firstName: 'Protokolla' } });
    await post(node.app, '/api/v1/bookings', { holdId: '00000000-0000-4000-8000-000000000000', person: { ...who, lastName: 'Geheimnis\u0000' } });
    await post(node.app, '/api/v1/barrier-reports', { message: 'Geheimnis', contact: 'protokolla@example.org' });
    // The outbox sends (and logs) the messages.
    await until(
      () => node.db.query(`SELECT count(*)::int AS n FROM messages WHERE state IN ('queued', 'sending') AND not_before <= clock_now()`),
      (r) => r.rows[0].n === 0,
    );
    const metrics = await node.metricsText();
    assert.ok(logged.length > 0 && metrics.length > 0, 'there were logs and metrics to read');
    for (const personal of ['Protokolla', 'Geheimnis', '1933-03-13', '1933-03-14', 'protokolla@example.org', '5550177', booking.body.bookingCode]) {
      assert.ok(!logged.includes(personal), `"${personal}" in the logs`);
      assert.ok(!metrics.includes(personal), `"${personal}" in the metrics`);
    }
  });
});
