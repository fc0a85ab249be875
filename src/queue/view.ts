import type { Logger } from 'pino';
import { run, type Queryable } from '../db/pool.js';
import { Fenwick } from './fenwick.js';
import * as sql from './repo.js';
import type { Clock } from '../time/clock.js';
import { SharedLoad } from '../db/shared-load.js';
import { changeOf, decodePage, LATE_COMMIT_MS, type Change } from './pages.js';
import { PAGES_KEPT_SECONDS } from './publisher.js';

const RATE_WINDOW_MS = 60_000;
/** A live room without a page for this long is read directly: the leader may be changing hands. */
const SILENCE_MS = 5_000;
/** Pages read in one go; a node further behind reads on in the next. */
const PAGES_PER_READ = 200;

export type TicketState = 'waiting' | 'admitted' | 'used' | 'skipped' | 'lapsed' | 'dropped' | 'left';
const STATES: TicketState[] = ['waiting', 'admitted', 'used', 'skipped', 'lapsed', 'dropped', 'left'];
const WAITING = 1; // state codes are index + 1; 0 means "not seen yet"

/** One room as this node knows it: the room row and, per place, who still waits. */
export class RoomMemory {
  room: sql.RoomRow;
  private readonly waiting = new Fenwick();
  private states = new Uint8Array(1024);
  /** Per place, the version of its ticket this node knows (0: none yet). */
  private versions = new Float64Array(1024);
  /** Pre-queue tickets learn their place at opening; live tickets carry it in their ticket. */
  private readonly placeOf = new Map<string, number>();
  private readonly preStates = new Map<string, TicketState>();
  private readonly preVersions = new Map<string, number>();
  private readonly admissions = new Map<string, number>();
  private since = 0;
  /** When this node last learnt this room's changes (a page, or a direct read), by its clock. */
  fedAt = 0;
  private samples: { at: number; admitted: number }[] = [];
  private activeCache = { at: 0, n: 0 };
  maxPlace = 0;
  abandoned = 0;

  constructor(room: sql.RoomRow) {
    this.room = room;
  }

  /**
   * Applies what this node learnt, in any order and as often as it comes: a change older than the version
   * already known of its ticket is skipped, so a page read late never takes a ticket back.
   */
  apply(changes: Change[]): void {
    if (changes.length > 0) this.activeCache.at = 0;
    for (const c of changes) {
      if (c.changedAt > this.since) this.since = c.changedAt;
      const place = c.idx ?? this.placeOf.get(c.id);
      if (c.version <= (place === undefined ? (this.preVersions.get(c.id) ?? 0) : (this.versions[place] ?? 0))) continue;
      const code = STATES.indexOf(c.state as TicketState) + 1;
      if (c.idx === null) {
        this.preStates.set(c.id, c.state as TicketState);
        this.preVersions.set(c.id, c.version);
      } else {
        if (c.pre) {
          this.placeOf.set(c.id, c.idx);
          this.preStates.delete(c.id);
          this.preVersions.delete(c.id);
        }
        this.setState(c.idx, code, c.version);
      }
      if (c.state === 'admitted' && c.admissionExpiresAt !== null) this.admissions.set(c.id, c.admissionExpiresAt);
      else this.admissions.delete(c.id);
    }
  }

  /** Where a direct read of the tickets starts: the newest change known, less the late-commit window. */
  readCursor(): Date {
    return new Date(Math.max(0, this.since - LATE_COMMIT_MS));
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
    return (
      this.waiting.bytes +
      this.states.byteLength +
      this.versions.byteLength +
      MAP_ENTRY * (this.placeOf.size + this.preStates.size + this.preVersions.size + this.admissions.size)
    );
  }

  admissionExpiry(ticketId: string): number | undefined {
    return this.admissions.get(ticketId);
  }

