import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GroupCommit } from '../src/db/group-commit.js';
import { atCommit, together, tx } from '../src/db/pool.js';
import { AppError } from '../src/errors.js';
import { bookingService, type BookingAnswer, type HoldAnswer } from '../src/booking/service.js';
import { adminPost, morningIn, person, setUpWorld } from './support/fixtures.js';
import { startTestNode, type TestNode } from './support/node.js';

let node: TestNode;
before(async () => {
  node = await startTestNode();
  await node.db.query('CREATE TABLE gc_probe (item text NOT NULL)');
});
after(() => node.stop());

const service = bookingService({ holdTtlSeconds: 600, identityKey: 'group-commit-test-key' });
const taken = async (id: number) => (await node.db.query<{ taken: number }>('SELECT taken FROM slots WHERE id = $1', [id])).rows[0]!.taken;
const codes = (results: unknown[]) => results.map((r) => (r instanceof AppError ? r.code : 'OK'));

describe('group commit', () => {
  test('requests that arrive while a batch is written go together in the next one, each answered', async () => {
    const sizes: number[] = [];
    const gc = new GroupCommit<string, string>(node.db, { lanes: 1, maxBatch: 50, maxQueue: 100 }, async (q, items) => {
      sizes.push(items.length);
      await q.query('INSERT INTO gc_probe (item) SELECT unnest($1::text[])', [items]);
      await q.query('SELECT pg_sleep(0.05)');
      return items.map((i) => i.toUpperCase());
    });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => gc.submit(`a${i}`)));
    assert.deepEqual(
      answers,
      Array.from({ length: 30 }, (_, i) => `A${i}`),
    );
    assert.equal(sizes[0], 1, 'a lone request is written at once');
    assert.ok(sizes.length <= 3 && sizes.some((n) => n > 1), `batches ${sizes.join(', ')}`);
    assert.equal((await node.db.query(`SELECT count(*)::int AS n FROM gc_probe WHERE item LIKE 'a%'`)).rows[0].n, 30);
  });

  test('a write of one statement goes without BEGIN and COMMIT: the statement is its own transaction', async () => {
    // A transaction begun by a BEGIN of its own started before the statement that follows it.
    const alone = async (oneStatement: boolean) => {
      const gc = new GroupCommit<string, boolean>(node.db, { lanes: 1, maxBatch: 50, maxQueue: 100, oneStatement }, async (q, items) => {
        const own = (await q.query<{ own: boolean }>('SELECT transaction_timestamp() = statement_timestamp() AS own')).rows[0]!.own;
        return items.map(() => own);
      });
      return gc.submit('x');
    };
    assert.equal(await alone(true), true);
    assert.equal(await alone(false), false);
  });

  test('statements sent together run as one, their parameters renumbered, each counted', async () => {
    const [changed] = (
      await node.db.query<{ changed: number[] }>(
        together([
          { text: 'INSERT INTO gc_probe (item) SELECT unnest($1::text[])', values: [['t1', 't2', 't3']] },
          { text: 'INSERT INTO gc_probe (item) VALUES ($1), ($2)', values: ['t4', 't5'] },
          { text: `DELETE FROM gc_probe WHERE item = $1`, values: ['none such'] },
        ]),
      )
    ).rows.map((r) => r.changed);
    assert.deepEqual(changed, [3, 2, 0]);
    const items = (await node.db.query(`SELECT item FROM gc_probe WHERE item LIKE 't_' ORDER BY item`)).rows.map((r) => r.item);
    assert.deepEqual(items, ['t1', 't2', 't3', 't4', 't5']);
  });

  test('a statement sent with the COMMIT writes its parameters exactly, and takes the transaction down with it when it fails', async () => {
    const awkward = [`it's`, 'back\\slash', '"quoted", {braced}', 'Größe 😷', 'NULL', '$1', ''];
    await assert.rejects(
      tx(node.db, async (q) => {
        await atCommit(q, { text: 'INSERT INTO gc_probe (item) SELECT unnest($1::text[])', values: [awkward] });
        await atCommit(q, { text: 'INSERT INTO gc_probe (item) VALUES ($1), ($2)', values: ['c-single', null] });
        // Not sent yet: the transaction itself does not see them.
        assert.equal((await q.query(`SELECT count(*)::int AS n FROM gc_probe WHERE item = 'c-single'`)).rows[0].n, 0);
      }),
      /null value in column "item"/,
    );
    const none = await node.db.query(`SELECT count(*)::int AS n FROM gc_probe WHERE item = ANY($1::text[]) OR item = 'c-single'`, [awkward]);
    assert.equal(none.rows[0].n, 0, 'the failing statement rolled back its neighbour and the COMMIT did not happen');

    await tx(node.db, async (q) => atCommit(q, { text: 'INSERT INTO gc_probe (item) SELECT unnest($1::text[]) || $2', values: [awkward, '!'] }));
    const rows = (await node.db.query(`SELECT item FROM gc_probe WHERE item LIKE '%!'`)).rows.map((r) => r.item as string);
    assert.deepEqual(rows.sort(), awkward.map((a) => `${a}!`).sort());
    await node.db.query(`DELETE FROM gc_probe WHERE item LIKE '%!'`);
  });

  test('a statement sent with the COMMIT again and again (prepared from its second time) still fails alone and leaves its connection usable', async () => {
    const text = 'INSERT INTO gc_probe (item) VALUES ($1)';
    const send = (item: string | null) => tx(node.db, async (q) => atCommit(q, { text, values: [item] }));
    for (let i = 0; i < 4; i++) await send(`p${i}`);
    await assert.rejects(send(null), /null value in column "item"/);
    // A connection whose COMMIT failed is still usable, its prepared statements too: every one in the pool is tried.
    const items = Array.from({ length: 12 }, (_, i) => `p-after-${i}`);
    await Promise.all(items.map(send));
    const rows = (await node.db.query(`SELECT item FROM gc_probe WHERE item LIKE 'p%' ORDER BY item`)).rows.map((r) => r.item as string);
    assert.deepEqual(rows, [...items, 'p0', 'p1', 'p2', 'p3'].sort());
    await node.db.query(`DELETE FROM gc_probe WHERE item LIKE 'p%'`);
  });

  test('a batch that fails as a whole is written again item by item: one bad item sinks only itself', async () => {
    const gc = new GroupCommit<string, string>(node.db, { lanes: 1, maxBatch: 50, maxQueue: 100 }, async (q, items) => {
      await q.query('INSERT INTO gc_probe (item) SELECT unnest($1::text[])', [items]);
      if (items.includes('b-bad')) await q.query('SELECT 1 / 0');
      return items;
    });
    const first = gc.submit('b-first'); // occupies the lane, so the next ones share a batch
    const rest = ['b1', 'b-bad', 'b2'].map((i) =>
      gc.submit(i).then(
        (v) => v,
        (e: Error) => `error: ${e.message}`,
      ),
    );
    assert.equal(await first, 'b-first');
    assert.deepEqual(await Promise.all(rest), ['b1', 'error: division by zero', 'b2']);
    const rows = (await node.db.query(`SELECT item FROM gc_probe WHERE item LIKE 'b%' ORDER BY item`)).rows.map((r) => r.item);
    assert.deepEqual(rows, ['b-first', 'b1', 'b2'], 'nothing of the failed batch or the bad item stayed');
  });

  test('a refusal answers only its own request; items that share a key never share a batch', async () => {
    const batches: string[][] = [];
    const gc = new GroupCommit<string, string>(node.db, { lanes: 1, maxBatch: 50, maxQueue: 100, keysOf: (i) => [i.split('#')[0]!] }, async (_q, items) => {
      batches.push(items);
      return items.map((i) => (i.startsWith('no') ? new AppError('SLOT_FULL') : i)) as string[];
    });
    const results = await Promise.all(
      ['x#1', 'x#2', 'y#1', 'no#1', 'x#3'].map((i) =>
        gc.submit(i).then(
          (v) => v,
          (e: AppError) => e.code,
        ),
      ),
    );
    assert.deepEqual(results, ['x#1', 'x#2', 'y#1', 'SLOT_FULL', 'x#3']);
    for (const b of batches) assert.equal(new Set(b.map((i) => i.split('#')[0])).size, b.length, `batch ${b.join(' ')}`);
  });

  test('beyond its queue a node sheds with OVERLOADED and a Retry-After', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number, number>(node.db, { lanes: 1, maxBatch: 1, maxQueue: 2 }, async (_q, items) => {
      await gate;
      return items;
    });
    const accepted = [gc.submit(1), gc.submit(2), gc.submit(3)];
    await assert.rejects(gc.submit(4), (e: AppError) => e.code === 'OVERLOADED' && e.status === 503 && e.details?.retryAfterSeconds === 2);
    release();
    assert.deepEqual(await Promise.all(accepted), [1, 2, 3]);
  });
});

