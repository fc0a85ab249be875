/**
 * The application's clock, in one place. In production it is the system clock, and the database's
 * now(). A test moves a TestClock forward instead of sleeping until time has passed: the node's
 * decisions in TypeScript read `clock.now()`, and the database follows, because every statement
 * asks `clock_now()` (migration 1764300000001) and the pool sets the session's offset on a
 * connection before its next statement whenever the clock has moved (db/pool.ts).
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** How far this clock is ahead of the system clock. */
  readonly offsetMs: number;
  /** Changes whenever the offset changes, so connections know to take the new one. */
  readonly generation: number;
}

export const systemClock: Clock = { now: () => Date.now(), offsetMs: 0, generation: 0 };

/** A clock a test moves forward. */
export class TestClock implements Clock {
  offsetMs = 0;
  generation = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves time forward by `ms` for the node and for its database sessions. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('time moves forward only');
    this.offsetMs += ms;
    this.generation++;
  }
}

/** The statement that gives a database session this clock's offset. */
export const clockOffsetStatement = (clock: Clock): string => `SET ansturm.clock_offset = '${Math.round(clock.offsetMs)} milliseconds'`;
