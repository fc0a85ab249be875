import { LANGUAGES } from '../src/languages.js';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { post, setUpWorld } from './support/fixtures.js';
import { startTestNode, type TestNode } from './support/node.js';

let node: TestNode;
before(async () => {
  node = await startTestNode({ ANSTURM_DB_POOL_SIZE: '2', ANSTURM_DB_CONNECT_TIMEOUT_MS: '300' });
});
after(() => node.stop());

test('when every database connection is busy, a request is shed with 503 and Retry-After, and nothing is lost', async () => {
  const w = await setUpWorld(node.app);
  // Occupy the whole pool, as a saturated database would.
  const busy: pg.PoolClient[] = [await node.db.connect(), await node.db.connect()];
  try {
    const shed = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
    assert.equal(shed.status, 503);
    assert.equal(shed.body.code, 'OVERLOADED');
    assert.equal(shed.headers['retry-after'], '2');
  } finally {
    for (const c of busy) c.release();
  }
  const held = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
  assert.equal(held.status, 201, 'served again once connections are free');
  const taken = await node.db.query('SELECT taken FROM slots WHERE id = $1', [w.firstSlotIds[0]]);
  assert.equal(taken.rows[0].taken, 1, 'the shed request took nothing');
});

test('a node whose event loop falls behind sheds with 503 and Retry-After: a page gets the calm page, the API its code', async () => {
  const shedding = await startTestNode({ ANSTURM_MAX_EVENT_LOOP_DELAY_MS: '20' });
  // Keeps the event loop behind, as a flood of work would (60 ms of work at a time, for up to 5 s),
  // until the request is shed: the shedder reads the mean delay sampled over the last second.
  const whileBehind = async (url: string) => {
    let res = await shedding.app.inject({ url });
    for (const stop = Date.now() + 5_000; res.statusCode !== 503 && Date.now() < stop;) {
      const busyUntil = Date.now() + 60;
      while (Date.now() < busyUntil);
      await new Promise((resolve) => setImmediate(resolve));
      res = await shedding.app.inject({ url });
    }
    return res;
  };
  try {
    const api = await whileBehind('/api/v1/campaigns');
    assert.equal(api.statusCode, 503);
    assert.equal(api.json().code, 'OVERLOADED');
    assert.equal(api.headers['retry-after'], '2');
    const page = await whileBehind('/');
    assert.equal(page.statusCode, 503);
    assert.match(page.body, /Bitte einen Moment Geduld/);
    for (const l of LANGUAGES.filter((l) => l !== 'de')) assert.match(page.body, new RegExp(`<p lang="${l}"`), `the busy page speaks ${l} too`);
  } finally {
    await shedding.stop();
  }
});
