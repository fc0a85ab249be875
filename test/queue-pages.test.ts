import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { Queryable } from '../src/db/pool.js';
import { changePublisher } from '../src/queue/publisher.js';
import { QueueView, RoomMemory } from '../src/queue/view.js';
import type { RoomRow } from '../src/queue/repo.js';
import { setUpWorld } from './support/fixtures.js';
import { startTestNode, type TestNode } from './support/node.js';
import { join, opened, setRoom } from './support/queue.js';

let node: TestNode;
before(async () => {
  node = await startTestNode({ ANSTURM_JOINS_PER_MINUTE: '0' });
});
after(() => node.stop());

const silent = pino({ level: 'silent' });

/** A second node's view of the same database, counting what it asks the database. */
function secondNode() {
  const asked: string[] = [];
  const db: Queryable = {
    query: (text, values) => {
      asked.push(text);
      return node.db.query(text, values);
    },
  };
  const view = new QueueView(db, 60_000, silent, node.clock);
  return { view, asked, ticketReads: () => asked.filter((q) => /FROM queue_tickets/.test(q)).length };
}

const publish = () => node.changesLeader.runNow('publish-queue-changes');

describe('the waiting rooms’ changes are read once and shared as pages', () => {
  test('a node learns joins and admissions from the pages without reading the tickets; a new leader goes on without a gap', async () => {
    const w = await setUpWorld(node.app, { waitingRoom: true });
    await setRoom(node.app, w.releaseId, { difficulty: 2, maxAdmissionsPerSecond: 0 });
    await opened(node.app, w.releaseId);
    for (let i = 0; i < 5; i++) assert.equal((await join(node.app, w.releaseId)).status, 201);

    const other = secondNode();
    await other.view.start();
    assert.equal(other.view.room(w.releaseId)?.waitingTotal(), 5, 'a node starting reads the tickets once');
    const readsAtStart = other.ticketReads();

    for (let i = 0; i < 7; i++) assert.equal((await join(node.app, w.releaseId)).status, 201);
    await publish();
    await other.view.tick();
    assert.equal(other.view.room(w.releaseId)?.waitingTotal(), 12);
    assert.equal(other.ticketReads(), readsAtStart, 'the periodic refresh read pages, not tickets');

    // The next admissions reach the other node the same way.
    await setRoom(node.app, w.releaseId, { maxAdmissionsPerSecond: 1000, targetActive: 3 });
    // The controller's allowance fills with the clock: a second of it, so that this step cannot meet an allowance a
    // periodic step emptied a moment before (runNow waits for a step in progress, then runs at once).
    await node.advance(1000);
    await node.leader.runNow('admission-controller');
    await publish();
    await other.view.tick();
    const room = other.view.room(w.releaseId)!;
    assert.equal(room.stateAt(1), 'admitted');
    assert.equal(room.stateAt(3), 'admitted');
    assert.equal(room.stateAt(4), 'waiting');
    assert.equal(room.waitingTotal(), 9);
    assert.equal(other.ticketReads(), readsAtStart);

    // A leader that has just taken over knows nothing of its own: it goes on from the last page's end.
    for (let i = 0; i < 4; i++) assert.equal((await join(node.app, w.releaseId)).status, 201);
    await changePublisher(node.db, silent, node.clock).run();
    await other.view.tick();
    assert.equal(other.view.room(w.releaseId)?.waitingTotal(), 13);
    assert.equal(other.ticketReads(), readsAtStart);
    await other.view.stop();
  });

  test('without pages (no leader publishing) a node reads the tickets again after a few seconds', async () => {
    const w = await setUpWorld(node.app, { waitingRoom: true });
    await setRoom(node.app, w.releaseId, { difficulty: 2, maxAdmissionsPerSecond: 0 });
    await opened(node.app, w.releaseId);
    await publish();
    const other = secondNode();
    await other.view.start();
    for (let i = 0; i < 3; i++) assert.equal((await join(node.app, w.releaseId)).status, 201);
    await other.view.tick();
    assert.equal(other.view.room(w.releaseId)?.waitingTotal(), 0, 'nothing published yet');
    node.clock.advance(6_000);
    await other.view.tick();
    assert.equal(other.view.room(w.releaseId)?.waitingTotal(), 3, 'read directly after the silence');
    await other.view.stop();
  });

  test('a change learnt late never takes a ticket back', () => {
    const memory = new RoomMemory({ release_id: 1, state: 'open' } as RoomRow);
    const at = Date.now();
    const ticket = { id: 'a', idx: 1, pre: false, admissionExpiresAt: null };
    memory.apply([{ ...ticket, state: 'admitted', admissionExpiresAt: at + 60_000, changedAt: at, version: 7 }]);
    memory.apply([{ ...ticket, state: 'waiting', changedAt: at - 1000, version: 3 }]);
    assert.equal(memory.stateAt(1), 'admitted');
    assert.equal(memory.activeAdmissions(at), 1);
    memory.apply([{ ...ticket, state: 'used', changedAt: at - 5, version: 9 }]);
    assert.equal(memory.stateAt(1), 'used', 'a newer version wins even with an earlier stamp');
    // A pre-queue ticket learns its place at the draw; its pre-queue state read late does not undo it.
    memory.apply([{ id: 'p', idx: 2, pre: true, state: 'waiting', admissionExpiresAt: null, changedAt: at, version: 12 }]);
    memory.apply([{ id: 'p', idx: null, pre: true, state: 'waiting', admissionExpiresAt: null, changedAt: at - 9000, version: 4 }]);
    assert.equal(memory.preState('p'), undefined);
    assert.equal(memory.placeOfTicket('p', null), 2);
    assert.equal(memory.waitingAhead(3), 1);
  });
});

