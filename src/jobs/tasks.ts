import type { Logger } from 'pino';
import { run, type Db } from '../db/pool.js';
import { expireHolds, pruneLookupFailures } from '../booking/repo.js';
import { LOOKUP_LIMITS } from '../booking/lookups.js';
import type { PeriodicTask } from './leader.js';
import { pruneIdempotencyKeys } from '../http/repo.js';

const EXPIRY_BATCH = 5000;

/** The periodic work of the booking core. */
export function coreTasks(db: Db, log: Logger): PeriodicTask[] {
  return [
    {
      // Every second, so an expired hold's capacity is bookable again well within 5 s.
      name: 'expire-holds',
      everyMs: 1000,
      async run() {
        for (;;) {
          const res = await run<{ holds: number; slots: number }>(db, expireHolds(EXPIRY_BATCH));
          const { holds } = res.rows[0]!;
          if (holds > 0) log.debug({ holds }, 'expired holds');
          if (holds < EXPIRY_BATCH) return;
        }
      },
    },
    {
      name: 'prune-idempotency-keys',
      everyMs: 60_000,
      run: () => run(db, pruneIdempotencyKeys()),
    },
    {
      name: 'prune-lookup-failures',
      everyMs: 60_000,
      run: () => run(db, pruneLookupFailures(LOOKUP_LIMITS.windowSeconds)),
    },
  ];
}