describe('booking in batches', () => {
  test('holds are decided in arrival order; refused ones keep nothing and say why', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 3 });
    const later = await setUpWorld(node.app, { opensAt: new Date(Date.now() + 3_600_000).toISOString() });
    const slot = w.firstSlotIds[0]!;
    const results = await tx(node.db, (q) =>
      service.holdMany(
        q,
        [slot, slot, later.firstSlotIds[0]!, slot, 999_999, slot, w.secondSlotIds[0]!].map((slotId) => ({ slotId })),
      ),
    );
    assert.deepEqual(codes(results), ['OK', 'OK', 'NOT_RELEASED', 'OK', 'SLOT_NOT_FOUND', 'SLOT_FULL', 'WRONG_DOSE']);
    assert.equal(await taken(slot), 3);
    assert.equal(await taken(w.secondSlotIds[0]!), 3);
    assert.equal(await taken(later.firstSlotIds[0]!), 0);
    const held = results.filter((r): r is HoldAnswer => !(r instanceof AppError));
    assert.equal(new Set(held.map((h) => h.holdId)).size, 3);
    assert.ok(held.every((h) => h.appointments.length === 2 && Date.parse(h.expiresAt) > Date.now()));
  });

  test('second doses are shared out over several slots, earliest first; one left without gives its first dose back', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 10, secondCapacity: 1 });
    const extra = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [{ centerId: w.centerId, campaignId: w.campaignId, startsAt: morningIn(3 + 30), durationMinutes: 15, capacity: 1, dose: 2 }],
    });
    const extraId: number = extra.slots[0].id;
    await adminPost(node.app, '/api/v1/admin/releases', {
      campaignId: w.campaignId,
      slotIds: [extraId],
      opensAt: new Date(Date.now() - 1000).toISOString(),
      acknowledge: 'all',
    });
    const slot = w.firstSlotIds[0]!;
    const results = await tx(node.db, (q) => service.holdMany(q, [{ slotId: slot }, { slotId: slot }, { slotId: slot }]));
    assert.deepEqual(codes(results), ['OK', 'OK', 'NO_SECOND_DOSE_SLOT']);
    const seconds = results.slice(0, 2).map((r) => (r as HoldAnswer).appointments[1]!.slotId);
    assert.deepEqual(seconds, [w.secondSlotIds[0], extraId], 'the earlier second-dose slot goes to the earlier request');
    assert.equal(await taken(slot), 2, 'the third request kept no first dose');
    assert.equal(await taken(extraId), 1);
  });

  test('a batch of holds whose second doses are all found writes the holds with them: a round trip fewer, the holds those answered', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 10, secondCapacity: 10 });
    const slot = w.firstSlotIds[0]!;
    let statements = 0;
    const results = await tx(node.db, (q) => {
      // Every statement the batch sends, counted on its connection.
      const counted = new Proxy(q, {
        get: (target, key) =>
          key === 'query'
            ? (...args: unknown[]) => (statements++, (target.query as (...a: unknown[]) => unknown).apply(target, args))
            : Reflect.get(target, key),
      });
      return service.holdMany(counted, [{ slotId: slot }, { slotId: slot }]);
    });
    assert.deepEqual(codes(results), ['OK', 'OK']);
    assert.equal(statements, 2, 'the first doses, then the second doses with the holds (before: a third statement for the holds)');
    const answers = results as HoldAnswer[];
    const rows = (
      await node.db.query<{ id: string; slot_id: number; second_slot_id: number; expires_at: Date }>(
        'SELECT id, slot_id::int, second_slot_id::int, expires_at FROM holds WHERE id = ANY($1::uuid[]) ORDER BY id',
        [answers.map((a) => a.holdId)],
      )
    ).rows;
    assert.equal(rows.length, 2, 'each hold answered is written');
    for (const a of answers) {
      const row = rows.find((r) => r.id === a.holdId)!;
      assert.deepEqual([row.slot_id, row.second_slot_id], [a.appointments[0]!.slotId, a.appointments[1]!.slotId]);
      assert.equal(row.expires_at.toISOString(), a.expiresAt);
    }
    assert.equal(await taken(w.secondSlotIds[0]!), 2);
  });

  test('a later look for second doses passes over a slot another transaction holds instead of waiting: no deadlock, the batch runs again', async () => {
    // S1 (earliest) and S2 (a day later) are the second-dose candidates; S1 has one unit left.
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 10, secondCapacity: 1 });
    const extra = await adminPost(node.app, '/api/v1/admin/slots', {
      slots: [{ centerId: w.centerId, campaignId: w.campaignId, startsAt: morningIn(3 + 29), durationMinutes: 15, capacity: 5, dose: 2 }],
    });
    const [s1, s2] = [w.secondSlotIds[0]!, extra.slots[0].id as number];
    await adminPost(node.app, '/api/v1/admin/releases', {
      campaignId: w.campaignId,
      slotIds: [s2],
      opensAt: new Date(Date.now() - 1000).toISOString(),
      acknowledge: 'all',
    });
    const deadlocks = async () =>
      (await node.db.query<{ n: number }>('SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.n;
    const deadlocksBefore = await deadlocks();
    const a = await node.db.connect();
    const c = await node.db.connect();
    try {
      const cPid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await a.query('BEGIN');
      await a.query('SELECT 1 FROM slots WHERE id = $1 FOR UPDATE', [s1]);
      await c.query('BEGIN');
      await c.query('SELECT 1 FROM slots WHERE id = $1 FOR UPDATE', [s2]);
      // The hold's first look finds S1 free and waits for A's lock on it.
      const hold = tx(node.db, (q) => service.holdMany(q, [{ slotId: w.firstSlotIds[0]! }]));
      const waitingFor = async (pid: number) =>
        (await node.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])).rows[0]!.n > 0;
      /** Until a statement waits for `pid`'s lock (bounded: a test that hangs says what it waited for). */
      const untilWaitingFor = async (pid: number, what: string) => {
        for (let i = 0; !(await waitingFor(pid)); i++) {
          if (i > 20_000) assert.fail(`no statement came to wait for ${what}`);
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const aPid = (await a.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await untilWaitingFor(aPid, "A's lock on S1");
      // A fills S1 and lets go: the hold finds it full and looks again, at S2, which C holds.
      await a.query('UPDATE slots SET taken = capacity WHERE id = $1', [s1]);
      await a.query('COMMIT');
      // The hold waits for C now: in its retried first look (locking in order), not in the later look.
      await untilWaitingFor(cPid, "C's lock on S2");
      // C now wants S1 as well. Had the later look waited for S2 while holding S1, this would close a circle.
      await c.query('SELECT 1 FROM slots WHERE id = $1 FOR UPDATE', [s1]);
      await c.query('COMMIT');
      const [answer] = await hold;
      assert.deepEqual(codes([answer]), ['OK']);
      assert.equal((answer as HoldAnswer).appointments[1]!.slotId, s2, 'the second dose went to S2');
      assert.equal(await deadlocks(), deadlocksBefore, 'no deadlock');
    } finally {
      await a.query('ROLLBACK').catch(() => undefined);
      await c.query('ROLLBACK').catch(() => undefined);
      a.release();
      c.release();
    }
  });

  test('confirmations in one batch: the same person twice books once, an unknown hold is refused, messages are written', async () => {
    const w = await setUpWorld(node.app, { firstSlots: 1, firstCapacity: 5 });
    const holds = (await tx(node.db, (q) =>
      service.holdMany(
        q,
        [1, 2, 3].map(() => ({ slotId: w.firstSlotIds[0]! })),
      ),
    )) as HoldAnswer[];
    const anna = person({ firstName: 'Anna', email: 'anna@example.org' });
    const results = await tx(node.db, (q) =>
      service.confirmMany(q, [
        { holdId: holds[0]!.holdId, person: anna, locale: 'de', origin: { way: 'public', bookedBy: null } },
        { holdId: holds[1]!.holdId, person: anna, locale: 'de', origin: { way: 'public', bookedBy: null } },
        { holdId: '00000000-0000-4000-8000-000000000000', person: anna, locale: 'de', origin: { way: 'public', bookedBy: null } },
        {
          holdId: holds[2]!.holdId,
          person: person({ firstName: 'Bert', dateOfBirth: '2030-01-01' }),
          locale: 'en',
          origin: { way: 'public', bookedBy: null },
        },
      ]),
    );
    assert.deepEqual(codes(results), ['OK', 'ALREADY_BOOKED', 'HOLD_NOT_FOUND', 'VALIDATION_FAILED']);
    const booked = results[0] as BookingAnswer;
    const states = await node.db.query<{ id: string; status: string }>('SELECT id, status FROM holds WHERE id = ANY($1::uuid[])', [holds.map((h) => h.holdId)]);
    const state = new Map(states.rows.map((r) => [r.id, r.status]));
    assert.deepEqual(
      holds.map((h) => state.get(h.holdId)),
      ['confirmed', 'held', 'held'],
      'refused confirmations leave their holds live',
    );
    const messages = await node.db.query(`SELECT m.kind FROM messages m JOIN bookings b ON b.id = m.booking_id WHERE b.code = $1 ORDER BY m.kind`, [
      booked.bookingCode.replace('-', ''),
    ]);
    assert.deepEqual(
      messages.rows.map((m) => m.kind),
      ['confirmation', 'reminder', 'reminder'],
    );
  });
});
