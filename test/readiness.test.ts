import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestNode, type TestNode } from './support/node.js';
import { useCluster } from './support/cluster.js';

/**
 * /healthz (alive) and /readyz (ready for traffic: not draining, the database answers, the views are
 * loaded), and a drain that says "not ready" first and keeps serving until a balancer has noticed.
 */
describe('readiness of a node', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({});
  });
  after(() => node.stop());

  test('ready while its database answers and its view is fresh; draining makes it "not ready" while it still serves', async () => {
    const alive = await node.app.inject({ url: '/healthz' });
    assert.equal(alive.statusCode, 200);
    const ready = await node.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200, ready.body);
    assert.equal(ready.json().ready, true);
    assert.equal(ready.json().database, true);
    assert.equal(ready.headers['cache-control'], 'no-store');

    node.drain();
    const draining = await node.app.inject({ url: '/readyz' });
    assert.equal(draining.statusCode, 503);
    assert.deepEqual(draining.json().notReady, ['draining']);
    assert.ok(Number(draining.headers['retry-after']) > 0);
    assert.equal((await node.app.inject({ url: '/api/v1/campaigns' })).statusCode, 200, 'requests are still served while the balancer notices');
    assert.equal((await node.app.inject({ url: '/healthz' })).statusCode, 200, 'alive all the while');
  });
});

describe('a worker told to stop behind a balancer (ANSTURM_DRAIN_NOTICE_MS)', () => {
  const ctx = useCluster(1, () => ({ ANSTURM_DRAIN_NOTICE_MS: '4000' }));

  test('on SIGTERM /readyz turns 503 at once, requests are still answered during the notice, then it stops cleanly', async () => {
    const get = async (path: string) => {
      const res = await fetch(ctx.cluster.baseUrl + path);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    assert.equal((await get('/readyz')).status, 200);
    const stopping = ctx.cluster.stop();
    let seen: { status: number; body: Record<string, unknown> } | undefined;
    for (let i = 0; i < 200 && seen?.status !== 503; i++) {
      seen = await get('/readyz');
      if (seen.status !== 503) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(seen?.status, 503, 'not ready once draining');
    assert.deepEqual(seen?.body.notReady, ['draining']);
    assert.equal((await get('/api/v1/campaigns')).status, 200, 'still serving during the notice');
    assert.equal(await stopping, 0, 'then a clean stop');
    assert.match(ctx.cluster.output(), /draining: \/readyz says not ready/);
  });
});
