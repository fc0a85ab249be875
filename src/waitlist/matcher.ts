import type { Logger } from 'pino';
import { run, type Db } from '../db/pool.js';
import type { PeriodicTask } from '../jobs/leader.js';
import * as sql from './repo.js';
import type { WaitlistService } from './service.js';

/** Entries looked at per campaign and round; the rest come next round (every half second). */
const ENTRIES_PER_ROUND = 200;

/**
 * Turns freed capacity into offers, on the leader: first it closes offers whose deadline
 * passed (their units come back at once), then, for every campaign with people waiting and
 * anything free, it walks the line in order and offers each person the earliest slot that
 * fits their wishes. Whatever freed the capacity (a cancellation, an expired hold, a new
 * release, a rebooking, a declined offer) is found within a round.
 */
export function waitlistMatcher(db: Db, waitlist: WaitlistService, log: Logger): PeriodicTask {
  return {
    name: 'waitlist-offers',
    everyMs: 500,
    async run() {
      const expired = await run(db, sql.expireOffers());
      if (expired.rowCount) log.info({ offers: expired.rowCount }, 'wait-list offers expired; units passed on');
      for (const { campaign_id } of (await run<{ campaign_id: number }>(db, sql.campaignsWithWaiting())).rows) {
        if (!(await run<{ free: boolean }>(db, sql.anythingFree(campaign_id))).rows[0]!.free) continue;
        let offers = 0;
        for (const entry of (await run<sql.EntryRow>(db, sql.waitingEntries(campaign_id, ENTRIES_PER_ROUND))).rows) {
          if (await waitlist.offerTo(entry)) offers++;
          else if (!(await run<{ free: boolean }>(db, sql.anythingFree(campaign_id))).rows[0]!.free) break;
        }
        if (offers > 0) log.info({ campaignId: campaign_id, offers }, 'wait-list offers made');
      }
    },
  };
}
