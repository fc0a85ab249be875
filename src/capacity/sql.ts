/**
 * The capacity rules, written once; every statement that reads or changes free units uses these.
 *
 * A slot has `capacity` units; holds and bookings have `taken` some. Of a first-dose slot,
 * `reserved` units are kept for the wait list while its release's `waitlist_until` lies ahead, and
 * `phone_reserved` for the hotline while `phone_until` does. Each way may take what is neither
 * taken nor kept for another way: the public neither share, the wait list not the phone's, the
 * phone not the wait list's. The fragments expect the slot as `s` and its release as `r`.
 */

/** Which way a unit is taken: the public (maybe admitted by a waiting room), the wait list, or the hotline. */
export type Way = 'public' | 'waitlist' | 'phone';

export const KEPT_FOR_WAITLIST = `CASE WHEN r.waitlist_until > clock_now() THEN s.reserved ELSE 0 END`;
export const KEPT_FOR_PHONE = `CASE WHEN r.phone_until > clock_now() THEN s.phone_reserved ELSE 0 END`;

/** The units of a slot kept from a way (for the others). */
export const keptFrom = (way: Way): string =>
  way === 'public' ? `(${KEPT_FOR_WAITLIST} + ${KEPT_FOR_PHONE})` : way === 'waitlist' ? KEPT_FOR_PHONE : KEPT_FOR_WAITLIST;

/** The units of a slot a way may still take. */
export const freeFor = (way: Way): string => `greatest(s.capacity - s.taken - ${keptFrom(way)}, 0)`;

/**
 * Gives units back, as the tail of a WITH: `units` names a CTE with one row (`id`) per unit.
 * The slots are locked in the one order every statement that takes or gives back units locks
 * them in (first doses before second doses, then by id), so a cancellation, the expiry sweep and
 * a batch of holds on the same slots queue behind each other instead of deadlocking. The CTE
 * `given_back` returns the slots changed.
 */
export const giveBack = (units: string): string => `
  given_back_locked AS MATERIALIZED (
    SELECT s.id FROM slots s WHERE s.id IN (SELECT id FROM ${units}) ORDER BY s.dose, s.id FOR NO KEY UPDATE
  ), given_back AS (
    UPDATE slots s SET taken = s.taken - u.n FROM (SELECT id, count(*)::int AS n FROM ${units} GROUP BY id) u
    WHERE s.id = u.id AND s.id IN (SELECT id FROM given_back_locked) RETURNING s.id
  )`;
