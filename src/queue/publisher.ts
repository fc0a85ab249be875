import type { Logger } from 'pino';
import { run, type Queryable } from '../db/pool.js';
import type { PeriodicTask } from '../jobs/leader.js';
import type { Clock } from '../time/clock.js';
import { changeOf, encodePage, LATE_COMMIT_MS } from './pages.js';
import * as sql from './repo.js';

/** A page holds at most this many changes (a new leader's first read of a long line is split). */
const PAGE_ENTRIES = 20_000;
/** Pages are kept this long: a node further behind reads the tickets themselves once. */
export const PAGES_KEPT_SECONDS = 600;
const PRUNE_EVERY_MS = 60_000;

interface RoomCursor {
  /** The changed_at up to which this room's changes are in pages. */
  upto: number;
  /** What was published within the late-commit window, by ticket: its version and changed_at. */
  published: Map<string, { version: number; at: number }>;
  /** The snapshot the last read saw (null: none yet): the next reads only what that read could not see. */
  snapshot: string | null;
}

/**
 * The one reader of the waiting rooms' changes: runs on the leader only. Twice a second it reads, for every
 * live room, the tickets in the late-commit window that its last read could not see (repo.ts
 * ticketChangesUnseen: committed since that read's snapshot), and writes those it has not published yet as a
 * page; every node's view reads the new pages (queue/view.ts). The database reads each change about once,
 * however many nodes there are and however many reads its window spans. A new leader goes on from the last
 * page's end; what it publishes again is harmless, a node keeps the newest version of each ticket.
 */
export function changePublisher(db: Queryable, log: Logger, clock: Clock): PeriodicTask {
  const cursors = new Map<number, RoomCursor>();
  let prunedAt = 0;
  return {
    name: 'publish-queue-changes',
    everyMs: 500,
    async run() {
      const rooms = (await run<sql.RoomRow>(db, sql.rooms())).rows;
      const live = new Set(rooms.map((r) => r.release_id));
      for (const id of cursors.keys()) if (!live.has(id)) cursors.delete(id);
      for (const room of rooms) {
        await publish(room.release_id).catch((err: unknown) => {
          // Not kept: the next leader, or this one's next turn, starts again from the last page.
          cursors.delete(room.release_id);
          log.warn({ err, releaseId: room.release_id }, 'publishing waiting-room changes failed');
        });
      }
      if (clock.now() - prunedAt >= PRUNE_EVERY_MS) {
        await run(db, sql.pruneChangePages(PAGES_KEPT_SECONDS));
        prunedAt = clock.now();
      }
    },
  };

  async function publish(releaseId: number): Promise<void> {
    let cursor = cursors.get(releaseId);
    if (!cursor) {
      const last = (await run<{ upto: Date }>(db, sql.lastPageEnd(releaseId))).rows[0];
      cursor = { upto: last?.upto.getTime() ?? 0, published: new Map(), snapshot: null };
      cursors.set(releaseId, cursor);
    }
    const from = Math.max(0, cursor.upto - LATE_COMMIT_MS);
    const rows = (await run<sql.SeenTicketChange>(db, sql.ticketChangesUnseen(releaseId, new Date(from), cursor.snapshot))).rows;
    const fresh = [];
    let upto = cursor.upto;
    for (const row of rows) {
      if (row.id === null) continue; // nothing changed: the row only carries the snapshot
      const change = changeOf(row);
      upto = Math.max(upto, change.changedAt);
      if ((cursor.published.get(change.id)?.version ?? 0) >= change.version) continue;
      fresh.push(change);
    }
    for (let i = 0; i < fresh.length; i += PAGE_ENTRIES) {
      const part = fresh.slice(i, i + PAGE_ENTRIES);
      // Each page ends where its changes end, so a leader stopped between two pages leaves nothing out.
      const end = i + PAGE_ENTRIES >= fresh.length ? upto : Math.max(cursor.upto, part[part.length - 1]!.changedAt);
      await run(db, sql.insertChangePage(releaseId, new Date(end), part.length, await encodePage(part)));
    }
    for (const c of fresh) cursor.published.set(c.id, { version: c.version, at: c.changedAt });
    cursor.upto = upto;
    cursor.snapshot = rows[0]!.snapshot;
    for (const [id, p] of cursor.published) if (p.at <= upto - LATE_COMMIT_MS) cursor.published.delete(id);
  }
}