describe('the leader reads each change about once, late commits included', () => {
  let own: TestNode;
  before(async () => {
    own = await startTestNode({ ANSTURM_JOINS_PER_MINUTE: '0' });
    await own.changesLeader.stop(); // this test's publisher is the only one
  });
  after(() => own.stop());

  test('a change committed after a read that saw newer ones is published by the next read, which reads nothing else again', async () => {
    let rowsRead = 0;
    const counting: Queryable = {
      query: async (text, values) => {
        const res = await own.db.query(text, values);
        if (/FROM queue_tickets/.test(text)) rowsRead += res.rows.filter((r: { id?: string | null }) => r.id != null).length;
        return res;
      },
    };
    const publisher = changePublisher(counting, silent, own.clock);
    const w = await setUpWorld(own.app, { waitingRoom: true });
    await setRoom(own.app, w.releaseId, { difficulty: 2, maxAdmissionsPerSecond: 0 });
    await opened(own.app, w.releaseId);
    const first = (await join(own.app, w.releaseId)).body as { ticketId: string }; // place 1
    for (let i = 0; i < 4; i++) assert.equal((await join(own.app, w.releaseId)).status, 201);
    const other = new QueueView(own.db, 60_000, silent, own.clock);
    await other.start();
    await publisher.run();
    assert.equal(rowsRead, 5, 'the first read: every ticket of the room');

    // Another session leaves with the first ticket and has not committed yet: its change is stamped now.
    const late = await own.db.connect();
    try {
      await late.query('BEGIN');
      await late.query(`UPDATE queue_tickets SET state = 'left', changed_at = clock_now() WHERE id = $1`, [first.ticketId]);
      await own.advance(50);
      for (let i = 0; i < 3; i++) assert.equal((await join(own.app, w.releaseId)).status, 201);
      await publisher.run();
      assert.equal(rowsRead, 8, 'the three joins, not the five read before (they lie in the late-commit window)');
      await late.query('COMMIT');
    } finally {
      late.release();
    }
    await publisher.run();
    assert.equal(rowsRead, 9, 'only the change committed late');
    await other.tick();
    const room = other.room(w.releaseId)!;
    assert.equal(room.stateAt(1), 'left', 'the late change reached the pages');
    assert.equal(room.waitingTotal(), 7);
    await publisher.run();
    assert.equal(rowsRead, 9, 'a read with nothing new reads no ticket');
    await other.stop();
  });
});
