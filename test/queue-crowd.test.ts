import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { patientFetch, useCluster } from './support/cluster.js';
import { morningIn } from './support/fixtures.js';
import { solve } from '../src/queue/pow.js';

const PRE = 2000;
const LIVE = 400;
const ADMIN = { authorization: 'Bearer cluster-admin-token-0123456789' };

const ctx = useCluster(2, () => ({ ANSTURM_JOINS_PER_MINUTE: '0', ANSTURM_QUEUE_STALE_SECONDS: '3600', ANSTURM_QUEUE_REFRESH_MS: '200' }));

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(ctx.cluster.baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
async function adminCall(method: string, path: string, body: unknown) {
  const res = await patientFetch(ctx.cluster.baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...ADMIN },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as any;
  assert.ok(res.status < 300, `${path}: ${JSON.stringify(answer)}`);
  return answer;
}

/** A campaign with one centre, first-dose slots of the given sizes, plenty of second doses, released with a waiting room. */
async function release(capacities: number[], opensAt: Date) {
  const center = await adminCall('POST', '/api/v1/admin/centers', {
    name: 'Menge',
    address: 'Platz 1',
    postalCode: '58332',
    district: 'EN',
    lat: 51.29,
    lon: 7.29,
  });
  const campaign = await adminCall('POST', '/api/v1/admin/campaigns', {
    name: 'Crowd',
    vaccine: { name: 'CrowdVax', doses: 2, minIntervalDays: 21, maxIntervalDays: 42 },
  });
  const slots = await adminCall('POST', '/api/v1/admin/slots', {
    slots: [
      ...capacities.map((capacity, i) => ({
        centerId: center.id,
        campaignId: campaign.id,
        startsAt: morningIn(2 + i),
        durationMinutes: 15,
        capacity,
        dose: 1,
      })),
      ...capacities.map((capacity, i) => ({
        centerId: center.id,
        campaignId: campaign.id,
        startsAt: morningIn(30 + i),
        durationMinutes: 15,
        capacity,
        dose: 2,
      })),
    ],
  });
  const ids: number[] = slots.slots.map((s: { id: number }) => s.id);
  const r = await adminCall('POST', '/api/v1/admin/releases', {
    campaignId: campaign.id,
    slotIds: ids,
    opensAt: opensAt.toISOString(),
    waitingRoom: true,
    prequeueMinutes: 120,
    acknowledge: 'all',
  });
  await adminCall('PATCH', `/api/v1/admin/queue/rooms/${r.id}`, { difficulty: 1, maxAdmissionsPerSecond: 500, targetActive: 100000 });
  return { releaseId: r.id as number, firstSlotIds: ids.slice(0, capacities.length) };
}

/** Joins; a process that has not yet loaded a brand-new room (QUEUE_NOT_FOUND) is asked again. */
async function join(releaseId: number) {
  let c = await call('GET', `/api/v1/queue/rooms/${releaseId}/challenge`);
  for (let i = 0; i < 100 && c.body.code === 'QUEUE_NOT_FOUND'; i++) {
    await sleep(50); // a polling interval: each process loads its rooms every 200 ms
    c = await call('GET', `/api/v1/queue/rooms/${releaseId}/challenge`);
  }
  const answer = { challenge: c.body.challenge, nonce: solve(c.body.challenge, c.body.difficulty) };
  // The join may reach the other process, which may not have loaded the room yet either.
  let res = await call('POST', `/api/v1/queue/rooms/${releaseId}/tickets`, answer);
  for (let i = 0; i < 100 && res.body.code === 'QUEUE_NOT_FOUND'; i++) {
    await sleep(50);
    res = await call('POST', `/api/v1/queue/rooms/${releaseId}/tickets`, answer);
  }
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function untilTrue(fn: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) assert.fail(`${what} within ${ms} ms`);
    await sleep(200);
  }
}

