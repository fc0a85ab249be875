import { randomUUID } from 'node:crypto';
import { PG, pgCode, pgConstraint, run, type Db } from '../db/pool.js';
import { AppError, fail } from '../errors.js';
import { newBookingCode } from '../booking/code.js';
import * as sql from './repo.js';

export interface Joined {
  id: string;
  idx: number | null;
  resumeCode: string;
  phase: 'pre' | 'live';
}

interface Pending {
  challengeId: string;
  resolve(joined: Joined): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 500;

/**
 * Gathers joins per room and writes each batch in one statement. The room row
 * numbers the batch (so places are dense and follow commit order across all nodes);
 * the insert carries the solved challenges, whose unique index refuses a reused one.
 * There is no waiting window: a lone join is written at once, and while a room's
 * write is in flight (its row lock would order a second one behind it anyway) the
 * joins that arrive gather into the next batch.
 */
export class JoinBatcher {
  private readonly pending = new Map<number, Pending[]>();
  private readonly writing = new Set<number>();

  constructor(private readonly db: Db) {}

  join(releaseId: number, challengeId: string): Promise<Joined> {
    return new Promise((resolve, reject) => {
      const list = this.pending.get(releaseId) ?? [];
      list.push({ challengeId, resolve, reject });
      this.pending.set(releaseId, list);
      this.flushRoom(releaseId);
    });
  }

  private flushRoom(releaseId: number): void {
    if (this.writing.has(releaseId)) return;
    const waiting = this.pending.get(releaseId) ?? [];
    if (waiting.length === 0) return;
    const batch = waiting.splice(0, MAX_BATCH);
    if (waiting.length === 0) this.pending.delete(releaseId);
    this.writing.add(releaseId);
    void this.write(releaseId, batch).finally(() => {
      this.writing.delete(releaseId);
      this.flushRoom(releaseId);
    });
  }

  private async write(releaseId: number, batch: Pending[]): Promise<void> {
    // Two joins in one batch with the same challenge: only the first may go on.
    const seen = new Set<string>();
    const unique = batch.filter((p) => {
      if (!seen.has(p.challengeId)) return seen.add(p.challengeId);
      p.reject(new AppError('CHALLENGE_USED'));
      return false;
    });
    try {
      const joined = await insertBatch(
        this.db,
        releaseId,
        unique.map((p) => p.challengeId),
      );
      unique.forEach((p, i) => p.resolve(joined[i]!));
    } catch (err) {
      if (pgCode(err) === PG.uniqueViolation && unique.length > 1) {
        // Someone reused a challenge (or, once in a blue moon, two resume codes met): write one by one.
        for (const p of unique) await this.write(releaseId, [p]);
      } else if (pgCode(err) === PG.uniqueViolation && pgConstraint(err) === 'queue_tickets_challenge_id_key') {
        unique[0]!.reject(new AppError('CHALLENGE_USED'));
      } else {
        unique.forEach((p) => p.reject(err));
      }
    }
  }
}

async function insertBatch(db: Db, releaseId: number, challengeIds: string[]): Promise<Joined[]> {
  const tickets = challengeIds.map((challengeId) => ({ id: randomUUID(), resumeCode: newBookingCode(), challengeId }));
  const rows = (await run<{ id: string; phase: 'pre' | 'live'; idx: number | null }>(db, sql.joinTickets(releaseId, tickets))).rows;
  if (rows.length === 0) return explainClosed(db, releaseId);
  const written = new Map(rows.map((r) => [r.id, r]));
  return tickets.map((t) => {
    const row = written.get(t.id)!;
    return { id: t.id, idx: row.idx, resumeCode: t.resumeCode, phase: row.phase };
  });
}

async function explainClosed(q: Db, releaseId: number): Promise<never> {
  const room = (await run<sql.RoomRow>(q, sql.room(releaseId))).rows[0];
  if (!room) return fail('QUEUE_NOT_FOUND');
  if (room.state === 'sold_out') return fail('SOLD_OUT');
  if (room.state === 'closed') return fail('QUEUE_CLOSED');
  return fail('QUEUE_NOT_OPEN', undefined, { prequeueOpensAt: room.prequeue_opens_at.toISOString() });
}
