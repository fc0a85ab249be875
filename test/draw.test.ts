import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { setUpWorld, type World } from './support/fixtures.js';
import { startTestNode, type TestNode } from './support/node.js';
import { join, setRoom, status } from './support/queue.js';
import { verifyDraw } from '../src/cli/verify-draw.js';

/** `npm run verify-draw`: the whole draw recomputed from the published figures, by anyone, against a running node. */
describe('checking the draw from outside', () => {
  let node: TestNode;
  let url: string;
  let w: World;
  const pre: { ticket: string; ticketId: string }[] = [];
  let fake: Server | undefined;

  before(async () => {
    node = await startTestNode({ ANSTURM_JOINS_PER_MINUTE: '0' });
    url = await node.app.listen({ host: '127.0.0.1', port: 0 });
    const opensAt = node.clock.now() + 60_000;
    w = await setUpWorld(node.app, { waitingRoom: true, prequeueMinutes: 5, opensAt: new Date(opensAt).toISOString(), firstCapacity: 50 });
    await setRoom(node.app, w.releaseId, { difficulty: 0 });
    await node.queueView.refresh();
    for (let i = 0; i < 9; i++) pre.push((await join(node.app, w.releaseId)).body);
    await node.advance(opensAt - node.clock.now() + 100);
    await node.leader.runNow('admission-controller'); // the draw, at the instant
    await node.queueView.refresh();
  });
  after(async () => {
    fake?.closeAllConnections();
    await new Promise((resolve) => (fake ? fake.close(resolve) : resolve(undefined)));
    await node.stop();
  });

  test('the seed matches its hash, the published order is the HMAC order, and a ticket finds its place', async () => {
    const mine = pre[4]!;
    const report = await verifyDraw(url, w.releaseId, mine.ticketId);
    assert.equal(report.tickets, 9);
    assert.equal(report.seedMatchesHash, true);
    assert.equal(report.orderMatches, true);
    assert.equal(report.firstDifference, null);
    const shown = (await status(node.app, mine.ticket)).body;
    assert.equal(report.ticket!.draw, shown.draw.hmac, 'the same draw the waiting room shows the person');
    assert.equal(report.ticket!.rank, shown.draw.rank);
  });

  test('a published order that was changed, or a seed that does not match its hash, is found out', async () => {
    let tamper: 'order' | 'seed' = 'order';
    // A server in between that alters what the real one publishes.
    fake = createServer(async (req, res) => {
      const real = (await (await fetch(url + req.url)).json()) as any;
      if (req.url!.endsWith('/prequeue') && tamper === 'order') [real.ticketIds[2], real.ticketIds[5]] = [real.ticketIds[5], real.ticketIds[2]];
      if (tamper === 'seed' && real.seed) real.seed = real.seed.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(real));
    });
    await new Promise<void>((resolve) => fake!.listen(0, '127.0.0.1', resolve));
    const fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const swapped = await verifyDraw(fakeUrl, w.releaseId);
    assert.equal(swapped.orderMatches, false);
    assert.equal(swapped.firstDifference, 3);
    tamper = 'seed';
    assert.equal((await verifyDraw(fakeUrl, w.releaseId)).seedMatchesHash, false);
  });

  test('the command prints the checks and exits 0 when the draw holds, 2 when the room is unknown', async () => {
    const run = promisify(execFile);
    const ok = await run(process.execPath, ['--import', 'tsx', 'src/cli/verify-draw.ts', String(w.releaseId), '--url', url, '--ticket', pre[0]!.ticketId]);
    assert.match(ok.stdout, /9 tickets in the pre-queue/);
    assert.match(ok.stdout, /matches the hash published before opening: yes/);
    assert.match(ok.stdout, /gives the published order: yes/);
    assert.match(ok.stdout, new RegExp(`ticket ${pre[0]!.ticketId}: draw [0-9a-f]{64}, place \\d`));
    await assert.rejects(
      run(process.execPath, ['--import', 'tsx', 'src/cli/verify-draw.ts', '999999', '--url', url]),
      (err: { code: number }) => err.code === 2,
    );
  });
});
