import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { GroupCommit } from '../db/group-commit.js';
import { PG, pgCode, run, tx, type Db } from '../db/pool.js';
import { AppError, fail } from '../errors.js';
import { drawOf } from './draw.js';
import { identityHash, type IdentityFields } from '../booking/identity.js';
import { parseBookingCode } from '../booking/code.js';
import type { AvailabilityView } from '../availability/view.js';
import { JoinBatcher } from './join.js';
import { isSolved } from './pow.js';
import * as sql from './repo.js';
import type { KeyRing } from './signing.js';
import type { RoomMemory } from './view.js';
import type { QueueView } from './view.js';
import type { Clock } from '../time/clock.js';
import { publicRoom, whatTheySee } from './status.js';
import { Touches } from './touches.js';

/** Signed payloads: a ticket (k = 't'), a join challenge ('c') and an admission ('a'). */
export interface TicketClaim {
  k: 't';
  t: string;
  r: number;
  i: number | null;
}
interface ChallengeClaim {
  k: 'c';
  c: string;
  r: number;
  d: number;
  e: number;
}
export interface AdmissionClaim {
  k: 'a';
  t: string;
  r: number;
  e: number;
}

const CHALLENGE_TTL_MS = 5 * 60_000;
/** People this close to the front are recorded when they poll, so that those who left can be skipped. */
const MIN_HORIZON = 200;
const HORIZON_SECONDS = 120;
/** Binds written at once, and waiting beyond this many a node answers 503 with Retry-After (the page tries again). */
const BIND_BATCHING = { lanes: 2, maxBatch: 500, maxQueue: 10_000 };

/** 96 random bits per challenge, cut from a buffer filled now and then (as randomUUID does): one call to the system's generator per 340 challenges. */
const randomPool = { bytes: Buffer.alloc(0), at: 0 };
function challengeId(): string {
  if (randomPool.at + 12 > randomPool.bytes.length) Object.assign(randomPool, { bytes: randomBytes(4080), at: 0 });
  randomPool.at += 12;
  return randomPool.bytes.toString('base64url', randomPool.at - 12, randomPool.at);
}

export type QueueService = ReturnType<typeof queueService>;

