import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { run, tx, type Db } from '../db/pool.js';
import { fail } from '../errors.js';
import { drawOf } from './draw.js';
import { identityHash, type IdentityFields } from '../booking/identity.js';
import { parseBookingCode } from '../booking/code.js';
import type { AvailabilityView } from '../availability/view.js';
import { JoinBatcher } from './join.js';
import { isSolved } from './pow.js';
import * as sql from './repo.js';
import type { KeyRing } from './signing.js';
import type { RoomMemory, TicketState } from './view.js';
import type { QueueView } from './view.js';
import type { Clock } from '../time/clock.js';

/** Signed payloads: a ticket (k = 't'), a join challenge ('c') and an admission ('a'). */
export interface TicketClaim { k: 't'; t: string; r: number; i: number | null }
interface ChallengeClaim { k: 'c'; c: string; r: number; d: number; e: number }
export interface AdmissionClaim { k: 'a'; t: string; r: number; e: number }

const CHALLENGE_TTL_MS = 5 * 60_000;
/** People this close to the front are recorded when they poll, so that those who left can be skipped. */
const MIN_HORIZON = 200;
const HORIZON_SECONDS = 120;

/** The HMAC that orders the pre-queue: anyone with the revealed seed can recompute it. */

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

  const memoryOf = (releaseId: number): RoomMemory => view.room(releaseId) ?? fail('QUEUE_NOT_FOUND');

  async function ticketClaim(token: string): Promise<TicketClaim> {
    const claim = await keys.verify<TicketClaim>(token);
    return claim?.k === 't' ? claim : fail('TICKET_INVALID');
  }

  function ticketResponse(joined: { id: string; idx: number | null; resumeCode: string }, releaseId: number) {
    const ticket = keys.sign({ k: 't', t: joined.id, r: releaseId, i: joined.idx } satisfies TicketClaim);
    return { ticket, resumeCode: joined.resumeCode, ...status({ k: 't', t: joined.id, r: releaseId, i: joined.idx }) };
  }

  /** Everything a waiting person sees, from this node's memory. */
  function status(claim: TicketClaim) {
    const memory = memoryOf(claim.r);
    const room = memory.room;
    const now = availability.now();
    const place = memory.placeOfTicket(claim.t, claim.i);
    const remaining = availability.releaseFree(claim.r);
    const rate = memory.admissionRate();
    const cap = room.max_admissions_per_second;
    const state: TicketState | 'prequeue' =
      place === undefined ? (memory.preState(claim.t) === 'waiting' || memory.preState(claim.t) === undefined ? 'prequeue' : memory.preState(claim.t)!) : memory.stateAt(place) ?? 'waiting';
    const ahead = place !== undefined && state === 'waiting' ? memory.waitingAhead(place) : undefined;
    const active = memory.activeAdmissions(now);
    const soldOut = room.state === 'sold_out' || (room.state !== 'scheduled' && remaining === 0);

    const base = {
      ticketId: claim.t,
      releaseId: claim.r,
      state,
      room: publicRoom(memory, remaining),
      position: ahead === undefined ? null : ahead + 1,
      ahead: ahead ?? null,
      remainingFirstDoses: remaining,
      outlook: soldOut ? 'sold_out' : outlook(ahead ?? (state === 'prequeue' ? memory.waitingTotal() / 2 : 0), active, remaining),
      eta: ahead === undefined ? null : eta(ahead, rate, cap, room, now),
      draw: room.seed && place !== undefined && place <= room.prequeue_count ? { ticketId: claim.t, hmac: drawOf(Buffer.from(room.seed, 'hex'), claim.t), rank: place } : null,
      admission: null as null | { token: string; expiresAt: string },
      soldOut: soldOut
        ? {
            nextRelease: availability.nextRelease(room.campaign_id) ?? null,
            centersWithCapacity: availability.centersWithCapacity(room.campaign_id),
            waitlist: { campaignId: room.campaign_id, join: 'POST /api/v1/waitlist' },
          }
        : null,
      pollAfterMs: pollAfter(state, ahead, rate || cap, room, now),
    };
    const expiry = memory.admissionExpiry(claim.t);
    if (state === 'admitted' && expiry !== undefined && expiry > now) {
      base.admission = { token: keys.sign({ k: 'a', t: claim.t, r: claim.r, e: expiry } satisfies AdmissionClaim), expiresAt: new Date(expiry).toISOString() };
    }
    const horizon = Math.max(MIN_HORIZON, cap * HORIZON_SECONDS);
    if (state === 'skipped' || state === 'admitted' || (ahead !== undefined && ahead < horizon)) touches.record(claim.t, state === 'skipped');
    return base;
  }

  return {
    challenge(releaseId: number) {
      const memory = memoryOf(releaseId);
      const e = clock.now() + CHALLENGE_TTL_MS;
      const d = memory.room.difficulty;
      const challenge = keys.sign({ k: 'c', c: randomBytes(12).toString('base64url'), r: releaseId, d, e } satisfies ChallengeClaim);
      return { challenge, difficulty: d, expiresAt: new Date(e).toISOString(), algorithm: 'sha256(challenge + ":" + nonce) starts with `difficulty` zero bits' };
    },

    async join(releaseId: number, challenge: string, nonce: string) {
      const claim = await keys.verify<ChallengeClaim>(challenge);
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

    async leave(token: string) {
      const claim = await ticketClaim(token);
      await run(db, sql.setTicketState(claim.t, 'left'));
      return { ticketId: claim.t, state: 'left' };
    },

    /**
     * Binds the person to the ticket. If the person already holds another place in this
     * line, the worse of the two is dropped: the earlier place wins, and before opening the
     * lower draw (the server knows the seed; it is revealed at opening).
     */
    async bindPerson(token: string, person: IdentityFields) {
      const claim = await ticketClaim(token);
      const hash = identityHash(deps.identityKey, person);
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
      if (!memory.room.seed) fail('QUEUE_NOT_OPEN', 'The pre-queue is drawn at opening; the order is published then.');
      const rows = await run<{ id: string }>(db, sql.drawnPreQueue(releaseId));
      return { releaseId, seed: memory.room.seed, seedHash: memory.room.seed_hash, ticketIds: rows.rows.map((r) => r.id) };
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

/** The room as the public sees it; the same for every poll until the next refresh, so built once per refresh. */
const publicRooms = new WeakMap<sql.RoomRow, { remaining: number; value: ReturnType<typeof buildPublicRoom> }>();

function publicRoom(memory: RoomMemory, remaining: number) {
  const cached = publicRooms.get(memory.room);
  if (cached && cached.remaining === remaining) return cached.value;
  const value = buildPublicRoom(memory, remaining);
  publicRooms.set(memory.room, { remaining, value });
  return value;
}

function buildPublicRoom(memory: RoomMemory, remaining: number) {
  const r = memory.room;
  return {
    releaseId: r.release_id,
    campaignId: r.campaign_id,
    state: r.state,
    opensAt: r.opens_at.toISOString(),
    prequeueOpensAt: r.prequeue_opens_at.toISOString(),
    seedHash: r.seed_hash,
    seed: r.seed,
    waiting: memory.waitingTotal(),
    prequeue: r.prequeue_count,
    admittedTotal: r.admitted_total,
    admissionsPerSecond: Math.round(memory.admissionRate() * 10) / 10,
    abandoned: memory.abandoned,
    remainingFirstDoses: remaining,
    difficulty: r.difficulty,
  };
}

/** Likely when everyone ahead and everyone admitted could each still book one of the remaining units. */
const outlook = (ahead: number, active: number, remaining: number) => (ahead + active < remaining ? 'likely' : 'unlikely');

/** A range, not a promise: the fastest at the configured cap, the slowest at 70 % of what was observed. */
function eta(ahead: number, observed: number, cap: number, room: sql.RoomRow, now: number) {
  const untilOpen = Math.max(0, (room.opens_at.getTime() - now) / 1000);
  const fastest = cap > 0 ? ahead / cap : Infinity;
  const slowest = observed > 0 ? ahead / (observed * 0.7) : fastest * 2;
  const round = (s: number) => (Number.isFinite(s) ? Math.round(untilOpen + s) : null);
  return { minSeconds: round(fastest), maxSeconds: round(Math.max(fastest, slowest)) };
}

/** Further back, less often; with ±20 % jitter so polls do not arrive in waves. */
function pollAfter(state: string, ahead: number | undefined, rate: number, room: sql.RoomRow, now: number): number {
  let ms: number;
  if (state === 'admitted') ms = 15_000;
  else if (state === 'prequeue') ms = Math.min(30_000, Math.max(1_000, (room.opens_at.getTime() - now) / 2));
  else if (ahead === undefined) ms = 30_000;
  else ms = Math.min(30_000, Math.max(2_000, rate > 0 ? ((ahead / rate) * 1000) / 4 : 5_000));
  return Math.round(ms * (0.8 + Math.random() * 0.4));
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

/**
 * Records that tickets near the front still poll, in one UPDATE a second, at most once
 * per ticket every `everyMs` (at once for a skipped ticket, which returns to its place).
 */
class Touches {
  private readonly due = new Set<string>();
  private readonly last = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly everyMs: number,
    private readonly clock: Clock,
  ) {
    this.timer = setInterval(() => void this.flush(), Math.min(1000, everyMs));
    this.timer.unref();
  }

  record(ticketId: string, now: boolean): void {
    const last = this.last.get(ticketId) ?? 0;
    if (now || this.clock.now() - last >= this.everyMs) this.due.add(ticketId);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  async flush(): Promise<void> {
    if (this.due.size === 0) return;
    const ids = [...this.due];
    this.due.clear();
    const at = this.clock.now();
    for (const id of ids) this.last.set(id, at);
    if (this.last.size > 200_000) for (const [id, t] of this.last) if (at - t > 60_000) this.last.delete(id);
    await run(this.db, sql.touchTickets(ids)).catch(() => ids.forEach((id) => this.due.add(id)));
  }
}
