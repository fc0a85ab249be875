import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { startNode, type RunningNode } from '../src/node.js';
import { ADMIN_TOKEN, startTestNode, type TestNode } from './support/node.js';
import { until } from './support/queue.js';
import { startHaproxy, type RunningHaproxy } from './support/haproxy.js';

/**
 * Debian's HAProxy with the shipped configuration (deploy/haproxy/haproxy.cfg) in front of three
 * Ansturm nodes on one database, all on loopback: it checks /readyz, takes a draining node out before
 * the node stops serving, and keeps answering when a node is gone.
 */
describe('HAProxy in front of three nodes', () => {
  let first: TestNode;
  const others: RunningNode[] = [];
  const addresses: string[] = [];
  let haproxy: RunningHaproxy | undefined;
  let front = '';

  before(async () => {
    first = await startTestNode({});
    for (let i = 0; i < 2; i++)
      others.push(await startNode(loadConfig({ ANSTURM_MAX_EVENT_LOOP_DELAY_MS: '0' }), first.url, ADMIN_TOKEN, pino({ level: 'silent' })));
    for (const node of [first, ...others]) addresses.push((await node.app.listen({ host: '127.0.0.1', port: 0 })).replace('http://', ''));
    haproxy = await startHaproxy(addresses as [string, string, string]);
    front = haproxy.front;
  });
  after(async () => {
    await haproxy?.stop();
    for (const node of others) await node.close().catch(() => undefined);
    await first?.stop();
  });

  const states = () => haproxy!.states();
  const campaignsServed = async (node: RunningNode) => {
    const m = /^ansturm_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/campaigns",status="200"\} (\d+)$/m.exec(await node.metricsText());
    return m ? Number(m[1]) : 0;
  };
  const through = async (n: number) => {
    const statuses = await Promise.all(
      Array.from({ length: n }, () => fetch(`${front}/api/v1/campaigns`).then(async (r) => (await r.arrayBuffer(), r.status))),
    );
    return statuses.filter((s) => s !== 200);
  };

  test('all three are checked UP on /readyz; a draining node is taken out while it still serves; a stopped one too; no request fails', async () => {
    await until(states, (s) => s.node1 === 'UP' && s.node2 === 'UP' && s.node3 === 'UP', 20_000);
    assert.deepEqual(await through(30), [], 'every request through HAProxy is answered 200');

    const [second, third] = others as [RunningNode, RunningNode];
    second.drain();
    await until(states, (s) => s.node2 === 'DOWN', 10_000);
    const before = await campaignsServed(second);
    assert.deepEqual(await through(30), []);
    assert.equal(await campaignsServed(second), before, 'the draining node got none of them');
    assert.equal((await second.app.inject({ url: '/api/v1/campaigns' })).statusCode, 200, 'it still serves what reaches it');

    await third.close();
    await until(states, (s) => s.node3 === 'DOWN', 10_000);
    assert.deepEqual(await through(30), [], 'one node left, every request answered');
    assert.deepEqual(await states(), { node1: 'UP', node2: 'DOWN', node3: 'DOWN' });
  });
});