export function queueService(deps: {
  db: Db;
  keys: KeyRing;
  view: QueueView;
  availability: AvailabilityView;
  identityKey: string;
  /** Tickets near the front are recorded often enough that a poller is never taken for gone. */
  staleSeconds: number;
  clock: Clock;
}) {
  const { db, keys, view, availability, clock } = deps;
  const batcher = new JoinBatcher(db);
  const touches = new Touches(db, Math.min(10_000, (deps.staleSeconds * 1000) / 4), clock);
  // Binds in a rush share a transaction (one commit for many); the same ticket or person never twice in one.
  const binds = new GroupCommit<{ ticketId: string; hash: Buffer }, boolean>(
    db,
    { ...BIND_BATCHING, oneStatement: true, keysOf: (b) => [b.ticketId, b.hash.toString('hex')] },
    async (q, items) => {
      const bound = new Set((await run<{ id: string }>(q, sql.bindPeopleAlone(items))).rows.map((r) => r.id));
      return items.map((b) => bound.has(b.ticketId));
    },
  );

  // Leaving comes in waves (at each release's opening those far back leave for the next line): one statement a batch.
  const leaves = new GroupCommit<string, string>(db, { ...BIND_BATCHING, oneStatement: true, keysOf: (id) => [id] }, async (q, ids) => {
    const states = new Map((await run<{ id: string; state: string }>(q, sql.leaveTickets(ids))).rows.map((r) => [r.id, r.state]));
    return ids.map((id) => states.get(id) ?? new AppError('TICKET_INVALID'));
  });

  const memoryOf = (releaseId: number): RoomMemory => view.room(releaseId) ?? fail('QUEUE_NOT_FOUND');
  /** Drawn once, the pre-queue's order never changes: read once per node, however many check it. */
  const drawnOrders = new Map<string, Promise<string[]>>();

  async function ticketClaim(token: string): Promise<TicketClaim> {
    const claim = await keys.verify<TicketClaim>(token);
    return claim?.k === 't' ? claim : fail('TICKET_INVALID');
  }

  function ticketResponse(joined: { id: string; idx: number | null; resumeCode: string }, releaseId: number) {
    const ticket = keys.sign({ k: 't', t: joined.id, r: releaseId, i: joined.idx } satisfies TicketClaim);
    return { ticket, resumeCode: joined.resumeCode, ...status({ k: 't', t: joined.id, r: releaseId, i: joined.idx }) };
  }

  /** Everything a waiting person sees, from this node's memory; their admission, when they have one. */
  function status(claim: TicketClaim) {
    const memory = memoryOf(claim.r);
    const now = availability.now();
    const seen = whatTheySee(claim, memory, availability, now);
    const expiry = memory.admissionExpiry(claim.t);
    if (seen.state === 'admitted' && expiry !== undefined && expiry > now) {
      seen.admission = { token: keys.sign({ k: 'a', t: claim.t, r: claim.r, e: expiry } satisfies AdmissionClaim), expiresAt: new Date(expiry).toISOString() };
    }
    const horizon = Math.max(MIN_HORIZON, memory.room.max_admissions_per_second * HORIZON_SECONDS);
    if (seen.state === 'skipped' || seen.state === 'admitted' || (seen.ahead !== null && seen.ahead < horizon))
      touches.record(claim.t, seen.state === 'skipped');
    return seen;
  }

  return {
    challenge(releaseId: number) {
      const memory = memoryOf(releaseId);
      const e = clock.now() + CHALLENGE_TTL_MS;
      const d = memory.room.difficulty;
      const challenge = keys.sign({ k: 'c', c: challengeId(), r: releaseId, d, e } satisfies ChallengeClaim);
      return {
        challenge,
        difficulty: d,
        expiresAt: new Date(e).toISOString(),
        algorithm: 'sha256(challenge + ":" + nonce) starts with `difficulty` zero bits',
      };
    },

    async join(releaseId: number, challenge: string, nonce: string) {
      const claim = await keys.verify<ChallengeClaim>(challenge, { once: true });
      if (claim?.k !== 'c' || claim.r !== releaseId || claim.e < clock.now()) fail('CHALLENGE_INVALID');
      if (!isSolved(challenge, nonce, claim!.d)) fail('CHALLENGE_UNSOLVED');
      memoryOf(releaseId);
      const joined = await batcher.join(releaseId, claim!.c);
      return ticketResponse(joined, releaseId);
    },

    async status(token: string) {
      return status(await ticketClaim(token));
    },

    async resume(code: string) {
      const parsed = parseBookingCode(code) ?? fail('RESUME_CODE_UNKNOWN');
      const ticket = (await run<sql.TicketRow>(db, sql.ticketByResumeCode(parsed))).rows[0] ?? fail('RESUME_CODE_UNKNOWN');
      return ticketResponse({ id: ticket.id, idx: ticket.phase === 'live' ? ticket.idx : null, resumeCode: ticket.resume_code }, ticket.release_id);
    },

    /** Leaves the line; a ticket no longer in it (used for a booking, dropped, lapsed) keeps its state, which is answered. */
    async leave(token: string) {
      const claim = await ticketClaim(token);
      return { ticketId: claim.t, state: await leaves.submit(claim.t) };
    },

    /**
     * Binds the person to the ticket. If the person already holds another place in this
     * line, the worse of the two is dropped: the earlier place wins, and before opening the
     * lower draw (the server knows the seed; it is revealed at opening).
     */
    async bindPerson(token: string, person: IdentityFields) {
      const claim = await ticketClaim(token);
      const hash = identityHash(deps.identityKey, person);
      // Mostly nobody else holds a place of this person's: bound with the others binding meanwhile. Otherwise (or
      // when a second tab of theirs committed at the same moment) the transaction below picks the place that stays.
      const bound = await binds.submit({ ticketId: claim.t, hash }).catch((err: unknown) => {
        if (pgCode(err) === PG.uniqueViolation) return false;
        throw err;
      });
      if (bound) return { ticketId: claim.t, bound: true };
      const dropped = await tx(db, async (q) => {
        const ticket = (await run<sql.TicketRow>(q, sql.ticketById(claim.t, true))).rows[0] ?? fail('TICKET_INVALID');
        if (!['waiting', 'admitted', 'skipped'].includes(ticket.state)) fail('TICKET_INACTIVE');
        await run(q, sql.lockPersonInLine(ticket.release_id, hash));
        const other = (await run<sql.TicketRow>(q, sql.ticketOfPerson(ticket.release_id, hash, ticket.id))).rows[0];
        if (other) {
          const seed = await roomSeed(q, ticket.release_id);
          if (better(other, ticket, seed)) {
            await run(q, sql.setTicketState(ticket.id, 'dropped'));
            return true;
          }
          await run(q, sql.setTicketState(other.id, 'dropped'));
        }
        await run(q, sql.bindPerson(ticket.id, hash));
        return false;
      });
      // Dropped only once the drop is committed: the answer never claims what the database does not hold.
      if (dropped) fail('DUPLICATE_PLACE');
      return { ticketId: claim.t, bound: true };
    },

    /** The pre-queue in drawn order, after opening: with the seed, anyone can check it. */
    async preQueue(releaseId: number) {
      const memory = memoryOf(releaseId);
      const seed = memory.room.seed ?? fail('QUEUE_NOT_OPEN', 'The pre-queue is drawn at opening; the order is published then.');
      const key = `${releaseId}:${seed}`;
      let order = drawnOrders.get(key);
      if (!order) {
        order = run<{ id: string }>(db, sql.drawnPreQueue(releaseId)).then((r) => r.rows.map((row) => row.id));
        drawnOrders.set(key, order);
        order.catch(() => drawnOrders.delete(key)); // an outage is not kept
      }
      return { releaseId, seed, seedHash: memory.room.seed_hash, ticketIds: await order };
    },

    room(releaseId: number) {
      const memory = memoryOf(releaseId);
      return publicRoom(memory, availability.releaseFree(releaseId));
    },

    /** Checks an admission token and returns the ticket it admits. */
    async admission(token: string): Promise<AdmissionClaim> {
      const claim = await keys.verify<AdmissionClaim>(token);
      if (claim?.k !== 'a') return fail('ADMISSION_INVALID');
      if (claim.e <= availability.now()) return fail('ADMISSION_EXPIRED'); // by the database's clock, which set it
      return claim;
    },

    /** Writes the recorded polls now rather than at the next interval. */
    flushTouches: () => touches.flush(),

    stop: () => touches.stop(),
  };
}

async function roomSeed(q: pg.ClientBase, releaseId: number): Promise<Buffer> {
  return (await run<{ seed: Buffer }>(q, sql.roomSeed(releaseId))).rows[0]!.seed;
}

/** Whether ticket a holds a better place than b. */
function better(a: sql.TicketRow, b: sql.TicketRow, seed: Buffer): boolean {
  if (a.phase !== b.phase) return a.phase === 'pre';
  if (a.idx !== null && b.idx !== null) return a.idx < b.idx;
  return drawOf(seed, a.id) < drawOf(seed, b.id);
}