  private setState(place: number, code: number, version: number): void {
    if (place >= this.states.length) {
      let size = this.states.length;
      while (size <= place) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.states);
      this.states = grown;
      const versions = new Float64Array(size);
      versions.set(this.versions);
      this.versions = versions;
    }
    this.versions[place] = version;
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
 * How a node learns the waiting rooms' changes: 'pages' (the default) reads the pages the leader wrote
 * (queue/publisher.ts), one row per page whatever the nodes; 'tickets' reads the changed tickets itself,
 * each node every change (the design before; the bench's baseline).
 */
export type ChangeSource = 'pages' | 'tickets';

/**
 * Each node's copy of every live waiting room, refreshed about once a second from the database: the room
 * rows, then the rooms' changes from the new pages of changes. A room new to this node, a room without a
 * page for a while (the leader changing hands), a node that fell behind the kept pages, and refresh()
 * read the changed tickets directly instead. Status polls are answered from here and cost the database
 * nothing.
 */
export class QueueView {
  private readonly memories = new Map<number, RoomMemory>();
  private timer: NodeJS.Timeout | undefined;
  /** The last page seen (a bigint, as text); undefined until the first load. */
  private pageSeq: string | undefined;
  private pagesReadAt = 0;
  private direct = false;
  private readonly loads = new SharedLoad(
    () => this.load(),
    (err) => this.log.warn({ err }, 'waiting-room refresh failed; serving the previous state'),
  );

  constructor(
    private readonly db: Queryable,
    private readonly refreshMs: number,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly source: ChangeSource = 'pages',
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
   * Refreshes now, reading the changed tickets themselves, and resolves once a refresh that began after
   * this call has finished: a change made before the call is in memory then. Calls during a refresh share
   * the one refresh that follows it.
   */
  refresh(): Promise<void> {
    this.direct = true;
    return this.loads.fresh();
  }

  /** One periodic refresh, as the timer runs it (tests call it instead of waiting for the timer). */
  tick(): Promise<void> {
    return this.loads.run();
  }

  private async load(): Promise<void> {
    const direct = this.direct || this.source === 'tickets';
    this.direct = false;
    const now = this.clock.now();
    const rows = (await run<sql.RoomRow>(this.db, sql.rooms())).rows;
    const live = new Set<number>();
    for (const room of rows) {
      live.add(room.release_id);
      let memory = this.memories.get(room.release_id);
      if (!memory) this.memories.set(room.release_id, (memory = new RoomMemory(room)));
      memory.setRoom(room, now);
    }
    for (const id of this.memories.keys()) if (!live.has(id)) this.memories.delete(id);
    const unread = new Set([...this.memories.values()].filter((m) => m.fedAt === 0));
    const behind = await this.readPages(now);
    for (const memory of this.memories.values()) {
      if (!direct && !behind && !unread.has(memory) && now - memory.fedAt < SILENCE_MS) continue;
      const changes = await run<sql.TicketChange>(this.db, sql.ticketChanges(memory.room.release_id, memory.readCursor()));
      memory.apply(changes.rows.map(changeOf));
      memory.fedAt = now;
    }
  }

  /**
   * Applies the pages written since the last one seen. Says whether this node lost track of them (its first
   * load, or longer away than pages are kept): then every room is read directly, after the pages'
   * current end is noted, so nothing written in between is missed.
   */
  private async readPages(now: number): Promise<boolean> {
    if (this.source === 'tickets') return false;
    if (this.pageSeq === undefined || now - this.pagesReadAt > (PAGES_KEPT_SECONDS * 1000) / 2) {
      this.pageSeq = (await run<{ seq: string }>(this.db, sql.lastPageSeq())).rows[0]!.seq;
      this.pagesReadAt = now;
      return true;
    }
    for (let after = this.pageSeq; ;) {
      const pages: sql.ChangePageRow[] = (await run<sql.ChangePageRow>(this.db, sql.changePagesAfter(after, PAGES_PER_READ))).rows;
      for (const page of pages) {
        const memory = this.memories.get(page.release_id);
        // A room this node does not know yet is read directly once it appears in its rooms.
        if (memory) {
          memory.apply(await decodePage(page.body));
          memory.fedAt = now;
        }
        this.pageSeq = after = page.seq;
      }
      this.pagesReadAt = now;
      if (pages.length < PAGES_PER_READ) return false;
    }
  }
}