test(`a crowd of ${PRE + LIVE} on two processes: the drawn pre-queue first, then strictly first come, first served`, async () => {
  const { releaseId } = await release([1500, 1500], new Date(Date.now() + 3_600_000));

  const pre: any[] = [];
  for (let i = 0; i < PRE; i += 200) pre.push(...(await Promise.all(Array.from({ length: Math.min(200, PRE - i) }, () => join(releaseId)))));
  assert.ok(pre.every((t) => t.state === 'prequeue'));
  // However long the crowd took to arrive on this machine, the release instant comes right after it.
  const opensAt = (await ctx.db.query<{ opens_at: Date }>(`UPDATE releases SET opens_at = now() WHERE id = $1 RETURNING opens_at`, [releaseId])).rows[0]!
    .opens_at;
  await untilTrue(
    async () => (await ctx.db.query(`SELECT seed_revealed FROM waiting_rooms WHERE release_id = $1`, [releaseId])).rows[0].seed_revealed,
    10_000,
    'the pre-queue drawn',
  );
  const live: any[] = [];
  for (let i = 0; i < LIVE; i++) live.push(await join(releaseId)); // one after another: join order is well defined

  await untilTrue(
    async () =>
      (await ctx.db.query(`SELECT count(*)::int AS n FROM queue_tickets WHERE release_id = $1 AND state = 'admitted'`, [releaseId])).rows[0].n === PRE + LIVE,
    20_000,
    'everyone admitted',
  );

  const rows = (
    await ctx.db.query<{ id: string; idx: number; phase: string; admitted_at: Date }>(
      'SELECT id, idx, phase, admitted_at FROM queue_tickets WHERE release_id = $1 ORDER BY idx',
      [releaseId],
    )
  ).rows;
  const idxOf = new Map(rows.map((r) => [r.id, r.idx]));

  // After opening: places follow join order exactly, across both processes.
  const liveIdx = live.map((t) => idxOf.get(t.ticketId)!);
  assert.deepEqual(
    liveIdx,
    [...liveIdx].sort((a, b) => a - b),
  );
  assert.deepEqual(
    liveIdx,
    Array.from({ length: LIVE }, (_, i) => PRE + 1 + i),
  );

  // The pre-queue: the order is the HMAC draw under the revealed seed, whose hash was public beforehand.
  const { seed, seedHash, ticketIds } = (await call('GET', `/api/v1/queue/rooms/${releaseId}/prequeue`)).body;
  assert.equal(createHash('sha256').update(seed).digest('hex'), seedHash, 'the SHA-256 of the seed as published (hex text)');
  const draw = (id: string) => createHmac('sha256', Buffer.from(seed, 'hex')).update(id).digest('hex');
  const expected = pre.map((t) => t.ticketId).sort((a: string, b: string) => (draw(a) < draw(b) ? -1 : 1));
  assert.deepEqual(ticketIds, expected);
  assert.deepEqual(
    rows.slice(0, PRE).map((r) => r.id),
    expected,
  );

  // Admission order is place order; nobody before the instant.
  for (let i = 1; i < rows.length; i++)
    assert.ok(rows[i - 1]!.admitted_at <= rows[i]!.admitted_at, `place ${rows[i]!.idx} admitted before place ${rows[i - 1]!.idx}`);
  assert.ok(rows[0]!.admitted_at.getTime() >= opensAt.getTime());

  // Admission order against join order after opening, as a rank correlation: exactly 1.
  const admittedRank = live.map((t) => rows.findIndex((r) => r.id === t.ticketId));
  assert.ok(admittedRank.every((r, i) => i === 0 || r > admittedRank[i - 1]!));
});

test('two processes: the line reports its outlook honestly and everyone hears of the sell-out', async () => {
  const { releaseId, firstSlotIds } = await release([5], new Date(Date.now() - 1000));
  await untilTrue(async () => (await call('GET', `/api/v1/queue/rooms/${releaseId}`)).body.seed != null, 5000, 'room opened');
  await adminCall('PATCH', `/api/v1/admin/queue/rooms/${releaseId}`, { maxAdmissionsPerSecond: 0 });
  const tickets: any[] = [];
  for (let i = 0; i < 12; i++) tickets.push(await join(releaseId));
  // Each process learns the places from the database within a refresh.
  let outlooks: any[] = [];
  await untilTrue(
    async () => {
      outlooks = await Promise.all(tickets.map(async (t) => (await call('GET', `/api/v1/queue/tickets/${encodeURIComponent(t.ticket)}`)).body));
      return outlooks.every((s, i) => s.position === i + 1);
    },
    10_000,
    'every place known',
  );
  assert.deepEqual(
    outlooks.map((s) => s.position),
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    outlooks.map((s) => s.outlook),
    [...Array(5).fill('likely'), ...Array(7).fill('unlikely')],
    'five units for twelve people',
  );
  assert.ok(outlooks.every((s) => s.remainingFirstDoses === 5));

  await adminCall('PATCH', `/api/v1/admin/queue/rooms/${releaseId}`, { maxAdmissionsPerSecond: 1000 });
  const admitted: any[] = [];
  await untilTrue(
    async () => {
      for (const t of tickets.slice(0, 5)) {
        if (admitted.some((a) => a.ticketId === t.ticketId)) continue;
        const s = (await call('GET', `/api/v1/queue/tickets/${encodeURIComponent(t.ticket)}`)).body;
        if (s.admission) admitted.push({ ticketId: t.ticketId, token: s.admission.token });
      }
      return admitted.length === 5;
    },
    5000,
    'the first five admitted',
  );
  const sixth = (await call('GET', `/api/v1/queue/tickets/${encodeURIComponent(tickets[5].ticket)}`)).body;
  assert.equal(sixth.state, 'waiting', 'no more admitted than there are units');

  for (const [i, a] of admitted.entries()) {
    const hold = await call('POST', '/api/v1/holds', { slotId: firstSlotIds[0] }, { 'admission-token': a.token });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    const booking = await call('POST', '/api/v1/bookings', {
      holdId: hold.body.holdId,
      person: { firstName: `Crowd${i}`, lastName: 'Test', dateOfBirth: '1960-01-01', postalCode: '58332' },
    });
    assert.equal(booking.status, 201);
  }
  await untilTrue(
    async () => {
      const all = await Promise.all(tickets.slice(5).map(async (t) => (await call('GET', `/api/v1/queue/tickets/${encodeURIComponent(t.ticket)}`)).body));
      return all.every((s) => s.outlook === 'sold_out' && s.room.state === 'sold_out' && s.soldOut !== null);
    },
    5000,
    'every waiting person told of the sell-out',
  );
  const metrics = await (await fetch(ctx.cluster.metricsUrl)).text();
  assert.match(metrics, new RegExp(`^ansturm_queue_admitted_total\\{release="${releaseId}"\\} 5$`, 'm'), 'the line as the workers see it, not summed twice');
  assert.match(metrics, new RegExp(`^ansturm_queue_waiting\\{release="${releaseId}"\\} 7$`, 'm'));
  const late = await call('GET', `/api/v1/queue/rooms/${releaseId}/challenge`);
  const refused = await call('POST', `/api/v1/queue/rooms/${releaseId}/tickets`, {
    challenge: late.body.challenge,
    nonce: solve(late.body.challenge, late.body.difficulty),
  });
  assert.equal(refused.body.code, 'SOLD_OUT');
});
