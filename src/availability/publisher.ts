import type { Logger } from 'pino';
import { run, type Db } from '../db/pool.js';
import type { PeriodicTask } from '../jobs/leader.js';
import type { Clock } from '../time/clock.js';
import * as sql from './repo.js';

/** A full page (every slot) at least this often, so a node joining the chain reads few pages after it. */
const FULL_PAGE_EVERY_MS = 60_000;
/** Pages are kept this long behind the last full page: a node further behind joins the chain again. */
const PAGES_KEPT_SECONDS = 120;
const PRUNE_EVERY_MS = 60_000;

/**
 * The one reader of the free units: runs on the leader of changes only. Twice a second it reads every released
 * future slot's free units (one statement, one snapshot) and writes a page of those that changed since its last
 * read, empty when none did; every node's view applies the new pages (view.ts). The database reads the slots
 * once, however many nodes there are. A new leader, and this one each minute, writes a full page instead, so a
 * node can always join the chain from the last full page; so does a leader that finds another's pages after its own.
 */
export function availabilityPublisher(db: Db, log: Logger, clock: Clock): PeriodicTask {
  let last: { seq: string; free: Map<number, number>; fullAt: number } | undefined;
  let prunedAt = 0;
  return {
    name: 'publish-availability',
    everyMs: 500,
    async run() {
      try {
        await publish();
      } catch (err) {
        // Not kept: the next turn, here or on the next leader, starts the chain again with a full page.
        last = undefined;
        throw err;
      }
      if (clock.now() - prunedAt >= PRUNE_EVERY_MS) {
        await run(db, sql.prunePages(PAGES_KEPT_SECONDS));
        prunedAt = clock.now();
      }
    },
  };

  async function publish(): Promise<void> {
    const counts = (await run<sql.CountsRow>(db, sql.releasedSlotCounts())).rows[0]!;
    const free = new Map(counts.slot_ids.map((id, i) => [id, counts.free[i]!]));
    if (!last || clock.now() - last.fullAt >= FULL_PAGE_EVERY_MS) {
      const seq = (await run<{ seq: string }>(db, sql.insertPage(null, counts))).rows[0]!.seq;
      last = { seq, free, fullAt: clock.now() };
      log.debug({ seq, slots: free.size }, 'availability: full page');
      return;
    }
    const changed: sql.CountsRow = { read_at: counts.read_at, slot_ids: [], free: [] };
    for (const [id, n] of free) {
      if (last.free.get(id) === n) continue;
      changed.slot_ids.push(id);
      changed.free.push(n);
    }
    const written = (await run<{ seq: string }>(db, sql.insertPage(last.seq, changed))).rows[0];
    if (!written) {
      // Another leader wrote pages since this one's last: a chain of its own starts with a full page.
      last = undefined;
      return publish();
    }
    last = { ...last, seq: written.seq, free };
  }
}
