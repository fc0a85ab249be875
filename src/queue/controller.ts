import type pg from 'pg';
import type { Logger } from 'pino';
import { run, tx, type Db } from '../db/pool.js';
import type { PeriodicTask } from '../jobs/leader.js';
import { drawOf } from './draw.js';
import type { Clock } from '../time/clock.js';
import * as sql from './repo.js';
import { oldestCodeAge } from '../notify/repo.js';

/** When holds get slow or fail, admit at this fraction of the usual pace. */
/**
 * How long an admitted person without a hold counts as wanting a unit. Two minutes cover searching and
 * choosing; people who left the page after admission stop holding the line up after that.
 */
const WANTING_GRACE_SECONDS = 120;
const THROTTLE = 0.25;
const MAX_ADMIT_ROUNDS = 10;
/** Codes older than this in the outbox mean verification is the bottleneck: admit more slowly. */
const CODE_DELAY_LIMIT_SECONDS = 30;

/**
 * The admission controller: runs on the leader only. For every room it opens the line at
 * the release instant (drawing the pre-queue), lets admissions lapse, watches capacity,
 * and admits the next people in order while active sessions stay under the target and
 * admissions per second under the cap.
 */
export function admissionController(db: Db, log: Logger, staleSeconds: number, clock: Clock): PeriodicTask {
  const allowance = new Map<number, { tokens: number; at: number }>();
  return {
    name: 'admission-controller',
    everyMs: 250,
    async run() {
      const rooms = (await run<sql.RoomRow>(db, sql.rooms())).rows;
      if (rooms.length === 0) return;
      const health = {
        ...(await run<{ p95: number; errors: number; holds: number }>(db, sql.recentHoldLatency())).rows[0]!,
        codeDelay: (await run<{ seconds: number }>(db, oldestCodeAge())).rows[0]!.seconds,
      };
      for (const room of rooms) {
        await tx(db, (q) => step(q, room.release_id, health)).catch((err: unknown) => log.warn({ err, releaseId: room.release_id }, 'admission step failed'));
      }
    },
  };

  async function step(q: pg.ClientBase, releaseId: number, health: { p95: number; errors: number; holds: number; codeDelay: number }) {
    const room = (await run<sql.RoomRow & { due: boolean; drawn: boolean }>(q, sql.lockRoom(releaseId))).rows[0];
    // Nothing happens before the release instant, by the database clock.
    if (!room || !room.due) return;
    if (!room.drawn && (room.state === 'scheduled' || room.state === 'paused')) {
      await open(q, room); // a room paused before its instant is drawn on time and stays paused
      return;
    }
    if (room.state !== 'open' && room.state !== 'sold_out') return;

    await run(q, sql.lapseAdmissions(releaseId));
    const capacity = (await run<sql.AdmissionRoom>(q, sql.admissionRoom(releaseId, WANTING_GRACE_SECONDS))).rows[0]!;
    if (capacity.free === 0 && capacity.held === 0) {
      await run(q, sql.setRoomState(releaseId, 'sold_out'));
      return;
    }
    if (room.state === 'sold_out') await run(q, sql.setRoomState(releaseId, 'open')); // cancellations brought units back

    const { active, wanting } = capacity;
    const slow =
      health.p95 > room.hold_p95_limit_ms || (health.holds >= 20 && health.errors / health.holds > 0.05) || health.codeDelay > CODE_DELAY_LIMIT_SECONDS;
    const rate = room.max_admissions_per_second * (slow ? THROTTLE : 1);
    const now = clock.now();
    const bucket = allowance.get(releaseId) ?? { tokens: 0, at: now };
    // At most one second's worth may pile up, so a pause does not end in a burst.
    bucket.tokens = Math.min(Math.max(rate, 1), bucket.tokens + (rate * (now - bucket.at)) / 1000);
    bucket.at = now;
    allowance.set(releaseId, bucket);

    // Admitted people who hold nothing yet will each want one of the free units: admit no more than remain for others.
    let budget = Math.min(Math.floor(bucket.tokens), room.target_active - active, capacity.free - wanting);
    let admitted = 0;
    for (let round = 0; round < MAX_ADMIT_ROUNDS && budget > 0; round++) {
      const states = (await run<{ state: string }>(q, sql.admitNext(releaseId, budget, staleSeconds, room.admission_window_seconds))).rows;
      if (states.length === 0) break;
      const n = states.filter((s) => s.state === 'admitted').length;
      admitted += n;
      budget -= n;
    }
    if (admitted > 0) {
      bucket.tokens -= admitted;
      await run(q, sql.countAdmitted(releaseId, admitted));
    }
  }

  /**
   * At the release instant: draw the pre-queue into places 1..P and open the line. Places
   * of pre-queue tickets withdrawn before the draw stay empty; live joins already number
   * from the frozen pre-queue count on.
   */
  async function open(q: pg.ClientBase, room: sql.RoomRow) {
    const seed = (await run<{ seed: Buffer }>(q, sql.roomSeed(room.release_id))).rows[0]!.seed;
    const ids = (await run<{ id: string }>(q, sql.preQueueTickets(room.release_id))).rows.map((r) => r.id);
    const drawn = ids.map((id) => ({ id, draw: drawOf(seed, id) })).sort((a, b) => (a.draw < b.draw ? -1 : 1));
    for (let i = 0; i < drawn.length; i += 10_000) {
      const chunk = drawn.slice(i, i + 10_000);
      await run(
        q,
        sql.placePreTickets(
          chunk.map((d) => d.id),
          chunk.map((_, j) => i + j + 1),
        ),
      );
    }
    await run(q, sql.openRoom(room.release_id));
    log.info({ releaseId: room.release_id, prequeue: drawn.length }, 'waiting room opened; pre-queue drawn');
  }
}
