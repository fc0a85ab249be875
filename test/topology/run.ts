/**
 * The topology test (npm run test:topology; `-- --reduced` for CI's shorter form): on loopback,
 * Debian's HAProxy with deploy/haproxy/haproxy.cfg in front of three independent Ansturm nodes (each
 * its own process tree and port), Debian's PostgreSQL as a primary and a synchronous standby made with
 * deploy/postgres/replication.conf, the nodes reading their views from the standby. During a booking
 * rush through HAProxy it kills one node with SIGKILL, restarts the others one by one, kills the
 * PostgreSQL primary with SIGKILL and promotes the standby with deploy/postgres/promote.sql.
 * Afterwards every booking acknowledged with 201 must exist, no slot be overbooked, `taken` equal
 * live holds + active bookings, every confirmation be delivered; a base backup taken before the rush
 * is restored with the archived WAL and must hold the same bookings. It prints its figures and exits
 * non-zero when anything does not hold. Every process it starts, it stops.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster, patientFetch, setUpRushCampaign, waitUntil, type RunningCluster } from '../support/cluster.js';
import { morningIn } from '../support/fixtures.js';
import { startHaproxy } from '../support/haproxy.js';
import { startSmtpSink } from '../support/peers.js';
import { freePort } from '../support/postgres.js';
import { startReplicatedPostgres, type PgServer } from './postgres.js';
import { verifyDraw } from '../../src/cli/verify-draw.js';
import { solve } from '../../src/queue/pow.js';
import { buildOnce } from '../../bench/support.js';

const reduced = process.argv.includes('--reduced');
/** Citizens booking at once, and bookings between two faults that show the rush is steady again. */
const CLIENTS = reduced ? 8 : 24;
const STEADY = reduced ? 15 : 60;
/** Bounds of the rush, whatever happens. */
const RUSH_MAX_REQUESTS = reduced ? 60_000 : 400_000;
const RUSH_MAX_MS = reduced ? 300_000 : 900_000;
const ADMIN = { authorization: 'Bearer cluster-admin-token-0123456789' };

interface Answer {
  /** When it was sent, and when it was answered. */
  sentAt: number;
  at: number;
  what: 'hold' | 'booking';
  status: number;
  code?: string;
  retryAfter: string | null;
}

const started = Date.now();
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const say = (line: string) => console.log(`# [${seconds(Date.now() - started)} s] ${line}`);

/** Longer than the outage test's default: restarts on a busy 2-core machine take a while. */
const until = (what: string, check: () => boolean | Promise<boolean>, ms = 90_000) => waitUntil(what, check, ms);

const cleanup: (() => Promise<unknown>)[] = [];
let failed = false;
try {
  await main();
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  for (const step of cleanup.reverse()) await step().catch((err: unknown) => console.error('cleanup:', err));
}
process.exit(failed ? 1 : 0);

