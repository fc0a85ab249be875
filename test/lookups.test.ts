import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { LOOKUP_LIMITS } from '../src/booking/lookups.js';
import { startNode, type RunningNode } from '../src/node.js';
import { book, person, setUpWorld, type World } from './support/fixtures.js';
import { ADMIN_TOKEN, startTestNode, type TestNode } from './support/node.js';

/**
 * A booking's date of birth cannot be found by trying: wrong guesses are counted per code and
 * per address in the database, so a second node counts the same guesses, and past the limit the
 * lookup answers 429 with Retry-After. The view, which carries personal data, is never cached.
 */

let node: TestNode;
let second: RunningNode;
let w: World;
before(async () => {
  node = await startTestNode();
  second = await startNode(loadConfig({}), node.url, ADMIN_TOKEN, pino({ level: 'silent' }));
  w = await setUpWorld(node.app, { firstCapacity: 20 });
});
after(async () => {
  await second.close();
  await node.stop();
});

const lookup = (app: RunningNode['app'], code: string, dateOfBirth: string, remoteAddress = '198.51.100.1', method: 'GET' | 'DELETE' = 'GET') =>
  app.inject({ method, url: `/api/v1/bookings/${code}?dateOfBirth=${dateOfBirth}`, remoteAddress });

test('wrong dates of birth for one code are counted on every node; past the limit even the right one waits', async () => {
  const who = person({ firstName: 'Geraten', dateOfBirth: '1950-03-03' });
  const { booking } = await book(node.app, w.firstSlotIds[0]!, who);
  const code: string = booking.body.bookingCode;

  const ok = await lookup(node.app, code, who.dateOfBirth);
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.headers['cache-control'], 'no-store', 'personal data is not cached');

  const statuses: number[] = [];
  for (let i = 0; i < LOOKUP_LIMITS.perCode; i++) {
    // Half the guesses on each node, from addresses that change: only the code's count can stop them.
    const app = i % 2 === 0 ? node.app : second.app;
    statuses.push((await lookup(app, code, `1951-01-${String(i + 1).padStart(2, '0')}`, `198.51.100.${10 + i}`)).statusCode);
  }
  assert.deepEqual(statuses, Array(LOOKUP_LIMITS.perCode).fill(404));

  for (const app of [node.app, second.app]) {
    const locked = await lookup(app, code, who.dateOfBirth, '198.51.100.99');
    assert.equal(locked.statusCode, 429, locked.body);
    assert.equal(locked.json().code, 'TOO_MANY_LOOKUPS');
    const retryAfter = Number(locked.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= LOOKUP_LIMITS.windowSeconds, `Retry-After ${retryAfter}`);
  }
  const cancel = await lookup(node.app, code, who.dateOfBirth, '198.51.100.99', 'DELETE');
  assert.equal(cancel.statusCode, 429, 'cancelling is guarded the same way');

  // The lock ends with its window: move the database's clock for it instead of waiting 15 minutes.
  await node.db.query(`UPDATE lookup_failures SET locked_until = now() - interval '1 second', window_started_at = now() - interval '1 hour' WHERE key = $1`, [
    `code:${code.replace('-', '')}`,
  ]);
  assert.equal((await lookup(second.app, code, who.dateOfBirth, '198.51.100.99')).statusCode, 200);
});

test('one address guessing many codes is stopped too, and other addresses are not', async () => {
  const attacker = '203.0.113.66';
  const codes = Array.from({ length: LOOKUP_LIMITS.perAddress }, (_, i) => `ZZZZ${String(2222 + i).replace(/[01]/g, '9')}`);
  for (const [i, c] of codes.entries()) {
    const res = await lookup(i % 2 === 0 ? node.app : second.app, c, '1960-01-01', attacker);
    assert.equal(res.statusCode, 404, res.body);
  }
  const stopped = await lookup(node.app, 'ZZZZ7777', '1960-01-01', attacker);
  assert.equal(stopped.statusCode, 429);
  assert.equal(stopped.json().code, 'TOO_MANY_LOOKUPS');

  const who = person({ firstName: 'Nachbar', dateOfBirth: '1962-06-06' });
  const { booking } = await book(node.app, w.firstSlotIds[1]!, who);
  assert.equal((await lookup(node.app, booking.body.bookingCode, who.dateOfBirth, '203.0.113.67')).statusCode, 200, 'another address is not locked');
});

test('a brute force of 401 guesses from one address gets 429 long before it is through', async () => {
  const who = person({ firstName: 'Ziel', dateOfBirth: '1970-12-24' });
  const { booking } = await book(node.app, w.firstSlotIds[0]!, who);
  const answers = new Map<number, number>();
  let found = false;
  for (let day = 0; day < 401; day++) {
    const dob = new Date(Date.UTC(1970, 0, 1 + day)).toISOString().slice(0, 10);
    const res = await lookup(node.app, booking.body.bookingCode, dob, '192.0.2.50');
    answers.set(res.statusCode, (answers.get(res.statusCode) ?? 0) + 1);
    if (res.statusCode === 200) found = true;
  }
  assert.equal(found, false, 'the date of birth was not found');
  assert.equal(answers.get(404), LOOKUP_LIMITS.perCode);
  assert.equal(answers.get(429), 401 - LOOKUP_LIMITS.perCode);
});
