import { run, type Db } from '../db/pool.js';
import { AppError, fail } from '../errors.js';
import * as sql from './repo.js';

/**
 * How many wrong guesses a booking lookup (code + date of birth) allows before it is refused
 * with 429 for the rest of the window. Per code: a person who mistypes their date of birth a few
 * times is fine; someone trying all 36,500 birthdays of a century needs about 38 days. Per
 * address: higher, since many people can share one address (a care home, a mobile network).
 */
export const LOOKUP_LIMITS = {
  perCode: 10,
  perAddress: 50,
  windowSeconds: 15 * 60,
} as const;

/**
 * Wraps the use cases that find a booking by its code and a date of birth. A locked code or
 * address is refused before the lookup; a lookup that finds nothing is counted, in the
 * database, so that all nodes count together. The count is written on its own, outside the
 * lookup's transaction, which a failed lookup rolls back.
 */
export function lookupGuard(db: Db) {
  return async <T>(code: string, address: string, lookup: () => Promise<T>): Promise<T> => {
    const keys = [`code:${code}`, `address:${address}`];
    const locked = (await run<{ retry_after: number | null }>(db, sql.lookupLockedFor(keys))).rows[0]?.retry_after;
    if (locked) fail('TOO_MANY_LOOKUPS', undefined, { retryAfterSeconds: locked });
    try {
      return await lookup();
    } catch (err) {
      if (err instanceof AppError && err.code === 'BOOKING_NOT_FOUND') {
        await run(db, sql.recordLookupFailures(keys, [LOOKUP_LIMITS.perCode, LOOKUP_LIMITS.perAddress], LOOKUP_LIMITS.windowSeconds));
      }
      throw err;
    }
  };
}
