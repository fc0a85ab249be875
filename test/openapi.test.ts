import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestNode, type TestNode } from './support/node.js';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.stop());

test('the OpenAPI document lists every public and admin route, and the UI is served', async () => {
  const doc = (await node.app.inject({ url: '/api/docs/json' })).json();
  assert.match(doc.openapi, /^3\./);
  const paths = Object.keys(doc.paths);
  for (const p of [
    '/api/v1/campaigns',
    '/api/v1/availability',
    '/api/v1/holds',
    '/api/v1/bookings',
    '/api/v1/bookings/{bookingCode}',
    '/api/v1/admin/centers',
    '/api/v1/admin/campaigns',
    '/api/v1/admin/slots',
    '/api/v1/admin/releases',
  ]) {
    assert.ok(paths.includes(p), `${p} is documented`);
  }
  assert.ok(doc.paths['/api/v1/bookings/{bookingCode}'].delete);
  const ui = await node.app.inject({ url: '/api/docs' });
  assert.ok([200, 302].includes(ui.statusCode));
});