async function main(): Promise<void> {
  say(`topology test (${reduced ? 'reduced' : 'full'}): ${CLIENTS} clients`);
  await buildOnce(); // the nodes run the build, as npm start does
  const pg = await startReplicatedPostgres();
  cleanup.push(() => pg.remove());
  say(`PostgreSQL primary :${pg.primary.port} and synchronous standby :${pg.standby.port} (Debian ${pg.bin})`);
  const smtp = await startSmtpSink();
  cleanup.push(() => smtp.close());

  // Three nodes, each a process tree of its own (one worker each) on its own port.
  const ports = [await freePort(), await freePort(), await freePort()];
  const env = (i: number) => ({
    PORT: String(ports[i]),
    DATABASE_REPLICA_URL: pg.standby.url,
    SMTP_URL: smtp.url,
    ANSTURM_DRAIN_NOTICE_MS: '3000',
    ANSTURM_TRUST_PROXY: '1',
    ANSTURM_DB_CONNECT_TIMEOUT_MS: '2000',
    ANSTURM_EMAIL_PER_SECOND: '1000',
    ANSTURM_OUTBOX_POLL_MS: '50',
    ANSTURM_RETRY_BASE_MS: '200',
    ANSTURM_JOINS_PER_MINUTE: '0',
  });
  const nodes: (RunningCluster | undefined)[] = [];
  cleanup.push(async () => {
    for (const n of nodes) await n?.kill();
  });
  const startNodeProcess = async (i: number) => (nodes[i] = await startCluster(pg.url, 1, env(i), { timeoutMs: 90_000, entry: 'dist/main.js' }));
  await startNodeProcess(0); // migrates first
  await Promise.all([startNodeProcess(1), startNodeProcess(2)]);
  const haproxy = await startHaproxy(ports.map((p) => `127.0.0.1:${p}`) as [string, string, string]);
  cleanup.push(() => haproxy.stop());
  const allUp = async () => Object.values(await haproxy.states()).filter((s) => s === 'UP').length === 3;
  await until('HAProxy sees all three nodes UP', allUp);
  say(`three nodes on :${ports.join(', :')} behind HAProxy ${haproxy.front}`);

  await waitingRoomAcrossNodes(
    haproxy.front,
    ports.map((p) => `http://127.0.0.1:${p}`),
  );
  const { campaignId, firstDoseIds } = await setUpRushCampaign(haproxy.front, 'Topologie', 20_000, 80_000);
  const backup = await pg.baseBackup(pg.primary);
  say('base backup of the primary taken (WAL archived from here on)');

  // The rush: each client holds a slot and books it; a booking answered 503 or 502 is sent again with the
  // same Idempotency-Key (after Retry-After), as the citizen app does, so an acknowledged booking is never made twice.
  const answers: Answer[] = [];
  const acknowledged = new Map<string, string>(); // booking code -> idempotency key
  const networkErrors: string[] = [];
  let stop = false;
  let sent = 0;
  const call = async (what: Answer['what'], path: string, body: unknown, headers: Record<string, string> = {}) => {
    sent++;
    const sentAt = Date.now();
    try {
      const res = await fetch(haproxy.front + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      const parsed = text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : {};
      const answer: Answer = { sentAt, at: Date.now(), what, status: res.status, code: parsed.code, retryAfter: res.headers.get('retry-after') };
      answers.push(answer);
      return { ...answer, body: parsed };
    } catch (err) {
      networkErrors.push(`${what}: ${String(err)} (${String((err as Error).cause)})`);
      const answer: Answer = { sentAt, at: Date.now(), what, status: 0, retryAfter: null };
      answers.push(answer);
      return { ...answer, body: {} as Record<string, any> };
    }
  };
  const pause = (retryAfter: string | null) => sleep(Math.min(2000, Math.max(100, (Number(retryAfter) || 0.5) * 1000)));
  const client = async (c: number) => {
    for (let i = 0; !stop && sent < RUSH_MAX_REQUESTS && Date.now() - started < RUSH_MAX_MS; i++) {
      const hold = await call('hold', '/api/v1/holds', { slotId: firstDoseIds[(c + i) % firstDoseIds.length] });
      if (hold.status !== 201) {
        if (hold.status !== 409) await pause(hold.retryAfter);
        continue;
      }
      const key = `topology-${c}-${i}`;
      const body = {
        holdId: hold.body.holdId,
        person: {
          firstName: `Client${c}`,
          lastName: `Versuch${i}`,
          dateOfBirth: `19${50 + (c % 40)}-0${1 + (i % 9)}-1${i % 10}`,
          postalCode: '58332',
          email: `c${c}.${i}@example.org`,
        },
      };
      for (let attempt = 1; attempt <= 30 && sent < RUSH_MAX_REQUESTS; attempt++) {
        const booking = await call('booking', '/api/v1/bookings', body, { 'idempotency-key': key });
        if (booking.status === 201) acknowledged.set(String(booking.body.bookingCode).replace('-', ''), key);
        if (booking.status !== 503 && booking.status !== 502 && booking.status !== 0) break;
        await pause(booking.retryAfter);
      }
    }
  };
  const rush = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const bookedSince = (t: number) => answers.filter((a) => a.sentAt >= t && a.what === 'booking' && a.status === 201).length;
  const phases: { name: string; from: number; to: number; recoveredMs: number }[] = [];
  /**
   * A fault, then the rush steady again. `fault` returns the moment it struck; recovery is measured from
   * there to the first booking acknowledged for a request sent after it.
   */
  const phase = async (name: string, fault: () => Promise<number>, restore: () => Promise<unknown> = async () => undefined) => {
    const from = Date.now();
    const struck = await fault();
    await until(`${name}: a booking after the fault`, () => bookedSince(struck) >= 1, 120_000);
    const first = answers.find((a) => a.sentAt >= struck && a.what === 'booking' && a.status === 201)!;
    await until(`${name}: a steady rush`, () => bookedSince(struck) >= STEADY, 120_000);
    await restore();
    phases.push({ name, from, to: Date.now(), recoveredMs: first.at - struck });
    say(`${name}: a booking acknowledged ${first.at - struck} ms after the fault`);
  };

  const staleness: number[] = [];
  try {
    await phase('steady rush', async () => Date.now());
    // The replica's staleness, end to end: how long until a position the primary has written is replayed there.
    for (let i = 0; i < (reduced ? 10 : 40); i++) staleness.push(await replayDelay(pg.primary, pg.standby));
    const reported = await replicaStaleness(nodes[0]!);
    say(`replica staleness: end to end p50 ${quantile(staleness, 0.5)} ms, max ${Math.max(...staleness)} ms; node 1 reports ${reported}`);

    await phase(
      'kill -9 node 1',
      async () => {
        await nodes[0]!.kill();
        const struck = Date.now();
        await until('HAProxy takes node 1 out', async () => (await haproxy.states()).node1 === 'DOWN', 30_000);
        say(`node 1 killed; HAProxy took it out after ${Date.now() - struck} ms`);
        return struck;
      },
      async () => {
        const restart = Date.now();
        await startNodeProcess(0);
        const serving = Date.now();
        await until('node 1 back UP', allUp);
        say(`node 1 restarted: serving after ${serving - restart} ms, UP in HAProxy after ${Date.now() - restart} ms`);
      },
    );
    for (const i of [1, 2, 0]) {
      await phase(`rolling restart of node ${i + 1}`, async () => {
        const struck = Date.now();
        await nodes[i]!.stop(); // SIGTERM: not ready, 3 s for HAProxy to notice, then in-flight requests finish
        await startNodeProcess(i);
        await until(`node ${i + 1} back UP`, allUp);
        say(`node ${i + 1} restarted and UP again after ${Date.now() - struck} ms`);
        return struck;
      });
    }
    await phase('kill -9 PostgreSQL primary, promote standby', async () => {
      await pg.primary.kill();
      const struck = Date.now();
      await pg.promote(pg.standby);
      say(`standby promoted with deploy/postgres/promote.sql ${Date.now() - struck} ms after the primary died`);
      return struck;
    });
  } finally {
    stop = true;
    await rush;
  }
  const rushEnded = Date.now();

  // What the citizens saw, phase by phase.
  const unexpected = answers.filter((a) => ![201, 409, 503, 502, 0].includes(a.status));
  console.log('# phase                                         requests   201   409   503  502/conn  other  back after');
  for (const p of phases) {
    const inPhase = answers.filter((a) => a.at >= p.from && a.at <= p.to);
    const count = (test: (a: Answer) => boolean) => String(inPhase.filter(test).length).padStart(5);
    console.log(
      `# ${p.name.padEnd(45)} ${String(inPhase.length).padStart(8)} ${count((a) => a.status === 201)} ${count((a) => a.status === 409)} ${count((a) => a.status === 503)} ${count((a) => a.status === 502 || a.status === 0).padStart(9)} ${count((a) => ![201, 409, 503, 502, 0].includes(a.status)).padStart(6)}  ${seconds(p.recoveredMs)} s`,
    );
  }
  const rollingFailures = phases
    .filter((p) => p.name.startsWith('rolling'))
    .flatMap((p) => answers.filter((a) => a.at >= p.from && a.at <= p.to && (a.status === 502 || a.status === 0 || (a.status >= 500 && a.status !== 503))));
  assert.deepEqual(unexpected.map((a) => `${a.what} ${a.status} ${a.code}`).slice(0, 5), [], 'no 500 nor any other unexpected answer');
  assert.deepEqual(
    rollingFailures.map((a) => `${a.what} ${a.status}`),
    [],
    'a rolling restart fails no request',
  );
  assert.ok(
    answers.filter((a) => a.status === 503).every((a) => Number(a.retryAfter) > 0),
    'every 503 says when to come back (Retry-After)',
  );

  // The ledger on the promoted standby, now the primary.
  const db = pg.standby;
  const found = new Set(
    (await db.query<{ code: string }>(`SELECT code FROM bookings WHERE campaign_id = $1 AND status = 'active'`, [campaignId])).map((r) => r.code),
  );
  const lost = [...acknowledged.keys()].filter((code) => !found.has(code));
  const ledger = await db.query<{ id: number; capacity: number; taken: number; used: number }>(
    `SELECT s.id, s.capacity, s.taken,
            (SELECT count(*) FROM holds h WHERE (h.slot_id = s.id OR h.second_slot_id = s.id) AND h.status = 'held')::int
          + (SELECT count(*) FROM bookings b WHERE (b.slot_id = s.id OR b.second_slot_id = s.id) AND b.status = 'active')::int AS used
       FROM slots s WHERE s.campaign_id = $1`,
    [campaignId],
  );
  const overbooked = ledger.filter((s) => s.taken > s.capacity);
  const miscounted = ledger.filter((s) => s.taken !== s.used);

  // Every confirmation delivered: the outbox drains, and the SMTP server has one per booking (duplicates counted).
  await until(
    'the outbox to send every confirmation',
    async () =>
      Number(
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM messages m JOIN bookings b ON b.id = m.booking_id
              WHERE b.campaign_id = $1 AND m.kind = 'confirmation' AND m.state <> 'sent'`,
            [campaignId],
          )
        )[0]!.n,
      ) === 0,
    180_000,
  );
  const mailsPerCode = new Map<string, number>();
  for (const mail of smtp.received) {
    const code = /([A-Z0-9]{4})-?([A-Z0-9]{4})/.exec(mail.subject ?? '');
    if (code) mailsPerCode.set(code[1]! + code[2]!, (mailsPerCode.get(code[1]! + code[2]!) ?? 0) + 1);
  }
  const undelivered = [...found].filter((code) => !mailsPerCode.has(code));
  const duplicates = [...mailsPerCode.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);

  // The restore an operator would run: the base backup from before the rush, plus the archived WAL.
  const [{ segment }] = (await db.query<{ segment: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS segment')) as [{ segment: string }];
  await until('the last WAL segment to be archived', async () => {
    const [row] = await db.query<{ last: string | null }>('SELECT last_archived_wal AS last FROM pg_stat_archiver');
    return (row?.last ?? '') >= segment;
  });
  // Archiving goes on after the failover: the promoted standby archived everything it was offered.
  const [archiver] = await db.query<{ failed: number; ready: number }>(
    `SELECT failed_count::int AS failed, (SELECT count(*)::int FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready') AS ready FROM pg_stat_archiver`,
  );
  const restoreStarted = Date.now();
  const restored = await pg.restore(backup);
  const restoredCodes = new Set(
    (await restored.query<{ code: string }>(`SELECT code FROM bookings WHERE campaign_id = $1 AND status = 'active'`, [campaignId])).map((r) => r.code),
  );
  const missingInRestore = [...found].filter((c) => !restoredCodes.has(c));
  const restoreMs = Date.now() - restoreStarted;

  const shed = answers.filter((a) => a.status === 503).length;
  console.log(
    `# requests ${answers.length} in ${seconds(rushEnded - phases[0]!.from)} s: ${answers.filter((a) => a.status === 201).length} x 201, ${answers.filter((a) => a.status === 409).length} x 409, ${shed} x 503 (Retry-After), ${answers.filter((a) => a.status === 502).length} x 502, ${networkErrors.length} without an answer, ${unexpected.length} other`,
  );
  if (networkErrors.length > 0) console.log(`# without an answer (first 3): ${networkErrors.slice(0, 3).join('; ')}`);
  console.log(
    `# bookings acknowledged ${acknowledged.size}, found on the new primary ${[...acknowledged.keys()].filter((c) => found.has(c)).length}, lost ${lost.length}; active bookings ${found.size}`,
  );
  console.log(`# slots ${ledger.length}: overbooked ${overbooked.length}, taken != holds + bookings ${miscounted.length}`);
  console.log(`# confirmations: ${found.size} bookings, ${found.size - undelivered.length} delivered by SMTP, ${duplicates} duplicates`);
  console.log(`# replica staleness end to end: p50 ${quantile(staleness, 0.5)} ms, p95 ${quantile(staleness, 0.95)} ms, max ${Math.max(...staleness)} ms`);
  console.log(`# WAL archiving on the new primary: ${archiver!.failed} failed, ${archiver!.ready} waiting`);
  console.log(`# restore from the base backup + WAL archive: ${restoredCodes.size} bookings (${missingInRestore.length} missing) in ${seconds(restoreMs)} s`);

  assert.deepEqual(lost, [], 'every booking acknowledged with 201 exists');
  assert.equal(found.size, acknowledged.size, 'a booking sent again with its Idempotency-Key is made once: no booking beyond those acknowledged');
  assert.deepEqual(overbooked, [], 'no slot is overbooked');
  assert.deepEqual(miscounted, [], 'taken equals live holds + active bookings for every slot');
  assert.deepEqual(undelivered, [], 'every confirmation is delivered');
  assert.deepEqual(missingInRestore, [], 'the restore holds every booking');
  assert.deepEqual(archiver, { failed: 0, ready: 0 }, 'the new primary archives every segment (none refused, none waiting)');
  assert.ok(acknowledged.size >= STEADY * phases.length, 'the rush booked through every phase');
  say('topology test passed');
}

async function adminCall(front: string, method: string, path: string, body: unknown): Promise<Record<string, any>> {
  const res = await patientFetch(front + path, { method, headers: { 'content-type': 'application/json', ...ADMIN }, body: JSON.stringify(body) });
  const parsed = (await res.json()) as Record<string, any>;
  assert.ok(res.status === 200 || res.status === 201, `${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

/**
 * FIFO and the draw hold across nodes: a waiting room whose people join through three different nodes,
 * 30 before opening (the draw) and 15 after (in order of arrival); admissions paused, so every place stays
 * visible. Every node must show each person the same place: the pre-queue in the published, verifiable
 * draw order, then the later ones in the order they came, whichever node they came through.
 */
async function waitingRoomAcrossNodes(front: string, nodeUrls: string[]): Promise<void> {
  const getJson = async (url: string) => {
    const res = await patientFetch(url);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const joinAt = async (nodeUrl: string, releaseId: number) => {
    const { body: c } = await getJson(`${nodeUrl}/api/v1/queue/rooms/${releaseId}/challenge`);
    const res = await patientFetch(`${nodeUrl}/api/v1/queue/rooms/${releaseId}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ challenge: c.challenge, nonce: solve(c.challenge, c.difficulty) }),
    });
    const body = (await res.json()) as { ticket: string; ticketId: string };
    assert.equal(res.status, 201, JSON.stringify(body));
    return body;
  };
  const center = await adminCall(front, 'POST', '/api/v1/admin/centers', {
    name: 'Warteraum',
    address: 'Weg 2',
    postalCode: '58332',
    district: 'EN',
    lat: 51.29,
    lon: 7.29,
  });
  const campaign = await adminCall(front, 'POST', '/api/v1/admin/campaigns', { name: 'Topology line', vaccine: { name: 'LineVax', doses: 1 } });
  const slots = await adminCall(front, 'POST', '/api/v1/admin/slots', {
    slots: [{ centerId: center.id, campaignId: campaign.id, startsAt: morningIn(3), durationMinutes: 15, capacity: 100, dose: 1 }],
  });
  const opensAt = Date.now() + 15_000;
  const release = await adminCall(front, 'POST', '/api/v1/admin/releases', {
    campaignId: campaign.id,
    slotIds: slots.slots.map((s: { id: number }) => s.id),
    opensAt: new Date(opensAt).toISOString(),
    waitingRoom: true,
    prequeueMinutes: 5,
    acknowledge: 'all',
  });
  const releaseId = release.id as number;
  await adminCall(front, 'PATCH', `/api/v1/admin/queue/rooms/${releaseId}`, { difficulty: 0, maxAdmissionsPerSecond: 0 });
  for (const url of nodeUrls) await until(`the room on ${url}`, async () => (await getJson(`${url}/api/v1/queue/rooms/${releaseId}`)).status === 200);

  const pre = [];
  for (let i = 0; i < 30; i++) pre.push(await joinAt(nodeUrls[i % 3]!, releaseId));
  assert.ok(Date.now() < opensAt, 'the pre-queue filled before opening');
  await until(
    'the room to open and every node to show its seed',
    async () => (await Promise.all(nodeUrls.map(async (url) => Boolean((await getJson(`${url}/api/v1/queue/rooms/${releaseId}`)).body.seed)))).every(Boolean),
    60_000,
  );
  const draw = await verifyDraw(front, releaseId);
  assert.deepEqual({ tickets: draw.tickets, seed: draw.seedMatchesHash, order: draw.orderMatches }, { tickets: 30, seed: true, order: true });
  const published = (await getJson(`${front}/api/v1/queue/rooms/${releaseId}/prequeue`)).body.ticketIds as string[];
  const live = [];
  for (let i = 0; i < 15; i++) live.push(await joinAt(nodeUrls[i % 3]!, releaseId));

  // Each person asks a node other than the one they joined through.
  const expected = [...pre.map((t) => published.indexOf(t.ticketId) + 1), ...live.map((_, i) => 30 + i + 1)];
  const everyone = [...pre, ...live];
  const positions = async () =>
    Promise.all(
      everyone.map(
        async (t, i) => (await getJson(`${nodeUrls[(i + 1) % 3]}/api/v1/queue/tickets/${encodeURIComponent(t.ticket)}`)).body.position as number | null,
      ),
    );
  let seen: (number | null)[] = [];
  await until('every node to show every place', async () => JSON.stringify((seen = await positions())) === JSON.stringify(expected), 30_000).catch(
    (err: unknown) => {
      throw new Error(`places seen ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`, { cause: err });
    },
  );
  say(
    `waiting room across nodes: 30 joined before opening through three nodes, the draw verified (seed matches its hash, order is the HMAC order); 15 after opening; every node shows each of the 45 the same place, in draw order then order of arrival`,
  );
}

/** Milliseconds from the primary's current WAL position to the standby having replayed it. */
async function replayDelay(primary: PgServer, standby: PgServer): Promise<number> {
  const [{ lsn }] = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')) as [{ lsn: string }];
  const from = Date.now();
  await until(
    'the standby to replay',
    async () => (await standby.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]))[0]!.ok,
    30_000,
  );
  return Date.now() - from;
}

/** What a node's metrics say about its replica. */
async function replicaStaleness(node: RunningCluster): Promise<string> {
  const text = await (await fetch(node.metricsUrl)).text();
  const staleness = /^ansturm_replica_staleness_seconds (\S+)$/m.exec(text)?.[1];
  const inUse = /^ansturm_replica_in_use (\S+)$/m.exec(text)?.[1];
  return `ansturm_replica_staleness_seconds ${staleness}, ansturm_replica_in_use ${inUse}`;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
