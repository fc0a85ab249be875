import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patientFetch, useCluster } from './support/cluster.js';
import { morningIn } from './support/fixtures.js';

const CLIENTS = 300;
const SLOTS = 3;
const CAPACITY_PER_SLOT = 10;

const ctx = useCluster(2);

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(ctx.cluster.baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const adminCall = async (path: string, body: unknown) => {
  const res = await patientFetch(ctx.cluster.baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer cluster-admin-token-0123456789' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, any>;
  assert.equal(res.status, 201, JSON.stringify(answer));
  return answer;
};

test(`${CLIENTS} clients on two processes fight for ${SLOTS * CAPACITY_PER_SLOT} units: exactly that many bookings`, async () => {
  assert.equal(ctx.cluster.workerPids.size, 2, 'two worker processes serve the port');
  const center = await adminCall('/api/v1/admin/centers', { name: 'Rennen', address: 'Bahn 1', postalCode: '58332', district: 'EN', lat: 51.29, lon: 7.29 });
  const campaign = await adminCall('/api/v1/admin/campaigns', {
    name: 'Race',
    vaccine: { name: 'RaceVax', doses: 2, minIntervalDays: 21, maxIntervalDays: 42 },
  });
  const slots = await adminCall('/api/v1/admin/slots', {
    slots: [
      ...Array.from({ length: SLOTS }, (_, i) => ({
        centerId: center.id,
        campaignId: campaign.id,
        startsAt: morningIn(2 + i),
        durationMinutes: 15,
        capacity: CAPACITY_PER_SLOT,
        dose: 1,
      })),
      { centerId: center.id, campaignId: campaign.id, startsAt: morningIn(30), durationMinutes: 15, capacity: 1000, dose: 2 },
    ],
  });
  const ids: number[] = slots.slots.map((s: { id: number }) => s.id);
  await adminCall('/api/v1/admin/releases', { campaignId: campaign.id, slotIds: ids, opensAt: new Date(Date.now() - 1000).toISOString(), acknowledge: 'all' });

  const results = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const hold = await call('POST', '/api/v1/holds', { slotId: ids[i % SLOTS] });
      if (hold.status !== 201) return hold;
      return call('POST', '/api/v1/bookings', {
        holdId: hold.body.holdId,
        person: { firstName: `Person${i}`, lastName: 'Rennen', dateOfBirth: '1970-01-01', postalCode: '58332' },
      });
    }),
  );

  const booked = results.filter((r) => r.status === 201);
  const refused = results.filter((r) => r.status !== 201);
  assert.equal(booked.length, SLOTS * CAPACITY_PER_SLOT);
  assert.ok(
    refused.every((r) => r.status === 409 && r.body.code === 'SLOT_FULL'),
    JSON.stringify(refused.find((r) => r.status !== 409)),
  );

  const ledger = await ctx.db.query(
    `SELECT s.id, s.capacity, s.taken,
            (SELECT count(*) FROM holds h WHERE (h.slot_id = s.id OR h.second_slot_id = s.id) AND h.status = 'held')::int
          + (SELECT count(*) FROM bookings b WHERE (b.slot_id = s.id OR b.second_slot_id = s.id) AND b.status = 'active')::int AS used
     FROM slots s WHERE s.campaign_id = $1 ORDER BY s.id`,
    [campaign.id],
  );
  for (const row of ledger.rows) {
    assert.ok(row.taken <= row.capacity, `slot ${row.id} overbooked`);
    assert.equal(row.taken, row.used, `slot ${row.id}: counter matches live holds and bookings`);
  }
  const bookings = await ctx.db.query('SELECT count(*)::int AS n FROM bookings WHERE campaign_id = $1', [campaign.id]);
  assert.equal(bookings.rows[0].n, SLOTS * CAPACITY_PER_SLOT);
  console.log(`# race: ${booked.length} booked, ${refused.length} refused with 409 SLOT_FULL, workers ${[...ctx.cluster.workerPids].join(', ')}`);
});

