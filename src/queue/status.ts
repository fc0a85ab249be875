import type { AvailabilityView } from '../availability/view.js';
import { drawOf } from './draw.js';
import type * as sql from './repo.js';
import type { TicketClaim } from './service.js';
import type { RoomMemory, TicketState } from './view.js';

/**
 * What a person in line sees when they poll: their state and place, the room, an outlook and a
 * range for the wait, the draw they can check, when to ask again. From this node's memory only.
 */
export function whatTheySee(claim: TicketClaim, memory: RoomMemory, availability: AvailabilityView, now: number) {
  const room = memory.room;
  const place = memory.placeOfTicket(claim.t, claim.i);
  const remaining = availability.releaseFree(claim.r);
  const rate = memory.admissionRate();
  const cap = room.max_admissions_per_second;
  const state: TicketState | 'prequeue' =
    place === undefined
      ? memory.preState(claim.t) === 'waiting' || memory.preState(claim.t) === undefined
        ? 'prequeue'
        : memory.preState(claim.t)!
      : (memory.stateAt(place) ?? 'waiting');
  const ahead = place !== undefined && state === 'waiting' ? memory.waitingAhead(place) : undefined;
  const active = memory.activeAdmissions(now);
  const soldOut = room.state === 'sold_out' || (room.state !== 'scheduled' && remaining === 0);

  return {
    ticketId: claim.t,
    releaseId: claim.r,
    state,
    room: publicRoom(memory, remaining),
    position: ahead === undefined ? null : ahead + 1,
    ahead: ahead ?? null,
    remainingFirstDoses: remaining,
    outlook: soldOut ? 'sold_out' : outlook(ahead ?? (state === 'prequeue' ? memory.waitingTotal() / 2 : 0), active, remaining),
    eta: ahead === undefined ? null : eta(ahead, rate, cap, room, now),
    draw:
      room.seed && place !== undefined && place <= room.prequeue_count
        ? { ticketId: claim.t, hmac: drawOf(Buffer.from(room.seed, 'hex'), claim.t), rank: place }
        : null,
    admission: null as null | { token: string; expiresAt: string },
    soldOut: soldOut
      ? {
          nextRelease: availability.nextRelease(room.campaign_id) ?? null,
          centersWithCapacity: availability.centersWithCapacity(room.campaign_id),
          waitlist: { campaignId: room.campaign_id, join: 'POST /api/v1/waitlist' },
        }
      : null,
    pollAfterMs: pollAfter(state, ahead, rate || cap, room, memory, now),
  };
}

/** The room as the public sees it; the same for every poll until the next refresh, so built once per refresh. */
const publicRooms = new WeakMap<sql.RoomRow, { remaining: number; value: ReturnType<typeof buildPublicRoom> }>();

export function publicRoom(memory: RoomMemory, remaining: number) {
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
function pollAfter(state: string, ahead: number | undefined, rate: number, room: sql.RoomRow, memory: RoomMemory, now: number): number {
  if (state === 'prequeue') return prequeuePollAfter(room.opens_at.getTime() - now, memory.waitingTotal());
  let ms: number;
  if (state === 'admitted') ms = 15_000;
  else if (ahead === undefined) ms = 30_000;
  else ms = Math.min(30_000, Math.max(2_000, rate > 0 ? ((ahead / rate) * 1000) / 4 : 5_000));
  return jitter(ms);
}

const jitter = (ms: number) => Math.round(ms * (0.8 + Math.random() * 0.4));

/** The pre-queue's last poll before the opening comes at most this long before it. */
const PREQUEUE_LAST_POLL_MS = 15_000;
/** People in the pre-queue per second of the opening's spread, and the spread's bounds. */
const PREQUEUE_PER_SPREAD_SECOND = 2_000;
const SPREAD_MS = { min: 1_000, max: 20_000 };

/**
 * Over how many milliseconds after the opening a pre-queue of `people` comes back to learn its places: one
 * second per 2,000 people, 1-20 s. The draw decides the order, not the moment of asking, and the first
 * admitted keep their whole admission window (10 min by default) less these seconds; without the spread a
 * pre-queue of 300,000 would ask in the same second.
 */
export const openingSpreadMs = (people: number) => Math.min(SPREAD_MS.max, Math.max(SPREAD_MS.min, (people / PREQUEUE_PER_SPREAD_SECOND) * 1000));

/**
 * Before the opening: every half of the time left (at most 30 s) while it is far, then once more within the last
 * 15 s (so the place is not stale at the draw: ANSTURM_QUEUE_STALE_SECONDS, 45 s by default), then at a random
 * moment in the opening's spread.
 */
export function prequeuePollAfter(untilOpenMs: number, people: number): number {
  if (untilOpenMs > PREQUEUE_LAST_POLL_MS) return Math.max(1_000, jitter(Math.min(30_000, untilOpenMs / 2)));
  return Math.max(0, untilOpenMs) + 500 + Math.round(Math.random() * openingSpreadMs(people));
}
