import type { Logger } from 'pino';
import { run, type Queryable } from '../db/pool.js';
import { Fenwick } from './fenwick.js';
import * as sql from './repo.js';
import type { Clock } from '../time/clock.js';
import { SharedLoad } from '../db/shared-load.js';

/**
 * Late commits: a ticket change stamped at time T may commit a moment after a reader
 * has seen changes stamped after T. Every refresh therefore re-reads this window;
 * applying a change twice is harmless.
 */
const FEED_OVERLAP_MS = 3_000;
const RATE_WINDOW_MS = 60_000;

export type TicketState = 'waiting' | 'admitted' | 'used' | 'skipped' | 'lapsed' | 'dropped' | 'left';
const STATES: TicketState[] = ['waiting', 'admitted', 'used', 'skipped', 'lapsed', 'dropped', 'left'];
const WAITING = 1; // state codes are index + 1; 0 means "not seen yet"

/** One room as this node knows it: the room row and, per place, who still waits. */
export class RoomMemory {
  room: sql.RoomRow;
  private readonly waiting = new Fenwick();
  private states = new Uint8Array(1024);
  /** Pre-queue tickets learn their place at opening; live tickets carry it in their ticket. */
  private readonly placeOf = new Map<string, number>();
  private readonly preStates = new Map<string, TicketState>();
  private readonly admissions = new Map<string, number>();
  private since = new Date(0);
  private samples: { at: number; admitted: number }[] = [];
  private activeCache = { at: 0, n: 0 };
  maxPlace = 0;
  abandoned = 0;

  constructor(room: sql.RoomRow) {
    this.room = room;
  }

  apply(changes: sql.TicketChange[]): void {
    if (changes.length > 0) this.activeCache.at = 0;
    for (const c of changes) {
      const code = STATES.indexOf(c.state as TicketState) + 1;
      if (c.idx === null) {
        this.preStates.set(c.id, c.state as TicketState);
      } else {
        if (c.phase === 'pre') {
          this.placeOf.set(c.id, c.idx);
          this.preStates.delete(c.id);
        }
        this.setState(c.idx, code);
      }
      if (c.state === 'admitted' && c.admission_expires_at) this.admissions.set(c.id, c.admission_expires_at.getTime());
      else this.admissions.delete(c.id);
      if (c.changed_at > this.since) this.since = c.changed_at;
    }
  }

  feedCursor(): Date {
    return new Date(Math.max(0, this.since.getTime() - FEED_OVERLAP_MS));
  }

  setRoom(room: sql.RoomRow, now: number): void {
    this.room = room;
    this.samples.push({ at: now, admitted: room.admitted_total });
    while (this.samples.length > 2 && this.samples[0]!.at < now - RATE_WINDOW_MS) this.samples.shift();
  }

  /** Admissions per second over the last minute. */
  admissionRate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 1000) return 0;
    return (last.admitted - first.admitted) / ((last.at - first.at) / 1000);
  }

  placeOfTicket(ticketId: string, placeInTicket: number | null): number | undefined {
    return placeInTicket ?? this.placeOf.get(ticketId);
  }

  stateAt(place: number): TicketState | undefined {
    const code = this.states[place] ?? 0;
    return code === 0 ? undefined : STATES[code - 1];
  }

  preState(ticketId: string): TicketState | undefined {
    return this.preStates.get(ticketId);
  }

  /** People still waiting in front of this place. */
  waitingAhead(place: number): number {
    return this.waiting.prefix(place - 1);
  }

  waitingTotal(): number {
    return this.waiting.prefix(this.maxPlace) + (this.room.state === 'scheduled' ? this.preStates.size : 0);
  }

  /** Admissions still open; counted at most four times a second, since every poll asks. */
  activeAdmissions(now: number): number {
    if (now - this.activeCache.at < 250) return this.activeCache.n;
    let n = 0;
    for (const expires of this.admissions.values()) if (expires > now) n++;
    this.activeCache = { at: now, n };
    return n;
  }

  /** What this room costs in this node's memory, roughly: typed arrays exactly, map entries at ~80 bytes each. */
  footprintBytes(): number {
    const MAP_ENTRY = 80;
    return this.waiting.bytes + this.states.byteLength + MAP_ENTRY * (this.placeOf.size + this.preStates.size + this.admissions.size);
  }

  admissionExpiry(ticketId: string): number | undefined {
    return this.admissions.get(ticketId);
  }

  private setState(place: number, code: number): void {
    if (place >= this.states.length) {
      let size = this.states.length;
      while (size <= place) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.states);
      this.states = grown;
    }
    const before = this.states[place]!;
    if (before === code) return;
    if (before === WAITING) this.waiting.add(place, -1);
    if (code === WAITING) this.waiting.add(place, 1);
    if (code === STATES.indexOf('skipped') + 1) this.abandoned++;
    if (before === STATES.indexOf('skipped') + 1) this.abandoned--;
    this.states[place] = code;
    if (place > this.maxPlace) this.maxPlace = place;
  }
}

/**
 * Each node's copy of every live waiting room, refreshed about once a second from the
 * database: the room rows, then the tickets that changed since the last refresh. Status
 * polls are answered from here and cost the database nothing.
 */
export class QueueView {
  private readonly memories = new Map<number, RoomMemory>();
  private timer: NodeJS.Timeout | undefined;
  private readonly loads = new SharedLoad(
    () => this.load(),
    (err) => this.log.warn({ err }, 'waiting-room refresh failed; serving the previous state'),
  );

  constructor(
    private readonly db: Queryable,
    private readonly refreshMs: number,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.loads.run(), this.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.loads.stop();
  }

  room(releaseId: number): RoomMemory | undefined {
    return this.memories.get(releaseId);
  }

  rooms(): RoomMemory[] {
    return [...this.memories.values()];
  }

  /**
   * Refreshes now, and resolves once a refresh that began after this call has finished: a change made
   * before the call is in memory then. Calls during a refresh share the one refresh that follows it.
   */
  refresh(): Promise<void> {
    return this.loads.fresh();
  }

  private async load(): Promise<void> {
    const now = this.clock.now();
    const rows = (await run<sql.RoomRow>(this.db, sql.rooms())).rows;
    const live = new Set<number>();
    for (const room of rows) {
      live.add(room.release_id);
      let memory = this.memories.get(room.release_id);
      if (!memory) this.memories.set(room.release_id, (memory = new RoomMemory(room)));
      memory.setRoom(room, now);
      const changes = await run<sql.TicketChange>(this.db, sql.ticketChanges(room.release_id, memory.feedCursor()));
      memory.apply(changes.rows);
    }
    for (const id of this.memories.keys()) if (!live.has(id)) this.memories.delete(id);
  }
}