test('/metrics adds up what both workers counted', async () => {
  const res = await fetch(ctx.cluster.metricsUrl);
  assert.equal(res.status, 200);
  assert.equal((await fetch(ctx.cluster.baseUrl + '/metrics')).status, 404, 'not on the public port');
  const text = await res.text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
  assert.equal(value(/^ansturm_holds_total\{result="held"\} (\d+)$/m), SLOTS * CAPACITY_PER_SLOT);
  assert.equal(value(/^ansturm_holds_total\{result="refused"\} (\d+)$/m), CLIENTS - SLOTS * CAPACITY_PER_SLOT);
  assert.equal(value(/^ansturm_bookings_total (\d+)$/m), SLOTS * CAPACITY_PER_SLOT);
  assert.match(text, /^ansturm_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/api\/v1\/holds",status="201"\} \d+$/m);
  assert.match(text, /^ansturm_db_pool_connections\{state="total"\} \d+$/m);
  // Every hold went through a group commit, and the rush made batches of more than one.
  assert.equal(value(/^ansturm_group_commit_batch_size_sum\{use="hold"\} (\d+)$/m), CLIENTS);
  assert.ok(value(/^ansturm_group_commit_batch_size_count\{use="hold"\} (\d+)$/m) < CLIENTS, 'holds were batched');
  assert.equal(value(/^ansturm_group_commit_batch_size_sum\{use="confirm"\} (\d+)$/m), SLOTS * CAPACITY_PER_SLOT);
  assert.match(text, /^ansturm_group_commit_waiting\{use="hold"\} 0$/m);
  assert.match(text, /^ansturm_process_resident_memory_bytes \d+/m);
});

test('the first admin’s password is printed framed for a person, never inside a JSON log line', () => {
  const output = ctx.cluster.output();
  const framed = /\| +password +(\S+) +\|/.exec(output);
  assert.ok(framed, 'a framed notice with the password');
  assert.match(output, /\| The first staff admin for the console at \/staff: +\|/);
  const jsonLines = output.split('\n').filter((line) => line.startsWith('{'));
  assert.ok(
    jsonLines.some((line) => /created the first staff admin/.test(line)),
    'the log says an admin was made',
  );
  assert.ok(!jsonLines.some((line) => line.includes(framed[1]!)), 'the password is in no log line');
});

test('workers keep idle connections as Fastify would (72 s), not Node’s 5 s: clients and load balancers reuse them safely', async () => {
  const res = await fetch(ctx.cluster.baseUrl + '/api/v1/campaigns');
  await res.arrayBuffer();
  assert.equal(res.headers.get('keep-alive'), 'timeout=72');
});

test('the database refuses to commit an overbooked slot, whatever the application does', async () => {
  const row = (await ctx.db.query('SELECT id FROM slots LIMIT 1')).rows[0];
  await assert.rejects(ctx.db.query('UPDATE slots SET taken = capacity + 1 WHERE id = $1', [row.id]), { code: '23514' });
});

test('SIGTERM drains the workers: requests already sent get their answers, and the primary exits cleanly', async () => {
  // Requests that each reach the database (a hold on a slot that does not exist).
  const inFlight = Array.from({ length: 40 }, () => call('POST', '/api/v1/holds', { slotId: 999_999 }).catch((err: Error) => err));
  await new Promise((resolve) => setTimeout(resolve, 5)); // the requests are on their way
  const stopping = Date.now();
  const code = await ctx.cluster.stop();
  const drained = Date.now() - stopping;
  const answers = await Promise.all(inFlight);
  assert.ok(drained < 25_000, `drained in ${drained} ms, inside the grace period (ANSTURM_SHUTDOWN_GRACE_MS, 25 s)`);
  assert.doesNotMatch(ctx.cluster.output(), /stopped uncleanly|SIGKILL/, 'no worker had to be killed');
  // Each gets its answer: 404 (no such slot), or 503 where the busy node shed it; never a dropped connection.
  assert.ok(
    answers.every((a) => !(a instanceof Error) && (a.status === 404 || a.status === 503)),
    JSON.stringify(answers.find((a) => a instanceof Error || (a.status !== 404 && a.status !== 503))),
  );
  assert.equal(code, 0);
  ctx.cluster = { ...ctx.cluster, stop: async () => 0 };
});
